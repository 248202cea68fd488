package tree

import (
	"encoding"
	"encoding/json"
	"math"
	"reflect"
	"strings"
	"sync"
	"unicode/utf8"
)

// FromTyped wrote each object with encoding/json and decoded the text
// again: half of building the objects. typedValue walks the typed value
// the way encoding/json encodes it (field names and omitempty/omitzero
// from the tags, promoted fields of embedded structs, a value's own
// MarshalJSON or MarshalText written and decoded as before) and makes the
// decoded value directly. Where it is not sure to give what encoding/json
// and decodeJSON give (a float32, a byte slice, an array, a map with keys
// that are not strings, a ",string" option, field names that collide,
// invalid UTF-8, NaN or infinity) it declines and FromTyped takes the text
// path; in the generator's tests (CrossCheck) every object is made both
// ways and must be equal.

var (
	jsonMarshalerType = reflect.TypeFor[json.Marshaler]()
	textMarshalerType = reflect.TypeFor[encoding.TextMarshaler]()
	zeroerType        = reflect.TypeFor[interface{ IsZero() bool }]()
)

// typedObject is v (a pointer to a struct) as FromTyped's JSON round trip
// decodes it; ok false where typedValue declines.
func typedObject(v any) (map[string]any, bool) {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() || rv.Elem().Kind() != reflect.Struct {
		return nil, false
	}
	in := interners.Get().(*interner)
	defer interners.Put(in)
	out, ok := typedValue(in, rv, 0)
	m, isMap := out.(map[string]any)
	return m, ok && isMap
}

// typedValue is rv as encoding/json encodes it, decoded.
func typedValue(in *interner, rv reflect.Value, depth int) (any, bool) {
	if depth > maxDecodeDepth {
		return nil, false
	}
	t := rv.Type()
	m := marshalersOf(t)
	// The order of encoding/json's newTypeEncoder.
	switch {
	case m&ptrJSON != 0 && rv.CanAddr():
		return marshalled(in, rv.Addr().Interface())
	case m&ownJSON != 0:
		if (t.Kind() == reflect.Pointer || t.Kind() == reflect.Interface) && rv.IsNil() {
			return nil, true
		}
		return marshalled(in, rv.Interface())
	case m&ptrText != 0 && rv.CanAddr(), m&ownText != 0:
		return nil, false // rare in objects: the text path
	}
	switch rv.Kind() {
	case reflect.Bool:
		return rv.Bool(), true
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return in.number(float64(rv.Int())), true
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return in.number(float64(rv.Uint())), true
	case reflect.Float64:
		f := rv.Float()
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, false
		}
		return in.number(f), true
	case reflect.String:
		s := rv.String()
		if !utf8.ValidString(s) {
			return nil, false
		}
		return in.text(s), true
	case reflect.Interface, reflect.Pointer:
		if rv.IsNil() {
			return nil, true
		}
		return typedValue(in, rv.Elem(), depth+1)
	case reflect.Map:
		if rv.IsNil() {
			return nil, true
		}
		if t.Key().Kind() != reflect.String || t.Key().Implements(textMarshalerType) {
			return nil, false
		}
		m := make(map[string]any, rv.Len())
		for it := rv.MapRange(); it.Next(); {
			k := it.Key().String()
			if !utf8.ValidString(k) {
				return nil, false
			}
			e, ok := typedValue(in, it.Value(), depth+1)
			if !ok {
				return nil, false
			}
			m[in.name(k)] = e
		}
		return m, true
	case reflect.Slice:
		if rv.IsNil() {
			return nil, true
		}
		if t.Elem().Kind() == reflect.Uint8 {
			return nil, false // base64, or a Marshaler's bytes
		}
		l := make([]any, rv.Len())
		for i := range l {
			e, ok := typedValue(in, rv.Index(i), depth+1)
			if !ok {
				return nil, false
			}
			l[i] = e
		}
		return l, true
	case reflect.Struct:
		fields, ok := fieldsOf(t)
		if !ok {
			return nil, false
		}
		// Most fields of an API type are unset: the map is made for
		// those written (sized by the type, it held three times the
		// memory).
		type member struct {
			name  string
			value any
		}
		var small [16]member
		members := small[:0]
	fieldLoop:
		for _, f := range fields {
			fv := rv
			for _, i := range f.index {
				if fv.Kind() == reflect.Pointer {
					if fv.IsNil() {
						continue fieldLoop
					}
					fv = fv.Elem()
				}
				fv = fv.Field(i)
			}
			if (f.omitEmpty && isEmptyValue(fv)) || (f.omitZero && f.isZero(fv)) {
				continue
			}
			e, ok := typedValue(in, fv, depth+1)
			if !ok {
				return nil, false
			}
			members = append(members, member{f.name, e})
		}
		m := make(map[string]any, len(members))
		for _, mb := range members {
			m[mb.name] = mb.value
		}
		return m, true
	}
	return nil, false // float32, arrays, channels, functions
}

// Which marshalers a type has: its own, or its pointer's (for a type
// that is not a pointer).
const (
	ownJSON uint8 = 1 << iota
	ptrJSON
	ownText
	ptrText
)

// marshalers caches marshalersOf (reflect's Implements was half of the
// walk).
var marshalers sync.Map // reflect.Type -> uint8

