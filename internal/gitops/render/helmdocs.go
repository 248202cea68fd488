package render

import (
	sigsyaml "sigs.k8s.io/yaml"
)

// renderedDocs parses one template's output as parseDocs does (fastDocs
// reads the plain block YAML chart templates write, without a copy).
// Identical mappings share values through in.
func renderedDocs(content string, in *interner) ([]yamlDoc, error) {
	if chartOutputHook != nil {
		chartOutputHook(content)
	}
	if docs, ok := fastDocsText(content, in); ok {
		return docs, nil
	}
	return decodeDocs([]byte(content))
}

// chartOutputHook, set by tests, sees every template output renderedDocs
// parses.
var chartOutputHook func(content string)

// valuesDoc decodes a values file the way Helm reads one
// (chartutil.ReadValues: sigs.k8s.io/yaml, so YAML 1.1 scalars, and every
// number a float64 as JSON decodes it) without the YAML-to-JSON round trip:
// readYAML11 reads it as yaml.v2 does, its integers float64. Identical
// mappings share values through in. ok is false for anything fastYAML11 does not read, or a document
// that is not a mapping: the caller then decodes the file with the library,
// for its value or its message (helmValuesYAML).
func valuesDoc(data []byte, in *interner) (map[string]any, bool) {
	v, ok := readYAML11(data, true, in)
	m, isMap := v.(map[string]any)
	if !ok || !isMap {
		return nil, false
	}
	return m, true
}

// helmValuesYAML reads a values document (a values file, a valuesFrom
// key, Argo CD's helm.values) as Helm's chartutil.ReadValues does; nil for
// an empty one.
func helmValuesYAML(data []byte) (map[string]any, error) { return helmValuesShared(data, nil) }

// helmValuesShared is helmValuesYAML sharing identical mappings through in
// (yamlintern.go).
func helmValuesShared(data []byte, in *interner) (map[string]any, error) {
	if v, ok := valuesDoc(data, in); ok {
		return v, nil
	}
	var v map[string]any
	if err := sigsyaml.Unmarshal(data, &v); err != nil {
		return nil, err
	}
	return v, nil
}

// jsonNumbers turns the integers of a decoded value, in place, into the
// float64 a JSON round trip makes of them: how Helm gets the values of a
// GitOps object from the API server (a HelmRelease's spec.values, an Argo
// CD valuesObject) and of a values file through sigs.k8s.io/yaml. It is
// yamlNumbers' inverse (native.go); a value shared with others is copied
// first (deepCopy).
func jsonNumbers(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, e := range t {
			t[k] = jsonNumbers(e)
		}
	case []any:
		for i, e := range t {
			t[i] = jsonNumbers(e)
		}
	case int:
		return float64(t)
	case int64:
		return float64(t)
	case uint64:
		return float64(t)
	}
	return v
}
