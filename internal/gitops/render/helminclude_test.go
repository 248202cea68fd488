package render

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"text/template"

	"helm.sh/helm/v3/pkg/chart"
	"helm.sh/helm/v3/pkg/chart/loader"
	"helm.sh/helm/v3/pkg/chartutil"
	"helm.sh/helm/v3/pkg/engine"
)

// parseRules parses templates (name: text) as a chart's set and analyses it.
func parseRules(t *testing.T, templates map[string]string) *includeRules {
	t.Helper()
	set := template.New("gotpl")
	slot := &helmSlot{}
	slot.bindFuncs(set)
	for name, text := range templates {
		if _, err := set.New(name).Parse(text); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	return newIncludeRules(set)
}

// TestIncludeRules: which template sets keep include results (pure) and
// which templates may keep them for a chart's top-level data (blind).
func TestIncludeRules(t *testing.T) {
	for _, tc := range []struct {
		name  string
		body  string // of the template "h"; "t.yaml" includes it with .
		pure  bool
		blind bool
	}{
		{"values", `{{ .Values.name | quote }}{{ toYaml .Values.labels | nindent 2 }}`, true, true},
		{"release, chart, files", `{{ .Release.Namespace }}{{ .Chart.Name }}{{ .Files.Get "a" }}{{ .Capabilities.KubeVersion.Version }}`, true, true},
		{"if and with on dot", `{{ if . }}{{ with $ }}{{ .Values.a }}{{ end }}{{ end }}`, true, true},
		{"variable holding dot, its fields", `{{ $r := . }}{{ $r.Values.a }}{{ $.Release.Name }}`, true, true},
		{"include passing dot on", `{{ include "vals" . }}{{ include "vals" $ }}`, true, true},
		{"include of a template reading other fields", `{{ include "g" . }}`, true, false},
		{"range over values", `{{ range $k, $v := .Values.m }}{{ $k }}{{ toYaml $v }}{{ . }}{{ end }}`, true, true},
		{"a dict of values", `{{ include "g" (dict "a" .Values.a) }}{{ toYaml (dict "x" .Values) }}`, true, true},
		{"set on a copy", `{{ $v := deepCopy .Values }}{{ $_ := set $v "a" 1 }}{{ toYaml $v }}`, true, true},
		{"reads .Template", `{{ .Template.Name }}`, true, false},
		{"reads .Template through $", `{{ with .Values }}{{ $.Template.BasePath }}{{ end }}`, true, false},
		{"reads .Template through a variable", `{{ $r := . }}{{ with .Values }}{{ $r.Template.Name }}{{ end }}`, true, false},
		{"reads .Template through with", `{{ with $ }}{{ .Template.Name }}{{ end }}`, true, false},
		{"variable set late in a range", `{{ $r := .Values }}{{ range .Values.l }}{{ toYaml $r }}{{ $r = $ }}{{ end }}`, true, false},
		{"reads .Subcharts", `{{ toYaml .Subcharts }}`, true, false},
		{"a method of the data", `{{ .YAML }}`, true, false},
		{"prints dot", `{{ . }}`, true, false},
		{"dot to a function", `{{ toYaml . }}`, true, false},
		{"dot piped to a function", `{{ . | toJson }}`, true, false},
		{"index of dot", `{{ index . "Template" }}`, true, false},
		{"range over dot", `{{ range $k, $v := . }}{{ $k }}{{ end }}`, true, false},
		{"dot in a dict", `{{ include "g" (dict "root" $) }}`, true, false},
		{"dot to a method", `{{ .Files.Get . }}`, true, false},
		{"include of a template reading .Template", `{{ include "r" . }}`, true, false},
		{"template of a template reading .Template", `{{ template "r" . }}`, true, false},
		{"template with values", `{{ template "r" .Values }}`, true, true},
		{"tpl", `{{ tpl "{{ .Values.a }}" . }}`, false, false},
		{"keys (map order)", `{{ keys .Values | sortAlpha | join "," }}`, false, false},
		{"randomness", `{{ randAlphaNum 5 }}`, false, false},
		{"time", `{{ now }}`, false, false},
		{"include of a computed name", `{{ include (printf "%s" "g") . }}`, false, false},
		{"recursion", `{{ if .Values.more }}{{ include "h" .Values.more }}{{ end }}`, false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := parseRules(t, map[string]string{
				"c/templates/_h.tpl": `{{ define "h" }}` + tc.body + `{{ end }}{{ define "g" }}{{ .a }}{{ end }}{{ define "r" }}{{ .Template.Name }}{{ end }}{{ define "vals" }}{{ .Values.a }}{{ end }}`,
				"c/templates/t.yaml": `{{ include "h" . }}`,
			})
			if r.pure != tc.pure {
				t.Errorf("pure = %v, want %v", r.pure, tc.pure)
			}
			if r.blind["h"] != tc.blind {
				t.Errorf("blind = %v, want %v", r.blind["h"], tc.blind)
			}
		})
	}
}