func marshalersOf(t reflect.Type) uint8 {
	if m, ok := marshalers.Load(t); ok {
		return m.(uint8)
	}
	var m uint8
	if t.Implements(jsonMarshalerType) {
		m |= ownJSON
	}
	if t.Implements(textMarshalerType) {
		m |= ownText
	}
	if t.Kind() != reflect.Pointer {
		if reflect.PointerTo(t).Implements(jsonMarshalerType) {
			m |= ptrJSON
		}
		if reflect.PointerTo(t).Implements(textMarshalerType) {
			m |= ptrText
		}
	}
	marshalers.Store(t, m)
	return m
}

// marshalled is a value's own encoding, decoded.
func marshalled(in *interner, v any) (any, bool) {
	data, err := json.Marshal(v)
	if err != nil {
		return nil, false
	}
	d := jsonDecoder{data: data, in: in}
	out := d.value(0)
	d.space()
	if d.bad || d.pos != len(d.data) {
		return nil, false
	}
	return out, true
}

// isEmptyValue is encoding/json's omitempty test.
func isEmptyValue(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() == 0
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Interface, reflect.Pointer:
		return v.IsZero()
	}
	return false
}

// typedField is a field as encoding/json writes it.
type typedField struct {
	name      string
	index     []int
	omitEmpty bool
	omitZero  bool
	typ       reflect.Type
}

// isZero is encoding/json's omitzero test of the field.
func (f *typedField) isZero(v reflect.Value) bool {
	t := f.typ
	switch {
	case t.Kind() == reflect.Interface && t.Implements(zeroerType):
		return v.IsNil() || v.Interface().(interface{ IsZero() bool }).IsZero()
	case t.Kind() == reflect.Pointer && t.Implements(zeroerType):
		return v.IsNil() || v.Interface().(interface{ IsZero() bool }).IsZero()
	case t.Implements(zeroerType):
		return v.Interface().(interface{ IsZero() bool }).IsZero()
	case reflect.PointerTo(t).Implements(zeroerType):
		if !v.CanAddr() {
			v2 := reflect.New(t).Elem()
			v2.Set(v)
			v = v2
		}
		return v.Addr().Interface().(interface{ IsZero() bool }).IsZero()
	}
	return v.IsZero()
}

// typedFields caches fieldsOf by type: []typedField, or nil when declined.
var typedFields sync.Map

// fieldsOf are the fields encoding/json writes for struct type t: exported
// fields not tagged "-", by their tag name or Go name, with the fields of
// embedded structs without a tag name promoted. ok is false for what it
// leaves to encoding/json: a ",string" option, a tag name it would not
// take, an embedded pointer to an unexported struct, and names that
// collide (encoding/json's rules of precedence).
func fieldsOf(t reflect.Type) ([]typedField, bool) {
	if c, ok := typedFields.Load(t); ok {
		fs, _ := c.([]typedField)
		return fs, fs != nil
	}
	var fs []typedField
	ok := collectFields(t, nil, map[reflect.Type]bool{}, &fs)
	seen := map[string]bool{}
	for _, f := range fs {
		if seen[f.name] {
			ok = false
		}
		seen[f.name] = true
	}
	if !ok {
		typedFields.Store(t, []typedField(nil))
		return nil, false
	}
	if fs == nil {
		fs = []typedField{}
	}
	typedFields.Store(t, fs)
	return fs, true
}

func collectFields(t reflect.Type, index []int, visiting map[reflect.Type]bool, out *[]typedField) bool {
	if visiting[t] {
		return false
	}
	visiting[t] = true
	defer delete(visiting, t)
	for i := range t.NumField() {
		sf := t.Field(i)
		tag := sf.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		idx := append(append([]int(nil), index...), i)
		if sf.Anonymous {
			ft := sf.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if !sf.IsExported() && ft.Kind() != reflect.Struct {
				continue
			}
			if name == "" && ft.Kind() == reflect.Struct {
				if !sf.IsExported() && sf.Type.Kind() == reflect.Pointer {
					return false
				}
				if !collectFields(ft, idx, visiting, out) {
					return false
				}
				continue
			}
			if !sf.IsExported() {
				return false // an unexported embedded struct by name
			}
		} else if !sf.IsExported() {
			continue
		}
		if name == "" {
			name = sf.Name
		}
		if !plainName(name) {
			return false
		}
		f := typedField{name: name, index: idx, typ: sf.Type}
		for _, o := range strings.Split(opts, ",") {
			switch o {
			case "omitempty":
				f.omitEmpty = true
			case "omitzero":
				f.omitZero = true
			case "string":
				return false
			}
		}
		*out = append(*out, f)
	}
	return true
}

// plainName reports whether a field name is one encoding/json takes as it
// is (letters, digits and a few marks; it falls back to the Go name for
// others, which typedValue leaves to it).
func plainName(s string) bool {
	for _, c := range s {
		switch {
		case c < utf8.RuneSelf && isLetter(byte(c)), isDigit(byte(c)), strings.ContainsRune("-_.$/@", c):
		default:
			return false
		}
	}
	return s != ""
}

// text is s, boxed, shared like str's.
func (in *interner) text(s string) any {
	if v, ok := in.strs[s]; ok {
		return v
	}
	var v any = s
	if len(s) <= maxInternLen && len(in.strs) < maxInterned {
		in.strs[s] = v
	}
	return v
}

// name is s for a map key, shared like key's.
func (in *interner) name(s string) string {
	n, _ := in.text(s).(string)
	return n
}

// number is f, boxed, shared by its bits (-0 is not 0).
func (in *interner) number(f float64) any {
	bits := math.Float64bits(f)
	if v, ok := in.floats[bits]; ok {
		return v
	}
	var v any = f
	if len(in.floats) < maxInterned {
		in.floats[bits] = v
	}
	return v
}
