package render

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/plinth-dev/plinth/internal/gitops/source"
)

func TestSameRepo(t *testing.T) {
	const https = "https://github.com/example-org/apps.git"
	tests := []struct {
		b    string
		want bool
	}{
		{"https://github.com/example-org/apps", true},
		{"https://github.com/example-org/apps/", true},
		{"https://GitHub.com/example-org/apps.git", true},
		{"git@github.com:example-org/apps.git", true},
		{"git@github.com:example-org/apps", true},
		{"ssh://git@github.com/example-org/apps.git", true},
		{"ssh://git@github.com:22/example-org/apps", true},
		{"https://user@github.com/example-org/apps.git", true},
		{"https://github.com/example-org/Apps.git", false}, // paths are case-sensitive
		{"https://github.com/example-org/apps-infra.git", false},
		{"https://gitlab.com/example-org/apps.git", false},
		{"", false},
		{"apps", false},
	}
	for _, tc := range tests {
		if got := sameRepo(https, tc.b); got != tc.want {
			t.Errorf("sameRepo(%q, %q) = %v, want %v", https, tc.b, got, tc.want)
		}
	}
}

// argoApp is an Application of this repository with the given source
// fields (YAML, indented under source:).
func argoApp(name, ns, source string) string {
	return "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: " + name + ", namespace: argocd}\nspec:\n" +
		"  destination: {server: https://kubernetes.default.svc, namespace: " + ns + "}\n" +
		"  source:\n    repoURL: https://git.example.com/fleet.git\n" + source
}

func cmYAML(name string) string {
	return "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: " + name + "}\n"
}

// objectKeys lists "Kind ns/name" of the objects Render found, but the
// Applications.
func objectKeys(res *Result) []string {
	var out []string
	for _, o := range res.Objects {
		if o.Kind != "Application" {
			out = append(out, o.Kind+" "+o.Namespace+"/"+o.Name)
		}
	}
	sort.Strings(out)
	return out
}

func problems(res *Result) []string {
	var out []string
	for _, p := range res.Problems {
		out = append(out, fmt.Sprintf("%v %s", p.NotEvaluated, p.Message))
	}
	return out
}

// TestArgoDirectorySource: recurse, include and exclude are gobwas globs
// over the path relative to the source directory where '*' crosses '/'
// (argo-cd's util/glob without separators); .json files are manifests,
// other files are not; the destination namespace fills in missing ones only.
func TestArgoDirectorySource(t *testing.T) {
	files := map[string]string{
		"m/a.yaml":                   cmYAML("a"),
		"m/b.yml":                    cmYAML("b"),
		"m/c.json":                   `{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}}`,
		"m/own-ns.yaml":              "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: own, namespace: kept}\n",
		"m/README.md":                "# not a manifest: kind: x",
		"m/values.yaml":              "replicas: 3\n",          // YAML without kind: ignored
		"m/notes.yaml":               "just: [text\nmore: {\n", // does not parse, not a manifest: ignored
		"m/sub/d.yaml":               cmYAML("d"),
		"m/sub/d-test.yaml":          cmYAML("d-test"),
		"m/experimental/e.yaml":      cmYAML("e"),
		"m/sub/deeper/f.yaml":        cmYAML("f"),
		"m/sub/deeper/g.json":        `{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "g"}}`,
		"m/sub/deeper/h.jsonnet":     `{apiVersion: "v1", kind: "ConfigMap", metadata: {name: "h"}}`,
		"m/sub/deeper/lib.libsonnet": `{}`,
	}
	tests := []struct {
		name, directory string
		want            []string
	}{
		{"flat", "", []string{"a", "b", "c", "own"}},
		{"recurse", "directory: {recurse: true}", []string{"a", "b", "c", "d", "d-test", "e", "f", "g", "h", "own"}},
		{"include yaml", "directory: {recurse: true, include: '*.yaml'}", []string{"a", "d", "d-test", "e", "f", "own"}},
		{"exclude set", "directory: {recurse: true, exclude: '{experimental/*,*-test.yaml}'}", []string{"a", "b", "c", "d", "f", "g", "h", "own"}},
		{"include dir", "directory: {recurse: true, include: 'sub/**'}", []string{"d", "d-test", "f", "g", "h"}},
		{"include star crosses slash", "directory: {recurse: true, include: 's*.json'}", []string{"g"}},
		{"include no recurse", "directory: {include: 'sub/*'}", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src := "    path: m\n"
			if tc.directory != "" {
				src += "    " + tc.directory + "\n"
			}
			snap := map[string][]byte{"clusters/c/app.yaml": []byte(argoApp("m", "dest", src))}
			for p, s := range files {
				snap[p] = []byte(s)
			}
			res := Render(source.FromFiles("dir", snap), Options{})
			if ps := problems(res); len(ps) > 0 {
				t.Errorf("problems: %v", ps)
			}
			var got []string
			for _, o := range res.Objects {
				if o.Kind != "ConfigMap" {
					continue
				}
				got = append(got, o.Name)
				want := "dest"
				if o.Name == "own" {
					want = "kept"
				}
				if o.Namespace != want {
					t.Errorf("%s in namespace %q, want %q", o.Name, o.Namespace, want)
				}
			}
			sort.Strings(got)
			if strings.Join(got, ",") != strings.Join(tc.want, ",") {
				t.Errorf("rendered %v, want %v", got, tc.want)
			}
		})
	}
}

