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
	for p, s := range files {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
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
