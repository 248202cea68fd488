package render

import (
	"encoding/json"
	"math"
	"strings"
	"unicode/utf8"

	yamlv2 "go.yaml.in/yaml/v2"
	"sigs.k8s.io/kustomize/api/types"
	"sigs.k8s.io/kustomize/kyaml/resid"
	k8syaml "sigs.k8s.io/yaml"
)

// Kustomize reads kustomization and patch files with sigs.k8s.io/yaml:
// YAML 1.1 (yaml.v2) converted to JSON text, then decoded. The native build
// reads them with the same YAML decoder (or fastYAML11, which gives what it
// gives on the plain block YAML these files mostly are) and skips the JSON
// text where it cannot change anything: every key a string and every value
// a string (kustomization files), or a string, number, boolean or null
// (patches). Anything else goes the library's way. nativeyaml_test.go and
// nativeyamlfast_test.go hold both ways to the same results.

// readKustomization decodes a kustomization file as sigs.k8s.io/yaml does.
func readKustomization(data []byte) (map[string]any, error) {
	v, ok := fastYAML11(data) // nativeyamlfast.go
	if !ok && yamlv2.Unmarshal(data, &v) != nil {
		v = nil
	}
	switch t := v.(type) {
	case map[string]any:
		// Read by fastYAML11: what jsonFromYAML would give is the same
		// map, when it gives one.
		if jsonAsRead(t, true) {
			return t, nil
		}
	case map[any]any:
		if out, ok := jsonFromYAML(v, true); ok {
			return out.(map[string]any), nil
		}
	}
	var k map[string]any
	if err := k8syaml.Unmarshal(data, &k); err != nil {
		return nil, err
	}
	return k, nil
}

// jsonAsRead says whether jsonFromYAML(v, onlyStrings) is ok on a value
// fastYAML11 read (maps map[string]any, integers int), without making its
// result; with onlyStrings, that result is equal to v.
func jsonAsRead(v any, onlyStrings bool) bool {
	switch t := v.(type) {
	case string:
		return utf8.ValidString(t)
	case map[string]any:
		for k, e := range t {
			if !utf8.ValidString(k) || !jsonAsRead(e, onlyStrings) {
				return false
			}
		}
		return true
	case []any:
		for _, e := range t {
			if !jsonAsRead(e, onlyStrings) {
				return false
			}
		}
		return true
	case nil, bool, int, int64, uint64:
		return !onlyStrings
	case float64:
		return !onlyStrings && !math.IsNaN(t) && !math.IsInf(t, 0)
	}
	return false
}

// jsonFromYAML is a yaml.v2 value as its JSON decodes (numbers float64);
// ok is false for what needs the JSON text to say (keys that are not
// strings, numbers JSON cannot hold, other types) and, with onlyStrings,
// for any value but a string.
func jsonFromYAML(v any, onlyStrings bool) (any, bool) {
	switch t := v.(type) {
	case string:
		return t, utf8.ValidString(t)
	case map[any]any:
		out := make(map[string]any, len(t))
		for k, e := range t {
			ks, isString := k.(string)
			if !isString || !utf8.ValidString(ks) {
				return nil, false
			}
			c, ok := jsonFromYAML(e, onlyStrings)
			if !ok {
				return nil, false
			}
			out[ks] = c
		}
		return out, true
	case map[string]any: // read by fastYAML11
		out := make(map[string]any, len(t))
		for k, e := range t {
			c, ok := jsonFromYAML(e, onlyStrings)
			if !ok || !utf8.ValidString(k) {
				return nil, false
			}
			out[k] = c
		}
		return out, true
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			c, ok := jsonFromYAML(e, onlyStrings)
			if !ok {
				return nil, false
			}
			out[i] = c
		}
		return out, true
	}
	if onlyStrings {
		return nil, false
	}
	switch t := v.(type) {
	case nil, bool:
		return t, true
	case int:
		return float64(t), true
	case int64:
		return float64(t), true
	case uint64:
		return float64(t), true
	case float64:
		return t, !math.IsNaN(t) && !math.IsInf(t, 0)
	}
	return nil, false
}

// readJSONPatch decodes a JSON 6902 patch file (JSON, or YAML as kustomize
// reads it).
func readJSONPatch(data []byte) (jsonPatch, error) {
	if len(data) > 0 && data[0] == '[' {
		return decodeJSONPatch(data)
	}
	// Numbers read as float64, as the JSON text gives them: the values
	// are the operations' own, not copies (nativeyamlfast.go).
	v, ok := readYAML11(data, true, nil)
	if !ok && yamlv2.Unmarshal(data, &v) != nil {
		v = nil
	}
	if list, ok := v.([]any); ok {
		if p, ok := patchFromYAML(list); ok {
			return p, nil
		}
	}
	text, err := k8syaml.YAMLToJSON(data)
	if err != nil {
		return nil, err
	}
	return decodeJSONPatch(text)
}

