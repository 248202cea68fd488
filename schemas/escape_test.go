package schemas_test

import (
	"path/filepath"
	"testing"

	"github.com/plinth-dev/plinth/schemas"
)

// TestEscapeResolved checks the escape hatch as the model holds it per
// environment: overrides.<env>.patches replaces the service's list, the
// extra objects are the service's where no override sets them, the
// environment's patches stay on the environment, and every declaration is
// located.
func TestEscapeResolved(t *testing.T) {
	m, err := schemas.Load(filepath.Join("..", "testdata", "platforms", "escape"))
	if err != nil {
		t.Fatal(err)
	}
	type want struct {
		patches   []string // target kinds, in order
		extras    int
		envPatchs int
	}
	tests := map[string]want{
		"dev":  {patches: []string{"Deployment", "HorizontalPodAutoscaler"}, extras: 2, envPatchs: 1},
		"prod": {patches: []string{"Deployment", "Service"}, extras: 2},
	}
	for _, env := range m.Environments {
		tc, ok := tests[env.Name]
		if !ok {
			t.Fatalf("unexpected environment %s", env.Name)
		}
		if len(env.Patches) != tc.envPatchs {
			t.Errorf("%s: %d environment patches, want %d", env.Name, len(env.Patches), tc.envPatchs)
		}
		for _, p := range env.Patches {
			if p.TargetPos.Line == 0 || p.BodyPos.Line == 0 {
				t.Errorf("%s: environment patch %s not located: %+v", env.Name, p.Path, p)
			}
		}
		for _, w := range env.Workloads {
			if w.Name != "api" {
				if len(w.Patches)+len(w.ExtraObjects) != 0 {
					t.Errorf("%s/%s: escape hatch %v %v, want none", env.Name, w.Name, w.Patches, w.ExtraObjects)
				}
				continue
			}
			var kinds []string
			for _, p := range w.Patches {
				kinds = append(kinds, p.Target.Kind)
				if p.Pos.File != "platform.cue" || p.TargetPos.Line == 0 {
					t.Errorf("%s: patch %s not located: %+v", env.Name, p.Path, p.Pos)
				}
				if p.JSONPatch != nil && len(p.OpPos) != len(p.JSONPatch) {
					t.Errorf("%s: patch %s: %d operation positions for %d operations", env.Name, p.Path, len(p.OpPos), len(p.JSONPatch))
				}
			}
			if len(kinds) != len(tc.patches) {
				t.Fatalf("%s: patch targets %v, want %v", env.Name, kinds, tc.patches)
			}
			for i := range kinds {
				if kinds[i] != tc.patches[i] {
					t.Errorf("%s: patch targets %v, want %v", env.Name, kinds, tc.patches)
				}
			}
			if len(w.ExtraObjects) != tc.extras {
				t.Errorf("%s: %d extra objects, want %d", env.Name, len(w.ExtraObjects), tc.extras)
			}
			for _, x := range w.ExtraObjects {
				if x.Pos.Line == 0 || x.Path == "" {
					t.Errorf("%s: extra object not located: %+v", env.Name, x)
				}
			}
		}
	}
}

// TestPatchTargetMatches checks target selection by kind and optional name.
func TestPatchTargetMatches(t *testing.T) {
	tests := []struct {
		target     schemas.PatchTarget
		kind, name string
		want       bool
	}{
		{schemas.PatchTarget{Kind: "Deployment"}, "Deployment", "api", true},
		{schemas.PatchTarget{Kind: "Deployment", Name: "api"}, "Deployment", "api", true},
		{schemas.PatchTarget{Kind: "Deployment", Name: "web"}, "Deployment", "api", false},
		{schemas.PatchTarget{Kind: "Service"}, "Deployment", "api", false},
	}
	for _, tc := range tests {
		if got := tc.target.Matches(tc.kind, tc.name); got != tc.want {
			t.Errorf("%+v.Matches(%s, %s) = %v, want %v", tc.target, tc.kind, tc.name, got, tc.want)
		}
	}
}
