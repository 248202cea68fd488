package render

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/plinth-dev/plinth/internal/testutil/snapshot"

	"github.com/plinth-dev/plinth/internal/gitops/source"
)

// snapshotOf reads a testdata repository into a snapshot.
func snapshotOf(t *testing.T, name string) *source.Snapshot {
	t.Helper()
	return snapshot.Dir(t, filepath.Join("..", "..", "..", "testdata", "repos", name))
}

func object(res *Result, kind, name string) *Object {
	for i, o := range res.Objects {
		if o.Kind == kind && o.Name == name {
			return &res.Objects[i]
		}
	}
	return nil
}

func TestFluxRender(t *testing.T) {
	res := Render(snapshotOf(t, "flux"), Options{})
	if strings.Join(res.Clusters, ",") != "prod" {
		t.Errorf("clusters %v", res.Clusters)
	}
	w := object(res, "Deployment", "worker")
	if w == nil {
		t.Fatal("Deployment/worker not discovered")
	}
	c := listAt(w.Value, "spec", "template", "spec", "containers")[0]
	if img := str(c, "image"); img != "registry.example.com/worker:1.4.0" {
		t.Errorf("postBuild default not substituted: %s", img)
	}
	if cpu := str(c, "resources", "limits", "cpu"); cpu != "500m" {
		t.Errorf("postBuild variable not substituted: %s", cpu)
	}
	if w.Namespace != "platform" || w.Cluster != "prod" || w.File != "infra/worker.yaml" || w.Line != 1 {
		t.Errorf("worker: %s %s %s:%d", w.Namespace, w.Cluster, w.File, w.Line)
	}
	web := object(res, "Deployment", "web")
	if web == nil || get(web.Value, "spec", "replicas") != 3 || web.Namespace != "shop" {
		t.Errorf("HelmRelease values not applied: %+v", web)
	}
	if cart := object(res, "Deployment", "prod-cart"); cart == nil || cart.File != "apps/base/deployment.yaml" || cart.Line != 2 {
		t.Errorf("kustomize source location: %+v", cart)
	}
}

func TestArgoRender(t *testing.T) {
	res := Render(snapshotOf(t, "argocd"), Options{})
	cat := object(res, "Deployment", "catalog")
	if cat == nil {
		t.Fatal("Deployment/catalog not discovered")
	}
	c := listAt(cat.Value, "spec", "template", "spec", "containers")[0]
	if str(c, "image") != "registry.example.com/catalog:3.2.1" || get(cat.Value, "spec", "replicas") != 2 || cat.Namespace != "catalog" {
		t.Errorf("valueFiles then values: image %s replicas %v namespace %s", str(c, "image"), get(cat.Value, "spec", "replicas"), cat.Namespace)
	}
	for _, name := range []string{"api", "worker"} {
		if o := object(res, map[string]string{"api": "Deployment", "worker": "CronJob"}[name], name); o == nil || o.Namespace != name {
			t.Errorf("ApplicationSet directory %s: %+v", name, o)
		}
	}
	notEvaluated := 0
	for _, p := range res.Problems {
		if p.NotEvaluated {
			notEvaluated++
		} else {
			t.Errorf("problem: %+v", p)
		}
	}
	if notEvaluated != 2 {
		t.Errorf("%d not-evaluated sources, want the remote redis and cert-manager charts", notEvaluated)
	}
}

func TestCacheFollowsContent(t *testing.T) {
	files := map[string][]byte{
		"clusters/c/k.yaml":          []byte("apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: k}\nspec: {path: ./overlay}\n"),
		"overlay/kustomization.yaml": []byte("namespace: team\nresources: [../base]\n"),
		"base/kustomization.yaml":    []byte("resources: [cm.yaml]\n"),
		"base/cm.yaml":               []byte("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm}\ndata: {k: one}\n"),
	}
	cache := NewCache()
	value := func() string {
		res := Render(source.FromFiles("c", files), Options{Cache: cache})
		o := object(res, "ConfigMap", "cm")
		if o == nil || o.Namespace != "team" || o.File != "base/cm.yaml" {
			t.Fatalf("cm: %+v", o)
		}
		return str(o.Value, "data", "k")
	}
	if v := value(); v != "one" {
		t.Fatalf("first build: %s", v)
	}
	if v := value(); v != "one" || len(cache.builds.m) != 1 {
		t.Fatalf("cached build: %s, %d entries", v, len(cache.builds.m))
	}
	files["base/cm.yaml"] = []byte("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm}\ndata: {k: two}\n")
	if v := value(); v != "two" {
		t.Fatalf("a change in a base must miss the cache: %s", v)
	}
}

