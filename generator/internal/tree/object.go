package tree

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Object is one Kubernetes object as a JSON-compatible map, with the
// identifying fields lifted out for layout decisions.
type Object struct {
	APIVersion string
	Kind       string
	Name       string
	Namespace  string
	Value      map[string]any
}

// ID identifies an object inside one build (kustomize's resource id).
func (o Object) ID() string {
	return o.APIVersion + "/" + o.Kind + "/" + o.Namespace + "/" + o.Name
}

// Group is the API group of the object ("" for core).
func (o Object) Group() string {
	if i := strings.Index(o.APIVersion, "/"); i >= 0 {
		return o.APIVersion[:i]
	}
	return ""
}

// Version is the API version without group.
func (o Object) Version() string {
	if i := strings.Index(o.APIVersion, "/"); i >= 0 {
		return o.APIVersion[i+1:]
	}
	return o.APIVersion
}

// FromTyped converts a typed object (k8s.io/api type or a small custom
// resource struct) into an Object. Nulls and the empty status are dropped
// so the YAML carries only what plinth sets.
func FromTyped(v any) (Object, error) {
	m, ok := typedObject(v) // typed.go
	if !ok || crossCheck.Load() != nil {
		data, err := json.Marshal(v)
		if err != nil {
			return Object{}, fmt.Errorf("encode %T: %w", v, err)
		}
		viaJSON, err := decodeObject(data)
		if err != nil {
			return Object{}, fmt.Errorf("decode %T: %w", v, err)
		}
		if ok && (!reflect.DeepEqual(m, viaJSON) || Digest(m) != Digest(viaJSON)) {
			return Object{}, fmt.Errorf("%T made directly differs from its JSON: %s", v, data)
		}
		m = viaJSON
	}
	delete(m, "status")
	pruneNulls(m)
	return FromMap(m)
}

// FromTypedList is FromTyped of each.
func FromTypedList(typed []any) ([]Object, error) {
	out := make([]Object, 0, len(typed))
	for _, t := range typed {
		o, err := FromTyped(t)
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, nil
}

// FromMap wraps a decoded object, checking its identifying fields.
func FromMap(m map[string]any) (Object, error) {
	o := Object{Value: m}
	o.APIVersion, _ = m["apiVersion"].(string)
	o.Kind, _ = m["kind"].(string)
	if md, ok := m["metadata"].(map[string]any); ok {
		o.Name, _ = md["name"].(string)
		o.Namespace, _ = md["namespace"].(string)
	}
	if o.APIVersion == "" || o.Kind == "" || o.Name == "" {
		return Object{}, fmt.Errorf("object without apiVersion, kind or metadata.name: %v", m)
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

// WithoutNamespace returns a copy of o whose metadata has no namespace.
func (o Object) WithoutNamespace() Object {
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

// SortObjects orders objects by kind, namespace and name.
func SortObjects(objs []Object) {
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
func marshalDocs(header string, objs ...Object) ([]byte, error) {
	buf := make([]byte, 0, len(header)+512*len(objs))
	buf = append(buf, header...)
	for i, o := range objs {
		if i > 0 {
			buf = append(buf, "---\n"...)
		}
		var err error
		if buf, err = appendValue(buf, o.Value); err != nil {
			return nil, fmt.Errorf("%s %s: %w", o.Kind, o.Name, err)
		}
	}
	return buf, nil
}

// marshalYAML renders any value as YAML after a header.
func marshalYAML(header string, v any) ([]byte, error) {
	return appendValue(append(make([]byte, 0, len(header)+512), header...), v)
}

// CR is the common head of a custom resource (an object of a kind a CRD
// defines: Flux, Argo CD, Velero, Secrets Store CSI); Spec is one of the
// small typed structs that carry only the fields plinth sets (the offline
// validator checks them against the published CRD schemas).
type CR struct {
	metav1.TypeMeta `json:",inline"`
	Metadata        metav1.ObjectMeta `json:"metadata"`
	Spec            any               `json:"spec"`
}

// NewCR is a custom resource of the given kind.
func NewCR(apiVersion, kind, name, namespace string, spec any) *CR {
	return &CR{
		TypeMeta: metav1.TypeMeta{APIVersion: apiVersion, Kind: kind},
		Metadata: metav1.ObjectMeta{Name: name, Namespace: namespace},
		Spec:     spec,
	}
}