// TestArgoJsonnet evaluates jsonnet with extVars, tlas (string and code)
// and libs, and compares with the standalone jsonnet CLI given the same
// arguments.
func TestArgoJsonnet(t *testing.T) {
	files := map[string]string{
		"j/main.jsonnet": `local lib = import 'lib.libsonnet';
local shared = import 'shared.libsonnet';
function(replicas, tier='web') [
  {apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: std.extVar('name')},
   data: {env: std.extVar('env'), tier: tier, replicas: std.toString(replicas), lib: lib.x, shared: shared.y}},
  {apiVersion: 'v1', kind: 'Service', metadata: {name: 'svc', namespace: 'own'}, spec: {ports: [{port: 80}]}},
]`,
		"j/lib.libsonnet":         `{x: 'local'}`,
		"vendor/shared.libsonnet": `{y: 'vendored'}`,
	}
	src := `    path: j
    directory:
      jsonnet:
        extVars: [{name: name, value: cfg}, {name: env, value: '"prod"', code: true}]
        tlas: [{name: replicas, value: '2+1', code: true}, {name: tier, value: api}]
        libs: [vendor]
`
	snap := map[string][]byte{"clusters/c/app.yaml": []byte(argoApp("j", "dest", src))}
	for p, s := range files {
		snap[p] = []byte(s)
	}
	res := Render(source.FromFiles("jsonnet", snap), Options{})
	if ps := problems(res); len(ps) > 0 {
		t.Fatalf("problems: %v", ps)
	}
	if got := strings.Join(objectKeys(res), ","); got != "ConfigMap dest/cfg,Service own/svc" {
		t.Fatalf("objects %s", got)
	}
	cm := object(res, "ConfigMap", "cfg")
	data := fmt.Sprint(mapAt(cm.Value, "data"))
	const want = "map[env:prod lib:local replicas:3 shared:vendored tier:api]"
	if data != want {
		t.Errorf("data %s, want %s", data, want)
	}
	if cm.File != "j/main.jsonnet" || cm.Line != 4 {
		t.Errorf("located at %s:%d", cm.File, cm.Line)
	}

	// The oracle: the jsonnet CLI with the same arguments.
	bin := peerTool(t, "jsonnet")
	dir := t.TempDir()
	writeTree(t, dir, files)
	out, err := exec.Command(bin, "-J", filepath.Join(dir, "j"), "-J", filepath.Join(dir, "vendor"),
		"--ext-str", "name=cfg", "--ext-code", `env="prod"`, "--tla-code", "replicas=2+1", "--tla-str", "tier=api",
		filepath.Join(dir, "j", "main.jsonnet")).CombinedOutput()
	if err != nil {
		t.Fatalf("jsonnet CLI: %v\n%s", err, out)
	}
	items, err := objectList(out)
	if err != nil || len(items) != 2 {
		t.Fatalf("jsonnet CLI output: %v %s", err, out)
	}
	if cli := fmt.Sprint(mapAt(items[0].(map[string]any), "data")); cli != data {
		t.Errorf("jsonnet CLI data %s, render %s", cli, data)
	}
}

