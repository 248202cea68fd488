package render

// A decoder for the plain block YAML that chart templates write and
// values files hold: block mappings and sequences, plain and quoted
// one-line scalars, literal block scalars, comments, flat flow sequences
// and the empty {} and []. It gives exactly what parseDocs
// (go.yaml.in/yaml/v3 and stringKeys) gives for such input, scalars
// resolved as yaml.v3 resolves them, at a fraction of the cost, and
// declines (ok false) at the first thing outside it: anchors, tags, folded
// and multi-line scalars, flow mappings, keys that are not strings,
// duplicate keys, tabs, non-ASCII, directives, timestamps, and anything
// YAML would refuse. renderedDocs and valuesDoc (helmdocs.go) then run
// parseDocs, which gives its values or its error. helmyaml_test.go holds
// both equal on the test data, on every template output and values file of
// the synthetic platform, and on arbitrary input (FuzzHelmYAML).

import (
	"regexp"
	"strconv"
	"strings"
)

// maxHelmYAMLDocs bounds the documents helmYAMLDocs reads (parseDocs
// reports more than maxDocs).
const maxHelmYAMLDocs = 10000

// helmYAMLLine is one line with content: its indentation, its text after it
// (trailing spaces cut) and its number.
type helmYAMLLine struct {
	indent int
	text   string
	num    int
}

// helmYAMLDocs parses data as parseDocs does, or declines.
func helmYAMLDocs(data []byte) ([]yamlDoc, bool) {
	for _, c := range data {
		if c >= 0x7f || c < ' ' && c != '\n' {
			return nil, false // tabs, CR, controls, non-ASCII: left to yaml
		}
	}
	s := string(data)
	raw := strings.Split(s, "\n")
	var docs []yamlDoc
	var lines []helmYAMLLine
	flush := func() bool {
		if len(lines) == 0 {
			return true
		}
		p := helmYAMLParser{lines: lines, raw: raw}
		v, ok := p.block(lines[0].indent)
		if !ok || p.i != len(lines) {
			return false
		}
		m, isMap := v.(map[string]any)
		if !isMap {
			return false
		}
		if len(m) > 0 {
			docs = append(docs, yamlDoc{Value: m, Line: lines[0].num})
		}
		lines = lines[:0]
		return len(docs) < maxHelmYAMLDocs
	}
	for i, line := range raw {
		num := i + 1
		line = strings.TrimRight(line, " ")
		if strings.HasPrefix(line, "---") || strings.HasPrefix(line, "...") || strings.HasPrefix(line, "%") {
			if line != "---" {
				return nil, false
			}
			if !flush() {
				return nil, false
			}
			continue
		}
		text := strings.TrimLeft(line, " ")
		if text == "" || text[0] == '#' {
			continue
		}
		lines = append(lines, helmYAMLLine{indent: len(line) - len(text), text: text, num: num})
	}
	if !flush() {
		return nil, false
	}
	return docs, true
}

type helmYAMLParser struct {
	lines []helmYAMLLine
	i     int
	raw   []string // every line of the input, for block scalars
}

// block parses the mapping or sequence whose first line is the current
// one, at indent.
func (p *helmYAMLParser) block(indent int) (any, bool) {
	if p.i >= len(p.lines) || p.lines[p.i].indent != indent {
		return nil, false
	}
	if yamlSeqItem(p.lines[p.i].text) {
		return p.sequence(indent)
	}
	return p.mapping(indent)
}

func yamlSeqItem(text string) bool {
	return text == "-" || strings.HasPrefix(text, "- ")
}

// next is the indentation of the current line, -1 at the end.
func (p *helmYAMLParser) next() int {
	if p.i >= len(p.lines) {
		return -1
	}
	return p.lines[p.i].indent
}

