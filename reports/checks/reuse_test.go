package checks

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/plinth-dev/plinth/internal/gitops/render"
	"github.com/plinth-dev/plinth/internal/gitops/repo"
	"github.com/plinth-dev/plinth/reports"
)

// reuseState is a state of objects for the reuse tests: workloads of two
// namespaces of one cluster, a Service, an HPA and a ServiceAccount (read
// by controls that are not workload-local), and the cluster's state.
func reuseState() *Input {
	objs := []render.Object{
		deployment("web", 2, podWith(map[string]any{"privileged": true}, "r.io/web:1")),
		deployment("api", 1, podWith(map[string]any{"runAsNonRoot": true, "readOnlyRootFilesystem": true}, "docker.io/api:latest")),
		deployment("worker", 3, map[string]any{"hostNetwork": true, "containers": []any{
			map[string]any{"name": "a", "image": "r.io/w@sha256:abc", "livenessProbe": map[string]any{"tcpSocket": map[string]any{"port": 80}},
				"readinessProbe": map[string]any{"tcpSocket": map[string]any{"port": 80}}}}}),
		{APIVersion: "v1", Kind: "Service", Name: "web", Namespace: "team-prod", Cluster: "prod", File: "apps/svc.yaml", Line: 1,
			Value: map[string]any{"kind": "Service", "spec": map[string]any{"selector": map[string]any{"app": "web"}}}},
		{APIVersion: "autoscaling/v2", Kind: "HorizontalPodAutoscaler", Name: "api", Namespace: "team-prod", Cluster: "prod", File: "apps/hpa.yaml", Line: 1,
			Value: map[string]any{"kind": "HorizontalPodAutoscaler", "spec": map[string]any{"minReplicas": 2, "scaleTargetRef": map[string]any{"kind": "Deployment", "name": "api"}}}},
		{APIVersion: "v1", Kind: "ServiceAccount", Name: "default", Namespace: "team-prod", Cluster: "prod", File: "apps/sa.yaml", Line: 1,
			Value: map[string]any{"kind": "ServiceAccount", "automountServiceAccountToken": false}},
	}
	other := deployment("batch", 1, podWith(nil, "r.io/batch:2"))
	other.Namespace, other.File = "team-dev", "apps/dev/batch.yaml"
	objs = append(objs, other)
	states := map[string]*ClusterState{"prod": {ClusterState: repo.ClusterState{Name: "prod", Zones: []string{"a", "b"},
		Environments: []repo.EnvState{{Name: "prod", Tier: "production", Namespaces: []string{"team-prod"}}, {Name: "dev", Tier: "development", Namespaces: []string{"team-dev"}}}}}}
	return &Input{Discovery: &render.Result{Clusters: []string{"prod"}, Objects: objs}, States: states, TrustedRegistries: []string{"r.io"}, RegistriesFile: ".plinth/baseline.yaml"}
}

func objectNamed(in *Input, name string) *render.Object {
	for i := range in.Discovery.Objects {
		if o := &in.Discovery.Objects[i]; o.Name == name && o.Kind == "Deployment" {
			return o
		}
	}
	panic("no object " + name)
}

