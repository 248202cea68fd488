// Package obj reads fields of unstructured Kubernetes objects (decoded YAML
// or JSON: map[string]any, []any and scalars) without panicking on
// unexpected shapes.
package obj

// Get walks maps along path; nil when a step is missing or not a map.
func Get(v any, path ...string) any {
	for _, p := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[p]
	}
	return v
}

// Str is the string at path, or "".
func Str(v any, path ...string) string {
	s, _ := Get(v, path...).(string)
	return s
}

// Map is the map at path, or nil.
func Map(v any, path ...string) map[string]any {
	m, _ := Get(v, path...).(map[string]any)
	return m
}

// List is the list at path, or nil.
func List(v any, path ...string) []any {
	l, _ := Get(v, path...).([]any)
	return l
}
