package render

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/plinth-dev/plinth/internal/gitops/source"
	"github.com/plinth-dev/plinth/test/corpus"
)

func TestSameRepo(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		same bool
	}{
		{"https://github.com/org/repo", "https://github.com/org/repo.git", true},
		{"https://github.com/org/repo", "ssh://git@github.com/org/repo", true},
		{"https://github.com/org/repo", "git@github.com:org/repo.git", true},
		{"HTTPS://GitHub.com/org/repo/", "git@github.com:org/repo", true},
		{"ssh://git@github.com:22/org/repo.git", "https://github.com/org/repo", true},
		{"https://user:token@github.com/org/repo", "https://github.com/org/repo", true},
		{"https://gitlab.example.com:8443/group/sub/repo.git", "https://gitlab.example.com:8443/group/sub/repo", true},
		{"https://gitlab.example.com:8443/group/repo", "https://gitlab.example.com/group/repo", false},
		{"https://github.com/org/repo", "https://github.com/org/repo2", false},
		{"https://github.com/org/repo", "https://github.com/other/repo", false},
		{"https://github.com/org/repo", "https://gitlab.com/org/repo", false},
		{"/srv/git/fleet.git", "file:///srv/git/fleet", true},
		{"", "", false},
		{"https://github.com/org/repo", "", false},
	} {
		if got := sameRepo(tc.a, tc.b); got != tc.same {
			t.Errorf("sameRepo(%q, %q) = %v, want %v", tc.a, tc.b, got, tc.same)
		}
	}
}

func TestEnvsubst(t *testing.T) {
	vars := map[string]string{"env": "prod", "n": "3", "empty": ""}
	for _, tc := range []struct {
		in, want string
		err      bool
	}{
		{"name: web-${env}", "name: web-prod", false},
		{"replicas: ${n:=2}", "replicas: 3", false},
		{"level: ${log_level:=info}", "level: info", false},
		{"level: ${log_level:-debug}", "level: debug", false},
		{"level: ${empty:=fallback}", "level: fallback", false},
		{"unset: '${nothing}'", "unset: ''", false},
		{"kept: $env and $${env}", "kept: $env and ${env}", false},
		{"no variables at all", "no variables at all", false},
		{"open: ${env", "", true},
		{"default: ${not-a-name}", "default: a-name", false},
		{"bad: ${1x}", "", true},
	} {
		got, err := envsubst(tc.in, vars)
		if (err != nil) != tc.err || got != tc.want {
			t.Errorf("envsubst(%q) = %q, %v; want %q (error %v)", tc.in, got, err, tc.want, tc.err)
		}
	}
}

func TestSubstituteObject(t *testing.T) {
	vars := map[string]string{"n": "3", "env": "prod"}
	o, _ := newObject(map[string]any{"apiVersion": "apps/v1", "kind": "Deployment",
		"metadata": map[string]any{"name": "web-${env}"}, "spec": map[string]any{"replicas": "${n}"}}, "d.yaml", 1, "")
	got := substituteObject(o, vars)
	if got.Name != "web-prod" || get(got.Value, "spec", "replicas") != 3 {
		t.Errorf("substituted: name %q replicas %#v (want a number, as Flux parses the text again)", got.Name, get(got.Value, "spec", "replicas"))
	}
	off, _ := newObject(map[string]any{"apiVersion": "v1", "kind": "ConfigMap",
		"metadata": map[string]any{"name": "s-${env}", "annotations": map[string]any{substituteKey: "disabled"}}}, "c.yaml", 1, "")
	if got := substituteObject(off, vars); got.Name != "s-${env}" {
		t.Errorf("substitution disabled by annotation: %q", got.Name)
	}
}

// fluxRepo is a Flux repository in files: clusters/c/ with the given
// objects, and apps/ with a deployment using variables.
func fluxRepo(cluster string) map[string][]byte {
	return map[string][]byte{
		"clusters/c/sync.yaml": []byte(cluster),
		"apps/deploy.yaml": []byte("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  labels: {region: '${region}', tier: '${tier:=gold}'}\n" +
			"spec:\n  replicas: ${replicas:=1}\n  template:\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27\n"),
	}
}

const fluxKustomizationDoc = "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: apps, namespace: flux-system}\n" +
	"spec:\n  sourceRef: {kind: GitRepository, name: flux-system}\n  path: ./apps\n"

