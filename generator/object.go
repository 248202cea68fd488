package generator

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"sigs.k8s.io/yaml"
)

// object is one Kubernetes object as a JSON-compatible map, with the
// identifying fields lifted out for layout decisions.
type object struct {
	APIVersion string
	Kind       string
	Name       string
	Namespace  string
	Value      map[string]any
}

// id identifies an object inside one build (kustomize's resource id).
func (o object) id() string {
	return o.APIVersion + "/" + o.Kind + "/" + o.Namespace + "/" + o.Name
}

// group is the API group of the object ("" for core).
func (o object) group() string {
	if i := strings.Index(o.APIVersion, "/"); i >= 0 {
		return o.APIVersion[:i]
	}
	return ""
}

// version is the API version without group.
func (o object) version() string {
	if i := strings.Index(o.APIVersion, "/"); i >= 0 {
		return o.APIVersion[i+1:]
	}
	return o.APIVersion
}

// toObject converts a typed object (k8s.io/api type or one of the small CRD
// structs) into an object. Nulls and the empty status are dropped so the
// YAML carries only what plinth sets.
func toObject(v any) (object, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return object{}, fmt.Errorf("encode %T: %w", v, err)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		return object{}, fmt.Errorf("decode %T: %w", v, err)
	}
	delete(m, "status")
	pruneNulls(m)
	return objectFromMap(m)
}

// objectFromMap wraps a decoded object, checking its identifying fields.
func objectFromMap(m map[string]any) (object, error) {
	o := object{Value: m}
	o.APIVersion, _ = m["apiVersion"].(string)
	o.Kind, _ = m["kind"].(string)
	if md, ok := m["metadata"].(map[string]any); ok {
		o.Name, _ = md["name"].(string)
		o.Namespace, _ = md["namespace"].(string)
	}
	if o.APIVersion == "" || o.Kind == "" || o.Name == "" {
		return object{}, fmt.Errorf("object without apiVersion, kind or metadata.name: %v", m)
	}
	return o, nil
}

// pruneNulls removes null values (e.g. creationTimestamp) recursively.
func pruneNulls(v any) {
	switch t := v.(type) {
	case map[string]any:
		for k, e := range t {
			if e == nil {
				delete(t, k)
				continue
			}
			// Empty structs the typed API always emits (Deployment
			// strategy, Namespace spec) say nothing.
			if em, ok := e.(map[string]any); ok && len(em) == 0 && (k == "strategy" || k == "spec") {
				delete(t, k)
				continue
			}
			pruneNulls(e)
		}
	case []any:
		for _, e := range t {
			pruneNulls(e)
		}
	}
}

// withoutNamespace returns a copy of o whose metadata has no namespace.
func (o object) withoutNamespace() object {
	c := o
	c.Namespace = ""
	c.Value = shallowCopy(o.Value)
	if md, ok := o.Value["metadata"].(map[string]any); ok {
		md2 := shallowCopy(md)
		delete(md2, "namespace")
		c.Value["metadata"] = md2
	}
	return c
}

func shallowCopy(m map[string]any) map[string]any {
	c := make(map[string]any, len(m))
	for k, v := range m {
		c[k] = v
	}
	return c
}

// sortObjects orders objects by kind, namespace and name.
func sortObjects(objs []object) {
	sort.Slice(objs, func(i, j int) bool {
		a, b := objs[i], objs[j]
		if a.Kind != b.Kind {
			return a.Kind < b.Kind
		}
		if a.Namespace != b.Namespace {
			return a.Namespace < b.Namespace
		}
		return a.Name < b.Name
	})
}

// marshalDocs renders objects as a YAML stream (sorted keys) after a header.
func marshalDocs(header string, objs ...object) ([]byte, error) {
	var b strings.Builder
	b.WriteString(header)
	for i, o := range objs {
		data, err := yaml.Marshal(o.Value)
		if err != nil {
			return nil, fmt.Errorf("%s %s: %w", o.Kind, o.Name, err)
		}
		if i > 0 {
			b.WriteString("---\n")
		}
		b.Write(data)
	}
	return []byte(b.String()), nil
}

// marshalYAML renders any value as YAML after a header.
func marshalYAML(header string, v any) ([]byte, error) {
	data, err := yaml.Marshal(v)
	if err != nil {
		return nil, err
	}
	return append([]byte(header), data...), nil
}
