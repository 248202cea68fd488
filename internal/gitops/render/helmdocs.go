package render

import (
	sigsyaml "sigs.k8s.io/yaml"
)

// renderedDocs parses one template's output as parseDocs does (fastDocs
// reads the plain block YAML chart templates write, without a copy).
func renderedDocs(content string) ([]yamlDoc, error) {
	if chartOutputHook != nil {
		chartOutputHook(content)
	}
	if docs, ok := fastDocsText(content); ok {
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
// fastYAML11 reads it as yaml.v2 does, and jsonNumbers makes its integers
// float64. ok is false for anything fastYAML11 does not read, or a document
// that is not a mapping: the caller then decodes the file with the library,
// for its value or its message (helmValuesYAML).
func valuesDoc(data []byte) (map[string]any, bool) {
	v, ok := fastYAML11(data)
	m, isMap := v.(map[string]any)
	if !ok || !isMap {
		return nil, false
	}
	return jsonNumbers(m).(map[string]any), true
}

// helmValuesYAML reads a values document (a values file, a valuesFrom
// key, Argo CD's helm.values) as Helm's chartutil.ReadValues does; nil for
// an empty one.
func helmValuesYAML(data []byte) (map[string]any, error) {
	if v, ok := valuesDoc(data); ok {
		return v, nil
	}
	var v map[string]any
	if err := sigsyaml.Unmarshal(data, &v); err != nil {
		return nil, err
	}
	return v, nil
}

// jsonNumbers gives v as it reads after a JSON round trip, as Helm gets the
// values of a GitOps object from the API server (a HelmRelease's
// spec.values, an Argo CD valuesObject) or of a values file through
// sigs.k8s.io/yaml: every integer a float64. Maps and lists are copied:
// v itself is not changed.
func jsonNumbers(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, e := range v {
			out[k] = jsonNumbers(e)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = jsonNumbers(e)
		}
		return out
	case int:
		return float64(v)
	case int64:
		return float64(v)
	case uint64:
		return float64(v)
	}
	return v
}