func TestFluxSubstituteFrom(t *testing.T) {
	for _, tc := range []struct {
		name                  string
		extra                 string
		region, tier          string
		replicas              any
		notEvaluated, problem int
	}{
		{"ConfigMap", "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: vars, namespace: flux-system}\ndata: {region: eu, replicas: '4'}\n" +
			"---\n" + fluxKustomizationDoc + "  postBuild:\n    substituteFrom: [{kind: ConfigMap, name: vars}]\n", "eu", "gold", 4, 0, 0},
		{"Secret data and stringData, substitute over them", "---\napiVersion: v1\nkind: Secret\nmetadata: {name: vars, namespace: flux-system}\n" +
			"data: {region: dXM=, tier: c2lsdmVy}\nstringData: {tier: bronze}\n---\n" + fluxKustomizationDoc +
			"  postBuild:\n    substitute: {replicas: '2'}\n    substituteFrom: [{kind: Secret, name: vars}]\n", "us", "bronze", 2, 0, 0},
		{"ConfigMap of another namespace is not found", "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: vars, namespace: other}\ndata: {region: eu}\n" +
			"---\n" + fluxKustomizationDoc + "  postBuild:\n    substitute: {tier: x}\n    substituteFrom: [{kind: ConfigMap, name: vars}]\n", "", "x", 1, 1, 0},
		{"optional and missing", "---\n" + fluxKustomizationDoc +
			"  postBuild:\n    substitute: {region: ap}\n    substituteFrom: [{kind: ConfigMap, name: vars, optional: true}]\n", "ap", "gold", 1, 0, 0},
		{"Secret data that is not base64", "---\napiVersion: v1\nkind: Secret\nmetadata: {name: vars, namespace: flux-system}\ndata: {region: '%%%'}\n" +
			"---\n" + fluxKustomizationDoc + "  postBuild:\n    substitute: {region: fr}\n    substituteFrom: [{kind: Secret, name: vars}]\n", "fr", "gold", 1, 0, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := Render(source.FromFiles("r", fluxRepo(tc.extra)), Options{})
			w := object(res, "Deployment", "web")
			if w == nil {
				t.Fatalf("Deployment/web not rendered; problems %+v", res.Problems)
			}
			if r, tier := str(w.Value, "metadata", "labels", "region"), str(w.Value, "metadata", "labels", "tier"); r != tc.region || tier != tc.tier {
				t.Errorf("labels region %q tier %q, want %q %q", r, tier, tc.region, tc.tier)
			}
			if r := get(w.Value, "spec", "replicas"); r != tc.replicas {
				t.Errorf("replicas %#v, want %#v", r, tc.replicas)
			}
			ne, pr := 0, 0
			for _, p := range res.Problems {
				if p.NotEvaluated {
					ne++
					if p.Reason != ReasonClusterValue || p.Of != "Kustomization/flux-system/apps" {
						t.Errorf("not evaluated: %+v", p)
					}
				} else {
					pr++
				}
			}
			if ne != tc.notEvaluated || pr != tc.problem {
				t.Errorf("%d not evaluated, %d problems; want %d, %d: %+v", ne, pr, tc.notEvaluated, tc.problem, res.Problems)
			}
		})
	}
}

func TestArtifactCopy(t *testing.T) {
	snap := source.FromFiles("r", map[string][]byte{
		"apps/base/a/k.yaml":       nil,
		"apps/base/a/deep/d.yaml":  nil,
		"apps/base/b.yaml":         nil,
		"apps/prod/k.yaml":         nil,
		"apps/prod/README.md":      nil,
		"config/values-prod.yaml":  nil,
		"deploy/x/one.yaml":        nil,
		"deploy/x/y/two.yaml":      nil,
		"deploy/top.yaml":          nil,
		"infrastructure/c/k.yaml":  nil,
		"infrastructure/notes.txt": nil,
	})
	d := &renderer{snap: snap, docCache: map[string]docsResult{}}
	type op struct{ from, to string }
	for _, tc := range []struct {
		name    string
		ops     []op
		exclude []string
		want    []string // artifact=repo
		err     bool
	}{
		{"dir/** keeps the structure below dir", []op{{"apps/base/**", "@artifact/base/"}},
			nil, []string{"base/a/deep/d.yaml=apps/base/a/deep/d.yaml", "base/a/k.yaml=apps/base/a/k.yaml", "base/b.yaml=apps/base/b.yaml"}, false},
		{"** to the artifact root", []op{{"infrastructure/**", "@artifact/"}},
			nil, []string{"c/k.yaml=infrastructure/c/k.yaml", "notes.txt=infrastructure/notes.txt"}, false},
		{"a single file to a directory", []op{{"config/values-prod.yaml", "@artifact/chart/"}},
			nil, []string{"chart/values-prod.yaml=config/values-prod.yaml"}, false},
		{"a single file renamed", []op{{"config/values-prod.yaml", "@artifact/values.yaml"}},
			nil, []string{"values.yaml=config/values-prod.yaml"}, false},
		{"a directory goes below the destination by its name", []op{{"apps/prod", "@artifact/x/"}},
			nil, []string{"x/prod/README.md=apps/prod/README.md", "x/prod/k.yaml=apps/prod/k.yaml"}, false},
		{"other globs keep the whole path, one segment per *", []op{{"deploy/*/*.yaml", "@artifact/out/"}},
			nil, []string{"out/deploy/x/one.yaml=deploy/x/one.yaml"}, false},
		{"later copies overwrite", []op{{"apps/prod/**", "@artifact/p/"}, {"apps/base/b.yaml", "@artifact/p/k.yaml"}},
			nil, []string{"p/README.md=apps/prod/README.md", "p/k.yaml=apps/base/b.yaml"}, false},
		{"exclude", []op{{"apps/prod/**", "@artifact/"}}, []string{"**/*.md"}, []string{"k.yaml=apps/prod/k.yaml"}, false},
		{"no match", []op{{"nothing/**", "@artifact/"}}, nil, nil, true},
		{"destination outside the artifact", []op{{"apps/**", "/tmp/"}}, nil, nil, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			art := &artifact{files: map[string]string{}}
			var err error
			for _, o := range tc.ops {
				if e := d.artifactCopy(art, o.from, o.to, tc.exclude); e != nil {
					err = e
				}
			}
			if (err != nil) != tc.err {
				t.Fatalf("error %v, want error %v", err, tc.err)
			}
			var got []string
			for a, r := range art.files {
				got = append(got, a+"="+r)
			}
			slices.Sort(got)
			if strings.Join(got, " ") != strings.Join(tc.want, " ") {
				t.Errorf("artifact\n got %v\nwant %v", got, tc.want)
			}
		})
	}
}

