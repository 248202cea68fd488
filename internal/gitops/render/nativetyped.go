package render

import (
	"encoding"
	"encoding/json"
	"reflect"
	"strings"
	"sync"
	"unicode/utf8"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/kubernetes/scheme"
	"sigs.k8s.io/kustomize/kyaml/resid"
)

// A patched object decodes into its Kubernetes type when the object as
// read does (checked once per file and line) and the parts the patches
// wrote do, each into the type at its place: JSON decoding checks every
// place on its own, and the other places hold what they held. The parts
// are found by the operations' paths, cut at the first array (the whole
// array is checked). Where the type at a place is not certain (a custom
// decoder above it, a member matched by case only, an interface), or the
// object's numbers do not come out of JSON as they went in, the whole
// object is decoded as before. nativetyped_test.go holds both to the same
// answers.

// maxTypedParts bounds the parts checked one by one.
const maxTypedParts = 32

// decodesInto says whether v, as JSON, decodes into the type of gvk (its
// metadata into ObjectMeta for kinds without one here): found by a walk
// along the type (nativetypewalk.go), else by the JSON round trip.
func decodesInto(v any, gvk resid.Gvk) bool {
	t := typedTarget(gvk)
	if ok, known := typedWalk(v, t); known {
		return ok
	}
	return decodesIntoJSON(v, t)
}

// decodesIntoJSON is decodesInto by encoding v as JSON and decoding the
// text into a new value of t.
func decodesIntoJSON(v any, t reflect.Type) bool {
	data, err := json.Marshal(v)
	if err != nil {
		return false
	}
	return json.Unmarshal(data, reflect.New(t.Elem()).Interface()) == nil
}

// targetTypes holds typedTarget's answers by Gvk.
var targetTypes sync.Map

// typedTarget is the pointer type a new object of gvk has.
func typedTarget(gvk resid.Gvk) reflect.Type {
	if t, ok := targetTypes.Load(gvk); ok {
		return t.(reflect.Type)
	}
	var o any = &metav1.PartialObjectMetadata{}
	if typed, err := scheme.Scheme.New(schema.GroupVersionKind{Group: gvk.Group, Version: gvk.Version, Kind: gvk.Kind}); err == nil {
		o = typed
	}
	t := reflect.TypeOf(o)
	targetTypes.Store(gvk, t)
	return t
}

// typedByParts decides a patched object's wellTyped from its parts; known
// is false where it cannot.
func (d *renderer) typedByParts(r *nres) (ok, known bool) {
	if r.orig == nil || len(r.touched) > maxTypedParts || !jsonExact(r.orig) || !d.typedAsRead(r.file, r.line, r.orig, r.gvk) {
		return false, false
	}
	root := typedTarget(r.gvk).Elem()
	for _, tokens := range r.touched {
		v, t, state := typedPart(r.value, root, tokens)
		switch state {
		case partUncertain:
			return false, false
		case partIgnored:
			continue
		}
		if ok, known := typedWalk(v, t); !ok && known || !known && viaJSON(v, t) != verdictOK {
			return false, true
		}
	}
	return true, true
}

type partState int

const (
	partChecked   partState = iota
	partIgnored             // JSON decoding skips the place, or it is not there
	partUncertain           // the whole object must be decoded
)