func (p *helmYAMLParser) mapping(indent int) (any, bool) {
	m := map[string]any{}
	for p.i < len(p.lines) {
		l := p.lines[p.i]
		if l.indent < indent {
			break
		}
		if l.indent > indent || yamlSeqItem(l.text) {
			return nil, false
		}
		key, rest, isKey, ok := yamlSplitKey(l.text)
		if !ok || !isKey {
			return nil, false
		}
		if _, dup := m[key]; dup {
			return nil, false
		}
		p.i++
		if rest != "" {
			v, ok := p.value(rest, indent, l.num)
			if !ok || p.next() > indent {
				return nil, false // a continued scalar or a misplaced block
			}
			m[key] = v
			continue
		}
		switch n := p.next(); {
		case n > indent, n == indent && yamlSeqItem(p.lines[p.i].text):
			v, ok := p.block(n)
			if !ok {
				return nil, false
			}
			m[key] = v
		default:
			m[key] = nil
		}
	}
	return m, true
}

func (p *helmYAMLParser) sequence(indent int) (any, bool) {
	list := []any{}
	for p.i < len(p.lines) {
		l := p.lines[p.i]
		if l.indent < indent || l.indent == indent && !yamlSeqItem(l.text) {
			break
		}
		if l.indent > indent || l.text == "-" {
			return nil, false
		}
		rest := strings.TrimLeft(l.text[1:], " ")
		if yamlSeqItem(rest) || rest[0] == '#' {
			return nil, false
		}
		_, _, isKey, ok := yamlSplitKey(rest)
		if !ok {
			return nil, false
		}
		if isKey {
			// "- key: value": a mapping at the column of its key
			col := indent + len(l.text) - len(rest)
			p.lines[p.i] = helmYAMLLine{indent: col, text: rest, num: l.num}
			v, ok := p.mapping(col)
			if !ok {
				return nil, false
			}
			list = append(list, v)
			continue
		}
		p.i++
		v, ok := p.value(rest, indent, l.num)
		if !ok || p.next() > indent {
			return nil, false
		}
		list = append(list, v)
	}
	return list, true
}

// value is the value written after a key or a dash on line num of a
// block at indent: a literal block scalar or an inline value.
func (p *helmYAMLParser) value(rest string, indent, num int) (any, bool) {
	if rest[0] == '|' {
		return p.literal(rest, indent, num)
	}
	return yamlInline(rest)
}

// literal reads the literal block scalar ("|", "|-", "|+") whose header
// rest is on line num, in a block at indent; the lines it spans are
// consumed. Folded scalars, indentation indicators, and leading or
// indented blank lines are left to yaml.
func (p *helmYAMLParser) literal(rest string, indent, num int) (any, bool) {
	chomp := byte(0)
	head := rest[1:]
	if head != "" && (head[0] == '-' || head[0] == '+') {
		chomp, head = head[0], head[1:]
	}
	if !yamlEndOfValue(head) {
		return nil, false
	}
	var b strings.Builder
	col, last, blanks := -1, num, 0
	for n := num; n < len(p.raw); n++ {
		line := p.raw[n]
		text := strings.TrimLeft(line, " ")
		if text == "" {
			if col < 0 || len(line) > col {
				return nil, false
			}
			blanks++
			continue
		}
		in := len(line) - len(text)
		if col < 0 {
			if in <= indent {
				return nil, false // an empty scalar
			}
			col = in
		}
		if in < col {
			break
		}
		for ; blanks > 0; blanks-- {
			b.WriteByte('\n')
		}
		b.WriteString(line[col:])
		if n < len(p.raw)-1 {
			b.WriteByte('\n') // the last line of the input has no break
		}
		last = n + 1
	}
	if col < 0 {
		return nil, false
	}
	s := b.String()
	switch chomp {
	case '-':
		s = strings.TrimSuffix(s, "\n")
	case '+':
		if blanks > 0 {
			return nil, false // kept trailing lines: left to yaml
		}
	}
	for p.i < len(p.lines) && p.lines[p.i].num <= last {
		p.i++
	}
	return s, true
}

// maxImplicitKey is under the length YAML allows a key written without
// "? " (1024 characters).
const maxImplicitKey = 1000

