package schemas

import (
	"encoding"
	"encoding/json"
	"fmt"
	"log/slog"
	"reflect"
	"strings"
	"sync"
	"unicode/utf8"

	"cuelang.org/go/cue"
)

// decodeCUE fills out (a pointer) from the unified, validated platform value
// v exactly as json.Unmarshal of v.MarshalJSON() does, without CUE's JSON
// export: that export sorts the fields of every struct topologically, which
// cost a quarter of a load, and builds text only for it to be parsed again.
//
// The Go types say which fields to read: a struct field is looked up by its
// JSON name (CUE's lookup does no sorting), a map iterates the CUE struct's
// regular fields, a list its elements. Defaults are taken at every level as
// MarshalJSON takes them. Types that decode themselves from JSON implement
// cueUnmarshaler, or are decoded from their JSON when it is a scalar (cheap:
// no struct to sort); untyped values (any, map[string]any) are decoded from
// their JSON too.
//
// Where the two could disagree decodeCUE returns an error instead, and the
// caller decodes through JSON: a value of another kind than the Go type
// (JSON decoding reports or skips it), a Go type shape this decoder does not
// take, a string that is not valid UTF-8 (JSON replaces its bytes). Go
// structs are read from closed CUE structs (every definition of the schema
// is closed where a Go struct reads it), so there is no other spelling of a
// field that encoding/json's case-insensitive match would take.
func decodeCUE(v cue.Value, out any) error {
	rv := reflect.ValueOf(out)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return fmt.Errorf("decode: want a non-nil pointer, got %T", out)
	}
	return decodeValue(v, rv.Elem())
}

// cueUnmarshaler is implemented by the types whose UnmarshalJSON takes
// objects: unmarshalCUE decodes a CUE value as UnmarshalJSON decodes its
// JSON, or returns an error.
type cueUnmarshaler interface {
	unmarshalCUE(v cue.Value) error
}

var (
	cueUnmarshalerType  = reflect.TypeFor[cueUnmarshaler]()
	jsonUnmarshalerType = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()
)

func decodeValue(v cue.Value, rv reflect.Value) error {
	return decodeAt(v, rv, nil)
}