var (
	jsonUnmarshalerType = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// typedPart follows tokens (object members) from the object v of type t
// down to the first array, scalar or missing member: the value there and
// the type JSON decoding puts it into.
func typedPart(v any, t reflect.Type, tokens []string) (any, reflect.Type, partState) {
	for _, tok := range tokens {
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		if customDecoder(t) {
			return nil, nil, partUncertain
		}
		m, isMap := v.(map[string]any)
		if !isMap {
			break // an array or a scalar: checked whole
		}
		next, present := m[tok]
		if !present {
			return nil, nil, partIgnored
		}
		switch t.Kind() {
		case reflect.Struct:
			f, state := jsonField(t, tok)
			if state != partChecked {
				return nil, nil, state
			}
			t = f
		case reflect.Map:
			if t.Key().Kind() != reflect.String || customDecoder(t.Key()) {
				return nil, nil, partUncertain
			}
			t = t.Elem()
		case reflect.Interface:
			if t.NumMethod() == 0 {
				return nil, nil, partIgnored // anything decodes into an any
			}
			return nil, nil, partUncertain
		default:
			return v, t, partChecked // an object where the type holds none
		}
		v = next
	}
	return v, t, partChecked
}

// customDecoder: JSON decoding hands values of t to its own decoder.
func customDecoder(t reflect.Type) bool {
	p := reflect.PointerTo(t)
	return t.Implements(jsonUnmarshalerType) || p.Implements(jsonUnmarshalerType) ||
		t.Implements(textUnmarshalerType) || p.Implements(textUnmarshalerType)
}

// jsonField is the type of the field of struct t that JSON decoding puts
// member name into: the only one of that name at the shallowest depth of
// embedding. partIgnored: no field takes it; partUncertain: another rule
// would decide (a match by case, several candidates, a ",string" field).
func jsonField(t reflect.Type, name string) (reflect.Type, partState) {
	current := []reflect.Type{t}
	seen := map[reflect.Type]bool{}
	folded := false
	for depth := 0; len(current) > 0 && depth < 10; depth++ {
		var found []reflect.StructField
		var next []reflect.Type
		for _, st := range current {
			if seen[st] {
				continue
			}
			seen[st] = true
			for i := 0; i < st.NumField(); i++ {
				f := st.Field(i)
				tag := f.Tag.Get("json")
				if tag == "-" {
					continue
				}
				tagName, opts, _ := strings.Cut(tag, ",")
				if f.Anonymous && tagName == "" {
					ft := f.Type
					if ft.Kind() == reflect.Pointer {
						ft = ft.Elem()
					}
					if ft.Kind() != reflect.Struct {
						return nil, partUncertain
					}
					next = append(next, ft)
					continue
				}
				if !f.IsExported() {
					continue
				}
				fname := tagName
				if fname == "" {
					fname = f.Name
				}
				if fname == name {
					if strings.Contains(","+opts+",", ",string,") {
						return nil, partUncertain
					}
					found = append(found, f)
				} else if strings.EqualFold(fname, name) {
					folded = true
				}
			}
		}
		switch {
		case len(found) == 1:
			return found[0].Type, partChecked
		case len(found) > 1:
			return nil, partUncertain
		}
		current = next
	}
	if folded {
		return nil, partUncertain
	}
	return nil, partIgnored
}

// jsonExact says whether v's JSON decodes to the same text again: no
// integer beyond 2^53, nothing but maps, arrays, strings, numbers, booleans
// and nulls.
func jsonExact(v any) bool {
	switch t := v.(type) {
	case nil, bool, float64:
		return true
	case string:
		return utf8.ValidString(t)
	case int:
		return t >= -1<<53 && t <= 1<<53
	case int64:
		return t >= -1<<53 && t <= 1<<53
	case uint64:
		return t <= 1<<53
	case map[string]any:
		for k, e := range t {
			if !utf8.ValidString(k) || !jsonExact(e) {
				return false
			}
		}
		return true
	case []any:
		for _, e := range t {
			if !jsonExact(e) {
				return false
			}
		}
		return true
	}
	return false
}

// touchedPaths are the member paths the operations of p that write
// (add, replace, move, copy) write at.
func (p jsonPatch) touchedPaths() [][]string {
	var out [][]string
	for _, op := range p {
		switch op.kind {
		case "add", "replace", "move", "copy":
		default:
			continue
		}
		split := strings.Split(op.path, "/")
		if len(split) < 2 {
			continue
		}
		tokens := make([]string, len(split)-1)
		for i, s := range split[1:] {
			tokens[i] = decodePatchKey(s)
		}
		out = append(out, tokens)
	}
	return out
}
