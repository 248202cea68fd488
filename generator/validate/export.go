package validate

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// KubeconformLocation is the kubeconform -schema-location template matching
// the layout ExportStandalone writes under dir.
func KubeconformLocation(dir string) string {
	return filepath.Join(dir, "{{ .Group }}", "{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json")
}

// ExportStandalone writes the embedded schemas of a Kubernetes version as
// standalone JSON Schema files (one per kind, every reference inside the
// file) under dir, in the layout of KubeconformLocation, so that peers such
// as kubeconform validate against exactly the same schemas offline. It
// returns the number of files written.
func ExportStandalone(kubeVersion, dir string) (int, error) {
	minor, ok := Minor(kubeVersion)
	if !ok {
		return 0, fmt.Errorf("kubernetes version %q: no schemas (supported: %s)", kubeVersion, strings.Join(Versions(), ", "))
	}
	k8s, err := readJSON("schemas/kubernetes-" + minor + ".json.gz")
	if err != nil {
		return 0, err
	}
	crds, err := crdDoc()
	if err != nil {
		return 0, err
	}
	defs, kinds := definitions(k8s, crds)
	keys := make([]string, 0, len(kinds))
	for k := range kinds {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	n := 0
	for _, key := range keys {
		i := strings.LastIndex(key, "/")
		apiVersion, kindName := key[:i], key[i+1:]
		group, version := "v1", apiVersion
		if g, v, ok := strings.Cut(apiVersion, "/"); ok {
			group, version = g, v
		} else {
			group = apiVersion
		}
		b, err := json.Marshal(standalone(defs, kinds[key]))
		if err != nil {
			return n, err
		}
		p := filepath.Join(dir, group, strings.ToLower(kindName)+"_"+version+".json")
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return n, err
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// definitions are the definitions of the Kubernetes and the CRD documents
// in one namespace (CRD ones prefixed "crd.", their references to the
// Kubernetes document made local) and the definition of each kind
// ("apps/v1/Deployment"); a built-in kind wins over a CRD of the same name.
func definitions(k8s, crds map[string]any) (defs map[string]any, kinds map[string]string) {
	k8sDefs, _ := k8s["$defs"].(map[string]any)
	crdDefs, _ := crds["$defs"].(map[string]any)
	defs = make(map[string]any, len(k8sDefs)+len(crdDefs))
	for k, v := range k8sDefs {
		defs[k] = v
	}
	for k, v := range crdDefs {
		defs["crd."+k] = rewriteRefs(v)
	}
	kinds = map[string]string{}
	for _, doc := range []struct {
		m      map[string]any
		prefix string
	}{{crds, "crd."}, {k8s, ""}} {
		ks, _ := doc.m["kinds"].(map[string]any)
		for k, def := range ks {
			kinds[k] = doc.prefix + def.(string)
		}
	}
	return defs, kinds
}

// standalone is the schema document of definition def: a reference to it,
// with it and every definition it references.
func standalone(defs map[string]any, def string) map[string]any {
	reach := map[string]any{}
	collect(defs, def, reach)
	return map[string]any{
		"$schema": "https://json-schema.org/draft/2020-12/schema",
		"$ref":    "#/$defs/" + def,
		"$defs":   reach,
	}
}

const crdObjectMetaRef = "kubernetes.json#/$defs/"

func rewriteRefs(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, e := range v {
			if s, ok := e.(string); ok && k == "$ref" && strings.HasPrefix(s, crdObjectMetaRef) {
				out[k] = "#/$defs/" + strings.TrimPrefix(s, crdObjectMetaRef)
				continue
			}
			out[k] = rewriteRefs(e)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = rewriteRefs(e)
		}
		return out
	}
	return v
}

// collect adds def and every definition it references to reach.
func collect(defs map[string]any, def string, reach map[string]any) {
	if _, ok := reach[def]; ok {
		return
	}
	s, ok := defs[def]
	if !ok {
		return
	}
	reach[def] = s
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, e := range v {
				if r, ok := e.(string); ok && k == "$ref" {
					collect(defs, strings.TrimPrefix(r, "#/$defs/"), reach)
					continue
				}
				walk(e)
			}
		case []any:
			for _, e := range v {
				walk(e)
			}
		}
	}
	walk(s)
}
