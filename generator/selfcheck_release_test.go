package generator

import (
	"slices"
	"testing"

	"github.com/plinth-dev/plinth/generator/internal/tree"
)

// TestBuildOrder: the overlays sharing bases are started together; roots
// that include only their own directory keep their place by directory.
func TestBuildOrder(t *testing.T) {
	root := func(dir string, bases ...string) tree.RootCheck {
		rc := tree.RootCheck{Dir: dir, Include: []string{dir + "/"}}
		for _, b := range bases {
			rc.Include = append(rc.Include, "apps/base/"+b+"/")
		}
		return rc
	}
	tests := []struct {
		name  string
		roots []tree.RootCheck
		want  []int
	}{
		{"none", nil, []int{}},
		{"own directories only", []tree.RootCheck{root("a"), root("b"), root("c")}, []int{0, 1, 2}},
		{"overlays by team", []tree.RootCheck{
			root("apps/dev/t1", "y", "x"), root("apps/dev/t2", "z"), root("apps/prod/t1", "x", "y"),
			root("apps/prod/t2", "z"), root("clusters/c"), root("apps/base"),
		}, []int{5, 0, 2, 1, 3, 4}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := buildOrder(tc.roots); !slices.Equal(got, tc.want) {
				t.Errorf("order %v, want %v", got, tc.want)
			}
		})
	}
}

// TestDocRelease: the files under an included path are forgotten once,
// when the last root that includes it is built, and no sooner.
func TestDocRelease(t *testing.T) {
	files := map[string][]byte{}
	for _, p := range []string{"apps/base/x/kustomization.yaml", "apps/base/x/deployment.yaml", "apps/base/xy/service.yaml",
		"apps/dev/t1/kustomization.yaml", "apps/prod/t1/kustomization.yaml", "clusters/c/kustomization.yaml"} {
		files[p] = nil
	}
	roots := []tree.RootCheck{
		{Dir: "apps/dev/t1", Include: []string{"apps/dev/t1/", "apps/base/x/"}},
		{Dir: "apps/prod/t1", Include: []string{"apps/prod/t1/", "apps/base/x/"}},
		{Dir: "clusters/c", Include: []string{"clusters/c/"}},
	}
	var forgotten [][]string
	rel := newDocRelease(func(p []string) { forgotten = append(forgotten, slices.Clone(p)) }, files, roots)
	steps := []struct {
		built int
		want  [][]string
	}{
		{0, [][]string{{"apps/dev/t1/kustomization.yaml"}}},
		{2, [][]string{{"clusters/c/kustomization.yaml"}}},
		{1, [][]string{{"apps/prod/t1/kustomization.yaml"}, {"apps/base/x/deployment.yaml", "apps/base/x/kustomization.yaml"}}},
	}
	for _, s := range steps {
		forgotten = nil
		rel.built(roots[s.built])
		if !slices.EqualFunc(forgotten, s.want, slices.Equal) {
			t.Errorf("built %s: forgot %q, want %q", roots[s.built].Dir, forgotten, s.want)
		}
	}
}