func TestChartCacheFollowsContentAndValues(t *testing.T) {
	files := map[string][]byte{
		"clusters/c/app.yaml": []byte("apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: app}\n" +
			"spec:\n  destination: {namespace: team}\n  source: {path: chart, helm: {values: 'replicas: 2'}}\n"),
		"chart/Chart.yaml":               []byte("apiVersion: v2\nname: web\nversion: 0.1.0\n"),
		"chart/values.yaml":              []byte("replicas: 1\nimage: web:1.0.0\n"),
		"chart/templates/configmap.yaml": []byte("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: web}\ndata: {replicas: \"{{ .Values.replicas }}\", image: {{ .Values.image }}}\n"),
	}
	cache := NewCache()
	value := func() (string, string) {
		res := Render(source.FromFiles("c", files), Options{Cache: cache})
		o := object(res, "ConfigMap", "web")
		if o == nil || o.Namespace != "team" || o.File != "chart/templates/configmap.yaml" || o.Line != 1 {
			t.Fatalf("web: %+v (problems %+v)", o, res.Problems)
		}
		return str(o.Value, "data", "replicas"), str(o.Value, "data", "image")
	}
	if r, i := value(); r != "2" || i != "web:1.0.0" || len(cache.charts.m) != 1 {
		t.Fatalf("first render: %s %s, %d cached", r, i, len(cache.charts.m))
	}
	if r, _ := value(); r != "2" || len(cache.charts.m) != 1 {
		t.Fatalf("cached render: %s, %d cached", r, len(cache.charts.m))
	}
	files["chart/values.yaml"] = []byte("replicas: 1\nimage: web:1.1.0\n")
	if _, i := value(); i != "web:1.1.0" {
		t.Fatalf("a change in the chart must miss the cache: %s", i)
	}
	files["clusters/c/app.yaml"] = bytes.Replace(files["clusters/c/app.yaml"], []byte("replicas: 2"), []byte("replicas: 3"), 1)
	if r, _ := value(); r != "3" || len(cache.charts.m) != 3 {
		t.Fatalf("a change in the values must miss the cache: %s, %d cached", r, len(cache.charts.m))
	}
}

func TestRenderSomeClusters(t *testing.T) {
	files := map[string][]byte{
		"clusters/prod/cm.yaml":     []byte("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: p, namespace: a}\n"),
		"clusters/nonprod/cm.yaml":  []byte("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: n, namespace: a}\n"),
		"clusters/nonprod/bad.yaml": []byte("kind: [\n"),
	}
	res := Render(source.FromFiles("c", files), Options{Clusters: []string{"prod"}})
	if strings.Join(res.Clusters, ",") != "prod" || len(res.Objects) != 1 || res.Objects[0].Name != "p" || len(res.Problems) != 0 {
		t.Errorf("clusters %v, objects %+v, problems %+v", res.Clusters, res.Objects, res.Problems)
	}
	if all := Render(source.FromFiles("c", files), Options{}); len(all.Clusters) != 2 || len(all.Problems) != 1 {
		t.Errorf("all clusters: %v, problems %+v", all.Clusters, all.Problems)
	}
}