// TestIncludeRulesGeneratedChart: the chart the generator writes keeps
// include results, for its top-level data too: its helpers are included
// with . in every file.
func TestIncludeRulesGeneratedChart(t *testing.T) {
	files, err := filepath.Glob("../../../generator/layout/helm/chart/templates/*")
	if err != nil || len(files) < 5 {
		t.Fatalf("chart templates: %v %v", files, err)
	}
	templates := map[string]string{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		templates["service/templates/"+filepath.Base(f)] = string(data)
	}
	r := parseRules(t, templates)
	if !r.pure {
		t.Fatal("the generated chart's templates keep no include results")
	}
	for _, name := range []string{"service.metadata", "service.selector", "service.controllerMetadata", "service.pod"} {
		if !r.blind[name] {
			t.Errorf("%s keeps no results for the top-level data", name)
		}
	}
}

// includeHelpers are helpers reading the data in several ways.
const includeHelpers = `{{- define "labels" }}app: {{ .Values.name }}
release: {{ .Release.Name }}{{ end }}
{{- define "file" }}file: {{ .Template.Name }}{{ end }}
{{- define "meta" }}name: {{ .Values.name }}
{{ include "labels" . }}
{{ include "file" . }}{{ end }}
{{- define "v" }}v: {{ toYaml . }}{{ end }}
{{- define "ctx" }}{{ .root.Template.Name }}/{{ .x }}{{ end }}
{{- define "keywords" }}{{ .Chart.Keywords }}{{ end }}
{{- define "tb" }}{{ .Template.BasePath }}{{ end }}`