// yamlSplitKey splits "key: rest" (rest without its comment); isKey is false
// for a line that is no mapping entry, ok false for what helmYAMLDocs leaves
// to yaml.
func yamlSplitKey(text string) (key, rest string, isKey, ok bool) {
	if text[0] == '"' || text[0] == '\'' {
		s, n, ok := yamlQuoted(text)
		if !ok {
			return "", "", false, false
		}
		after := text[n:]
		if n > maxImplicitKey {
			return "", "", false, false
		}
		if after == ":" || strings.HasPrefix(after, ": ") {
			return s, yamlValueText(after[1:]), true, true
		}
		return "", "", false, true
	}
	i := strings.Index(text, ": ")
	if i < 0 {
		if !strings.HasSuffix(text, ":") {
			return "", "", false, true // a value: yamlInline judges it
		}
		i = len(text) - 1
	}
	key = text[:i]
	if i > maxImplicitKey || strings.IndexByte("-?:,[]{}#&*!|>%@`", text[0]) >= 0 || strings.HasSuffix(key, " ") || strings.Contains(key, " #") || key == "<<" {
		return "", "", false, false
	}
	v, ok := yamlPlain(key)
	if s, isStr := v.(string); ok && isStr {
		return s, yamlValueText(text[i+1:]), true, true
	}
	return "", "", false, false
}

// yamlValueText is what follows a key's colon, without spaces and comment.
func yamlValueText(s string) string {
	s = strings.TrimLeft(s, " ")
	if strings.HasPrefix(s, "#") {
		return ""
	}
	return s
}

// yamlInline is a scalar or flow value written after a key or a dash.
func yamlInline(s string) (any, bool) {
	switch s[0] {
	case '"', '\'':
		v, n, ok := yamlQuoted(s)
		if !ok || !yamlEndOfValue(s[n:]) {
			return nil, false
		}
		return v, true
	case '[':
		return yamlFlowSeq(s)
	case '{':
		if i := strings.IndexByte(s, '}'); i > 0 && strings.TrimLeft(s[1:i], " ") == "" && yamlEndOfValue(s[i+1:]) {
			return map[string]any{}, true
		}
		return nil, false
	}
	if s[0] == '-' && (len(s) == 1 || s[1] == ' ') || strings.IndexByte("?:,]}#&*!|>%@`", s[0]) >= 0 {
		return nil, false
	}
	if i := strings.Index(s, " #"); i >= 0 {
		s = strings.TrimRight(s[:i], " ")
	}
	if strings.Contains(s, ": ") || strings.HasSuffix(s, ":") {
		return nil, false
	}
	return yamlPlain(s)
}

// yamlEndOfValue says whether s, after a yamlQuoted or flow value, holds only
// spaces and a comment.
func yamlEndOfValue(s string) bool {
	t := strings.TrimLeft(s, " ")
	return t == "" || t[0] == '#' && len(t) < len(s)
}

// yamlFlowSeq is "[a, 'b', "c"]" of scalars, or [].
func yamlFlowSeq(s string) (any, bool) {
	list := []any{}
	i := 1
	skip := func() {
		for i < len(s) && s[i] == ' ' {
			i++
		}
	}
	skip()
	if i < len(s) && s[i] == ']' {
		return list, yamlEndOfValue(s[i+1:])
	}
	for {
		skip()
		if i >= len(s) {
			return nil, false
		}
		var v any
		if s[i] == '"' || s[i] == '\'' {
			q, n, ok := yamlQuoted(s[i:])
			if !ok {
				return nil, false
			}
			v, i = q, i+n
		} else {
			j := i
			for j < len(s) && s[j] != ',' && s[j] != ']' {
				if strings.IndexByte("[{}:#\"'", s[j]) >= 0 {
					return nil, false
				}
				j++
			}
			item := strings.TrimRight(s[i:j], " ")
			if item == "" || strings.IndexByte("-?,&*!|>%@`", item[0]) >= 0 {
				return nil, false
			}
			var ok bool
			if v, ok = yamlPlain(item); !ok {
				return nil, false
			}
			i = j
		}
		list = append(list, v)
		skip()
		if i >= len(s) {
			return nil, false
		}
		if s[i] == ']' {
			return list, yamlEndOfValue(s[i+1:])
		}
		if s[i] != ',' {
			return nil, false
		}
		i++
	}
}

