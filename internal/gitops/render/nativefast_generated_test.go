package render_test

import (
	"path"
	"slices"
	"strings"
	"testing"

	"github.com/plinth-dev/plinth/generator"
	"github.com/plinth-dev/plinth/internal/gitops/render"
	"github.com/plinth-dev/plinth/internal/gitops/source"
	"github.com/plinth-dev/plinth/internal/testutil/synth"
)

// TestNativeFastPathsOnPlinthOutput: on plinth's output of the synthetic
// platform (both engines), the type check's walk gives what decoding
// through JSON gives on every object the native build accumulates (and on
// mutations of each), and the fast reader reads every kustomization and
// JSON patch file as yaml.v2 does, all of plinth's own.
func TestNativeFastPathsOnPlinthOutput(t *testing.T) {
	m := synth.Load(t, 40)
	for i, engine := range []string{"flux", "argocd"} {
		out, err := generator.Generate(m, generator.Options{Engine: engine})
		if err != nil {
			t.Fatal(err)
		}
		if n := render.CheckTypedWalk(t, source.FromFiles(engine, out.Files), uint64(i)); n < 500 {
			t.Errorf("%s: only %d objects built", engine, n)
		}
		files, read := 0, 0
		for _, p := range slices.Sorted(func(yield func(string) bool) {
			for p := range out.Files {
				if !yield(p) {
					return
				}
			}
		}) {
			if path.Base(p) != "kustomization.yaml" && !strings.Contains(p, "/patches/") {
				continue
			}
			files++
			if render.CheckFastYAML11(t, string(out.Files[p])) {
				read++
			} else if !strings.Contains(p, "-delete-") {
				t.Errorf("%s: not read by the fast reader", p)
			}
		}
		if files < 100 {
			t.Errorf("%s: only %d kustomization and patch files", engine, files)
		}
	}
}
