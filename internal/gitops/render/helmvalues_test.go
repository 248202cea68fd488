package render

import (
	"bytes"
	"fmt"
	"io/fs"
	"log"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	yaml "go.yaml.in/yaml/v3"
	"helm.sh/helm/v3/pkg/chart"
	"helm.sh/helm/v3/pkg/chart/loader"
	"helm.sh/helm/v3/pkg/chartutil"
	sigsyaml "sigs.k8s.io/yaml"
)

// helmWarnings runs f and returns the lines it logged, sorted (Helm
// coalesces in map order).
func helmWarnings(f func()) []string {
	var buf bytes.Buffer
	flags, out := log.Flags(), log.Writer()
	log.SetFlags(0)
	log.SetOutput(&buf)
	defer func() {
		log.SetFlags(flags)
		log.SetOutput(out)
	}()
	f()
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	sort.Strings(lines)
	return lines
}

// checkRenderValues fails t when renderValues and chartutil.ToRenderValues
// give different values, errors or warnings for ch and vals, or when
// either modifies its inputs. It says whether renderValues coalesced the
// values itself.
func checkRenderValues(t *testing.T, name string, ch *chart.Chart, vals map[string]any) bool {
	t.Helper()
	opts := chartutil.ReleaseOptions{Name: "r", Namespace: "ns", Revision: 1, IsInstall: true}
	before, _ := copyValue(vals)
	defaults, _ := copyValue(ch.Values)
	var want, got chartutil.Values
	var wantErr, gotErr error
	wantLog := helmWarnings(func() { want, wantErr = chartutil.ToRenderValues(ch, vals, opts, chartutil.DefaultCapabilities) })
	gotLog := helmWarnings(func() { got, gotErr = renderValues(ch, vals, opts) })
	if (wantErr == nil) != (gotErr == nil) || wantErr != nil && wantErr.Error() != gotErr.Error() {
		t.Errorf("%s: errors differ: helm %v, plinth %v", name, wantErr, gotErr)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s: values differ:\nhelm   %#v\nplinth %#v", name, want["Values"], got["Values"])
	}
	if !reflect.DeepEqual(gotLog, wantLog) {
		t.Errorf("%s: warnings differ:\nhelm   %q\nplinth %q", name, wantLog, gotLog)
	}
	var shared chartutil.Values
	var sharedOK bool
	sharedLog := helmWarnings(func() {
		shared, sharedOK = renderValuesShared(ch, vals, opts, log.Printf)
	})
	if sharedOK {
		if !reflect.DeepEqual(shared, got) {
			t.Errorf("%s: shared values differ:\ncopied %#v\nshared %#v", name, got["Values"], shared["Values"])
		}
		if !reflect.DeepEqual(sharedLog, gotLog) {
			t.Errorf("%s: warnings of the shared values differ:\ncopied %q\nshared %q", name, gotLog, sharedLog)
		}
	}
	if after, _ := copyValue(vals); !reflect.DeepEqual(after, before) {
		t.Errorf("%s: the values given were modified", name)
	}
	if after, _ := copyValue(ch.Values); !reflect.DeepEqual(after, defaults) {
		t.Errorf("%s: the chart's values were modified", name)
	}
	_, valsPlain := copyValue(vals)
	_, defaultsPlain := copyValue(ch.Values)
	self := valsPlain && defaultsPlain && len(ch.Dependencies()) == 0 && ch.Schema == nil
	if sharedOK != self {
		t.Errorf("%s: values shared %v, coalesced by renderValues %v", name, sharedOK, self)
	}
	return self
}

func yamlMap(t *testing.T, s string) map[string]any {
	t.Helper()
	var v map[string]any
	if err := yaml.Unmarshal([]byte(s), &v); err != nil {
		t.Fatal(err)
	}
	if v == nil {
		return nil
	}
	return stringKeys(v).(map[string]any)
}