// decodeAt is decodeValue where the user's plain data at the place is known
// (datahint.go): only the fields it or the schema may hold are looked up.
func decodeAt(v cue.Value, rv reflect.Value, h *dataHint) error {
	v, _ = v.Default()
	t := rv.Type()
	k := v.Kind()
	if t.Kind() != reflect.Pointer {
		pt := reflect.PointerTo(t)
		switch {
		case pt.Implements(cueUnmarshalerType):
			return rv.Addr().Interface().(cueUnmarshaler).unmarshalCUE(v)
		case pt.Implements(jsonUnmarshalerType) || pt.Implements(textUnmarshalerType):
			// Scalars only: the JSON of a struct would be sorted.
			if k == cue.StructKind || k == cue.ListKind {
				return fmt.Errorf("decode %s: a %v for a JSON decoder without unmarshalCUE", t, k)
			}
			return decodeJSON(v, rv)
		}
	}
	if k == cue.NullKind {
		// As encoding/json: null clears pointers, maps, slices and
		// interfaces and leaves everything else as it is.
		switch t.Kind() {
		case reflect.Pointer, reflect.Map, reflect.Slice, reflect.Interface:
			rv.SetZero()
		}
		return nil
	}
	if t.Kind() == reflect.Pointer {
		if rv.IsNil() {
			rv.Set(reflect.New(t.Elem()))
		}
		return decodeAt(v, rv.Elem(), h)
	}
	switch t.Kind() {
	case reflect.Interface:
		return decodeJSON(v, rv)
	case reflect.Struct:
		if k != cue.StructKind {
			return fmt.Errorf("decode %s: got %v", t, k)
		}
		fields, err := structFields(t)
		if err != nil {
			return err
		}
		for _, f := range fields {
			if h.absent(f.name) {
				continue
			}
			fv := v.LookupPath(f.path)
			if !fv.Exists() {
				continue
			}
			if err := decodeAt(fv, rv.FieldByIndex(f.index), h.field(f.name)); err != nil {
				return err
			}
		}
		return nil
	case reflect.Map:
		if k != cue.StructKind || t.Key().Kind() != reflect.String || t.Key().Implements(textUnmarshalerType) ||
			reflect.PointerTo(t.Key()).Implements(textUnmarshalerType) {
			return fmt.Errorf("decode %s: got %v", t, k)
		}
		if t.Elem().Kind() == reflect.Interface {
			return decodeJSON(v, rv)
		}
		it, err := v.Fields()
		if err != nil {
			return fmt.Errorf("decode %s: %w", t, err)
		}
		if rv.IsNil() {
			rv.Set(reflect.MakeMap(t))
		}
		for it.Next() {
			sel := it.Selector()
			if sel.LabelType() != cue.StringLabel {
				return fmt.Errorf("decode %s: label %v", t, sel)
			}
			key := sel.Unquoted()
			if !utf8.ValidString(key) {
				return fmt.Errorf("decode %s: key not UTF-8", t)
			}
			elem := reflect.New(t.Elem()).Elem()
			if err := decodeAt(it.Value(), elem, h.field(key)); err != nil {
				return err
			}
			rv.SetMapIndex(reflect.ValueOf(key).Convert(t.Key()), elem)
		}
		return nil
	case reflect.Slice:
		if k != cue.ListKind {
			return fmt.Errorf("decode %s: got %v", t, k)
		}
		it, err := v.List()
		if err != nil {
			return fmt.Errorf("decode %s: %w", t, err)
		}
		var elems []cue.Value
		for it.Next() {
			elems = append(elems, it.Value())
		}
		s := reflect.MakeSlice(t, len(elems), len(elems))
		for i, e := range elems {
			if err := decodeAt(e, s.Index(i), h.index(i)); err != nil {
				return err
			}
		}
		rv.Set(s)
		return nil
	case reflect.String:
		if k != cue.StringKind {
			return fmt.Errorf("decode %s: got %v", t, k)
		}
		s, err := v.String()
		if err != nil {
			return fmt.Errorf("decode %s: %w", t, err)
		}
		if !utf8.ValidString(s) {
			return fmt.Errorf("decode %s: not UTF-8", t)
		}
		rv.SetString(s)
		return nil
	case reflect.Bool:
		if k != cue.BoolKind {
			return fmt.Errorf("decode %s: got %v", t, k)
		}
		b, err := v.Bool()
		if err != nil {
			return fmt.Errorf("decode %s: %w", t, err)
		}
		rv.SetBool(b)
		return nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if k != cue.IntKind {
			return fmt.Errorf("decode %s: got %v", t, k)
		}
		n, err := v.Int64()
		if err != nil || rv.OverflowInt(n) {
			return fmt.Errorf("decode %s: %v out of range", t, v)
		}
		rv.SetInt(n)
		return nil
	}
	// Floats, unsigned integers and the rest: as JSON says.
	return decodeJSON(v, rv)
}

// decodeSpec decodes the unified platform into spec: directly, or through
// its JSON where decodeCUE cannot say it would decode the same (the second
// result is then false).
func decodeSpec(v cue.Value, spec *rawSpec) (direct bool, err error) {
	defer func() {
		if decodeHook != nil {
			decodeHook(v, spec, direct, err)
		}
	}()
	err = decodeCUE(v, spec)
	if err == nil {
		return true, nil
	}
	slog.Debug("platform: decoded through JSON: " + err.Error())
	*spec = rawSpec{}
	b, err := v.MarshalJSON()
	if err == nil {
		err = json.Unmarshal(b, spec)
	}
	return false, err
}

// decodeHook, set by the package's tests, sees every decoded spec.
var decodeHook func(v cue.Value, spec *rawSpec, direct bool, err error)

// decodeJSON decodes v through its JSON, as the loader did for everything.
func decodeJSON(v cue.Value, rv reflect.Value) error {
	b, err := v.MarshalJSON()
	if err != nil {
		return fmt.Errorf("decode %s: %w", rv.Type(), err)
	}
	if err := json.Unmarshal(b, rv.Addr().Interface()); err != nil {
		return fmt.Errorf("decode %s: %w", rv.Type(), err)
	}
	return nil
}

