package tree

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"sigs.k8s.io/yaml"
)

// The generated files are YAML as sigs.k8s.io/yaml.Marshal writes it (the
// goldens, and every repository generated so far): the value encoded as
// JSON, decoded again by go.yaml.in/yaml/v2 and encoded by it, keys sorted
// in its natural order, block style, sequences not indented under their
// key. That round trip was a sixth of generate's time; appendYAML writes
// the same bytes straight from the decoded JSON values the objects are
// (maps, slices, strings, float64, bool, nil), and says when it is not sure
// it would (a string the emitter would break at the width or write as
// anything but one line or a plain literal block, a number that is not a
// small integer or a fraction, a key that is not ASCII, keys YAML does not
// order strictly, a type it does not know), in which case appendValue uses
// sigs.k8s.io/yaml. yaml_test.go, FuzzYAML and the generator's tests
// (CrossCheck on everything they generate) hold the two equal.

// yamlWidth is the column past which go.yaml.in/yaml/v2 breaks a scalar at
// a space (best_width).
const yamlWidth = 80

// maxSimpleKey is a conservative bound on the length of a key written as
// a simple key (the emitter's limit is 128).
const maxSimpleKey = 100

// appendValue appends sigs.k8s.io/yaml.Marshal(v) to buf, written
// directly when it can. A value that is not decoded JSON (a typed struct)
// is encoded and decoded first, as Marshal does.
func appendValue(buf []byte, v any) ([]byte, error) {
	direct := v
	switch t := v.(type) {
	case map[string]any, []any:
	case *Kustomization:
		direct = t.value()
	default:
		data, err := json.Marshal(v)
		if err != nil {
			return nil, fmt.Errorf("error marshaling into JSON: %w", err)
		}
		var decoded any
		if err := json.Unmarshal(data, &decoded); err != nil {
			return nil, fmt.Errorf("error marshaling into JSON: %w", err)
		}
		direct = decoded
	}
	n := len(buf)
	out, ok := appendYAML(buf, direct)
	if c := crossCheck.Load(); c != nil {
		if ok {
			c.Direct.Add(1)
			return out, checkYAML(out[n:], v)
		}
		c.Fallback.Add(1)
	}
	if ok {
		return out, nil
	}
	data, err := yaml.Marshal(v)
	if err != nil {
		return nil, err
	}
	return append(buf[:n], data...), nil
}

// crossCheck, when set, makes appendValue compare what it writes
// directly with sigs.k8s.io/yaml.Marshal, and FromTyped what it decodes
// directly with encoding/json (tests: CrossCheck).
var crossCheck atomic.Pointer[Checked]

// Checked counts the values written as YAML directly and those written by
// sigs.k8s.io/yaml while it is set.
type Checked struct{ Direct, Fallback atomic.Int64 }

// CrossCheck makes every YAML file the tree writes directly be written by
// sigs.k8s.io/yaml too, and every typed object FromTyped decodes directly
// be decoded by encoding/json too, a difference an error; it counts into c.
// The returned function restores the previous setting. For tests.
func CrossCheck(c *Checked) (restore func()) {
	old := crossCheck.Swap(c)
	return func() { crossCheck.Store(old) }
}

func checkYAML(got []byte, v any) error {
	want, err := yaml.Marshal(v)
	if err != nil {
		return fmt.Errorf("sigs.k8s.io/yaml cannot write what was written directly: %w", err)
	}
	if !bytes.Equal(got, want) {
		return fmt.Errorf("YAML written directly differs from sigs.k8s.io/yaml:\n%s\nwant:\n%s", got, want)
	}
	return nil
}

