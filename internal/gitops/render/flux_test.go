package render

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/plinth-dev/plinth/internal/testutil/snapshot"

	"github.com/plinth-dev/plinth/internal/gitops/source"
	"github.com/plinth-dev/plinth/test/corpus"
)

func TestSameRepoFluxSpellings(t *testing.T) {
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
	multi := Render(snapshot.Dir(t, filepath.Join(corpusDir, "flux-multitenancy")), Options{RepoURL: "git@github.com:example-org/flux-multitenancy"})
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

	mono := Render(snapshot.Dir(t, filepath.Join(corpusDir, "flux-monorepo")), Options{})
	issuer := object(mono, "ClusterIssuer", "letsencrypt")
	if issuer == nil || str(issuer.Value, "spec", "acme", "server") != "https://acme-v02.api.letsencrypt.org/directory" || issuer.File != "infrastructure/configs/cluster-issuers.yaml" {
		t.Errorf("ClusterIssuer patched by infra-configs: %+v", issuer)
	}
	if cache := object(mono, "Deployment", "cache"); cache == nil || cache.File != "apps/base/cache/deployment.yaml" || cache.Namespace != "podinfo" {
		t.Errorf("Deployment cache through the apps ExternalArtifact: %+v", cache)
	}

	snap := underCluster(snapshot.Dir(t, filepath.Join(corpusDir, "helm-local-deps")), []corpus.Deployer{{Deployer: corpus.Ref{Path: "releases"}}}, "x")
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

// TestFluxSources checks which sources are this repository and the reason
// given for the others, for Kustomizations and HelmRelease charts.
func TestFluxSources(t *testing.T) {
	chart := map[string][]byte{
		"charts/web/Chart.yaml":                []byte("apiVersion: v2\nname: web\nversion: 1.0.0\n"),
		"charts/web/values.yaml":               []byte("replicas: 1\n"),
		"charts/web/values-prod.yaml":          []byte("replicas: 4\n"),
		"charts/web/templates/deployment.yaml": []byte("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: '{{ .Release.Name }}'}\nspec: {replicas: {{ .Values.replicas }}}\n"),
		"apps/cm.yaml":                         []byte("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: app}\n"),
	}
	const gitRepo = "apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata: {name: %s, namespace: flux-system}\nspec: {url: '%s'}\n---\n"
	const ks = "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: k, namespace: flux-system}\nspec: {path: %s, sourceRef: {kind: %s, name: %s}}\n"
	const hr = "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: {name: web, namespace: flux-system}\nspec:\n%s"
	sprintf := func(format string, args ...any) string { return fmt.Sprintf(format, args...) }
	for _, tc := range []struct {
		name    string
		repoURL string
		docs    string
		want    string // "Kind/name" rendered, or the not-evaluated reason
		detail  string // part of the message
	}{
		{"GitRepository by URL, scp-like against https", "https://github.com/org/fleet",
			sprintf(gitRepo, "fleet", "git@github.com:org/fleet.git") + sprintf(ks, "./apps", "GitRepository", "fleet"), "ConfigMap/app", ""},
		{"bootstrap source: a Kustomization reads clusters/c from it", "https://github.com/org/elsewhere",
			sprintf(gitRepo, "boot", "https://example.com/x") + sprintf(ks, "./clusters/c", "GitRepository", "boot") + "---\n" +
				"apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: apps, namespace: flux-system}\nspec: {path: ./apps, sourceRef: {kind: GitRepository, name: boot}}\n",
			"ConfigMap/app", ""},
		{"GitRepository in the cluster directory, URL unknown", "",
			sprintf(gitRepo, "fleet", "https://github.com/org/fleet") + sprintf(ks, "./apps", "GitRepository", "fleet"), "ConfigMap/app", ""},
		{"flux-system GitRepository kept out of the repository", "https://github.com/org/fleet",
			sprintf(ks, "./apps", "GitRepository", "flux-system"), "ConfigMap/app", ""},
		{"GitRepository in the cluster directory, another URL (a mirror): its path is here", "/srv/mirror/fleet",
			sprintf(gitRepo, "fleet", "https://github.com/org/fleet") + sprintf(ks, "./apps", "GitRepository", "fleet"), "ConfigMap/app", ""},
		{"GitRepository in the cluster directory, another URL, a path not here", "/srv/mirror/fleet",
			sprintf(gitRepo, "fleet", "https://github.com/org/fleet") + sprintf(ks, "./deploy", "GitRepository", "fleet"), ReasonOtherRepository, "(deploy is not in this one)"},
		{"this URL on another branch, a path not here", "https://github.com/org/fleet",
			"apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata: {name: t, namespace: flux-system}\nspec: {url: 'https://github.com/org/fleet', ref: {branch: dev-team}}\n---\n" +
				sprintf(ks, "./deploy", "GitRepository", "t"), ReasonOtherRepository, "(https://github.com/org/fleet branch dev-team) is another repository or revision"},
		{"GitRepository not in the repository", "https://github.com/org/fleet",
			sprintf(ks, "./apps", "GitRepository", "tenant"), ReasonOtherRepository, "GitRepository flux-system/tenant"},
		{"OCIRepository", "", "apiVersion: source.toolkit.fluxcd.io/v1\nkind: OCIRepository\nmetadata: {name: m, namespace: flux-system}\nspec: {url: 'oci://ghcr.io/org/m'}\n---\n" +
			sprintf(ks, "./", "OCIRepository", "m"), ReasonOtherRepository, "OCIRepository flux-system/m (oci://ghcr.io/org/m)"},
		{"Bucket", "", sprintf(ks, "./", "Bucket", "b"), ReasonOtherRepository, "Bucket flux-system/b"},
		{"chart from this GitRepository with valuesFiles", "",
			sprintf(hr, "  chart:\n    spec:\n      chart: ./charts/web\n      sourceRef: {kind: GitRepository, name: flux-system}\n      valuesFiles: [charts/web/values.yaml, charts/web/values-prod.yaml]\n"),
			"Deployment/web", ""},
		{"chartRef HelmChart of this GitRepository", "",
			"apiVersion: source.toolkit.fluxcd.io/v1\nkind: HelmChart\nmetadata: {name: web, namespace: flux-system}\nspec: {chart: charts/web, sourceRef: {kind: GitRepository, name: flux-system}}\n---\n" +
				sprintf(hr, "  chartRef: {kind: HelmChart, name: web}\n"), "Deployment/web", ""},
		{"chartRef HelmChart of a HelmRepository", "",
			"apiVersion: source.toolkit.fluxcd.io/v1\nkind: HelmChart\nmetadata: {name: web, namespace: flux-system}\nspec: {chart: web, sourceRef: {kind: HelmRepository, name: charts}}\n---\n" +
				sprintf(hr, "  chartRef: {kind: HelmChart, name: web}\n"), ReasonRemoteChart, "HelmRepository charts"},
		{"chartRef OCIRepository", "",
			"apiVersion: source.toolkit.fluxcd.io/v1\nkind: OCIRepository\nmetadata: {name: web, namespace: flux-system}\nspec: {url: 'oci://ghcr.io/org/charts/web'}\n---\n" +
				sprintf(hr, "  chartRef: {kind: OCIRepository, name: web}\n"), ReasonRemoteChart, "OCIRepository flux-system/web (oci://ghcr.io/org/charts/web)"},
		{"chart from a HelmRepository", "",
			"apiVersion: source.toolkit.fluxcd.io/v1\nkind: HelmRepository\nmetadata: {name: charts, namespace: flux-system}\nspec: {url: 'https://charts.example.com'}\n---\n" +
				sprintf(hr, "  chart:\n    spec: {chart: web, sourceRef: {kind: HelmRepository, name: charts}}\n"), ReasonRemoteChart, `"web" from HelmRepository flux-system/charts (https://charts.example.com)`},
		{"chartRef ExternalArtifact copied from this repository", "",
			"apiVersion: source.extensions.fluxcd.io/v1beta1\nkind: ArtifactGenerator\nmetadata: {name: g, namespace: flux-system}\n" +
				"spec:\n  sources: [{alias: repo, kind: GitRepository, name: flux-system}]\n  artifacts:\n    - name: web\n      copy: [{from: '@repo/charts/web/**', to: '@artifact/'}]\n---\n" +
				sprintf(hr, "  chartRef: {kind: ExternalArtifact, name: web}\n"), "Deployment/web", ""},
		{"ExternalArtifact of no generator", "", sprintf(ks, "./", "ExternalArtifact", "nothing"), ReasonOtherRepository, "ExternalArtifact flux-system/nothing"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			files := map[string][]byte{"clusters/c/flux.yaml": []byte(tc.docs)}
			for p, data := range chart {
				files[p] = data
			}
			res := Render(source.FromFiles("r", files), Options{RepoURL: tc.repoURL})
			var got []string
			for _, o := range res.Objects {
				if !strings.HasPrefix(o.File, "clusters/") {
					got = append(got, o.ID())
				}
			}
			for _, p := range res.Problems {
				if p.NotEvaluated {
					got = append(got, p.Reason)
					if !strings.Contains(p.Message, tc.detail) || p.Of == "" {
						t.Errorf("message %q (of %q) does not name %q", p.Message, p.Of, tc.detail)
					}
				} else {
					got = append(got, "problem: "+p.Message)
				}
			}
			if strings.Join(got, ",") != tc.want {
				t.Errorf("got %v, want %s", got, tc.want)
			}
			if w := object(res, "Deployment", "web"); w != nil && tc.name == "chart from this GitRepository with valuesFiles" && get(w.Value, "spec", "replicas") != 4 {
				t.Errorf("valuesFiles in order: replicas %v", get(w.Value, "spec", "replicas"))
			}
		})
	}
}
