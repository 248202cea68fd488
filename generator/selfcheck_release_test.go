package generator

import (
	"slices"
	"strings"
	"testing"

	"github.com/plinth-dev/plinth/generator/internal/tree"
	"github.com/plinth-dev/plinth/internal/gitops/render"
	"github.com/plinth-dev/plinth/internal/gitops/source"
	"github.com/plinth-dev/plinth/internal/testutil/synth"
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

// TestSelfCheckForgetsAsItKept: the self-check (the overlays sharing bases
// built together, their parsed files forgotten after the last) reports
// exactly what building every root in order and forgetting nothing reports,
// on a synthetic platform whose output was broken in bases (shared by an
// overlay per environment), in an overlay and in an infrastructure root.
func TestSelfCheckForgetsAsItKept(t *testing.T) {
	full := testFullCheck
	testFullCheck = false
	defer func() { testFullCheck = full }()
	tr, opts, prepared, err := buildTree(synth.Load(t, 60), Options{})
	t.Cleanup(prepared)
	if err != nil {
		t.Fatal(err)
	}
	files := tr.Files()
	var broken int
	for i, p := range tree.SortedKeys(files) {
		base := strings.HasPrefix(p, tree.AppsDir+"/base/") && strings.HasSuffix(p, "/deployment.yaml") && i%7 == 0
		overlay := strings.Contains(p, "/patches/") && i%11 == 0
		infra := strings.HasPrefix(p, tree.InfraDir+"/") && strings.HasSuffix(p, "/resourcequota.yaml") && i%13 == 0
		if base || overlay || infra {
			files[p] = append(files[p], "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: intruder\n"...)
			broken++
		}
	}
	roots, charts := tr.Checks()
	if broken < 5 || len(charts) != 0 {
		t.Fatalf("%d files broken, %d charts: the test needs several and none", broken, len(charts))
	}
	b := render.NewBuilder(source.FromFiles("generated", files))
	errs := make([]error, len(roots))
	for i, rc := range roots {
		errs[i] = checkRoot(b, nil, rc)
	}
	want := joinErrors(errs, 20)
	got := selfCheck(tr, opts)
	if want == nil || strings.Count(want.Error(), "\n") < 4 {
		t.Fatalf("the broken files give %v, want several errors", want)
	}
	t.Logf("%d files broken: %d lines of errors", broken, strings.Count(want.Error(), "\n")+1)
	if got == nil || got.Error() != want.Error() {
		t.Errorf("self-check:\n%v\nbuilding in order, forgetting nothing:\n%v", got, want)
	}
}
