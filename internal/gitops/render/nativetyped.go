package render

import (
	"encoding"
	"encoding/json"
	"reflect"
	"sync"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/kubernetes/scheme"
	"sigs.k8s.io/kustomize/kyaml/resid"
)

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

// decodesIntoBeside is decodesInto of v beside read, a value of the same
// kind known to decode: what v shares with read at the same places is not
// walked again (typedWalkBeside).
func decodesIntoBeside(v, read any, gvk resid.Gvk) bool {
	t := typedTarget(gvk)
	if ok, known := typedWalkBeside(v, read, t); known {
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

var (
	jsonUnmarshalerType = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// customDecoder: JSON decoding hands values of t to its own decoder.
func customDecoder(t reflect.Type) bool {
	p := reflect.PointerTo(t)
	return t.Implements(jsonUnmarshalerType) || p.Implements(jsonUnmarshalerType) ||
		t.Implements(textUnmarshalerType) || p.Implements(textUnmarshalerType)
}