// includeCharts are charts whose templates include the same helpers with
// the same data many times, in the ways that may or may not keep results.
var includeCharts = map[string]map[string]string{
	"helpers": {
		"templates/_h.tpl": includeHelpers,
		"templates/a.yaml": `a: |
{{ include "meta" . | indent 2 }}
{{ include "labels" . | indent 2 }}
{{ include "v" .Values.m | indent 2 }}
{{ include "v" .Values.m | indent 2 }}
  {{ include "ctx" (dict "root" $ "x" 1) }}
  {{ $d := dict "root" $ "x" 2 }}{{ include "ctx" $d }} {{ include "ctx" $d }}
  {{ include "v" "s" }} {{ include "v" 1 }} {{ include "v" nil }} {{ include "v" .Values.l }}
  {{ include "keywords" . }}
  {{ template "tb" . }}`,
		"templates/b.yaml": `b: |
{{ include "meta" . | indent 2 }}
{{ include "v" .Values.m | indent 2 }}
  {{ include "ctx" (dict "root" $ "x" 3) }} {{ template "tb" . }}`,
		"templates/sub/c.yaml": `c: |
{{ include "meta" . | indent 2 }}
  {{ include "labels" . }} {{ template "tb" . }}`,
	},
	"mutations": {
		"templates/_h.tpl": includeHelpers,
		"templates/a.yaml": `a: |
{{ include "v" .Values.m | indent 2 }}
  {{ include "keywords" . }} {{ sortAlpha .Chart.Keywords }} {{ include "keywords" . }}`,
		"templates/b.yaml": `b: |
{{ include "v" .Values.m | indent 2 }}
  {{ $_ := unset .Values.m "z" }}
{{ include "v" .Values.m | indent 2 }}`,
		"templates/c.yaml": `c: |
{{ include "v" .Values.m | indent 2 }}
  {{ $_ := merge .Values.m (dict "z" .Values.l) }}
{{ include "v" .Values.m | indent 2 }}`,
		"templates/d.yaml": `d: |
{{ include "v" .Values.m | indent 2 }}
  {{ $_ := set .Values.m "k" "changed" }}
{{ include "v" .Values.m | indent 2 }}`,
		"templates/e.yaml": `e: |
{{ include "v" .Values.m | indent 2 }}
  {{ include "keywords" . }}`,
		"templates/f.yaml": `f: {{ include "keywords" . }} {{ include "sorting" . }} {{ include "keywords" . }} {{ include "sorting" . }}`,
		"templates/_s.tpl": `{{ define "sorting" }}{{ .Chart.Keywords }}{{ sortAlpha .Chart.Keywords }}{{ end }}`,
	},
	"keep": {
		"templates/_h.tpl": includeHelpers,
		"templates/_k.tpl": `{{ define "kept" }}{{ with .keep }}{{ .root.Template.Name }}{{ end }}{{ end }}`,
		"templates/a.yaml": `a: {{ include "kept" .Values }}`,
		"templates/b.yaml": `b: {{ include "kept" .Values }}`,
		"templates/c.yaml": `c: {{ $_ := set .Values "keep" (dict "root" $) }}{{ include "kept" .Values }}`,
	},
	"tpl": { // tpl anywhere: nothing kept
		"templates/_h.tpl": `{{ define "n" }}{{ .Template.Name }}-{{ .Values.name }}{{ end }}`,
		"templates/a.yaml": `a: {{ include "n" . }} {{ include "n" . }} {{ tpl "{{ .Values.name }}" . }}`,
		"templates/b.yaml": `b: {{ include "n" . }}`,
	},
	"subchart": {
		"templates/_h.tpl":              `{{ define "sub" }}{{ toYaml .Subcharts.child.Template }}{{ end }}{{ define "n" }}{{ .Values.name }}{{ end }}`,
		"templates/a.yaml":              `a: {{ include "sub" . | quote }} {{ include "n" . }}`,
		"templates/b.yaml":              `b: {{ include "sub" . | quote }} {{ include "n" . }}`,
		"charts/child/Chart.yaml":       "apiVersion: v2\nname: child\nversion: 0.1.0\n",
		"charts/child/templates/c.yaml": `c: {{ include "n" . }} {{ .Template.Name }}`,
	},
}

// TestIncludeCacheSameAsHelm renders each of includeCharts with Helm's
// engine and with helmRender, alone and sharing parsed template sets with
// other renderings (as Render does), twice with different values: same
// output.
func TestIncludeCacheSameAsHelm(t *testing.T) {
	for name, files := range includeCharts {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), name)
			all := map[string]string{
				"Chart.yaml":  "apiVersion: v2\nname: " + name + "\nversion: 0.1.0\nkeywords: [zeta, alpha, mid]\n",
				"values.yaml": "name: first\nm: {k: v, n: [1, 2]}\nl: [x, y]\n",
			}
			for p, data := range files {
				all[p] = data
			}
			for p, data := range all {
				if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, p)), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(dir, p), []byte(data), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			parsed := &parsedTemplates{}
			for i, vals := range []map[string]any{{}, {"name": "second", "m": map[string]any{"k": "w"}}, {}} {
				render := func(run *helmChartRun) (map[string]string, error) {
					ch, err := loader.LoadDir(dir)
					if err != nil {
						t.Fatal(err)
					}
					rv, err := chartutil.ToRenderValues(ch, vals, chartutil.ReleaseOptions{Name: "r", Namespace: "ns", Revision: 1, IsInstall: true}, chartutil.DefaultCapabilities)
					if err != nil {
						t.Fatal(err)
					}
					if run == nil {
						return engine.Render(ch, rv)
					}
					return helmRender(run, ch, rv)
				}
				want, wantErr := render(nil)
				if wantErr != nil {
					t.Fatal(wantErr)
				}
				for _, run := range []*helmChartRun{{r: NewBudget(0).run()}, {r: NewBudget(0).run(), parsed: parsed}} {
					got, err := render(run)
					if err != nil {
						t.Fatalf("values %d: %v", i, err)
					}
					if !reflect.DeepEqual(want, got) {
						for k := range want {
							if want[k] != got[k] {
								t.Errorf("values %d, %s differs:\nhelm:\n%s\nplinth:\n%s", i, k, want[k], got[k])
							}
						}
						t.FailNow()
					}
				}
			}
		})
	}
}

