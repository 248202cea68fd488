package render

import (
	"strings"
	"testing"

	"github.com/plinth-dev/plinth/internal/gitops/source"
)

// TestKustomizationCycle: a cycle of kustomizations is one failing problem
// naming its files, whether reached from a cluster or found without one,
// whichever build (aggregate, native, kustomize) would have run, and none
// of its objects is rendered; a diamond is not a cycle.
func TestKustomizationCycle(t *testing.T) {
	deploy := []byte("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: root}\nspec:\n  template:\n    spec:\n      containers: [{name: c, image: x/y:1, securityContext: {runAsUser: 0}}]\n")
	kust := func(extra string, refs ...string) []byte {
		return []byte(extra + "resources: [" + strings.Join(refs, ", ") + "]\n")
	}
	const ab = "a/kustomization.yaml -> b/kustomization.yaml -> a/kustomization.yaml"
	for _, tc := range []struct {
		name  string
		files map[string][]byte
		want  string // "" for no cycle
		file  string
	}{
		{"fallback aggregate", map[string][]byte{"a/kustomization.yaml": kust("", "../b", "deploy.yaml"), "a/deploy.yaml": deploy,
			"b/kustomization.yaml": kust("", "../a")}, ab, "a/kustomization.yaml"},
		{"from a cluster", map[string][]byte{"clusters/prod/kustomization.yaml": kust("", "../../b"),
			"a/kustomization.yaml": kust("", "../b", "deploy.yaml"), "a/deploy.yaml": deploy, "b/kustomization.yaml": kust("", "../a")}, ab, "a/kustomization.yaml"},
		{"native", map[string][]byte{"clusters/prod/kustomization.yaml": kust("namespace: x\n", "../../a"),
			"a/kustomization.yaml": kust("namespace: y\n", "../b", "deploy.yaml"), "a/deploy.yaml": deploy, "b/kustomization.yaml": kust("namespace: z\n", "../a")}, ab, "a/kustomization.yaml"},
		{"kustomize", map[string][]byte{"clusters/prod/kustomization.yaml": kust("namePrefix: p-\n", "../../a"),
			"a/kustomization.yaml": kust("namePrefix: q-\n", "../b", "deploy.yaml"), "a/deploy.yaml": deploy, "b/kustomization.yaml": kust("namePrefix: r-\n", "../a")}, ab, "a/kustomization.yaml"},
		{"self", map[string][]byte{"a/kustomization.yaml": kust("", ".", "deploy.yaml"), "a/deploy.yaml": deploy},
			"a/kustomization.yaml -> a/kustomization.yaml", "a/kustomization.yaml"},
		{"three", map[string][]byte{"c/kustomization.yaml": kust("", "../a"), "a/kustomization.yaml": kust("", "../b", "deploy.yaml"), "a/deploy.yaml": deploy,
			"b/kustomization.yaml": kust("", "../c")}, "a/kustomization.yaml -> b/kustomization.yaml -> c/kustomization.yaml -> a/kustomization.yaml", "a/kustomization.yaml"},
		{"diamond", map[string][]byte{"top/kustomization.yaml": kust("", "../l", "../r"), "l/kustomization.yaml": kust("", "../base"),
			"r/kustomization.yaml": kust("namePrefix: r-\n", "../base"), "base/kustomization.yaml": kust("", "deploy.yaml"), "base/deploy.yaml": deploy}, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := Render(source.FromFiles("cycle", tc.files), Options{})
			if tc.want == "" {
				if len(res.Problems) != 0 || len(res.Objects) != 2 {
					t.Fatalf("problems %+v, %d objects", res.Problems, len(res.Objects))
				}
				return
			}
			if len(res.Problems) != 1 {
				t.Fatalf("want one problem, got %+v", res.Problems)
			}
			p := res.Problems[0]
			line := 1 // the line naming the next kustomization of the cycle
			if strings.Contains(tc.name, "native") || strings.Contains(tc.name, "kustomize") {
				line = 2
			}
			if p.File != tc.file || p.Line != line || p.NotEvaluated || !strings.Contains(p.Message, "cycle detected: "+tc.want+" (") {
				t.Errorf("problem %s:%d %q", p.File, p.Line, p.Message)
			}
			for _, o := range res.Objects {
				if o.Kind == "Deployment" {
					t.Errorf("object of the cycle rendered: %s from %s", o.ID(), o.File)
				}
			}
			for _, s := range res.Sources {
				if s.Kind == "kustomization" {
					t.Errorf("source %s counted as rendering", s.Path)
				}
			}
		})
	}
}