// appendYAML appends the YAML document of v to buf; ok is false (and buf
// is to be discarded) when v holds something it does not write exactly as
// sigs.k8s.io/yaml.Marshal.
func appendYAML(buf []byte, v any) ([]byte, bool) {
	e := yamlEncoder{buf: buf, ok: true}
	switch t := v.(type) {
	case map[string]any:
		if len(t) == 0 {
			e.buf = append(e.buf, "{}\n"...)
		} else {
			e.mapping(t, 0, false)
		}
	case []any:
		if len(t) == 0 {
			e.buf = append(e.buf, "[]\n"...)
		} else {
			e.sequence(t, 0, false)
		}
	default:
		e.scalar(v, -1)
		e.buf = append(e.buf, '\n')
	}
	return e.buf, e.ok
}

type yamlEncoder struct {
	buf []byte
	ok  bool
	// keys is scratch space for sorting, reused by nested mappings
	// (each takes the part after its parent's).
	keys []string
}

// column is the length in bytes of the current line so far (at least
// its column in characters).
func (e *yamlEncoder) column() int {
	i := len(e.buf)
	for i > 0 && e.buf[i-1] != '\n' {
		i--
	}
	return len(e.buf) - i
}

func (e *yamlEncoder) indent(n int) {
	for range n {
		e.buf = append(e.buf, ' ')
	}
}

// mapping writes a non-empty block mapping whose keys are at column
// indent; inline: its first key goes on the current line (after "- ").
func (e *yamlEncoder) mapping(m map[string]any, indent int, inline bool) {
	start := len(e.keys)
	for k := range m {
		e.keys = append(e.keys, k)
	}
	keys := e.keys[start:]
	if !sortKeys(keys) {
		e.ok = false
	}
	for i := 0; i < len(keys) && e.ok; i++ {
		k := keys[i]
		if i > 0 || !inline {
			e.indent(indent)
		}
		rk, ok := scalarString(k)
		if !ok || len(rk) > maxSimpleKey || !simpleKey(k) {
			e.ok = false
			break
		}
		e.buf = append(e.buf, rk...)
		e.buf = append(e.buf, ':')
		e.value(m[k], indent, indent+2)
	}
	e.keys = e.keys[:start]
}

// sequence writes a non-empty block sequence whose dashes are at column
// indent; inline: its first item goes on the current line.
func (e *yamlEncoder) sequence(s []any, indent int, inline bool) {
	for i, item := range s {
		if !e.ok {
			return
		}
		if i > 0 || !inline {
			e.indent(indent)
		}
		e.buf = append(e.buf, '-')
		switch t := item.(type) {
		case map[string]any:
			if len(t) == 0 {
				e.buf = append(e.buf, " {}\n"...)
			} else {
				e.buf = append(e.buf, ' ')
				e.mapping(t, indent+2, true)
			}
		case []any:
			if len(t) == 0 {
				e.buf = append(e.buf, " []\n"...)
			} else {
				e.buf = append(e.buf, ' ')
				e.sequence(t, indent+2, true)
			}
		default:
			e.buf = append(e.buf, ' ')
			e.scalar(item, indent+2)
			e.buf = append(e.buf, '\n')
		}
	}
}

// value writes what follows a key's colon: a scalar or an empty
// collection on the same line, a mapping indented below it, a sequence
// below it at the key's column.
func (e *yamlEncoder) value(v any, keyIndent, indent int) {
	switch t := v.(type) {
	case map[string]any:
		if len(t) == 0 {
			e.buf = append(e.buf, " {}\n"...)
			return
		}
		e.buf = append(e.buf, '\n')
		e.mapping(t, indent, false)
	case []any:
		if len(t) == 0 {
			e.buf = append(e.buf, " []\n"...)
			return
		}
		e.buf = append(e.buf, '\n')
		e.sequence(t, keyIndent, false)
	default:
		e.buf = append(e.buf, ' ')
		e.scalar(v, indent)
		e.buf = append(e.buf, '\n')
	}
}

