package tree

import (
	"encoding/json"
	"fmt"
	"reflect"
)

// decodeJSON decodes JSON as encoding/json.Unmarshal does into an any
// (objects as map[string]any, arrays as []any, numbers as float64); ok is
// false when it cannot be sure it would (an escaped string, a syntax it
// does not expect), and the caller decodes with encoding/json. FromTyped
// decodes every object the generator builds from the JSON encoding/json
// just wrote: valid, compact, strings mostly without escapes; its
// reflection and validation pass were a sixth of building the objects.
// Held equal to encoding/json by FuzzDecodeJSON and, in the generator's
// tests, on every object (CrossCheck).
func decodeJSON(data []byte) (v any, ok bool) {
	in := interners.Get().(*interner)
	defer interners.Put(in)
	d := jsonDecoder{data: data, in: in}
	v = d.value(0)
	d.space()
	if d.bad || d.pos != len(d.data) {
		return nil, false
	}
	return v, true
}

type jsonDecoder struct {
	data []byte
	pos  int
	bad  bool
	in   *interner // shares repeated strings and numbers
}

// maxDecodeDepth bounds nesting (encoding/json's limit is 10000).
const maxDecodeDepth = 1000

func (d *jsonDecoder) space() {
	for d.pos < len(d.data) {
		switch d.data[d.pos] {
		case ' ', '\t', '\n', '\r':
			d.pos++
		default:
			return
		}
	}
}

func (d *jsonDecoder) value(depth int) any {
	d.space()
	if d.pos >= len(d.data) || depth > maxDecodeDepth {
		d.bad = true
		return nil
	}
	switch c := d.data[d.pos]; {
	case c == '{':
		d.pos++
		m := map[string]any{}
		d.space()
		if d.pos < len(d.data) && d.data[d.pos] == '}' {
			d.pos++
			return m
		}
		for !d.bad {
			d.space()
			kb, ok := d.str()
			if !ok {
				d.bad = true
				return nil
			}
			k := d.in.key(kb)
			d.space()
			if d.pos >= len(d.data) || d.data[d.pos] != ':' {
				d.bad = true
				return nil
			}
			d.pos++
			m[k] = d.value(depth + 1)
			if !d.more('}') {
				break
			}
		}
		if d.bad {
			return nil
		}
		return m
	case c == '[':
		d.pos++
		l := []any{}
		d.space()
		if d.pos < len(d.data) && d.data[d.pos] == ']' {
			d.pos++
			return l
		}
		for !d.bad {
			l = append(l, d.value(depth+1))
			if !d.more(']') {
				break
			}
		}
		if d.bad {
			return nil
		}
		return l
	case c == '"':
		s, ok := d.str()
		if !ok {
			d.bad = true
			return nil
		}
		return d.in.str(s)
	case c == '-' || c >= '0' && c <= '9':
		start := d.pos
		for d.pos < len(d.data) {
			c := d.data[d.pos]
			if c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E' || c >= '0' && c <= '9' {
				d.pos++
				continue
			}
			break
		}
		num := d.data[start:d.pos]
		if !validNumber(num) {
			d.bad = true
			return nil
		}
		f, ok := d.in.num(num)
		if !ok {
			d.bad = true // out of range: encoding/json's error
			return nil
		}
		return f
	default:
		for _, lit := range []struct {
			text string
			v    any
		}{{"true", true}, {"false", false}, {"null", nil}} {
			if len(d.data)-d.pos >= len(lit.text) && string(d.data[d.pos:d.pos+len(lit.text)]) == lit.text {
				d.pos += len(lit.text)
				return lit.v
			}
		}
		d.bad = true
		return nil
	}
}

// more reads the separator after a member or element: true after a comma,
// false after the closing bracket or on anything else (then bad).
func (d *jsonDecoder) more(closing byte) bool {
	d.space()
	if d.pos < len(d.data) {
		switch d.data[d.pos] {
		case ',':
			d.pos++
			return true
		case closing:
			d.pos++
			return false
		}
	}
	d.bad = true
	return false
}

// str reads a string without escapes or control characters (others are
// left to encoding/json) that is valid UTF-8: its bytes, inside the data.
func (d *jsonDecoder) str() ([]byte, bool) {
	if d.pos >= len(d.data) || d.data[d.pos] != '"' {
		return nil, false
	}
	start := d.pos + 1
	ascii := true
	for i := start; i < len(d.data); i++ {
		switch c := d.data[i]; {
		case c == '"':
			d.pos = i + 1
			s := d.data[start:i:i]
			if !validString(s, ascii) {
				return nil, false
			}
			return s, true
		case c == '\\' || c < ' ':
			return nil, false
		case c >= 0x80:
			ascii = false
		}
	}
	return nil, false
}

// validNumber reports whether b is a JSON number:
// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?
func validNumber(b []byte) bool {
	i := 0
	if i < len(b) && b[i] == '-' {
		i++
	}
	digits := func() int {
		n := 0
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
			n++
		}
		return n
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case digits() == 0:
		return false
	}
	if i < len(b) && b[i] == '.' {
		i++
		if digits() == 0 {
			return false
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if digits() == 0 {
			return false
		}
	}
	return i == len(b)
}

// decodeObject decodes a JSON object, with encoding/json when decodeJSON
// cannot.
func decodeObject(data []byte) (map[string]any, error) {
	if v, ok := decodeJSON(data); ok {
		if m, ok := v.(map[string]any); ok {
			if err := crossCheckDecode(data, m); err != nil {
				return nil, err
			}
			return m, nil
		}
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, err
	}
	return m, nil
}

// crossCheckDecode compares a decoded object with encoding/json's decoding
// (tests: CrossCheck).
func crossCheckDecode(data []byte, got map[string]any) error {
	if crossCheck.Load() == nil {
		return nil
	}
	var want map[string]any
	if err := json.Unmarshal(data, &want); err != nil {
		return fmt.Errorf("encoding/json cannot decode what was decoded directly: %w", err)
	}
	if !reflect.DeepEqual(got, want) {
		return fmt.Errorf("JSON decoded directly differs from encoding/json: %s", data)
	}
	return nil
}

// DecodeObject decodes a JSON object as encoding/json.Unmarshal does into
// a map[string]any, sharing repeated strings and numbers with the objects
// decoded before (the generator's objects after a patch).
func DecodeObject(data []byte) (map[string]any, error) { return decodeObject(data) }