// Without clusters/: GitOps objects anywhere are roots (an Application
// applied by hand deploys its path, which is then not rendered a second
// time); what no root reached is rendered as it is, files a kustomization
// does not list included; tool configurations and non-YAML files are
// ignored; objects of two deployers with the same name stay two.
func TestFallbackRoots(t *testing.T) {
	job := func(name string) []byte {
		return []byte("apiVersion: batch/v1\nkind: Job\nmetadata: {name: " + name + "}\nspec: {template: {spec: {containers: [{name: c, image: x}]}}}\n")
	}
	app := func(name, p string) string {
		return "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: " + name + ", namespace: argocd}\n" +
			"spec: {destination: {namespace: web}, source: {path: " + p + "}}\n"
	}
	files := map[string][]byte{
		"root/apps.yaml":               []byte(app("a", "blog") + "---\n" + app("b", "shop")),
		"blog/maint.yaml":              job("maint-page-up"),
		"shop/maint.yaml":              job("maint-page-up"),
		"manifests/kustomization.yaml": []byte("resources: [cm.yaml]\npatches: [{path: patch.yaml}]\n"),
		"manifests/cm.yaml":            []byte("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: listed}\n"),
		"manifests/patch.yaml":         []byte("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: listed}\ndata: {k: v}\n"),
		"manifests/extra.yaml":         []byte("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: unlisted}\n"),
		"extras/migrate.yaml":          []byte("apiVersion: batch/v1\nkind: Job\nmetadata: {generateName: migrate-}\n"),
		"skaffold.yaml":                []byte("apiVersion: skaffold/v4beta6\nkind: Config\n"),
		"README.md":                    []byte("# not YAML {{"),
		"docs/arch.svg":                []byte("<svg"),
		"values.yaml":                  []byte("replicas: 2\n"),
		"big.png":                      nil,
	}
	res := Render(source.FromFiles("r", files), Options{})
	var got []string
	for _, o := range res.Objects {
		got = append(got, o.Deployer+" "+o.Kind+" "+o.Namespace+"/"+o.ID())
	}
	want := []string{
		"Application/argocd/a Job web/Job/maint-page-up",
		" Job /Job/migrate-",
		" ConfigMap /ConfigMap/listed",
		" ConfigMap /ConfigMap/unlisted",
		" Application argocd/Application/a",
		" Application argocd/Application/b",
		"Application/argocd/b Job web/Job/maint-page-up",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("objects:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if len(res.Problems) != 0 {
		t.Errorf("problems: %+v", res.Problems)
	}
}

func TestKubernetesAPIVersion(t *testing.T) {
	for _, c := range []struct {
		apiVersion string
		want       bool
	}{
		{"v1", true}, {"apps/v1", true}, {"batch/v1beta1", true}, {"argoproj.io/v1alpha1", true},
		{"kustomize.toolkit.fluxcd.io/v1", true}, {"skaffold/v4beta6", false}, {"v1.0", false},
		{"apps", false}, {"tool/v1", false}, {"", false}, {"example.com/latest", false},
	} {
		if got := KubernetesAPIVersion(c.apiVersion); got != c.want {
			t.Errorf("%q: %v, want %v", c.apiVersion, got, c.want)
		}
	}
}

// TestAppOfAppsClaimsFallback: without clusters/, an app-of-apps chart found
// in the fallback pass deploys a directory through a Config Management
// Plugin and a chart with a remote dependency. The plugin's directory is not
// evaluated (not rendered as plain manifests, not a render error), and the
// chart's problem is reported once, by the Application deploying it.
func TestAppOfAppsClaimsFallback(t *testing.T) {
	app := func(name, path, extra string) string {
		return "---\napiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: " + name + ", namespace: argocd}\n" +
			"spec:\n  destination: {namespace: " + name + ", server: https://kubernetes.default.svc}\n" +
			"  source:\n    repoURL: https://example.com/org/repo.git\n    path: " + path + "\n" + extra
	}
	snap := source.FromFiles("test", map[string][]byte{
		"apps/Chart.yaml":              []byte("apiVersion: v2\nname: apps\nversion: 0.1.0\n"),
		"apps/templates/apps.yaml":     []byte("{{- if true }}\n" + app("plug", "plug", "    plugin: {name: kasane}\n") + app("dep", "dep", "") + "{{- end }}\n"),
		"plug/kustomization.yaml":      []byte("patches:\n- not-a-patch-object\n"),
		"dep/Chart.yaml":               []byte("apiVersion: v2\nname: dep\nversion: 0.1.0\ndependencies:\n- name: wordpress\n  version: 1.0.0\n  repository: https://charts.example.com\n"),
		"dep/templates/configmap.yaml": []byte("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n"),
	})
	res := Render(snap, Options{RepoURL: "https://example.com/org/repo"})
	var wordpress int
	for _, p := range res.Problems {
		if strings.HasPrefix(p.File, "plug/") {
			t.Errorf("plugin directory rendered as plain manifests: %+v", p)
		}
		if strings.Contains(p.Message, "wordpress") {
			wordpress++
			if p.Of != "Application/argocd/dep" {
				t.Errorf("remote dependency reported by %q, want the Application", p.Of)
			}
		}
	}
	if wordpress != 1 {
		t.Errorf("remote dependency reported %d times, want once: %+v", wordpress, res.Problems)
	}
	var plugin bool
	for _, p := range res.Problems {
		plugin = plugin || p.Reason == ReasonPlugin && p.NotEvaluated
	}
	if !plugin {
		t.Errorf("no not-evaluated plugin problem: %+v", res.Problems)
	}
}

// TestComponentsAreNotRoots: without clusters/, a kustomize Component is
// built only through the kustomization listing it, never on its own (where
// kustomize fails: its patches have nothing to patch).
func TestComponentsAreNotRoots(t *testing.T) {
	snap := source.FromFiles("test", map[string][]byte{
		"base/kustomization.yaml":    []byte("resources: [deploy.yaml]\n"),
		"base/deploy.yaml":           []byte("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    spec:\n      containers: [{name: web, image: web:1}]\n"),
		"overlay/kustomization.yaml": []byte("resources: [../base]\ncomponents: [../comp]\n"),
		"comp/kustomization.yaml":    []byte("apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\npatches:\n- patch: |-\n    apiVersion: apps/v1\n    kind: Deployment\n    metadata: {name: web}\n    spec: {replicas: 3}\n"),
	})
	res := Render(snap, Options{})
	for _, p := range res.Problems {
		t.Errorf("problem: %+v", p)
	}
	var n int
	for _, o := range res.Objects {
		if o.Kind == "Deployment" {
			n++
			if r, _ := o.Value["spec"].(map[string]any)["replicas"]; r != 3 && r != int64(3) && r != float64(3) {
				t.Errorf("replicas %v, want 3 from the component", r)
			}
		}
	}
	if n != 1 {
		t.Errorf("%d Deployments, want 1 (the overlay's)", n)
	}
}

// TestSourceOfLaterPass: without clusters/, a HelmRelease's GitRepository
// in a file only the fallback pass renders is still this repository: the
// chart is rendered for the release (its values, its targetNamespace, its
// file:// dependency) and not also directly.
func TestSourceOfLaterPass(t *testing.T) {
	snap := source.FromFiles("test", map[string][]byte{
		"releases/app.yaml": []byte("apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: {name: app, namespace: team}\n" +
			"spec:\n  targetNamespace: web\n  chart:\n    spec:\n      chart: ./charts/app\n      sourceRef: {kind: GitRepository, name: repo, namespace: flux-system}\n" +
			"  values: {n: 3}\n"),
		"sources/repo.yaml":            []byte("apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata: {name: repo, namespace: flux-system}\nspec: {url: https://example.com/org/repo}\n"),
		"charts/app/Chart.yaml":        []byte("apiVersion: v2\nname: app\nversion: 0.1.0\ndependencies:\n- name: lib\n  version: 0.1.0\n  repository: file://../lib\n"),
		"charts/app/values.yaml":       []byte("n: 1\n"),
		"charts/app/templates/cm.yaml": []byte("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: app}\ndata: {n: \"{{ .Values.n }}\"}\n"),
		"charts/lib/Chart.yaml":        []byte("apiVersion: v2\nname: lib\nversion: 0.1.0\n"),
		"charts/lib/templates/cm.yaml": []byte("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: lib}\n"),
	})
	res := Render(snap, Options{RepoURL: "https://example.com/org/repo"})
	var got []string
	for _, o := range res.Objects {
		if o.Kind == "ConfigMap" {
			got = append(got, fmt.Sprintf("%s %s/%s %v", o.Deployer, o.Namespace, o.Name, o.Value["data"]))
		}
	}
	want := []string{"HelmRelease/team/app web/app map[n:3]", "HelmRelease/team/app web/lib <nil>"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("objects:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if len(res.Problems) != 0 {
		t.Errorf("problems: %+v", res.Problems)
	}
}

// TestCompareJoined: compareJoined orders as the joined strings do.
func TestCompareJoined(t *testing.T) {
	words := []string{"", "a", "b", "a/b", "ab", "/", "a/", "/a", "é", "Deployment", "Deployment/x"}
	for _, a0 := range words {
		for _, a1 := range words {
			for _, b0 := range words {
				for _, b1 := range words {
					for _, n := range [][2]string{{"", ""}, {"x", "x"}, {"x", "y"}, {"a/b", ""}} {
						a, b := [3]string{a0, a1, n[0]}, [3]string{b0, b1, n[1]}
						want := strings.Compare(strings.Join(a[:], "/"), strings.Join(b[:], "/"))
						if got := compareJoined(a, b); got != want {
							t.Fatalf("%q vs %q: %d, want %d", a, b, got, want)
						}
					}
				}
			}
		}
	}
}