// scalar writes a scalar on the current line; a multi-line string as a
// literal block whose lines are at column indent (-1: none can be).
func (e *yamlEncoder) scalar(v any, indent int) {
	switch t := v.(type) {
	case nil:
		e.buf = append(e.buf, "null"...)
	case bool:
		e.buf = strconv.AppendBool(e.buf, t)
	case string:
		if strings.IndexByte(t, '\n') >= 0 {
			e.literal(t, indent)
			return
		}
		r, ok := scalarString(t)
		if !ok {
			e.ok = false
			return
		}
		// The emitter breaks a scalar at a space once past the width: a
		// line that ends before it holds no break.
		if strings.IndexByte(r, ' ') >= 0 && e.column()+len(r) > yamlWidth {
			e.ok = false
			return
		}
		e.buf = append(e.buf, r...)
	case float64:
		e.float(t)
	case int:
		e.buf = strconv.AppendInt(e.buf, int64(t), 10)
	case int64:
		e.buf = strconv.AppendInt(e.buf, t, 10)
	case int32:
		e.buf = strconv.AppendInt(e.buf, int64(t), 10)
	default:
		e.ok = false
	}
}

// literal writes a string of several lines as a literal block ("|", "|-"
// without a final line break), the way the emitter does for the strings it
// allows in one: printable ASCII, no space before a line break or at the
// end, no space or break at the start (which take an indentation hint), at
// most one final line break (more take "|+").
func (e *yamlEncoder) literal(s string, indent int) {
	if indent < 0 || s[0] == ' ' || s[0] == '\n' || s[len(s)-1] == ' ' || strings.HasSuffix(s, "\n\n") {
		e.ok = false
		return
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\n' {
			if s[i-1] == ' ' {
				e.ok = false
				return
			}
			continue
		}
		if c < ' ' || c > '~' {
			e.ok = false
			return
		}
	}
	e.buf = append(e.buf, '|')
	if s[len(s)-1] != '\n' {
		e.buf = append(e.buf, '-')
	}
	for line := range strings.Lines(s) {
		e.buf = append(e.buf, '\n')
		line = strings.TrimSuffix(line, "\n")
		if line != "" {
			e.indent(indent)
			e.buf = append(e.buf, line...)
		}
	}
}

// float writes a number decoded from JSON: YAML reads the JSON text back
// as an integer when it has no fraction (written as one) and as a float
// otherwise (written in the shortest 'g' form).
func (e *yamlEncoder) float(f float64) {
	switch {
	case math.IsInf(f, 0) || math.IsNaN(f):
		e.ok = false // JSON has no such number: Marshal fails
	case f == math.Trunc(f):
		if math.Abs(f) >= 1<<53 {
			e.ok = false // beyond int64 YAML reads a float
			return
		}
		e.buf = strconv.AppendInt(e.buf, int64(f), 10)
	default:
		// The JSON text has a fraction or an exponent: a float again.
		e.buf = strconv.AppendFloat(e.buf, f, 'g', -1, 64)
	}
}

// scalarString is how a string is written as a scalar on one line, and
// whether it is one line (plain, or quoted as the emitter would). Strings
// of the common shape are plain; the others are written once by
// sigs.k8s.io/yaml and remembered.
func scalarString(s string) (string, bool) {
	if plainString(s) {
		return s, true
	}
	if len(s) > 256 || strings.IndexByte(s, '\n') >= 0 {
		return "", false
	}
	if r, ok := quoted.Load(s); ok {
		return r.(string), true
	}
	data, err := yaml.Marshal(s)
	if err != nil {
		return "", false
	}
	r, ok := strings.CutSuffix(string(data), "\n")
	if !ok || strings.IndexByte(r, '\n') >= 0 {
		return "", false
	}
	quoted.Store(s, r)
	return r, true
}

// quoted are the strings written by sigs.k8s.io/yaml, and how. The
// strings that are not plain are few (quantities, versions, numbers as
// strings, label selectors) and repeat.
var quoted sync.Map