// TestIncludeCacheCharges: a result given again is charged to the
// template's output count as its execution was: a file that includes a
// large helper more often than the limit allows is stopped, kept results
// or not.
func TestIncludeCacheCharges(t *testing.T) {
	big := strings.Repeat(`{{ include "big" . | len }} `, MaxTemplateOutput/(1<<20)+2)
	ch := &chart.Chart{
		Metadata: &chart.Metadata{APIVersion: "v2", Name: "big", Version: "0.1.0"},
		Templates: []*chart.File{
			{Name: "templates/_big.tpl", Data: []byte(`{{ define "big" }}{{ repeat 1048576 "x" }}{{ end }}`)},
			{Name: "templates/a.yaml", Data: []byte("a: " + big + "\n")},
		},
	}
	rv, err := chartutil.ToRenderValues(ch, map[string]any{}, chartutil.ReleaseOptions{Name: "r", Namespace: "ns"}, chartutil.DefaultCapabilities)
	if err != nil {
		t.Fatal(err)
	}
	run := &helmChartRun{r: NewBudget(0).run()}
	_, err = helmRender(run, ch, rv)
	if be, ok := IsBudget(err); !ok || !strings.Contains(be.Error(), "a template wrote more than") {
		t.Fatalf("err = %v, want the output limit", err)
	}
	// fewer includes: within the limit, and their results kept
	ch.Templates[1].Data = []byte(`a: {{ include "big" . | len }} {{ include "big" . | len }}` + "\n")
	out, err := helmRender(&helmChartRun{r: NewBudget(0).run()}, ch, rv)
	if err != nil || out["big/templates/a.yaml"] != "a: 1048576 1048576\n" {
		t.Fatalf("got %q, %v", out["big/templates/a.yaml"], err)
	}
}

// CheckChartAgainstHelm renders the chart in dir of files with every values
// file of files (a path holding "/values/") with Helm's engine and with
// helmRender, the chart loaded once and its parsed templates shared between
// the renderings (as Render does, include results kept); it fails t on any
// difference and returns the number of renderings compared.
func CheckChartAgainstHelm(t *testing.T, files map[string][]byte, dir string) int {
	t.Helper()
	ch := chartOfFiles(t, files, dir)
	parsed := &parsedTemplates{}
	n := 0
	for p, data := range files {
		if !strings.Contains(p, "/values/") {
			continue
		}
		rv, err := chartutil.ToRenderValues(ch, yamlMap(t, string(data)), chartutil.ReleaseOptions{Name: filepath.Base(p), Namespace: "ns", Revision: 1, IsInstall: true}, chartutil.DefaultCapabilities)
		if err != nil {
			t.Fatal(err)
		}
		want, wantErr := engine.Render(ch, rv)
		got, gotErr := helmRender(&helmChartRun{r: NewBudget(0).run(), parsed: parsed}, ch, rv)
		if wantErr != nil || gotErr != nil {
			t.Fatalf("%s: helm: %v; plinth: %v", p, wantErr, gotErr)
		}
		for k := range want {
			if want[k] != got[k] {
				t.Errorf("%s: %s differs:\nhelm:\n%s\nplinth:\n%s", p, k, want[k], got[k])
			}
		}
		if len(want) != len(got) {
			t.Errorf("%s: %d templates rendered, helm %d", p, len(got), len(want))
		}
		n++
	}
	return n
}

// chartOfFiles loads the chart in dir of files.
func chartOfFiles(t testing.TB, files map[string][]byte, dir string) *chart.Chart {
	t.Helper()
	var chartFiles []*loader.BufferedFile
	for p, data := range files {
		if rel, ok := strings.CutPrefix(p, dir+"/"); ok {
			chartFiles = append(chartFiles, &loader.BufferedFile{Name: rel, Data: data})
		}
	}
	ch, err := loader.LoadFiles(chartFiles)
	if err != nil {
		t.Fatal(err)
	}
	return ch
}
