package render

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"helm.sh/helm/v3/pkg/chart/loader"
	"helm.sh/helm/v3/pkg/chartutil"
	"helm.sh/helm/v3/pkg/engine"
)

// TestHelmEngineSameAsHelm renders every chart of the test data and the
// generator's chart with Helm's engine and with helmRender: same output,
// same errors.
func TestHelmEngineSameAsHelm(t *testing.T) {
	dirs := testCharts()
	// Helm's own functions, tpl, include and .Files, and its error paths.
	for name, tmpl := range map[string]string{
		"funcs": `{{- define "x.name" }}{{ .Chart.Name }}-{{ .Release.Name }}{{ end -}}
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ include "x.name" . | trunc 20 }}
  labels: {{- include "x.labels" . | nindent 4 }}
data:
  tpl: {{ tpl "{{ .Release.Namespace }}-{{ .Values.a }}" . | quote }}
  file: {{ .Files.Get "files/a.txt" | quote }}
  lines: {{ .Files.Lines "files/a.txt" | join "," | quote }}
  toml: {{ toToml .Values | quote }}
  yaml: {{ toYaml .Values | fromYaml | toJson | quote }}
  arr: {{ fromYamlArray "[1, 2]" | toString | quote }}
  json: {{ fromJsonArray "[1" | toString | quote }}
  lookup: {{ lookup "v1" "Pod" "" "" | len | quote }}
  printf: {{ printf "%05d-%s" 7 .Template.Name | quote }}
  host: {{ getHostByName "example.com" | quote }}
  missing: {{ .Values.nope | quote }}
{{ .Files.Glob "files/*" | toYaml | indent 2 }}
{{ (.Files.Glob "files/*").AsConfig | indent 2 }}
{{ (.Files.Glob "files/*").AsSecrets | indent 2 }}
`,
		"required": "a: {{ required \"a is required\" .Values.nope }}\n",
		"fail":     "a: {{ fail \"no\" }}\n",
		"parse":    "a: {{ .Values.a \n",
		"exec":     "a: {{ index .Values.a 5 }}\n",
		"recurse":  `{{ define "r" }}{{ include "r" . }}{{ end }}{{ include "r" . }}`,
	} {
		dir := filepath.Join(t.TempDir(), name)
		for p, data := range map[string]string{
			"Chart.yaml":             "apiVersion: v2\nname: " + name + "\nversion: 0.1.0\n",
			"values.yaml":            "a: [1, 2]\nb: {c: d}\n",
			"files/a.txt":            "one\ntwo\n",
			"templates/_helpers.tpl": "{{- define \"x.labels\" }}\napp: {{ .Chart.Name }}\n{{- end }}\n",
			"templates/t.yaml":       tmpl,
		} {
			if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, p)), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, p), []byte(data), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		dirs = append(dirs, dir)
	}
	if len(dirs) < 8 {
		t.Fatalf("found only %d charts: %v", len(dirs), dirs)
	}
	outputs := 0
	for _, dir := range dirs {
		t.Run(dir, func(t *testing.T) {
			render := func(useHelm bool) (map[string]string, error) {
				ch, err := loader.LoadDir(dir)
				if err != nil {
					t.Skipf("chart does not load: %v", err)
				}
				vals := map[string]any{}
				if err := chartutil.ProcessDependenciesWithMerge(ch, vals); err != nil {
					t.Skipf("dependencies: %v", err)
				}
				rv, err := chartutil.ToRenderValues(ch, vals, chartutil.ReleaseOptions{Name: "r", Namespace: "ns", Revision: 1, IsInstall: true}, chartutil.DefaultCapabilities)
				if err != nil {
					t.Fatal(err)
				}
				if useHelm {
					return engine.Render(ch, rv)
				}
				return helmRender(&helmChartRun{r: NewBudget(0).run()}, ch, rv)
			}
			want, wantErr := render(true)
			got, gotErr := render(false)
			if (wantErr == nil) != (gotErr == nil) || wantErr != nil && wantErr.Error() != gotErr.Error() {
				t.Fatalf("errors differ:\nhelm:   %v\nplinth: %v", wantErr, gotErr)
			}
			if !reflect.DeepEqual(want, got) {
				for k := range want {
					if want[k] != got[k] {
						t.Errorf("%s differs:\nhelm:\n%s\nplinth:\n%s", k, want[k], got[k])
					}
				}
				t.Fatalf("outputs differ (%d and %d templates)", len(want), len(got))
			}
			outputs += len(want)
		})
	}
	if outputs < 10 {
		t.Fatalf("only %d templates rendered", outputs)
	}
}