// peerTool finds a standalone CLI in $GOPATH/bin or PATH; missing, the test
// skips (fails in CI).
func peerTool(t *testing.T, name string) string {
	t.Helper()
	if home, err := os.UserHomeDir(); err == nil {
		if p := filepath.Join(home, "go", "bin", name); fileExists(p) {
			return p
		}
	}
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s CLI missing (bash .ci/steps.d/tools.sh)", name)
	}
	t.Skipf("%s CLI missing (bash .ci/steps.d/tools.sh)", name)
	return ""
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// writeTree writes files under dir.
func writeTree(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for p, s := range files {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestArgoHelmValues: valueFiles < values < parameters, valuesObject
// replacing values (Argo CD's ValuesYAML), forceString, commas in a
// parameter value, $ref value files; checked against helm template with
// the flags Argo CD passes.
func TestArgoHelmValues(t *testing.T) {
	chart := map[string]string{
		"c/Chart.yaml":  "apiVersion: v2\nname: c\nversion: 1.0.0\n",
		"c/values.yaml": "a: chart\nb: chart\nc: chart\nd: chart\nn: 1\n",
		"c/templates/cm.yaml": `apiVersion: v1
kind: ConfigMap
metadata: {name: {{ .Release.Name }}}
data:
  a: {{ .Values.a | quote }}
  b: {{ .Values.b | quote }}
  c: {{ .Values.c | quote }}
  d: {{ .Values.d | quote }}
  n: {{ kindOf .Values.n | quote }}
  list: {{ .Values.list | toJson | quote }}
`,
		"c/prod.yaml":    "a: file\nb: file\nc: file\n",
		"env/extra.yaml": "a: ref\n",
	}
	tests := []struct {
		name, helm string
		helmArgs   []string // the helm template flags Argo CD passes
	}{
		{"files values parameters", `helm:
      valueFiles: [prod.yaml, $vals/env/extra.yaml]
      values: "b: values\nc: values\n"
      parameters: [{name: c, value: param}, {name: n, value: "5", forceString: true}, {name: list, value: "x,y"}]
`, []string{"--values", "c/prod.yaml", "--values", "env/extra.yaml", "--values", "VALUES", "--set", "c=param", "--set-string", "n=5", "--set", `list=x\,y`}},
		{"valuesObject replaces values", `helm:
      values: "b: values\n"
      valuesObject: {d: object}
      parameters: [{name: n, value: "7"}]
`, []string{"--values", "OBJECT", "--set", "n=7"}},
		{"release name", `helm:
      releaseName: rel
      ignoreMissingValueFiles: true
      valueFiles: [missing.yaml]
`, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			app := "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: app, namespace: argocd}\nspec:\n" +
				"  destination: {namespace: dest}\n  sources:\n  - repoURL: git@git.example.com:org/fleet.git\n    path: c\n    " + tc.helm +
				"  - repoURL: https://git.example.com/org/fleet\n    ref: vals\n"
			snap := map[string][]byte{"clusters/x/app.yaml": []byte(app)}
			for p, s := range chart {
				snap[p] = []byte(s)
			}
			res := Render(source.FromFiles("helm", snap), Options{RepoURL: "https://git.example.com/org/fleet.git"})
			if ps := problems(res); len(ps) > 0 {
				t.Fatalf("problems: %v", ps)
			}
			var cm *Object
			for i := range res.Objects {
				if res.Objects[i].Kind == "ConfigMap" {
					cm = &res.Objects[i]
				}
			}
			if cm == nil {
				t.Fatalf("no ConfigMap: %v", objectKeys(res))
			}
			release := "app"
			if strings.Contains(tc.helm, "releaseName") {
				release = "rel"
			}
			if cm.Name != release || cm.Namespace != "dest" {
				t.Errorf("ConfigMap %s/%s", cm.Namespace, cm.Name)
			}
			got := fmt.Sprint(mapAt(cm.Value, "data"))

			bin := peerTool(t, "helm")
			dir := t.TempDir()
			writeTree(t, dir, chart)
			writeTree(t, dir, map[string]string{"VALUES": "b: values\nc: values\n", "OBJECT": "d: object\n"})
			args := []string{"template", release, filepath.Join(dir, "c"), "--namespace", "dest"}
			for _, a := range tc.helmArgs {
				if fileExists(filepath.Join(dir, filepath.FromSlash(a))) {
					a = filepath.Join(dir, filepath.FromSlash(a))
				}
				args = append(args, a)
			}
			out, err := exec.Command(bin, args...).CombinedOutput()
			if err != nil {
				t.Fatalf("helm template: %v\n%s", err, out)
			}
			items, err := objectList(out)
			if err != nil {
				t.Fatalf("helm output: %v\n%s", err, out)
			}
			if want := fmt.Sprint(mapAt(items[0].(map[string]any), "data")); got != want {
				t.Errorf("data\n got %s\nwant %s (helm template)", got, want)
			}
		})
	}
}

// TestArgoKustomizeEdits applies a kustomize source's options and compares
// the build with the kustomize CLI after the `kustomize edit` commands
// Argo CD runs.
func TestArgoKustomizeEdits(t *testing.T) {
	files := map[string]string{
		"k/kustomization.yaml": "namePrefix: base-\ncommonLabels: {app: web}\nresources: [deploy.yaml]\nimages: [{name: nginx, newTag: '1.0'}]\n",
		"k/deploy.yaml": `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 1
  selector: {matchLabels: {x: y}}
  template:
    metadata: {labels: {x: y}}
    spec: {containers: [{name: web, image: nginx}, {name: side, image: 'ghcr.io/org/side:2'}]}
`,
	}
	src := `    path: k
    kustomize:
      namePrefix: prod-
      nameSuffix: -v2
      namespace: shop
      images: [nginx:1.27, ghcr.io/org/side=registry.example.com/side:3]
      commonLabels: {team: web}
      commonAnnotations: {owner: payments}
      replicas: [{name: web, count: 3}]
`
	edits := [][]string{
		{"edit", "set", "nameprefix", "--", "prod-"},
		{"edit", "set", "namesuffix", "--", "-v2"},
		{"edit", "set", "namespace", "shop"},
		{"edit", "set", "image", "nginx:1.27", "ghcr.io/org/side=registry.example.com/side:3"},
		{"edit", "add", "label", "team:web"},
		{"edit", "add", "annotation", "owner:payments"},
		{"edit", "set", "replicas", "web=3"},
	}
	snap := map[string][]byte{"clusters/x/app.yaml": []byte(argoApp("k", "dest", src))}
	for p, s := range files {
		snap[p] = []byte(s)
	}
	res := Render(source.FromFiles("kustomize", snap), Options{})
	if ps := problems(res); len(ps) > 0 {
		t.Fatalf("problems: %v", ps)
	}
	d := object(res, "Deployment", "prod-web-v2")
	if d == nil {
		t.Fatalf("objects %v", objectKeys(res))
	}
	if d.File != "k/deploy.yaml" || d.Namespace != "shop" {
		t.Errorf("at %s in %s", d.File, d.Namespace)
	}

	bin := peerTool(t, "kustomize")
	dir := t.TempDir()
	writeTree(t, dir, files)
	for _, args := range edits {
		cmd := exec.Command(bin, args...)
		cmd.Dir = filepath.Join(dir, "k")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("kustomize %v: %v\n%s", args, err, out)
		}
	}
	out, err := exec.Command(bin, "build", filepath.Join(dir, "k")).Output()
	if err != nil {
		t.Fatalf("kustomize build: %v", err)
	}
	items, err := objectList(out)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := fmt.Sprint(d.Value), fmt.Sprint(items[0]); got != want {
		t.Errorf("render\n %s\nkustomize CLI\n %s", got, want)
	}

	// A label the kustomization has already is an error without force.
	snap["clusters/x/app.yaml"] = []byte(argoApp("k", "dest", "    path: k\n    kustomize: {commonLabels: {app: other}}\n"))
	res = Render(source.FromFiles("kustomize", snap), Options{})
	if ps := problems(res); len(ps) != 1 || !strings.Contains(ps[0], "label app already in kustomization") {
		t.Errorf("problems %v", ps)
	}
	snap["clusters/x/app.yaml"] = []byte(argoApp("k", "dest", "    path: k\n    kustomize: {commonLabels: {app: other}, forceCommonLabels: true}\n"))
	res = Render(source.FromFiles("kustomize", snap), Options{})
	if d := object(res, "Deployment", "base-web"); d == nil || str(d.Value, "metadata", "labels", "app") != "other" {
		t.Errorf("forced label: %v %v", objectKeys(res), problems(res))
	}
}

