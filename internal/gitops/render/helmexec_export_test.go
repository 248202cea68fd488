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
			rv, err := renderValues(ch, valuesOf(t, data), chartutil.ReleaseOptions{Name: filepath.Base(p), Namespace: "ns", Revision: 1, IsInstall: true})
			if err != nil {
				t.Fatal(err)
			}
			fastExec = on
			before := fxStats.fast.Load()
			out[i], errs[i] = helmRender(&helmChartRun{r: NewBudget(0).run(), parsed: parsed[i]}, ch, rv)
			if on && fxStats.fast.Load() > before {
				fast++
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
		out[i], errs[i] = helmRender(&helmChartRun{r: NewBudget(timeout).run(), parsed: &parsedTemplates{}}, ch, mk())
		fast = on && fxStats.fast.Load() > before
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
