package render

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/plinth-dev/plinth/internal/gitops/source"
)

// TestValuesFileKept: a values file read again in one Render gives the
// values Helm reads, each time the same values (kept), also when they hold
// what copyValue does not copy.
func TestValuesFileKept(t *testing.T) {
	for _, text := range []string{
		"a: 1\nb:\n  c: [x, 2]\n  d: {}\ne:\n- f: g\n",
		"name: svc\nlabels: {}\nports:\n  - name: http\n    port: 8080\nprobes:\n  liveness:\n    httpGet:\n      path: /\n",
		"t: 2001-12-14\nu: x\n",
		"",
	} {
		want, err := unmarshalValues([]byte(text))
		if err != nil {
			t.Fatal(err)
		}
		d := newRenderer(source.FromFiles("values", map[string][]byte{"values.yaml": []byte(text)}), Options{})
		for i := range 3 {
			got, err := d.valuesFile("values.yaml")
			if err != nil {
				t.Fatalf("%q: %v", text, err)
			}
			if len(got) != len(want) || len(want) > 0 && !reflect.DeepEqual(got, want) {
				t.Fatalf("%q, read %d: got\n%#v\nwant\n%#v", text, i+1, got, want)
			}
		}
	}
}

// sharedValuesRepo is a repository whose releases of one chart share
// their values files (the chart's values.yaml and shared.yaml), read once
// per Render: two HelmReleases and two Argo CD Applications setting
// parameters (the second of each with the chart's values as defaults
// only), as named by only (all when empty). The chart's templates print
// the values (zbefore.yaml: Helm renders it first), then change them in
// place (set, unset, merge) and print them again.
func sharedValuesRepo(only ...string) *source.Snapshot {
	files := map[string]string{
		"charts/c/Chart.yaml":  "apiVersion: v2\nname: c\nversion: 1.0.0\n",
		"charts/c/values.yaml": "tbl: {a: 1}\nshared: {gone: 1, kept: 2}\nnested: {deep: {d: 1}}\nlist: [x, y]\ndefaultOnly: {e: {f: 1}}\n",
		"shared.yaml":          "tbl: {b: 2}\nshared: {more: 3}\nnested: {deep: {s: 2}, other: {o: 1}}\nlist: [z]\ndefaultOnly: {g: 1}\n",
		"charts/c/templates/zbefore.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: '{{ .Release.Name }}-before'}\n" +
			"data: {values: {{ toJson .Values | quote }}}\n",
		"charts/c/templates/after.yaml": `{{- $_ := set .Values.tbl .Release.Name "x" }}
{{- $_ := unset .Values.shared "gone" }}
{{- $_ := merge .Values.nested.deep (dict .Release.Name "m") }}
{{- $_ := set .Values.defaultOnly.e .Release.Name "d" }}
{{- $_ := set .Values "top" .Release.Name }}
apiVersion: v1
kind: ConfigMap
metadata: {name: '{{ .Release.Name }}-after'}
data: {values: {{ toJson .Values | quote }}}
`,
	}
	const hr = "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: {name: %s, namespace: apps}\nspec:\n" +
		"  chart: {spec: {chart: ./charts/c, sourceRef: {kind: GitRepository, name: flux-system, namespace: flux-system}, valuesFiles: [%s]}}\n"
	const app = "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: %s, namespace: argocd}\nspec:\n" +
		"  destination: {namespace: apps}\n  source:\n    repoURL: https://git.example.com/org/fleet\n    path: charts/c\n" +
		"    helm: {valueFiles: [%s], parameters: [{name: tbl.p, value: param}, {name: 'list[0]', value: set}, {name: nested.deep.q, value: q}]}\n"
	for _, name := range []string{"r1", "r2", "app1", "app2"} {
		if len(only) > 0 && !strings.Contains(strings.Join(only, " "), name) {
			continue
		}
		format := hr
		if strings.HasPrefix(name, "app") {
			format = app
		}
		// the second of each kind has the chart's values.yaml as defaults only
		vf := "charts/c/values.yaml, shared.yaml"
		if strings.HasPrefix(name, "app") {
			vf = "values.yaml, ../../shared.yaml"
		}
		if strings.HasSuffix(name, "2") {
			vf = vf[strings.Index(vf, ",")+2:]
		}
		files["clusters/x/"+name+".yaml"] = fmt.Sprintf(format, name, vf)
	}
	snap := map[string][]byte{}
	for p, s := range files {
		snap[p] = []byte(s)
	}
	return source.FromFiles("shared", snap)
}

// TestSharedValuesNotChanged: releases sharing values files render as
// each renders alone, although their templates change the values in place
// and Argo CD sets parameters into them: nothing one release does to its
// values reaches another's.
func TestSharedValuesNotChanged(t *testing.T) {
	opts := Options{RepoURL: "https://git.example.com/org/fleet.git"}
	data := func(res *Result) map[string]string {
		if ps := problems(res); len(ps) > 0 {
			t.Fatalf("problems: %v", ps)
		}
		out := map[string]string{}
		for _, o := range res.Objects {
			if o.Kind == "ConfigMap" {
				out[o.Name] = str(o.Value, "data", "values")
			}
		}
		return out
	}
	for range 5 {
		all := data(Render(sharedValuesRepo(), opts))
		if len(all) != 8 {
			t.Fatalf("ConfigMaps %v", all)
		}
		for _, name := range []string{"r1", "r2", "app1", "app2"} {
			alone := data(Render(sharedValuesRepo(name), opts))
			for _, cm := range []string{name + "-before", name + "-after"} {
				if all[cm] != alone[cm] {
					t.Errorf("%s: rendered with the others\n%s\nalone\n%s", cm, all[cm], alone[cm])
				}
			}
		}
	}
	// The first release's values, as Helm gives them.
	const want = `{"defaultOnly":{"e":{"f":1},"g":1},"list":["z"],"nested":{"deep":{"d":1,"s":2},"other":{"o":1}},"shared":{"gone":1,"kept":2,"more":3},"tbl":{"a":1,"b":2}}`
	if got := data(Render(sharedValuesRepo("r1"), opts))["r1-before"]; got != want {
		t.Errorf("r1's values\n got %s\nwant %s", got, want)
	}
}
