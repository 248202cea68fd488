package render_test

import (
	"strings"
	"testing"

	"github.com/plinth-dev/plinth/internal/testutil/cputime"

	"github.com/plinth-dev/plinth/generator"
	"github.com/plinth-dev/plinth/internal/gitops/render"
	"github.com/plinth-dev/plinth/internal/gitops/source"
	"github.com/plinth-dev/plinth/internal/testutil/synth"
)

// helmRepo is the synthetic platform of n services generated in the Helm
// layout for engine, as files.
func helmRepo(tb testing.TB, n int, engine string) map[string][]byte {
	tb.Helper()
	out, err := generator.Generate(synth.Load(tb, n), generator.Options{Flavor: generator.FlavorHelm, Engine: engine})
	if err != nil {
		tb.Fatal(err)
	}
	return out.Files
}

// TestHelmLayoutParsed: on the synthetic platform in the Helm layout (both
// engines), every template output of a report's renders is read by
// fastDocs (none left to the decoder) as the YAML decoder
// read it, and every values file by valuesDoc as yaml.Unmarshal reads it.
func TestHelmLayoutParsed(t *testing.T) {
	for _, engine := range []string{generator.EngineFlux, generator.EngineArgoCD} {
		files := helmRepo(t, 40, engine)
		values := map[string][]byte{}
		for p, data := range files {
			if strings.Contains(p, "/values/") || strings.HasSuffix(p, "/values.yaml") {
				values[p] = data
			}
		}
		if n, read := render.CheckValuesFiles(t, values); n < 40 || read != n {
			t.Errorf("%s: valuesDoc read %d of %d values files", engine, read, n)
		}
		var objects int
		outputs, read := render.CheckChartOutputs(t, func() {
			objects = len(render.Render(source.FromFiles("synth", files), render.Options{}).Objects)
		})
		if outputs < 100 || objects < outputs || read != outputs {
			t.Errorf("%s: fastDocs read %d of %d template outputs (%d objects)", engine, read, outputs, objects)
		}
	}
}

// BenchmarkRenderHelm renders the Helm-layout repository of the synthetic
// platform (500 services) the way report does.
func BenchmarkRenderHelm(b *testing.B) {
	files := helmRepo(b, 500, "")
	b.ResetTimer()
	cpu0 := cputime.Self()
	for b.Loop() {
		res := render.Render(source.FromFiles("bench", files), render.Options{})
		if len(res.Objects) == 0 {
			b.Fatal("no objects")
		}
	}
	b.ReportMetric((cputime.Self()-cpu0).Seconds()/float64(b.N), "cpu-s/op")
}

// TestHelmLayoutValues: the generated chart with every values file of the
// synthetic platform gives the same render values with renderValues as
// with Helm, coalesced by renderValues.
func TestHelmLayoutValues(t *testing.T) {
	files := helmRepo(t, 40, generator.EngineFlux)
	if n, fast := render.CheckRenderValues(t, files, "charts/service"); n < 100 || fast != n {
		t.Errorf("renderValues coalesced %d of %d", fast, n)
	}
}

// TestHelmLayoutSameAsHelm: the generated chart with every values file of
// the synthetic platform renders as with Helm's engine, one rendering after
// another sharing parsed templates (and keeping include results).
func TestHelmLayoutSameAsHelm(t *testing.T) {
	files := helmRepo(t, 40, generator.EngineFlux)
	if n := render.CheckChartAgainstHelm(t, files, "charts/service"); n < 100 {
		t.Errorf("only %d renderings compared", n)
	}
}
