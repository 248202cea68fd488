package render

import (
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/api/types"
	"sigs.k8s.io/kustomize/kyaml/resid"
	k8syaml "sigs.k8s.io/yaml"
)

// yamlInputs are kustomization and patch files: plinth's shapes and what
// YAML 1.1 reads differently (yes/no, octal, sexagesimal, timestamps,
// binary, non-string keys, special floats, anchors).
var yamlInputs = []string{
	"apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: shop-dev\nresources: [../../base/api, x.yaml]\npatches:\n- path: p.yaml\n  target: {group: apps, version: v1, kind: Deployment, name: api}\n",
	"namespace: on\nresources: [a]\n",
	"namespace: yes\n",
	"namespace: 0777\n",
	"namespace: 1:20\n",
	"namespace: 2001-12-14\n",
	"namespace: ~\n",
	"namespace:\n",
	"namespace: .inf\n",
	"namespace: !!binary /w==\n",
	"namespace: \"\\xff\"\n",
	"1: a\n",
	"true: a\n",
	"a: &x {b: c}\nd: *x\n",
	"a: b\na: c\n",
	"",
	"[a, b]\n",
	"- op: add\n  path: /spec/replicas\n  value: 1\n- op: remove\n  path: /metadata/labels/a~1b\n",
	"- op: replace\n  path: /spec/template/spec/containers\n  value:\n  - name: api\n    image: x:1\n    ports: [{containerPort: 8080, protocol: TCP}]\n    resources: {limits: {cpu: 500m, memory: 1e3}}\n",
	"- op: test\n  path: /spec/replicas\n  value: 9007199254740993\n",
	"- op: test\n  path: /spec/x\n  value: {a: [1, 2.50, \"<&>\", null, yes, 0x1F, 1e21, -0.0]}\n",
	"- op: test\n  path: /spec/x\n  value: null\n- op: test\n  path: /spec/y\n",
	"- op: add\n  path: /x\n  value: .nan\n",
	"- op: add\n  path: /x\n  value: 18446744073709551615\n",
	"- op: add\n  path: /x\n  value: -9223372036854775808\n",
	"- op: add\n  path: /x\n  value: {1: a}\n",
	"- op: add\n  path: 3\n",
	"- op: 3\n  path: /x\n",
	"- op: copy\n  from: /a\n",
	"- op: move\n  path: /a\n  from: null\n",
	"- null\n- op: add\n",
	"- [op, add]\n",
	"{op: add}\n",
	"- op: add\n  path: /x\n  value: 2001-12-14t21:59:43.10-05:00\n",
	"- op: add\n  path: /x\n  value: !!binary /w==\n",
	"- op: add\n  path: /x\n  value: [\"\\u2028\", \"a\\u0000b\"]\n",
	"- op: add\n  path: /x\n  value: ",
	"- op: add\n  path: /x\n  value: 1_000\n",
	"- op: add\n  path: /x\n  value: +12\n",
	"- op: add\n  path: /x\n  value: 0b101\n",
	"- op: add\n  path: /x\n  value: 3.0\n",
	"- op: add\n  path: /x\n  value: 1.5e300\n",
	"- {op: add, path: /x, value: 1, value2: {k: [1]}}\n",
	"\t- bad",
	// Plain scalars YAML 1.1 reads otherwise than 1.2, in the block style
	// fastYAML11 reads, as keys, values and flow items.
	"resources:\n- a\n- y\n- 'y'\n- No\n- off\n- OFF\n- n\n- 0777\n- 0o17\n- 0x1F\n- 1_000\n- +12\n- -0\n- 1e3\n- .5\n- 1.0\n- 2001-12-14\n- 1:20\n- <<\n- ~\n- Null\n- True\n",
	"resources: [a, y, No, '0777', 0777, on, 12, -3, ~, true]\n",
	"on: a\n", "y: a\n", "Off: a\n", "'on': a\n", "yes: a\nno: b\n", "onion: a\nyesterday: b\nnull: c\n",
	"namespace: y\n", "namespace: Yes\n", "namespace: n\n", "namespace: Off\n", "namespace: 'off'\n", "namespace: onion\n", "namespace: nobody\n",
	"namespace: 12\n", "namespace: 123456789012345678901\n", "namespace: -12\n", "namespace: +1\n", "namespace: 0\n", "namespace: 00\n",
	"# comment\n---\nnamespace: a\n", "---\nnamespace: a\n", "namespace: a\n---\n", "namespace: a\n---\nnamespace: b\n",
	"---\n---\nnamespace: a\n", "--- # c\nnamespace: a\n", "--- a\n", "namespace: a\n...\n", "%YAML 1.1\n---\nnamespace: a\n",
	"  namespace: a\n  resources:\n  - b\n", "namespace: a\n resources: b\n", "namespace: \"a\\x41\\u00e9\"\n", "namespace: \"a\\/b\"\n",
	"namespace: |\n  a\n  b\n", "namespace: a # c\nresources: # c\n- b # c\n", "namespace: a#b\n", "namespace: a:b\n", "namespace: {}\n",
	"- op: replace\n  path: /spec/replicas\n  value: 3\n- op: add\n  path: /metadata/labels/on\n  value: on\n",
	"- op: add\n  path: /spec/template/spec/containers/0/env/-\n  value:\n    name: A\n    value: \"1\"\n- op: test\n  path: /x\n  value: {}\n",
	"- op: test\n  path: /spec/x\n  value:\n    a:\n    - 1\n    - true\n    - \"<&>\"\n    - null\n    - ~\n    b: -7\n",
	"- op: remove\n  path: /spec/x\n- op: add\n  path: /y\n  value: yes\n", "- op: add\n  path: /y\n  value: [1, 2, a]\n",
	"  - op: add\n    path: /a\n    value: 1\n", "- op: add\n  path: /a\n  value: 1\nkey: v\n", "-\n  op: add\n", "- - op\n",
}