// TestEvaluateReusing evaluates a second state reusing the findings of a
// first, for changes of each thing the object-local controls read: the
// findings are those Evaluate gives of the second state, and the findings
// copied (marked in the first state's kept findings) are exactly those of
// the objects whose inputs did not change, of object-local controls.
func TestEvaluateReusing(t *testing.T) {
	all := []string{"Deployment/web", "Deployment/api", "Deployment/worker", "Deployment/batch", "Service/web"}
	but := func(ids ...string) []string {
		return slices.DeleteFunc(slices.Clone(all), func(id string) bool { return slices.Contains(ids, id) })
	}
	for _, tc := range []struct {
		name   string
		change func(in *Input)
		// changed file, for sameFile; reused are the objects whose findings
		// of objectOnly controls are copied, reusedCtx of nsContext ones.
		changedFile       string
		reused, reusedCtx []string
		// nsSame: the findings of the nsObjects controls of the objects of
		// team-prod (its Service and HPA) are copied.
		nsSame bool
	}{
		{"unchanged", func(*Input) {}, "", all, all, true},
		{"image", func(in *Input) {
			o := objectNamed(in, "web")
			o.Value = deployment("web", 2, podWith(map[string]any{"privileged": true}, "r.io/web:2")).Value
		}, "", but("Deployment/web"), but("Deployment/web"), false},
		{"equal value, not the same map", func(in *Input) {
			o := objectNamed(in, "web")
			o.Value = deployment("web", 2, podWith(map[string]any{"privileged": true}, "r.io/web:1")).Value
		}, "", all, all, true},
		{"security context", func(in *Input) {
			o := objectNamed(in, "api")
			o.Value = deployment("api", 1, podWith(map[string]any{"runAsUser": 0}, "docker.io/api:latest")).Value
		}, "", but("Deployment/api"), but("Deployment/api"), false},
		{"line", func(in *Input) { objectNamed(in, "worker").Line = 7 }, "", but("Deployment/worker"), but("Deployment/worker"), false},
		{"file text", func(*Input) {}, "apps/web.yaml", but("Deployment/web"), but("Deployment/web"), false},
		{"deployer", func(in *Input) { objectNamed(in, "batch").Deployer = "Kustomization/flux-system/apps" }, "", but("Deployment/batch"), but("Deployment/batch"), true},
		{"namespace", func(in *Input) { objectNamed(in, "batch").Namespace = "team-prod" }, "", but("Deployment/batch"), but("Deployment/batch"), false},
		{"environment", func(in *Input) { in.States["prod"].Environments[1].Name = "development" }, "", but("Deployment/batch"), but("Deployment/batch"), true},
		{"tier", func(in *Input) { in.States["prod"].Environments[0].Tier = "staging" }, "", but("Deployment/web", "Deployment/api", "Deployment/worker", "Service/web"),
			but("Deployment/web", "Deployment/api", "Deployment/worker", "Service/web"), false},
		{"trusted registries", func(in *Input) { in.TrustedRegistries = []string{"r.io", "q.io"} }, "", nil, nil, false},
		{"registries file", func(in *Input) { in.RegistriesFile = ".plinth/clusters/prod.json" }, "", nil, nil, false},
		{"service, autoscaler and service account", func(in *Input) {
			for i := range in.Discovery.Objects {
				if o := &in.Discovery.Objects[i]; o.Kind == "HorizontalPodAutoscaler" || o.Kind == "ServiceAccount" {
					o.Value = map[string]any{"kind": o.Kind}
				}
			}
		}, "", all, []string{"Deployment/batch", "Service/web"}, false},
		{"a service added", func(in *Input) {
			in.Discovery.Objects = append(in.Discovery.Objects, render.Object{APIVersion: "v1", Kind: "Service", Name: "api", Namespace: "team-prod", Cluster: "prod",
				File: "apps/svc.yaml", Line: 9, Value: map[string]any{"kind": "Service", "spec": map[string]any{"selector": map[string]any{"app": "api"}}}})
		}, "", all, []string{"Deployment/batch", "Service/web"}, false},
		{"zones", func(in *Input) { in.States["prod"].Zones = nil }, "", all, nil, true},
		{"twice the same workload", func(in *Input) {
			in.Discovery.Objects = append(in.Discovery.Objects, *objectNamed(in, "worker"))
		}, "", but("Deployment/worker"), but("Deployment/worker"), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			first := reuseState()
			if tc.name == "twice the same workload" {
				// The duplicate is in the first state: its key names two objects.
				first.Discovery.Objects = append(first.Discovery.Objects, *objectNamed(first, "worker"))
			}
			_, kept := EvaluateKeeping(first)
			for _, per := range kept.findings {
				for _, fs := range per {
					for i := range fs {
						fs[i].Message = "kept: " + fs[i].Message
					}
				}
			}
			second := reuseState()
			// The second state shares the first's values, as the render
			// cache makes them, unless the change replaces one.
			for i := range second.Discovery.Objects {
				second.Discovery.Objects[i].Value = first.Discovery.Objects[i].Value
			}
			tc.change(second)
			want := Evaluate(second)
			sameFile := func(p string) bool { return p != tc.changedFile }
			got := EvaluateReusing(second, kept, sameFile)
			if len(got) != len(want) {
				t.Fatalf("%d findings, want %d", len(got), len(want))
			}
			copied := map[reuseScope]map[string]bool{objectOnly: {}, nsContext: {}, nsObjects: {}}
			for i := range got {
				g := got[i]
				if m, ok := strings.CutPrefix(g.Message, "kept: "); ok {
					scope := objectLocal[g.Control]
					if scope == 0 {
						t.Fatalf("finding of %s copied: %s is not object-local", g.Object, g.Control)
					}
					copied[scope][g.Object] = true
					g.Message = m
				}
				if !reflect.DeepEqual(g, want[i]) {
					t.Errorf("finding %d:\n got %+v\nwant %+v", i, g, want[i])
				}
			}
			for _, id := range []string{"Service/web", "HorizontalPodAutoscaler/api"} {
				if copied[nsObjects][id] != tc.nsSame {
					t.Errorf("findings of %s copied (namespace objects): %v, want %v", id, copied[nsObjects][id], tc.nsSame)
				}
			}
			for scope, reused := range map[reuseScope][]string{objectOnly: tc.reused, nsContext: tc.reusedCtx} {
				for _, id := range all {
					if id == "Service/web" && scope == nsContext {
						continue // no nsContext control visits a Service
					}
					if w := slices.Contains(reused, id); copied[scope][id] != w {
						t.Errorf("findings of %s copied (scope %d): %v, want %v", id, scope, copied[scope][id], w)
					}
				}
			}
		})
	}
}

// TestObjectLocalControlsExist keeps the list of object-local controls to
// manifest controls of the catalog.
func TestObjectLocalControlsExist(t *testing.T) {
	for id := range objectLocal {
		if _, ok := manifestChecks[id]; !ok {
			t.Errorf("%s: no manifest check", id)
		}
		if _, ok := reports.LookupControl(id); !ok {
			t.Errorf("%s: not in the catalog", id)
		}
	}
}
