package render

import (
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unsafe"

	"helm.sh/helm/v3/pkg/chartutil"
)

// fastToYAML is what toYaml gives for v (sigs.k8s.io/yaml: json.Marshal,
// then yaml.v2 reading that JSON and writing it as YAML, without the final
// newline), written directly, for the values charts convert most: maps
// and lists of them, integers, booleans, null and short strings that
// yaml.v2 writes plain. ok is false for anything else (then toYaml takes
// the library's way). A cold report of a Helm repository spent an eighth
// of its time in that library's round trip; TestFastToYAML and
// FuzzFastToYAML hold this to it.
func fastToYAML(v any) (s string, ok bool) {
	b, ok := appendYAML(make([]byte, 0, 128), v, 0, false, 0)
	if !ok {
		return "", false
	}
	return strings.TrimSuffix(string(b), "\n"), true
}

// appendYAML writes v as yaml.v2 writes it in block style at indent; inline:
// the first line's indentation is already written (a list item's "- ").
func appendYAML(b []byte, v any, indent int, inline bool, depth int) ([]byte, bool) {
	if depth > 100 {
		return nil, false
	}
	if m, isMap := valuesMap(v); isMap {
		return appendYAMLMap(b, m, indent, inline, depth)
	}
	l, isList := v.([]any)
	if !isList {
		return appendYAMLScalar(b, v, indent)
	}
	if len(l) == 0 {
		return append(b, "[]\n"...), true
	}
	for i, item := range l {
		if i > 0 || !inline {
			b = appendIndent(b, indent)
		}
		b = append(b, "- "...)
		var ok bool
		if b, ok = appendYAML(b, item, indent+2, true, depth+1); !ok {
			return nil, false
		}
	}
	return b, true
}

func appendYAMLMap(b []byte, m map[string]any, indent int, inline bool, depth int) ([]byte, bool) {
	if m == nil {
		return append(b, "null\n"...), true
	}
	if len(m) == 0 {
		return append(b, "{}\n"...), true
	}
	var small [16]string
	keys := small[:0]
	for k := range m {
		if len(k) > 100 || longDigitRun(k) || !plainYAMLString(k) {
			return nil, false
		}
		keys = append(keys, k)
	}
	slices.SortFunc(keys, yamlV2KeyCompare)
	for i, k := range keys {
		if i > 0 || !inline {
			b = appendIndent(b, indent)
		}
		b = append(b, k...)
		b = append(b, ':')
		c := m[k]
		var ok bool
		if cm, isMap := valuesMap(c); isMap && len(cm) > 0 {
			b, ok = appendYAML(append(b, '\n'), cm, indent+2, false, depth+1)
		} else if cl, isList := c.([]any); isList && len(cl) > 0 {
			// a mapping's sequence is not indented
			b, ok = appendYAML(append(b, '\n'), cl, indent, false, depth+1)
		} else {
			b, ok = appendYAML(append(b, ' '), c, indent+2, true, depth+1)
		}
		if !ok {
			return nil, false
		}
	}
	return b, true
}

// valuesMap is v as a map, for the two map types chart values come in.
func valuesMap(v any) (map[string]any, bool) {
	switch m := v.(type) {
	case map[string]any:
		return m, true
	case chartutil.Values:
		return m, true
	}
	return nil, false
}

// appendYAMLScalar writes a scalar; indent is its block's (0 at the top).
func appendYAMLScalar(b []byte, v any, indent int) ([]byte, bool) {
	switch v := v.(type) {
	case nil:
		return append(b, "null\n"...), true
	case bool:
		return append(strconv.AppendBool(b, v), '\n'), true
	case int:
		return append(strconv.AppendInt(b, int64(v), 10), '\n'), true
	case int64:
		return append(strconv.AppendInt(b, v, 10), '\n'), true
	case float64:
		// JSON writes an integral float64 without a fraction; yaml.v2
		// reads that back as an int.
		if v != math.Trunc(v) || math.Abs(v) >= 1e15 || (v == 0 && math.Signbit(v)) {
			return nil, false
		}
		return append(strconv.AppendInt(b, int64(v), 10), '\n'), true
	case string:
		if v == "" {
			return append(b, `""`+"\n"...), true // null when plain
		}
		if strings.IndexByte(v, '\n') >= 0 {
			return appendYAMLLiteral(b, v, indent)
		}
		if plainYAMLString(v) || plainYAMLText(v) {
			return append(append(b, v...), '\n'), true
		}
		return appendYAMLWord(b, v)
	}
	return nil, false
}

