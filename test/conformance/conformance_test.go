package conformance

import (
	"context"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/plinth-dev/plinth/internal/testutil/snapshot"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/plinth-dev/plinth/generator"
	"github.com/plinth-dev/plinth/internal/testutil/crds"
	"github.com/plinth-dev/plinth/internal/testutil/synth"
	"github.com/plinth-dev/plinth/schemas"
)

var (
	serverOnce sync.Once
	server     *Server
	serverErr  error
)

// startServer starts one API server (with the CRDs) for the whole package;
// TestMain stops it.
func startServer(t *testing.T) *Server {
	t.Helper()
	if _, _, err := Binaries(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("conformance needs kube-apiserver and etcd in CI (.ci/steps.d/apiserver.sh): %v", err)
		}
		t.Skipf("skipping the real-server conformance test: %v", err)
	}
	serverOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		// Ports are picked free then bound by the servers: retry once if
		// another process took one in between.
		for attempt := 0; attempt < 2; attempt++ {
			dir, err := os.MkdirTemp("", "plinth-apiserver-")
			if err != nil {
				serverErr = err
				return
			}
			server, serverErr = Start(ctx, dir, 2*time.Minute)
			if serverErr == nil {
				break
			}
			os.RemoveAll(dir)
		}
		if serverErr != nil {
			return
		}
		defs, err := crds.Published()
		if err != nil {
			serverErr = err
			return
		}
		if err := server.InstallCRDs(ctx, defs, time.Minute); err != nil {
			serverErr = err
		}
	})
	if serverErr != nil {
		t.Fatalf("start kube-apiserver: %v", serverErr)
	}
	return server
}

func TestMain(m *testing.M) {
	code := m.Run()
	if server != nil {
		server.Stop()
		os.RemoveAll(server.dir)
	}
	os.Exit(code)
}

// platformDir writes a platform: the init example or a synthetic one.
func platformDir(t *testing.T, services int) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "platform")
	var err error
	if services == 0 {
		err = schemas.WriteExample(dir)
	} else {
		err = synth.Write(dir, services)
	}
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestConformance(t *testing.T) {
	srv := startServer(t)
	example := platformDir(t, 0)
	synthetic := platformDir(t, 100)
	// Development on GKE (GKE Workload Identity, Secret Manager add-on),
	// production on AKS.
	multicloud := filepath.Join("..", "..", "schemas", "examples", "multicloud")
	// The escape hatch: patches per service, override and environment, and
	// extra objects (a ConfigMap, a Role).
	escape := filepath.Join("..", "..", "testdata", "platforms", "escape")
	// Addon blueprints on a generic and an aks cluster.
	addons := filepath.Join("..", "..", "testdata", "addons")
	tests := []struct {
		name, dir, engine, flavor string
		repoPath                  string // publish --path: the output's directory in the repository
	}{
		{"example/flux/kustomize", example, "flux", "kustomize", ""},
		{"example/flux/helm", example, "flux", "helm", ""},
		{"example/argocd/kustomize", example, "argocd", "kustomize", ""},
		{"example/argocd/helm", example, "argocd", "helm", ""},
		{"example/flux/kustomize/under-path", example, "flux", "kustomize", "platforms/drones"},
		{"example/argocd/helm/under-path", example, "argocd", "helm", "platforms/drones"},
		{"synthetic-100/flux/kustomize", synthetic, "flux", "kustomize", ""},
		{"synthetic-100/argocd/helm", synthetic, "argocd", "helm", ""},
		{"multicloud/flux/kustomize", multicloud, "flux", "kustomize", ""},
		{"multicloud/flux/helm", multicloud, "flux", "helm", ""},
		{"multicloud/argocd/kustomize", multicloud, "argocd", "kustomize", ""},
		{"multicloud/argocd/helm", multicloud, "argocd", "helm", ""},
		{"escape/flux/kustomize", escape, "flux", "kustomize", ""},
		{"escape/flux/helm", escape, "flux", "helm", ""},
		{"escape/argocd/kustomize", escape, "argocd", "kustomize", ""},
		{"escape/argocd/helm", escape, "argocd", "helm", ""},
		{"addons/flux/kustomize", addons, "flux", "kustomize", ""},
		{"addons/flux/helm", addons, "flux", "helm", ""},
		{"addons/argocd/kustomize", addons, "argocd", "kustomize", ""},
		{"addons/argocd/helm", addons, "argocd", "helm", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := schemas.Load(tc.dir)
			if err != nil {
				t.Fatalf("load: %v", err)
			}
			out, err := generator.Generate(m, generator.Options{Engine: tc.engine, Flavor: tc.flavor, RepoPath: tc.repoPath})
			if err != nil {
				t.Fatalf("generate: %v", err)
			}
			repo := filepath.Join(t.TempDir(), "fleet")
			if err := generator.Write(out, filepath.Join(repo, filepath.FromSlash(tc.repoPath))); err != nil {
				t.Fatalf("write: %v", err)
			}
			snap := snapshot.Dir(t, repo)
			for _, c := range m.Clusters {
				r, err := Render(snap, path.Join(tc.repoPath, "clusters"), c.Name)
				if err != nil {
					t.Fatalf("cluster %s: render: %v", c.Name, err)
				}
				checkRendered(t, m, c.Name, r)
				checkAddonObjects(t, m, c, r)
				ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
				problems, err := srv.Apply(ctx, r)
				cancel()
				if err != nil {
					t.Fatalf("cluster %s: apply: %v", c.Name, err)
				}
				for _, p := range problems {
					t.Errorf("cluster %s: %s", c.Name, p)
				}
				t.Logf("cluster %s: %d namespaces, %d objects applied (dry-run), external charts: %d",
					c.Name, len(r.Namespaces), len(r.Objects), len(r.External))
			}
		})
	}
}

