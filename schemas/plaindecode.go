package schemas

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
)

// decodePlain fills rv (addressable) from a value checkPlain gave exactly as
// json.Unmarshal of the value's JSON does, by decodeAt's rules (decode.go):
// a struct field is filled from the member of its JSON name, a map from
// every member, a slice from every element. A type that decodes itself from
// JSON is given its JSON; what these rules do not cover (a struct member no
// field is named by exactly, untyped values, floats, byte slices, text
// unmarshalers) is decoded by encoding/json itself. An error means that
// encoding/json would fail too, or might: the caller leaves the value to
// CUE.
func decodePlain(v *plainValue, rv reflect.Value) error {
	t := rv.Type()
	if t.Kind() != reflect.Pointer {
		pt := reflect.PointerTo(t)
		switch {
		case pt.Implements(jsonUnmarshalerType):
			return rv.Addr().Interface().(json.Unmarshaler).UnmarshalJSON(v.appendJSON(nil))
		case pt.Implements(textUnmarshalerType):
			return plainJSON(v, rv)
		}
	}
	if v.kind == kindNull {
		// As encoding/json: null clears pointers, maps, slices and
		// interfaces and leaves everything else as it is.
		switch t.Kind() {
		case reflect.Pointer, reflect.Map, reflect.Slice, reflect.Interface:
			rv.SetZero()
		}
		return nil
	}
	switch t.Kind() {
	case reflect.Pointer:
		if rv.IsNil() {
			rv.Set(reflect.New(t.Elem()))
		}
		return decodePlain(v, rv.Elem())
	case reflect.Struct:
		if v.kind != kindStruct {
			return fmt.Errorf("decode %s: not a struct", t)
		}
		fields, err := structFields(t)
		if err != nil {
			return err
		}
		index := make([][]int, len(v.fields))
		for i, m := range v.fields {
			for _, f := range fields {
				if f.name == m.name {
					index[i] = f.index
					break
				}
			}
			if index[i] == nil {
				// No field of that exact name: encoding/json's own
				// matching says.
				return plainJSON(v, rv)
			}
		}
		for i, m := range v.fields {
			if err := decodePlain(m.value, rv.FieldByIndex(index[i])); err != nil {
				return err
			}
		}
		return nil
	case reflect.Map:
		if v.kind != kindStruct {
			return fmt.Errorf("decode %s: not a struct", t)
		}
		if t.Key().Kind() != reflect.String || t.Key().Implements(textUnmarshalerType) ||
			reflect.PointerTo(t.Key()).Implements(textUnmarshalerType) || t.Elem().Kind() == reflect.Interface {
			return plainJSON(v, rv)
		}
		if rv.IsNil() {
			rv.Set(reflect.MakeMapWithSize(t, len(v.fields)))
		}
		for _, m := range v.fields {
			elem := reflect.New(t.Elem()).Elem()
			if err := decodePlain(m.value, elem); err != nil {
				return err
			}
			rv.SetMapIndex(reflect.ValueOf(m.name).Convert(t.Key()), elem)
		}
		return nil
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return plainJSON(v, rv) // base64
		}
		if v.kind != kindList {
			return fmt.Errorf("decode %s: not a list", t)
		}
		s := reflect.MakeSlice(t, len(v.elems), len(v.elems))
		for i, e := range v.elems {
			if err := decodePlain(e, s.Index(i)); err != nil {
				return err
			}
		}
		rv.Set(s)
		return nil
	case reflect.String:
		if v.kind != kindString {
			return fmt.Errorf("decode %s: not a string", t)
		}
		rv.SetString(v.text)
		return nil
	case reflect.Bool:
		if v.kind != kindBool {
			return fmt.Errorf("decode %s: not a bool", t)
		}
		rv.SetBool(v.b)
		return nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if v.kind != kindNumber {
			return fmt.Errorf("decode %s: not a number", t)
		}
		n, err := strconv.ParseInt(v.text, 10, 64)
		if err != nil || rv.OverflowInt(n) {
			return fmt.Errorf("decode %s: %s out of range", t, v.text)
		}
		rv.SetInt(n)
		return nil
	}
	return plainJSON(v, rv)
}

// plainJSON decodes v through its JSON.
func plainJSON(v *plainValue, rv reflect.Value) error {
	if err := json.Unmarshal(v.appendJSON(nil), rv.Addr().Interface()); err != nil {
		return fmt.Errorf("decode %s: %w", rv.Type(), err)
	}
	return nil
}