// TestFluxCorpusValues checks values the corpus expectations do not hold:
// postBuild variables typed as Flux parses them, the infra-configs JSON
// patch, values of a HelmRelease (valuesFiles, valuesFrom, values) and
// dependsOn recorded.
func TestFluxCorpusValues(t *testing.T) {
	corpusDir := filepath.Join("..", "..", "..", "testdata", "corpus")
	multi := Render(dirSnapshot(t, filepath.Join(corpusDir, "flux-multitenancy")), Options{RepoURL: "git@github.com:example-org/flux-multitenancy"})
	web := object(multi, "Deployment", "shared-web")
	if web == nil {
		t.Fatal("Deployment shared-web not rendered")
	}
	if get(web.Value, "spec", "replicas") != 3 || str(web.Value, "metadata", "labels", "env") != "production" || web.File != "tenants/shared/web/deployment.yaml" {
		t.Errorf("shared-web: replicas %#v env %q file %s", get(web.Value, "spec", "replicas"), str(web.Value, "metadata", "labels", "env"), web.File)
	}
	cm := object(multi, "ConfigMap", "shared-web-settings-production")
	if cm == nil || str(cm.Value, "data", "region") != "westeurope" || str(cm.Value, "data", "log_level") != "info" || cm.Namespace != "team-web" {
		t.Errorf("settings ConfigMap: %+v", cm)
	}
	var deps []string
	for _, s := range multi.Sources {
		if s.Deployer == "Kustomization/flux-system/shared-web" {
			deps = s.DependsOn
		}
	}
	if strings.Join(deps, ",") != "flux-system/tenants" {
		t.Errorf("shared-web dependsOn %v", deps)
	}

	mono := Render(dirSnapshot(t, filepath.Join(corpusDir, "flux-monorepo")), Options{})
	issuer := object(mono, "ClusterIssuer", "letsencrypt")
	if issuer == nil || str(issuer.Value, "spec", "acme", "server") != "https://acme-v02.api.letsencrypt.org/directory" || issuer.File != "infrastructure/configs/cluster-issuers.yaml" {
		t.Errorf("ClusterIssuer patched by infra-configs: %+v", issuer)
	}
	if cache := object(mono, "Deployment", "cache"); cache == nil || cache.File != "apps/base/cache/deployment.yaml" || cache.Namespace != "podinfo" {
		t.Errorf("Deployment cache through the apps ExternalArtifact: %+v", cache)
	}

	snap := underCluster(dirSnapshot(t, filepath.Join(corpusDir, "helm-local-deps")), []corpus.Deployer{{Deployer: corpus.Ref{Path: "releases"}}}, "x")
	helm := Render(snap, Options{RepoURL: "https://github.com/example-org/helm-local-deps.git"})
	api, worker := object(helm, "Deployment", "platform-api"), object(helm, "Deployment", "platform-worker")
	if api == nil || worker == nil {
		t.Fatalf("platform chart not rendered: %+v", helm.Problems)
	}
	// values.yaml, then values-production.yaml (valuesFiles), valuesFrom, values
	if get(api.Value, "spec", "replicas") != 3 || get(worker.Value, "spec", "replicas") != 2 || object(helm, "Ingress", "platform-api") == nil {
		t.Errorf("values: api replicas %#v, worker replicas %#v", get(api.Value, "spec", "replicas"), get(worker.Value, "spec", "replicas"))
	}
	if worker.File != "charts/worker/templates/deployment.yaml" {
		t.Errorf("worker from the file:// dependency: %s", worker.File)
	}
}