// field is a Go struct field decodeValue fills: its index and the CUE path
// of its JSON name.
type field struct {
	index []int
	name  string
	path  cue.Path
}

var fieldCache sync.Map // reflect.Type -> fieldsOf

type fieldsOf struct {
	fields []field
	err    error
}

// structFields lists the fields encoding/json decodes into a struct type:
// exported fields by their JSON name (or Go name), and the fields of
// embedded structs as if they were the outer struct's. Types whose fields
// encoding/json would resolve by its rules of depth and tags (two fields of
// one name) or decode otherwise (the ",string" option, embedded pointers)
// are refused.
func structFields(t reflect.Type) ([]field, error) {
	if f, ok := fieldCache.Load(t); ok {
		return f.(fieldsOf).fields, f.(fieldsOf).err
	}
	var fields []field
	seen := map[string]bool{}
	var walk func(t reflect.Type, index []int) error
	walk = func(t reflect.Type, index []int) error {
		for i := range t.NumField() {
			sf := t.Field(i)
			tag := sf.Tag.Get("json")
			if tag == "-" {
				continue
			}
			name, opts, _ := strings.Cut(tag, ",")
			if strings.Contains(","+opts+",", ",string,") {
				return fmt.Errorf("decode %s: field %s has the string option", t, sf.Name)
			}
			idx := append(append([]int(nil), index...), i)
			if sf.Anonymous && name == "" {
				if sf.Type.Kind() == reflect.Struct {
					if err := walk(sf.Type, idx); err != nil {
						return err
					}
					continue
				}
				if sf.Type.Kind() == reflect.Pointer {
					return fmt.Errorf("decode %s: embedded pointer %s", t, sf.Name)
				}
			}
			if !sf.IsExported() {
				continue
			}
			if name == "" {
				name = sf.Name
			}
			if seen[name] {
				return fmt.Errorf("decode %s: two fields named %q", t, name)
			}
			seen[name] = true
			fields = append(fields, field{index: idx, name: name, path: cue.MakePath(cue.Str(name))})
		}
		return nil
	}
	err := walk(t, nil)
	fieldCache.Store(t, fieldsOf{fields, err})
	return fields, err
}

// unmarshalCUE is UnmarshalJSON on a CUE value: null removes, anything
// else is a value.
func (r *removable[T]) unmarshalCUE(v cue.Value) error {
	if v.Kind() == cue.NullKind {
		*r = removable[T]{Null: true}
		return nil
	}
	x := new(T)
	if err := decodeValue(v, reflect.ValueOf(x).Elem()); err != nil {
		return err
	}
	*r = removable[T]{V: x}
	return nil
}

// unmarshalCUE is UnmarshalJSON on a CUE value: a string is the HTTP path
// shorthand, a struct the probe.
func (r *rawProbe) unmarshalCUE(v cue.Value) error {
	if v.Kind() == cue.StringKind {
		var s string
		if err := decodeValue(v, reflect.ValueOf(&s).Elem()); err != nil {
			return err
		}
		*r = rawProbe{Path: &s}
		return nil
	}
	type plain rawProbe
	var p plain
	if err := decodeValue(v, reflect.ValueOf(&p).Elem()); err != nil {
		return err
	}
	*r = rawProbe(p)
	return nil
}

// unmarshalCUE is UnmarshalJSON on a CUE value: a string is a literal, a
// struct names a secret or a configuration key.
func (e *rawEnvValue) unmarshalCUE(v cue.Value) error {
	if k := v.Kind(); k == cue.StringKind || k == cue.NullKind {
		var s string // null: a string left as it is, as encoding/json does
		if err := decodeValue(v, reflect.ValueOf(&s).Elem()); err != nil {
			return err
		}
		*e = rawEnvValue{Literal: &s}
		return nil
	}
	var o struct {
		Secret *string `json:"secret"`
		Key    *string `json:"key"`
		Config *string `json:"config"`
	}
	if err := decodeValue(v, reflect.ValueOf(&o).Elem()); err != nil {
		return err
	}
	*e = rawEnvValue{Secret: o.Secret, Key: o.Key, Config: o.Config}
	return nil
}