// patchFromYAML reads the operations of a YAML patch; ok is false where
// the JSON text has to say (what decodeJSONPatch reads differently from
// the values: members that are not strings, values JSON changes).
func patchFromYAML(list []any) (jsonPatch, bool) {
	p := make(jsonPatch, len(list))
	for i, e := range list {
		var read any // the value as read
		var o map[string]any
		switch m := e.(type) {
		case map[any]any:
			read = m["value"]
			v, ok := jsonFromYAML(e, false)
			if !ok {
				return nil, false
			}
			o = v.(map[string]any)
		case map[string]any:
			// Read by readYAML11, numbers float64: op, path and from
			// read the same (strings, or else refused), and so does the
			// value, taken as it is. A test compares the text of the
			// value with its integers as integers: the library says.
			if !jsonAsRead(m, false) {
				return nil, false
			}
			if _, has := m["value"]; has && m["op"] == "test" {
				return nil, false
			}
			read, o = m["value"], m
		default:
			return nil, false
		}
		op := &p[i]
		op.kind = "unknown"
		if s, ok := o["op"].(string); ok {
			op.kind = s
		} else if o["op"] != nil {
			return nil, false
		}
		if !op.members(o) {
			return nil, false
		}
		op.value, op.hasValue = o["value"]
		op.null = op.hasValue && op.value == nil
		if op.kind == "test" && op.hasValue && !op.null {
			// The test compares YAMLToJSON's text: that of the value as
			// yaml.v2 decoded it (integers as integers).
			raw, err := json.Marshal(stringKeyed(read))
			if err != nil {
				return nil, false
			}
			op.raw = raw
		}
	}
	return p, true
}

// members reads the path and from of an operation; ok is false for one
// that is not a string.
func (op *jsonOp) members(o map[string]any) bool {
	for _, m := range []struct {
		key  string
		s    *string
		err  *error
		none error
	}{{"path", &op.path, &op.pathErr, errNoPath}, {"from", &op.from, &op.fromErr, errNoFrom}} {
		switch v := o[m.key].(type) {
		case nil:
			*m.s, *m.err = "unknown", m.none
		case string:
			*m.s = v
		default:
			return false
		}
	}
	return true
}

// stringKeyed turns the maps of a yaml.v2 value (string keys: checked by
// jsonFromYAML) into map[string]any, leaving the other values (and maps
// fastYAML11 read) as they are.
func stringKeyed(v any) any {
	switch t := v.(type) {
	case map[any]any:
		out := make(map[string]any, len(t))
		for k, e := range t {
			out[k.(string)] = stringKeyed(e)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = stringKeyed(e)
		}
		return out
	}
	return v
}

// regexMeta are the characters that make a selector pattern more than a
// literal (but for ".", which runeMatch handles).
const regexMeta = `\+*?()|[]{}^$`

// targetSelector is kustomize's SelectorRegex for a patch target, without
// compiling the patterns that are literals with "." at most.
type targetSelector struct {
	sel types.Selector
	re  *types.SelectorRegex // nil when runeMatch does
}

func newTargetSelector(sel types.Selector) (*targetSelector, error) {
	ts := &targetSelector{sel: sel}
	for _, p := range []string{sel.Group, sel.Version, sel.Kind, sel.Name, sel.Namespace} {
		if strings.ContainsAny(p, regexMeta) {
			re, err := types.NewSelectorRegex(&ts.sel)
			if err != nil {
				return nil, err
			}
			ts.re = re
			break
		}
	}
	return ts, nil
}

func (ts *targetSelector) match(name string, gvk resid.Gvk) bool {
	if ts.re != nil {
		return ts.re.MatchName(name) && ts.re.MatchGvk(gvk)
	}
	s := &ts.sel
	return runeMatch(s.Name, name) && runeMatch(s.Group, gvk.Group) && runeMatch(s.Version, gvk.Version) && runeMatch(s.Kind, gvk.Kind)
}

// runeMatch is regexp.MatchString("^(?:"+pattern+")$", s) for a pattern
// whose only special character is "." (any character but a newline; an
// invalid byte is one character); an empty pattern matches anything.
func runeMatch(pattern, s string) bool {
	if pattern == "" || pattern == s {
		return true
	}
	for _, p := range pattern {
		if s == "" {
			return false
		}
		r, size := utf8.DecodeRuneInString(s)
		if (p == '.' && r == '\n') || (p != '.' && p != r) {
			return false
		}
		s = s[size:]
	}
	return s == ""
}