// TestApplicationSetGenerators expands generators into Application names
// and destination namespaces, as Argo CD documents them.
func TestApplicationSetGenerators(t *testing.T) {
	files := map[string][]byte{
		"teams/data_science/config.json": []byte(`{"team": {"ns": "ds", "tags": ["a", "b"]}}`),
		"teams/pay/config.yaml":          []byte("- team: {ns: pay-eu}\n- team: {ns: pay-us}\n"),
		"apps/web/cm.yaml":               []byte(cmYAML("web")),
		"apps/api/cm.yaml":               []byte(cmYAML("api")),
	}
	appset := func(goTemplate bool, generators, name, ns string) []byte {
		return []byte(fmt.Sprintf(`apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: {name: s, namespace: argocd}
spec:
  goTemplate: %v
  goTemplateOptions: [missingkey=error]
  generators:
%s
  template:
    metadata: {name: '%s'}
    spec:
      source: {repoURL: https://git.example.com/fleet.git, path: apps/web}
      destination: {namespace: '%s'}
`, goTemplate, generators, name, ns))
	}
	tests := []struct {
		name       string
		goTemplate bool
		generators string
		appName    string
		ns         string
		want       []string // "name ns"
		notEval    string
	}{
		{"git files classic", false, "    - git: {repoURL: https://git.example.com/fleet.git, files: [{path: 'teams/*/config.json'}]}",
			"t-{{path.basenameNormalized}}-{{path.filename}}", "{{team.ns}}-{{team.tags.1}}",
			[]string{"t-data-science-config.json ds-b"}, ""},
		{"git files list file, go", true, "    - git: {repoURL: https://git.example.com/fleet.git, files: [{path: 'teams/pay/*.yaml'}]}",
			"{{.path.basename}}-{{.team.ns}}", "{{index .path.segments 0}}",
			[]string{"pay-pay-eu teams", "pay-pay-us teams"}, ""},
		{"list", false, "    - list: {elements: [{c: a, values: {x: '1'}}, {c: b, values: {x: '2'}}]}",
			"{{c}}", "ns-{{values.x}}", []string{"a ns-1", "b ns-2"}, ""},
		{"matrix git x list", true, `    - matrix:
        generators:
          - git: {repoURL: https://git.example.com/fleet.git, directories: [{path: 'apps/*'}]}
          - list: {elements: [{cluster: eu}, {cluster: us}]}`,
			"{{.path.basename}}-{{.cluster}}", "{{.path.basename}}",
			[]string{"api-eu api", "api-us api", "web-eu web", "web-us web"}, ""},
		{"matrix second uses first", true, `    - matrix:
        generators:
          - list: {elements: [{dir: teams/pay}]}
          - git: {repoURL: https://git.example.com/fleet.git, files: [{path: '{{.dir}}/*.yaml'}]}`,
			"{{.dir | base}}-{{.team.ns}}", "x", []string{"pay-pay-eu x", "pay-pay-us x"}, ""},
		{"merge", true, `    - merge:
        mergeKeys: [cluster]
        generators:
          - list: {elements: [{cluster: a, r: "1"}, {cluster: b, r: "1"}]}
          - list: {elements: [{cluster: b, r: "3"}, {cluster: c, r: "9"}]}`,
			"m-{{.cluster}}", "r{{.r}}", []string{"m-a r1", "m-b r3"}, ""},
		{"clusters generator", true, "    - clusters: {}", "x", "y", nil, "generator clusters needs"},
		{"other repository", false, "    - git: {repoURL: https://git.example.com/other.git, directories: [{path: '*'}]}", "x", "y", nil,
			"git generator of other repository https://git.example.com/other.git"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			snap := map[string][]byte{"clusters/x/appset.yaml": appset(tc.goTemplate, tc.generators, tc.appName, tc.ns)}
			for p, b := range files {
				snap[p] = b
			}
			res := Render(source.FromFiles("appset", snap), Options{RepoURL: "git@git.example.com:fleet"})
			var got []string
			for _, o := range res.Objects {
				if o.Kind == "Application" {
					got = append(got, o.Name+" "+str(o.Value, "spec", "destination", "namespace"))
				}
			}
			sort.Strings(got)
			if strings.Join(got, ",") != strings.Join(tc.want, ",") {
				t.Errorf("applications %v, want %v", got, tc.want)
			}
			ps := problems(res)
			switch {
			case tc.notEval == "" && len(ps) > 0:
				t.Errorf("problems %v", ps)
			case tc.notEval != "" && (len(ps) != 1 || !strings.HasPrefix(ps[0], "true ApplicationSet/s: "+tc.notEval)):
				t.Errorf("problems %v, want not evaluated %q", ps, tc.notEval)
			}
		})
	}
}