// appendYAMLWord writes a string of printable ASCII without spaces, quotes
// or backslashes as yaml.v2 does: plain where it reads back as the same
// string (stringv's canUsePlain) and the emitter allows it
// (yamlV2BlockPlain), double-quoted (as it is) where it would read back
// as something else; ok false for others.
func appendYAMLWord(b []byte, s string) ([]byte, bool) {
	if len(s) > 512 {
		return nil, false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c > '~' || c == '"' || c == '\\' {
			return nil, false
		}
	}
	plain, known := yamlV2Plain(s)
	switch {
	case !known:
		return nil, false
	case !plain:
		return append(append(append(b, '"'), s...), "\"\n"...), true
	case yamlV2BlockPlain(s):
		return append(append(b, s...), '\n'), true
	}
	return nil, false // single-quoted
}

// yamlV2Words are the plain scalars yaml.v2 reads as other than a string
// by name (resolveMap).
var yamlV2Words = map[string]bool{}

func init() {
	for _, w := range strings.Fields("y Y yes Yes YES true True TRUE on On ON n N no No NO false False FALSE off Off OFF ~ null Null NULL " +
		".nan .NaN .NAN .inf .Inf .INF +.inf +.Inf +.INF -.inf -.Inf -.INF") { // "<<" too, but its first character tells resolve to look no further
		yamlV2Words[w] = true
	}
}

var (
	yamlV2Float  = regexp.MustCompile(`^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`)
	yamlV2Base60 = regexp.MustCompile(`^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$`)
)

// yamlV2Plain says whether yaml.v2 reads s (not empty), written plain, as
// the same string: resolve finds no other tag, and it is no base 60
// float; known is false where this cannot tell (what may be a
// timestamp).
func yamlV2Plain(s string) (plain, known bool) {
	if yamlV2Words[s] {
		return false, true
	}
	switch c := s[0]; {
	case c == '.':
		_, err := strconv.ParseFloat(s, 64)
		return err != nil, true
	case c == '+' || c == '-' || c >= '0' && c <= '9':
		i := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == 4 && i < len(s) && s[i] == '-' {
			return false, false // parseTimestamp's prefix
		}
		p := strings.ReplaceAll(s, "_", "")
		if yamlV2Number(p) {
			return false, true
		}
		return !(strings.IndexByte(s, ':') >= 0 && yamlV2Base60.MatchString(s)), true
	}
	return true, true // a letter or other: a word of the map, or a string
}

// yamlV2Number is resolve's number cases for p, s without underscores.
func yamlV2Number(p string) bool {
	if _, err := strconv.ParseInt(p, 0, 64); err == nil {
		return true
	}
	if _, err := strconv.ParseUint(p, 0, 64); err == nil {
		return true
	}
	if yamlV2Float.MatchString(p) {
		if _, err := strconv.ParseFloat(p, 64); err == nil {
			return true
		}
	}
	if bin, ok := strings.CutPrefix(p, "0b"); ok {
		_, err := strconv.ParseInt(bin, 2, 64)
		_, errU := strconv.ParseUint(bin, 2, 64)
		return err == nil || errU == nil
	}
	if bin, ok := strings.CutPrefix(p, "-0b"); ok {
		_, err := strconv.ParseInt("-"+bin, 2, 64)
		return err == nil
	}
	return false
}

// yamlV2BlockPlain says whether yaml.v2's emitter writes s (printable
// ASCII without spaces) plain in block context (analyze_scalar): no
// indicator in its first character or before its end, no "---" or "..."
// start.
func yamlV2BlockPlain(s string) bool {
	if strings.HasPrefix(s, "---") || strings.HasPrefix(s, "...") || s[len(s)-1] == ':' {
		return false
	}
	switch s[0] {
	case '#', ',', '[', ']', '{', '}', '&', '*', '!', '|', '>', '\'', '"', '%', '@', '`':
		return false
	case '?', '-':
		return len(s) > 1
	}
	return true
}

// appendYAMLLiteral writes a string with line breaks as yaml.v2 does
// below the top (stringv: literal style; analyze_scalar: allowed without
// special characters, a trailing space or a space before a break;
// write_block_scalar_hints: "2" for a leading space or break, "-" without
// a final break; write_literal_scalar: each line at indent, empty lines
// empty), for printable ASCII; ok false for others and for a "+"
// chomping (two final breaks, which end the document with "...").
func appendYAMLLiteral(b []byte, s string, indent int) ([]byte, bool) {
	if indent == 0 || len(s) > MaxTemplateOutput {
		return nil, false // a document of one scalar is indented otherwise
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\n' && (c < ' ' || c > '~') || c == ' ' && (i+1 == len(s) || s[i+1] == '\n') {
			return nil, false
		}
	}
	body, final := strings.CutSuffix(s, "\n")
	if s == "\n" || final && strings.HasSuffix(body, "\n") {
		return nil, false
	}
	b = append(b, '|')
	if s[0] == ' ' || s[0] == '\n' {
		b = append(b, '2')
	}
	if !final {
		b = append(b, '-')
	}
	b = append(b, '\n')
	for line := range strings.SplitSeq(body, "\n") {
		if line != "" {
			b = append(appendIndent(b, indent), line...)
		}
		b = append(b, '\n')
	}
	return b, true
}

