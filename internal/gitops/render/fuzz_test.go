package render

import (
	"testing"

	"github.com/plinth-dev/plinth/internal/gitops/source"
)

func FuzzParseDocs(f *testing.F) {
	f.Add([]byte("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\n---\nkind: X\n"))
	f.Add([]byte("a: &a [1,2]\nb: [*a,*a]\n"))
	f.Add([]byte("- a\n- b\n"))
	f.Add([]byte("{{ .Values }}"))
	f.Add([]byte("? [a]\n: b\n"))
	f.Add([]byte("data: {123: a, true: b, ~: c}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		docs, err := parseDocs(data)
		if err == nil {
			for _, d := range docs {
				if d.Line < 1 {
					t.Fatalf("document at line %d", d.Line)
				}
				noAnyMaps(t, d.Value)
			}
		}
	})
}

// FuzzRender feeds arbitrary kustomizations, manifests, Flux/Argo objects
// and charts to discovery: it must never panic, hang or escape the snapshot.
func FuzzRender(f *testing.F) {
	f.Add([]byte("resources: [cm.yaml]\nnamePrefix: x-\n"), []byte("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n"),
		[]byte("apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: k}\nspec: {path: ./app}\n"),
		[]byte("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\n"))
	f.Add([]byte("resources: [../../../../etc]\n"), []byte("kind: [\n"),
		[]byte("apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata: {name: s}\nspec:\n  goTemplate: true\n  generators: [{git: {directories: [{path: '*'}]}}]\n  template: {metadata: {name: '{{ .path.basename }}'}, spec: {source: {path: '{{ .path.path }}'}}}\n"),
		[]byte("{{ template \"x\" . }}{{ define \"x\" }}{{ template \"x\" . }}{{ end }}"))
	f.Add([]byte("helmCharts: [{name: x, repo: https://example.com}]\n"), []byte("apiVersion: v1\nkind: List\nitems: []\n"),
		[]byte("apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: {name: h}\nspec: {chart: {spec: {chart: ./chart, sourceRef: {kind: GitRepository}, valuesFiles: [../x]}}, values: {a: 1}}\n"),
		[]byte("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n"))
	// built natively (namespace over resource files)
	f.Add([]byte("namespace: team\nresources: [cm.yaml]\n"), []byte("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec: {replicas: 2}\n"),
		[]byte("apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: k}\nspec: {path: ./app, targetNamespace: other}\n"),
		[]byte(""))
	f.Fuzz(func(t *testing.T, kust, manifest, entry, tmpl []byte) {
		snap := source.FromFiles("fuzz", map[string][]byte{
			"app/kustomization.yaml":      kust,
			"app/cm.yaml":                 manifest,
			"clusters/c/entry.yaml":       entry,
			"chart/Chart.yaml":            []byte("apiVersion: v2\nname: chart\nversion: 0.1.0\n"),
			"chart/templates/object.yaml": tmpl,
		})
		res := Render(snap, Options{})
		for _, o := range res.Objects {
			if o.File == "" || o.File[0] == '/' {
				t.Fatalf("object %s has file %q", o.ID(), o.File)
			}
		}
	})
}
