package render

import (
	"reflect"
	"testing"

	"github.com/plinth-dev/plinth/internal/gitops/obj"
	"github.com/plinth-dev/plinth/internal/gitops/source"
)

// TestHelmReadsValuesAsHelm: values reach the chart as Helm gets them.
// A values file is read by sigs.k8s.io/yaml (chartutil.ReadValues): YAML
// 1.1, so "off" is false and the NetworkPolicy a chart guards with it is
// not deployed; numbers are float64, so 10000000 prints as 1e+07. A
// HelmRelease's spec.values and an Argo CD valuesObject come through the
// API server as JSON: numbers float64 too, strings as written.
func TestHelmReadsValuesAsHelm(t *testing.T) {
	chart := map[string][]byte{
		"charts/web/Chart.yaml":        []byte("apiVersion: v2\nname: web\nversion: 1.0.0\n"),
		"charts/web/values.yaml":       []byte("np: {enabled: true}\n"),
		"charts/web/values-prod.yaml":  []byte("np:\n  enabled: off\nbig: 10000000\n"),
		"charts/web/templates/np.yaml": []byte("{{ if .Values.np.enabled }}apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny}\nspec: {podSelector: {}}\n{{ end }}"),
		"charts/web/templates/cm.yaml": []byte("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm}\ndata:\n  big: {{ .Values.big | quote }}\n  inline: {{ .Values.inline | quote }}\n  word: {{ .Values.word | quote }}\n"),
	}
	for _, tc := range []struct {
		name, docs string
	}{
		{"flux", "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: {name: web, namespace: flux-system}\nspec:\n" +
			"  chart:\n    spec:\n      chart: ./charts/web\n      sourceRef: {kind: GitRepository, name: flux-system}\n      valuesFiles: [charts/web/values.yaml, charts/web/values-prod.yaml]\n" +
			"  values: {inline: 20000000, word: 'yes'}\n"},
		{"argocd", "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: web, namespace: argocd}\nspec:\n" +
			"  destination: {namespace: web, server: https://kubernetes.default.svc}\n" +
			"  source:\n    repoURL: https://example.com/r.git\n    path: charts/web\n" +
			"    helm:\n      valueFiles: [values-prod.yaml]\n      valuesObject: {inline: 20000000, word: 'yes'}\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			files := map[string][]byte{"clusters/c/deploy.yaml": []byte(tc.docs)}
			for p, data := range chart {
				files[p] = data
			}
			res := Render(source.FromFiles("r", files), Options{RepoURL: "https://example.com/r.git"})
			var cm map[string]any
			for _, o := range res.Objects {
				switch o.Kind {
				case "NetworkPolicy":
					t.Errorf("NetworkPolicy rendered: Helm reads np.enabled: off as false")
				case "ConfigMap":
					cm = o.Value
				}
			}
			if cm == nil {
				t.Fatalf("no ConfigMap rendered: %+v", res.Problems)
			}
			for k, want := range map[string]string{"big": "1e+07", "inline": "2e+07", "word": "yes"} {
				if got, _ := obj.Get(cm, "data", k).(string); got != want {
					t.Errorf("data.%s = %q, Helm gives %q", k, got, want)
				}
			}
		})
	}
}

// FuzzHelmValues holds helmValuesYAML (fastYAML11 and float64 numbers,
// else sigs.k8s.io/yaml) to Helm's chartutil.ReadValues on any input: the
// same value, or an error from both.
func FuzzHelmValues(f *testing.F) {
	f.Add([]byte("np:\n  enabled: off\nbig: 10000000\n"))
	f.Add([]byte("a: 1\nb:\n  c: [x, 2]\n  d: {}\n"))
	f.Add([]byte("1: a\ntrue: b\n"))
	f.Add([]byte("f: 1.5\ne: 1e3\nn: ~\ns: 'yes'\n"))
	f.Add([]byte("- a\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := helmValuesYAML(data)
		want, wantErr := unmarshalValues(data)
		if (err != nil) != (wantErr != nil) {
			t.Fatalf("%q: helmValuesYAML error %v, Helm's %v", data, err, wantErr)
		}
		if err == nil && len(got)+len(want) > 0 && !reflect.DeepEqual(got, want) {
			t.Fatalf("%q: helmValuesYAML gives %#v, Helm reads %#v", data, got, want)
		}
	})
}