func appendIndent(b []byte, n int) []byte {
	for n > len(blanks) {
		b = append(b, blanks...)
		n -= len(blanks)
	}
	return append(b, blanks[:n]...)
}

const blanks = "                                                                "

// plainYAMLString is true for a string yaml.v2 surely writes plain and
// reads back as the same string: letters, digits and . _ / - only,
// starting with a letter, digit or slash, not made of the characters of
// numbers alone with a digit (ints, floats, hex, timestamps), and not one of YAML
// 1.1's words for booleans and null.
func plainYAMLString(s string) bool {
	if s == "" || len(s) > 512 {
		return false
	}
	if c := s[0]; !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '/') {
		return false
	}
	numeric, digit := true, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '/' || c == '-') {
			return false
		}
		if !strings.ContainsRune("0123456789abcdefABCDEFxXoO._+-", rune(c)) {
			numeric = false
		}
		digit = digit || c >= '0' && c <= '9'
	}
	if numeric && digit {
		return false
	}
	return !yaml11Word(s)
}

// plainYAMLText is true for a string value (not a key) yaml.v2 writes
// plain that plainYAMLString does not know (an image reference, an IPv6
// network): a letter or a slash, then printable ASCII without spaces,
// not ending in a colon. yaml.v2 reads such a string as a string
// (resolve: no number, timestamp or base 60 float starts with a letter or
// a slash; the words of YAML 1.1 are left out), and its emitter writes it
// plain in block context (analyze_scalar: indicators only in the first
// character, before a blank or the end, or after a blank; no breaks,
// spaces or special characters; nothing to fold at without spaces).
func plainYAMLText(s string) bool {
	if s == "" || len(s) > 512 || s[len(s)-1] == ':' {
		return false
	}
	if c := s[0]; !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '/') {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] > '~' {
			return false
		}
	}
	return !yaml11Word(s)
}

// yaml11Word is true for the words yaml.v2 reads as a bool or null in any
// case (y, yes, on, true, null, ...): a string spelling one is quoted.
func yaml11Word(s string) bool {
	switch strings.ToLower(s) {
	case "y", "n", "yes", "no", "on", "off", "true", "false", "null":
		return true
	}
	return false
}

// longDigitRun is true for a key with more than 9 digits in a row (that
// yaml.v2 compares as numbers that may overflow).
func longDigitRun(k string) bool {
	run := 0
	for i := 0; i < len(k); i++ {
		if k[i] >= '0' && k[i] <= '9' {
			if run++; run > 9 {
				return true
			}
		} else {
			run = 0
		}
	}
	return false
}

// yamlV2KeyCompare orders string keys as yaml.v2 does when it writes a
// map (sorter.go, keyList.Less): runs of digits compare as numbers, and a
// letter after any other character.
func yamlV2KeyCompare(a, b string) int {
	if a == b {
		return 0
	}
	if yamlV2KeyLess(a, b) {
		return -1
	}
	return 1
}

func yamlV2KeyLess(a, b string) bool {
	if isASCII(a) && isASCII(b) {
		return keyLess(readOnlyBytes(a), readOnlyBytes(b))
	}
	return keyLess([]rune(a), []rune(b))
}

// readOnlyBytes is s as bytes, not copied: never written.
func readOnlyBytes(s string) []byte { return unsafe.Slice(unsafe.StringData(s), len(s)) }

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// keyLess is keyList.Less on the characters of two keys, as runes or, for
// ASCII keys, as bytes (the same characters).
func keyLess[C rune | byte](ar, br []C) bool {
	for i := 0; i < len(ar) && i < len(br); i++ {
		if ar[i] == br[i] {
			continue
		}
		al, bl := unicode.IsLetter(rune(ar[i])), unicode.IsLetter(rune(br[i]))
		if al && bl {
			return ar[i] < br[i]
		}
		if al || bl {
			return bl
		}
		var ai, bi int
		var an, bn int64
		if ar[i] == '0' || br[i] == '0' {
			for j := i - 1; j >= 0 && unicode.IsDigit(rune(ar[j])); j-- {
				if ar[j] != '0' {
					an, bn = 1, 1
					break
				}
			}
		}
		for ai = i; ai < len(ar) && unicode.IsDigit(rune(ar[ai])); ai++ {
			an = an*10 + int64(ar[ai]-'0')
		}
		for bi = i; bi < len(br) && unicode.IsDigit(rune(br[bi])); bi++ {
			bn = bn*10 + int64(br[bi]-'0')
		}
		if an != bn {
			return an < bn
		}
		if ai != bi {
			return ai < bi
		}
		return ar[i] < br[i]
	}
	return len(ar) < len(br)
}