// checkRendered makes sure the render reached every workload of the cluster,
// so that "no problems" is not vacuous, and left out nothing but the charts
// of Helm repositories (the addons).
func checkRendered(t *testing.T, m *schemas.Model, cluster string, r *Rendered) {
	t.Helper()
	for _, e := range r.External {
		if !strings.Contains(e, "remote chart") {
			t.Errorf("cluster %s: not evaluated: %s", cluster, e)
		}
	}
	want := map[string]bool{}
	for _, e := range m.Environments {
		if e.Cluster != cluster {
			continue
		}
		for _, w := range e.Workloads {
			want[w.Kind+" "+w.Namespace+"/"+w.Name] = true
			if w.Metrics != nil {
				want[monitorKind(w)+" "+w.Namespace+"/"+w.Name] = true
			}
			if w.Route != nil {
				want["HTTPRoute "+w.Namespace+"/"+w.Name] = true
			}
			if w.CanaryReplicas() > 0 {
				want["Deployment "+w.Namespace+"/"+w.Route.Canary.Name] = true
			}
		}
		if g := e.Gateway; g != nil {
			want["Gateway "+g.Namespace+"/"+g.Name] = true
		}
	}
	for _, o := range r.Objects {
		delete(want, o.Value.GetKind()+" "+namespaceOf(o)+"/"+o.Value.GetName())
	}
	for w := range want {
		t.Errorf("cluster %s: workload %s not rendered from clusters/%s", cluster, w, cluster)
	}
}

func namespaceOf(o Object) string {
	if ns := o.Value.GetNamespace(); ns != "" {
		return ns
	}
	return o.DefaultNamespace
}

// TestHarnessCatchesProblems checks the applier reports what the conformance
// test must fail on: schema errors and Pod Security warnings.
func TestHarnessCatchesProblems(t *testing.T) {
	srv := startServer(t)
	restricted := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "v1", "kind": "Namespace",
		"metadata": map[string]any{"name": "harness-restricted", "labels": map[string]any{
			"pod-security.kubernetes.io/enforce": "baseline",
			"pod-security.kubernetes.io/warn":    "restricted",
		}},
	}}
	deploy := func(name string, extra map[string]any) *unstructured.Unstructured {
		container := map[string]any{"name": "app", "image": "registry.example.com/app:1.0.0"}
		for k, v := range extra {
			container[k] = v
		}
		return &unstructured.Unstructured{Object: map[string]any{
			"apiVersion": "apps/v1", "kind": "Deployment",
			"metadata": map[string]any{"name": name, "namespace": "harness-restricted"},
			"spec": map[string]any{
				"selector": map[string]any{"matchLabels": map[string]any{"app": name}},
				"template": map[string]any{
					"metadata": map[string]any{"labels": map[string]any{"app": name}},
					"spec":     map[string]any{"containers": []any{container}},
				},
			},
		}}
	}
	r := &Rendered{
		Namespaces:    []string{"harness-restricted"},
		namespaceObjs: map[string]*unstructured.Unstructured{"harness-restricted": restricted},
		Objects: []Object{
			{Source: "t", Value: deploy("not-restricted", nil)},
			{Source: "t", Value: deploy("unknown-field", map[string]any{"imagePullPolicyy": "IfNotPresent"})},
		},
	}
	problems, err := srv.Apply(context.Background(), r)
	if err != nil {
		t.Fatal(err)
	}
	all := strings.Join(problems, "\n")
	for _, want := range []string{
		`Deployment harness-restricted/unknown-field: failed to create typed patch object (harness-restricted/unknown-field; apps/v1, Kind=Deployment): .spec.template.spec.containers[name="app"].imagePullPolicyy: field not declared in schema`,
		`warning: t: Deployment harness-restricted/not-restricted: would violate PodSecurity "restricted:latest"`,
	} {
		if !strings.Contains(all, want) {
			t.Errorf("problems do not contain %q:\n%s", want, all)
		}
	}
}
