package render_test

import (
	"testing"

	"github.com/plinth-dev/plinth/generator"
	"github.com/plinth-dev/plinth/internal/gitops/render"
)

// TestFastExecSameAsTemplate: the generated chart with every values file
// of the synthetic platform renders the same with the compiled executor as
// with text/template, and the executor finishes every rendering.
func TestFastExecSameAsTemplate(t *testing.T) {
	for _, engine := range []string{generator.EngineFlux, generator.EngineArgoCD} {
		files := helmRepo(t, 40, engine)
		n, fast := render.ChartRenders(t, files, "charts/service")
		if n < 100 || fast != n {
			t.Errorf("%s: the executor finished %d of %d renderings", engine, fast, n)
		}
	}
}

// BenchmarkHelmExec renders the generated chart with the values files of
// 100 services, with text/template and with the compiled executor.
func BenchmarkHelmExec(b *testing.B) {
	files := helmRepo(b, 100, generator.EngineFlux)
	for _, on := range []bool{false, true} {
		name := "text-template"
		if on {
			name = "compiled"
		}
		b.Run(name, func(b *testing.B) {
			run := render.RenderChartValues(b, files, "charts/service", on)
			b.ReportAllocs()
			for b.Loop() {
				run()
			}
		})
	}
}
