package render_test

import (
	"testing"

	"github.com/plinth-dev/plinth/generator"
	"github.com/plinth-dev/plinth/internal/gitops/render"
	"github.com/plinth-dev/plinth/internal/gitops/source"
	"github.com/plinth-dev/plinth/internal/testutil/synth"
)

// TestTypedWalkOnPlinthOutput: on every object the native build
// accumulates from plinth's output of the synthetic platform (both
// engines), and on mutations of each, the type check's walk gives what
// decoding through JSON gives.
func TestTypedWalkOnPlinthOutput(t *testing.T) {
	m := synth.Load(t, 40)
	for i, engine := range []string{"flux", "argocd"} {
		out, err := generator.Generate(m, generator.Options{Engine: engine})
		if err != nil {
			t.Fatal(err)
		}
		if n := render.CheckTypedWalk(t, source.FromFiles(engine, out.Files), uint64(i)); n < 500 {
			t.Errorf("%s: only %d objects built", engine, n)
		}
	}
}