// TestReadKustomizationMatchesLibrary: the kustomization fields read as
// sigs.k8s.io/yaml.Unmarshal reads them.
func TestReadKustomizationMatchesLibrary(t *testing.T) {
	for _, in := range yamlInputs {
		checkReadKustomization(t, in)
	}
}

func checkReadKustomization(t *testing.T, in string) {
	t.Helper()
	var want map[string]any
	wantErr := k8syaml.Unmarshal([]byte(in), &want)
	got, err := readKustomization([]byte(in))
	if (err == nil) != (wantErr == nil) || !reflect.DeepEqual(got, want) {
		t.Errorf("%q:\n got %#v, %v\nwant %#v, %v", in, got, err, want, wantErr)
	}
}

// TestReadJSONPatchMatchesLibrary: a patch file read as YAMLToJSON then the
// JSON decoding reads it: the same operations, values (number types
// included) and, for a test, the same text.
func TestReadJSONPatchMatchesLibrary(t *testing.T) {
	for _, in := range append(yamlInputs, `[{"op":"add","path":"/x","value":1}]`) {
		checkReadJSONPatch(t, in)
	}
}

func checkReadJSONPatch(t *testing.T, in string) {
	t.Helper()
	got, err := readJSONPatch([]byte(in))
	var want jsonPatch
	text, wantErr := k8syaml.YAMLToJSON([]byte(in))
	if len(in) > 0 && in[0] == '[' {
		text, wantErr = []byte(in), nil
	}
	if wantErr == nil {
		want, wantErr = decodeJSONPatch(text)
	}
	if (err == nil) != (wantErr == nil) {
		t.Errorf("%q: error %v, library %v", in, err, wantErr)
		return
	}
	if len(got) != len(want) {
		t.Errorf("%q: %d operations, library %d", in, len(got), len(want))
		return
	}
	for i := range got {
		g, w := got[i], want[i]
		if g.kind != w.kind || g.path != w.path || g.from != w.from || fmt.Sprint(g.pathErr) != fmt.Sprint(w.pathErr) ||
			fmt.Sprint(g.fromErr) != fmt.Sprint(w.fromErr) || g.hasValue != w.hasValue || g.null != w.null ||
			!reflect.DeepEqual(g.value, w.value) || (g.valueErr == nil) != (w.valueErr == nil) ||
			(g.kind == "test" && string(g.raw) != string(w.raw)) {
			t.Errorf("%q: operation %d\n got %#v\nwant %#v", in, i, g, w)
		}
	}
}

// TestTargetSelectorMatchesKustomize: patch targets select what kustomize's
// SelectorRegex selects, literal patterns without a regular expression.
func TestTargetSelectorMatchesKustomize(t *testing.T) {
	patterns := []string{"", "apps", "networking.k8s.io", "v1", "Deployment", "api", "a.i", "..", "ap.*", "a|b", "é.", "\u00e9", "x\ny", "."}
	values := []string{"", "apps", "networking.k8s.io", "networkingXk8sXio", "v1", "Deployment", "deployment", "api", "ani", "a\ni",
		"apix", "ab", "a", "b", "é", "éé", "é\n", "\xff", "\xffx", "x\ny", "\n"}
	for _, p := range patterns {
		sel := types.Selector{ResId: resid.ResId{Gvk: resid.Gvk{Group: p, Version: p, Kind: p}, Name: p}}
		ts, err := newTargetSelector(sel)
		if err != nil {
			t.Fatal(err)
		}
		sr, err := types.NewSelectorRegex(&sel)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range values {
			gvk := resid.Gvk{Group: v, Version: v, Kind: v}
			if got, want := ts.match(v, gvk), sr.MatchName(v) && sr.MatchGvk(gvk); got != want {
				t.Errorf("pattern %q, %q: %v, kustomize %v", p, v, got, want)
			}
			if strings.ContainsAny(p, regexMeta) {
				continue // not runeMatch's
			}
			if got, want := runeMatch(p, v), p == "" || regexp.MustCompile("^(?:"+p+")$").MatchString(v); got != want {
				t.Errorf("runeMatch(%q, %q) = %v, regexp %v", p, v, got, want)
			}
		}
	}
}