// plainString reports whether go.yaml.in/yaml/v2 writes s as a plain
// scalar in block context, by a conservative test: s starts with an ASCII
// letter (so it reads as a number, timestamp or base-60 float in no
// case), holds only letters, digits, '.', '_', '-' and '/' (no indicator,
// no space to break at) and is none of the words YAML 1.1 reads as a
// boolean or null.
func plainString(s string) bool {
	if s == "" || !isLetter(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		c := s[i]
		if !isLetter(c) && !isDigit(c) && c != '.' && c != '_' && c != '-' && c != '/' {
			return false
		}
	}
	switch s[0] {
	case 'y', 'Y', 'n', 'N', 't', 'T', 'f', 'F', 'o', 'O':
		return !yamlWords[s]
	}
	return true
}

// yamlWords are the plain words go.yaml.in/yaml/v2 resolves to a boolean
// or null (and so quotes as strings), among those plainString lets by.
var yamlWords = map[string]bool{
	"y": true, "Y": true, "yes": true, "Yes": true, "YES": true,
	"n": true, "N": true, "no": true, "No": true, "NO": true,
	"true": true, "True": true, "TRUE": true, "false": true, "False": true, "FALSE": true,
	"on": true, "On": true, "ON": true, "off": true, "Off": true, "OFF": true,
	"null": true, "Null": true, "NULL": true,
}

// simpleKey reports whether k is written as a simple key ("k: v"): one
// without line breaks (a conservative test: printable ASCII, or plain).
func simpleKey(k string) bool {
	if plainString(k) {
		return true
	}
	for i := 0; i < len(k); i++ {
		if k[i] < ' ' || k[i] > '~' {
			return false
		}
	}
	return true
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isDigit(c byte) bool  { return c >= '0' && c <= '9' }

// sortKeys sorts mapping keys in go.yaml.in/yaml/v2's order (keyLess);
// false when it cannot be sure to give its order: a key that is not ASCII,
// or keys the order does not rank strictly.
func sortKeys(keys []string) bool {
	for _, k := range keys {
		for i := 0; i < len(k); i++ {
			if k[i] >= utf8.RuneSelf {
				return false
			}
		}
	}
	// Insertion sort: mappings are small, and the check below is as long.
	for i := 1; i < len(keys); i++ {
		for j := i; j > 0 && keyLess(keys[j], keys[j-1]); j-- {
			keys[j], keys[j-1] = keys[j-1], keys[j]
		}
	}
	// Whatever algorithm yaml uses gives this order if it is a strict
	// total order of these keys.
	for i := range keys {
		for j := i + 1; j < len(keys); j++ {
			if !keyLess(keys[i], keys[j]) || keyLess(keys[j], keys[i]) {
				return false
			}
		}
	}
	return true
}

// keyLess is go.yaml.in/yaml/v2's order of string keys, for ASCII: letters
// after other characters, letters by code, runs of digits by value (then
// the shorter run first), the shorter key first when one is a prefix of
// the other.
func keyLess(a, b string) bool {
	n := min(len(a), len(b))
	for i := 0; i < n; i++ {
		ca, cb := a[i], b[i]
		if ca == cb {
			continue
		}
		la, lb := isLetter(ca), isLetter(cb)
		if la || lb {
			if la && lb {
				return ca < cb
			}
			return lb
		}
		// Numbers: a zero is compared as a digit inside a number
		// (a non-zero digit before it in a), else as the start of one.
		var an, bn int64
		if ca == '0' || cb == '0' {
			for j := i - 1; j >= 0 && isDigit(a[j]); j-- {
				if a[j] != '0' {
					an, bn = 1, 1
					break
				}
			}
		}
		ai, bi := i, i
		for ; ai < len(a) && isDigit(a[ai]); ai++ {
			an = an*10 + int64(a[ai]-'0')
		}
		for ; bi < len(b) && isDigit(b[bi]); bi++ {
			bn = bn*10 + int64(b[bi]-'0')
		}
		if an != bn {
			return an < bn
		}
		if ai != bi {
			return ai < bi
		}
		return ca < cb
	}
	return len(a) < len(b)
}