// yamlQuoted reads the single- or double-yamlQuoted scalar s starts with, on one
// line: its value and its length in s.
func yamlQuoted(s string) (string, int, bool) {
	q := s[0]
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		c := s[i]
		switch {
		case c == q && q == '\'':
			if i+1 < len(s) && s[i+1] == '\'' {
				b.WriteByte('\'')
				i++
				continue
			}
			return b.String(), i + 1, true
		case c == q:
			return b.String(), i + 1, true
		case c == '\\' && q == '"':
			if i+1 >= len(s) {
				return "", 0, false
			}
			i++
			switch s[i] {
			case '\\', '"':
				b.WriteByte(s[i])
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			case 'r':
				b.WriteByte('\r')
			case 'u':
				if i+4 >= len(s) {
					return "", 0, false
				}
				r, err := strconv.ParseUint(s[i+1:i+5], 16, 32)
				if err != nil || r >= 0xD800 && r <= 0xDFFF {
					return "", 0, false
				}
				b.WriteRune(rune(r))
				i += 4
			default:
				return "", 0, false
			}
		default:
			b.WriteByte(c)
		}
	}
	return "", 0, false // continued on the next line
}

// yamlWords are the plain scalars yaml.v3 looks up by name (for those
// starting with a character of its lookup hint); nil value with ok false:
// left to yaml (NaN, infinities, merge).
var yamlWords = map[string]struct {
	v  any
	ok bool
}{
	"true": {true, true}, "True": {true, true}, "TRUE": {true, true},
	"false": {false, true}, "False": {false, true}, "FALSE": {false, true},
	"~": {nil, true}, "null": {nil, true}, "Null": {nil, true}, "NULL": {nil, true},
	".nan": {}, ".NaN": {}, ".NAN": {}, ".inf": {}, ".Inf": {}, ".INF": {},
	"+.inf": {}, "+.Inf": {}, "+.INF": {}, "-.inf": {}, "-.Inf": {}, "-.INF": {},
}

// yamlFloat is the float syntax yaml.v3 accepts after integers fail.
var yamlFloat = regexp.MustCompile(`^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`)

// yamlPlain resolves a plain scalar as yaml.v3 does into an interface
// value: null, bool, int, uint64, float64 or string.
func yamlPlain(s string) (any, bool) {
	if s == "" {
		return nil, true
	}
	c := s[0]
	hinted := c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.' || strings.IndexByte("yYnNtTfFoO~", c) >= 0
	if !hinted {
		return s, true
	}
	if w, ok := yamlWords[s]; ok {
		return w.v, w.ok
	}
	switch {
	case c == '.':
		if f, err := strconv.ParseFloat(s, 64); err == nil {
			return f, true
		}
	case c >= '0' && c <= '9' || c == '-' || c == '+':
		if len(s) > 4 && s[4] == '-' && strings.Trim(s[:4], "0123456789") == "" {
			return nil, false // maybe a timestamp
		}
		plain := strings.ReplaceAll(s, "_", "")
		if v, err := strconv.ParseInt(plain, 0, 64); err == nil {
			return int(v), true
		}
		if v, err := strconv.ParseUint(plain, 0, 64); err == nil {
			return v, true
		}
		if strings.Trim(plain, "0123456789.eE+-") == "" && yamlFloat.MatchString(plain) { // "100m", "64Mi" cannot match
			if f, err := strconv.ParseFloat(plain, 64); err == nil {
				return f, true
			}
			return nil, false
		}
		for _, p := range []string{"0b", "-0b", "0o", "-0o"} {
			if strings.HasPrefix(plain, p) {
				return nil, false
			}
		}
	}
	return s, true
}