func TestRenderValuesSameAsHelm(t *testing.T) {
	const defaults = `name: example
labels: {}
ports: [{name: http, port: 8080}]
empty: []
nothing: null
probes:
  liveness: {httpGet: {path: /healthz, port: http}, periodSeconds: 10}
  readiness: null
table: {a: 1, b: {c: 2, d: null}}
scalar: 5
list: [1, 2]
`
	for _, tc := range []struct {
		name, defaults, values string
		fast                   bool
	}{
		{"override", defaults, "name: svc\nlabels: {app: svc}\nports: []\n", true},
		{"null removes", defaults, "name: null\nprobes: {liveness: null, readiness: {a: 1}}\ntable: {b: {c: null, d: 3}}\n", true},
		{"new keys", defaults, "extra: {x: [1, {y: null}]}\nnothing: 3\n", true},
		{"table over scalar", defaults, "scalar: {a: 1}\ntable: {a: {b: 1}}\n", true},
		{"scalar over table", defaults, "table: 7\nprobes: {liveness: x}\n", true},
		{"list over table", defaults, "table: [1]\nlist: {a: 1}\n", true},
		{"no values", defaults, "", true},
		{"no defaults", "", "a: {b: null}\n", true},
		{"int and float", "a: 1.5\nb: {c: 1}\n", "a: 2\nb: {c: 1.0, d: 0x10}\n", true},
	} {
		ch := &chart.Chart{Metadata: &chart.Metadata{Name: "svc", Version: "0.1.0", APIVersion: "v2"}, Values: yamlMap(t, tc.defaults)}
		if fast := checkRenderValues(t, tc.name, ch, yamlMap(t, tc.values)); fast != tc.fast {
			t.Errorf("%s: coalesced by plinth %v, want %v", tc.name, fast, tc.fast)
		}
	}
	// a chart with a schema or subcharts: Helm's own path, same result
	ch := &chart.Chart{Metadata: &chart.Metadata{Name: "svc", Version: "0.1.0", APIVersion: "v2"}, Values: yamlMap(t, defaults),
		Schema: []byte(`{"type": "object", "required": ["name"]}`)}
	if checkRenderValues(t, "schema", ch, yamlMap(t, "name: null\n")) {
		t.Error("a chart with a schema was coalesced by plinth")
	}
}

// TestRenderValuesSameAsHelmOnTestData: every chart of the test data and
// the generator's chart, with every values file of the test data and the
// generator's goldens, gives the same values both ways.
func TestRenderValuesSameAsHelmOnTestData(t *testing.T) {
	var charts []*chart.Chart
	var values []map[string]any
	for _, root := range []string{"../../../testdata", "../../../generator"} {
		_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return nil
			}
			if d.Name() == "Chart.yaml" {
				if ch, err := loader.LoadDir(filepath.Dir(p)); err == nil {
					charts = append(charts, ch)
				}
				return nil
			}
			if !isYAML(p) || filepath.Base(filepath.Dir(p)) == "templates" {
				return nil
			}
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			var v map[string]any
			if sigsyaml.Unmarshal(data, &v) == nil && v != nil {
				values = append(values, v)
			}
			return nil
		})
	}
	if len(charts) < 10 || len(values) < 50 {
		t.Fatalf("%d charts, %d values files", len(charts), len(values))
	}
	fast := 0
	for _, ch := range charts {
		for i, v := range append(values, nil, ch.Values) {
			if checkRenderValues(t, fmt.Sprintf("%s %d", ch.Name(), i), ch, v) {
				fast++
			}
		}
	}
	if fast == 0 {
		t.Fatal("renderValues never coalesced the values itself")
	}
}

// CheckRenderValues checks renderValues against chartutil.ToRenderValues
// for the chart in dir of files with each values file under a values/
// directory merged over the chart's values.yaml (as the generated
// HelmReleases list them); it returns how many it compared and how many
// renderValues coalesced itself.
func CheckRenderValues(t *testing.T, files map[string][]byte, dir string) (n, fast int) {
	t.Helper()
	ch := chartOfFiles(t, files, dir)
	defaults := yamlMap(t, string(files[dir+"/values.yaml"]))
	for p, data := range files {
		if !strings.Contains(p, "/values/") {
			continue
		}
		n++
		if checkRenderValues(t, p, ch, mergeMaps(defaults, yamlMap(t, string(data)))) {
			fast++
		}
	}
	return n, fast
}

func FuzzRenderValues(f *testing.F) {
	f.Add([]byte("a: {b: 1, c: null}\nd: [1]\ne: x\n"), []byte("a: {b: null, c: 2, f: {g: 1}}\nd: {x: 1}\ne: null\n"))
	f.Add([]byte("a: 1\n"), []byte("a: {b: 2}\n"))
	f.Fuzz(func(t *testing.T, defaults, values []byte) {
		var dv, vv map[string]any
		if yaml.Unmarshal(defaults, &dv) != nil || yaml.Unmarshal(values, &vv) != nil {
			return
		}
		conv := func(m map[string]any) map[string]any {
			if m == nil {
				return nil
			}
			return stringKeys(m).(map[string]any)
		}
		ch := &chart.Chart{Metadata: &chart.Metadata{Name: "c", Version: "0.1.0", APIVersion: "v2"}, Values: conv(dv)}
		checkRenderValues(t, "fuzz", ch, conv(vv))
	})
}
