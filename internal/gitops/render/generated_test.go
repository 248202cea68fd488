package render_test

import (
	"path/filepath"
	"testing"

	"github.com/plinth-dev/plinth/generator"
	"github.com/plinth-dev/plinth/internal/gitops/render"
	"github.com/plinth-dev/plinth/internal/gitops/source"
	"github.com/plinth-dev/plinth/internal/testutil/synth"
	"github.com/plinth-dev/plinth/schemas"
)

// TestNativeMatchesKustomizeOnPlinthOutput: on every kustomization of
// plinth's output (both engines, and providers mixed through overrides),
// the native build gives exactly kustomize's objects, and it accepts all of
// them. An external test: the generator may import render.
func TestNativeMatchesKustomizeOnPlinthOutput(t *testing.T) {
	m := synth.Load(t, 60)
	snaps := map[string]*source.Snapshot{}
	for _, engine := range []string{"flux", "argocd"} {
		out, err := generator.Generate(m, generator.Options{Engine: engine})
		if err != nil {
			t.Fatal(err)
		}
		snaps["generated-"+engine] = source.FromFiles(engine, out.Files)
	}
	// Providers mixed through overrides: patches that remove and replace fields.
	mc, err := schemas.Load(filepath.Join("..", "..", "..", "schemas", "examples", "multicloud"))
	if err != nil {
		t.Fatal(err)
	}
	out, err := generator.Generate(mc, generator.Options{})
	if err != nil {
		t.Fatal(err)
	}
	snaps["generated-multicloud"] = source.FromFiles("multicloud", out.Files)
	for name, snap := range snaps {
		t.Run(name, func(t *testing.T) {
			compare := render.NativeComparer(snap)
			dirs := render.KustomizationDirs(snap)
			if len(dirs) == 0 {
				t.Fatal("no kustomization in plinth's output")
			}
			for _, dir := range dirs {
				if !compare(t, dir) {
					t.Errorf("%s: plinth's own kustomization is left to kustomize", dir)
				}
			}
		})
	}
}
