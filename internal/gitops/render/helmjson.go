package render

import (
	"encoding/json"
	"math"
	"slices"
	"strconv"

	"helm.sh/helm/v3/pkg/chartutil"
)

// plainJSON is json.Marshal(v) for the values charts pass to toYaml most
// (maps with string keys, lists, ASCII strings, booleans, integers,
// floats written without an exponent, null), appended to b without
// reflection; ok is false for anything else, which json.Marshal then
// encodes. helmjson_test.go holds both equal.
func plainJSON(b []byte, v any, depth int) ([]byte, bool) {
	if depth > 100 {
		return nil, false
	}
	switch v := v.(type) {
	case nil:
		return append(b, "null"...), true
	case string:
		return plainJSONString(b, v)
	case bool:
		return strconv.AppendBool(b, v), true
	case int:
		return strconv.AppendInt(b, int64(v), 10), true
	case int64:
		return strconv.AppendInt(b, v, 10), true
	case uint64:
		return strconv.AppendUint(b, v, 10), true
	case float64:
		if a := math.Abs(v); a != 0 && (a < 1e-6 || a >= 1e21) || math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, false // an exponent, or no JSON at all
		}
		return strconv.AppendFloat(b, v, 'f', -1, 64), true
	case map[string]any:
		return plainJSONMap(b, v, depth)
	case chartutil.Values:
		return plainJSONMap(b, v, depth)
	case []any:
		if v == nil {
			return append(b, "null"...), true
		}
		b = append(b, '[')
		for i, e := range v {
			if i > 0 {
				b = append(b, ',')
			}
			var ok bool
			if b, ok = plainJSON(b, e, depth+1); !ok {
				return nil, false
			}
		}
		return append(b, ']'), true
	}
	return nil, false
}

func plainJSONMap(b []byte, m map[string]any, depth int) ([]byte, bool) {
	if m == nil {
		return append(b, "null"...), true
	}
	var small [16]string
	keys := small[:0]
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	b = append(b, '{')
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		var ok bool
		if b, ok = plainJSONString(b, k); !ok {
			return nil, false
		}
		b = append(b, ':')
		if b, ok = plainJSON(b, m[k], depth+1); !ok {
			return nil, false
		}
	}
	return append(b, '}'), true
}

// plainJSONString quotes s when no character of it needs an escape
// (printable ASCII but for ", \ and the HTML characters json escapes).
func plainJSONString(b []byte, s string) ([]byte, bool) {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			return nil, false
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"'), true
}

// marshalJSON is json.Marshal(v), through plainJSON when it can.
func marshalJSON(v any) ([]byte, error) {
	if b, ok := plainJSON(make([]byte, 0, 256), v, 0); ok {
		return b, nil
	}
	return json.Marshal(v)
}
