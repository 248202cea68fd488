package render

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"helm.sh/helm/v3/pkg/chart"
	"helm.sh/helm/v3/pkg/chart/loader"
	"helm.sh/helm/v3/pkg/chartutil"
)

// TestFastExecCorpus: every chart of the test data renders the same with
// the compiled executor as with text/template.
func TestFastExecCorpus(t *testing.T) {
	dirs := testCharts()
	fast := 0
	for _, dir := range dirs {
		ch, err := loader.LoadDir(dir)
		if err != nil {
			continue
		}
		mk := func() chartutil.Values {
			vals := map[string]any{}
			if err := chartutil.ProcessDependenciesWithMerge(ch, vals); err != nil {
				t.Skip(err)
			}
			rv, err := chartutil.ToRenderValues(ch, vals, chartutil.ReleaseOptions{Name: "r", Namespace: "ns", Revision: 1, IsInstall: true}, chartutil.DefaultCapabilities)
			if err != nil {
				t.Fatal(err)
			}
			return rv
		}
		if compareExec(t, ch, mk, 0) {
			fast++
		}
	}
	t.Logf("the executor finished %d of %d charts", fast, len(dirs))
}

// testCharts are the charts of the test data and the generator's chart
// (not testdata/hostile: runaway charts).
func testCharts() []string {
	var dirs []string
	for _, root := range []string{"../../../testdata", "../../../generator/layout/helm/chart"} {
		_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err == nil && d.IsDir() && d.Name() == "hostile" {
				return filepath.SkipDir
			}
			if err == nil && !d.IsDir() && d.Name() == "Chart.yaml" {
				dirs = append(dirs, filepath.Dir(p))
			}
			return nil
		})
	}
	return dirs
}

// FuzzFastExec holds the compiled executor to text/template on any
// template, helpers and values: the same output or error wherever both
// finish within the budget.
func FuzzFastExec(f *testing.F) {
	chartDir := "../../../generator/layout/helm/chart"
	helpers := ""
	for _, name := range []string{"_helpers.tpl", "_config.tpl", "_placement.tpl"} {
		b, _ := os.ReadFile(filepath.Join(chartDir, "templates", name))
		helpers += string(b)
	}
	values, _ := os.ReadFile(filepath.Join(chartDir, "values.yaml"))
	files, _ := filepath.Glob(filepath.Join(chartDir, "templates", "*.yaml"))
	for _, p := range files {
		b, _ := os.ReadFile(p)
		f.Add(string(b), helpers, string(values))
	}
	for _, tpl := range []string{
		`{{ range $k, $v := .Values }}{{ $k }}={{ $v }} {{ end }}`,
		`{{ $x := 1 }}{{ if .Values.a }}{{ $x = 2 }}{{ end }}{{ $x }} {{ .Values.a | default "d" | quote }}`,
		`{{ with .Values.b }}{{ .c }}{{ else }}none{{ end }}{{ eq .Values.a "x" }}{{ ne 1 2 }}{{ and 1 0 }}{{ or 0 "" }}{{ not .Values.z }}`,
		`{{ range .Values.list }}{{ if eq . 2 }}{{ continue }}{{ end }}{{ if eq . 4 }}{{ break }}{{ end }}{{ . }}{{ else }}empty{{ end }}`,
		`{{ index .Values "b" "c" }} {{ len .Values.list }} {{ .Chart.Name }} {{ .Release.Name }} {{ .Capabilities.KubeVersion.Version }}`,
		`{{ $d := dict "a" 1 }}{{ $_ := set $d "b" .Values.b }}{{ toYaml $d | nindent 2 }}{{ merge (dict) $d | toJson }}`,
		`{{ template "t" .Values }}{{ define "t" }}{{ .a }}{{ end }}{{ include "t" .Values | upper }}{{ printf "%s-%d" "x" 3 }}`,
		// indent and nindent printed: written indented into the output
		`{{ .Values.b.c | nindent 4 }}{{ "a\nb\n" | indent 2 }}{{ .Values.list | toYaml | nindent 1 }}{{ "" | nindent 0 }}{{ .Values.b | toYaml | indent 3 }}`,
		`{{ include "t" . | nindent 2 }}{{ define "t" }}a{{ "\n" }}{{ .Values.a }}{{ "\n\n" }}{{ end }}{{ $x := "s" | nindent 2 }}{{ $x }}`,
		// include printed, or indented, from where it ran (includeOut)
		`{{ define "u" }}{{ include "t" . | indent 1 }}|{{ end }}{{ define "t" }}x{{ "\n" }}{{ .a }}{{ end }}{{ include "t" .Values }}{{ include "u" .Values | nindent 2 }}{{ include "t" "s" }}{{ include "none" . }}`,
		// changes to values the run did not make: text/template's, on copies
		`{{ $_ := set .Values.b "c" 2 }}{{ .Values.b.c }}{{ $_ := unset .Values "a" }}{{ .Values.a }}{{ $_ := merge .Values.b (dict "e" 1) }}{{ .Values.b.e }}`,
		`{{ toYaml .Values.b | nindent 2 }}{{ .Values.list | toYaml | indent 4 }}{{ toYaml "a\nb" | nindent 1 }}{{ toYaml .Values.z | nindent 2 }}{{ toYaml (dict "k" "x y" "l" (list 1 "a:b" "")) | nindent 3 }}{{ toYaml . | nindent 2 }}`,
		`{{ .Values | toYaml | nindent 2 }}{{ toYaml 3 | indent 1 }}{{ toYaml .Values.list | nindent -1 }}`,
		`{{ .Values.z | nindent 2 }}`, `{{ "x" | nindent -1 }}`, `{{ 3 | indent 2 }}`, `{{ "x" | indent 100000000 }}`, `{{ .Values.a | indent 2 | nindent 3 }}`,
	} {
		f.Add(tpl, helpers, "a: x\nb: {c: d}\nlist: [1, 2, 3, 4, 5]\nz: null\n")
	}
	f.Fuzz(func(t *testing.T, tpl, helpers, values string) {
		if len(tpl)+len(helpers)+len(values) > 1<<16 {
			return
		}
		vals, err := chartutil.ReadValues([]byte(values))
		if err != nil {
			return
		}
		ch := &chart.Chart{
			Metadata: &chart.Metadata{APIVersion: "v2", Name: "f", Version: "0.1.0"},
			Templates: []*chart.File{
				{Name: "templates/_helpers.tpl", Data: []byte(helpers)},
				{Name: "templates/t.yaml", Data: []byte(tpl)},
			},
			Values: vals,
		}
		compareExec(t, ch, func() chartutil.Values {
			rv, err := chartutil.ToRenderValues(ch, map[string]any{}, chartutil.ReleaseOptions{Name: "r", Namespace: "ns", Revision: 1, IsInstall: true}, chartutil.DefaultCapabilities)
			if err != nil {
				t.Skip(err)
			}
			return rv
		}, 2*time.Second)
	})
}
