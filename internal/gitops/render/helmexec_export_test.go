package render

import (
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"helm.sh/helm/v3/pkg/chart"
	"helm.sh/helm/v3/pkg/chartutil"
)

// ChartRenders renders the chart in dir of files with every values file of
// files (a path holding "/values/"), the chart loaded once and its parsed
// templates shared (as Render does), with the compiled executor on and
// off; it fails t on any difference and returns the renderings compared
// and how many the executor finished.
func ChartRenders(t testing.TB, files map[string][]byte, dir string) (n, fast int) {
	t.Helper()
	ch := chartOfFiles(t, files, dir)
	parsed := [2]*parsedTemplates{{}, {}}
	for p, data := range files {
		if !strings.Contains(p, "/values/") {
			continue
		}
		var out [2]map[string]string
		var errs [2]error
		for i, on := range []bool{false, true} {
			run := &helmChartRun{r: NewBudget(0).run(), parsed: parsed[i]}
			rv, vals, was, defaults := sharedValues(t, ch, data, filepath.Base(p), run, on)
			fastExec = on
			before := fxStats.fast.Load()
			out[i], errs[i] = helmRender(run, ch, rv)
			if on && fxStats.fast.Load() > before {
				fast++
			}
			if !reflect.DeepEqual(valuesSnapshot(vals), was) || !reflect.DeepEqual(valuesSnapshot(ch.Values), defaults) {
				t.Fatalf("%s: the rendering changed the values or the defaults", p)
			}
		}
		fastExec = true
		if (errs[0] == nil) != (errs[1] == nil) || errs[0] != nil && errs[0].Error() != errs[1].Error() || !reflect.DeepEqual(out[0], out[1]) {
			t.Fatalf("%s: text/template and the executor differ:\n%v %v\n%v\n%v", p, errs[0], errs[1], out[0], out[1])
		}
		n++
	}
	return n, fast
}

// sharedValues are the render values of the values file data, as
// renderChart makes them: shared with vals and the chart's defaults (was
// and defaults: their snapshots) for the executor (on), copies else.
func sharedValues(t testing.TB, ch *chart.Chart, data []byte, release string, run *helmChartRun, on bool) (rv chartutil.Values, vals map[string]any, was, defaults any) {
	vals = valuesOf(t, data)
	was, defaults = valuesSnapshot(vals), valuesSnapshot(ch.Values)
	opts := chartutil.ReleaseOptions{Name: release, Namespace: "ns", Revision: 1, IsInstall: true}
	if on {
		if rv, ok := renderValuesShared(ch, vals, opts, func(string, ...any) {}); ok {
			run.copied = func() chartutil.Values {
				rv, err := renderValues(ch, vals, opts)
				if err != nil {
					t.Fatal(err)
				}
				return rv
			}
			return rv, vals, was, defaults
		}
	}
	rv, err := renderValues(ch, vals, opts)
	if err != nil {
		t.Fatal(err)
	}
	return rv, vals, was, defaults
}

// RenderChartValues renders the chart in dir with each values file, the
// executor on or off, for benchmarks.
func RenderChartValues(tb testing.TB, files map[string][]byte, dir string, on bool) func() {
	ch := chartOfFiles(tb, files, dir)
	var vals []map[string]any
	for p, data := range files {
		if strings.Contains(p, "/values/") {
			vals = append(vals, valuesOf(tb, data))
		}
	}
	return func() {
		fastExec = on
		defer func() { fastExec = true }()
		parsed := &parsedTemplates{}
		for _, v := range vals {
			rv, err := renderValues(ch, v, chartutil.ReleaseOptions{Name: "r", Namespace: "ns", Revision: 1, IsInstall: true})
			if err != nil {
				tb.Fatal(err)
			}
			if _, err := helmRender(&helmChartRun{r: NewBudget(0).run(), parsed: parsed}, ch, rv); err != nil {
				tb.Fatal(err)
			}
		}
	}
}

func valuesOf(tb testing.TB, data []byte) map[string]any {
	v, err := chartutil.ReadValues(data)
	if err != nil {
		tb.Fatal(err)
	}
	return v
}

// compareExec renders ch with text/template and with the compiled executor
// (each with fresh values from mk, within timeout): the same outputs and
// errors; it returns whether the executor finished.
func compareExec(t testing.TB, ch *chart.Chart, mk func() chartutil.Values, timeout time.Duration) bool {
	t.Helper()
	var out [2]map[string]string
	var errs [2]error
	fast := false
	for i, on := range []bool{false, true} {
		fastExec = on
		before := fxStats.fast.Load()
		run := &helmChartRun{r: NewBudget(timeout).run(), parsed: &parsedTemplates{}}
		vals := mk()
		var was any
		if on {
			// as renderChart: the executor's values are shared, text/template's copies
			was = valuesSnapshot(vals)
			run.copied = mk
		}
		out[i], errs[i] = helmRender(run, ch, vals)
		fast = on && fxStats.fast.Load() > before
		if on && !reflect.DeepEqual(valuesSnapshot(vals), was) {
			t.Fatalf("the executor changed the values it was given")
		}
	}
	fastExec = true
	for _, err := range errs {
		if _, isBudget := IsBudget(err); isBudget {
			return fast // a limit of time or memory: not deterministic
		}
	}
	if (errs[0] == nil) != (errs[1] == nil) || errs[0] != nil && errs[0].Error() != errs[1].Error() || !reflect.DeepEqual(out[0], out[1]) {
		t.Fatalf("text/template and the executor differ:\n%v\n%v\n%q\n%q", errs[0], errs[1], out[0], out[1])
	}
	return fast
}

// valuesSnapshot is a deep copy of the maps and lists of v (of both map
// types), sharing anything else.
func valuesSnapshot(v any) any {
	switch v := v.(type) {
	case chartutil.Values:
		return chartutil.Values(valuesSnapshot(map[string]any(v)).(map[string]any))
	case map[string]any:
		if v == nil {
			return v
		}
		out := make(map[string]any, len(v))
		for k, e := range v {
			out[k] = valuesSnapshot(e)
		}
		return out
	case []any:
		if v == nil {
			return v
		}
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = valuesSnapshot(e)
		}
		return out
	}
	return v
}
