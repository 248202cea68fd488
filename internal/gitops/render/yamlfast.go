package render

import (
	"bytes"
	"errors"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
	"unsafe"

	yaml "go.yaml.in/yaml/v3"
	"golang.org/x/sync/errgroup"
)

// fastDocs reads the documents of a YAML stream written in the block
// style Kubernetes tools and chart templates write (block mappings and
// sequences, plain and one-line quoted scalars, literal block scalars,
// one-line flow sequences of scalars, empty {}) without building the YAML
// decoder's node tree: the value and starting line of every document,
// exactly as parseDocs' decoder gives them. It returns
// false, and parseDocs decodes the stream as before, on anything else:
// anchors, tags, nested or multi-line flow collections, flow mappings that
// are not empty, folded or multi-line scalars, "|+" keeping blank lines, keys
// that are not strings, duplicate keys, tabs, carriage returns, control
// characters, directives, or a document that is not a mapping (the
// decoder's error then names it). Large streams are read a chunk of
// documents per core.
//
// data is not copied: the strings of the values are parts of it, so it
// must not change while they are in use. parseDocs' callers give it a
// snapshot's files, which never change, or text of their own.
func fastDocs(data []byte, in *interner) ([]yamlDoc, bool) {
	return fastDocsText(unsafe.String(unsafe.SliceData(data), len(data)), in)
}

// fastDocsText is fastDocs of a stream held as a string: the strings of
// the values it gives are parts of src (no copy of each scalar), except
// those the YAML text escapes or folds (quoted with escapes, literal
// blocks).
//
// With an interner, identical block mappings share one value
// (yamlintern.go).
func fastDocsText(src string, in *interner) ([]yamlDoc, bool) {
	// data is src's bytes, only ever read.
	data := unsafe.Slice(unsafe.StringData(src), len(src))
	if !fastChars(data) {
		return nil, false
	}
	spans, ok := docSpans(data)
	if !ok {
		return nil, false
	}
	if len(spans) >= maxDocs {
		return nil, false
	}
	docs := make([]yamlDoc, len(spans))
	if chunks := min(runtime.GOMAXPROCS(0), len(spans)/64); len(data) > 1<<20 && chunks > 1 {
		var g errgroup.Group
		for c := range chunks {
			from, to := c*len(spans)/chunks, (c+1)*len(spans)/chunks
			g.Go(func() error {
				if !parseSpans(data, src, spans[from:to], docs[from:to], in) {
					return errNotFast
				}
				return nil
			})
		}
		if g.Wait() != nil {
			return nil, false
		}
	} else if !parseSpans(data, src, spans, docs, in) {
		return nil, false
	}
	// Empty documents are left out.
	n := 0
	for _, d := range docs {
		if d.Value != nil {
			docs[n] = d
			n++
		}
	}
	clear(docs[n:])
	if n == 0 {
		return nil, true
	}
	return docs[:n], true
}

// errNotFast: a document fastDocs does not read.
var errNotFast = errors.New("not read by fastDocs")

// parseSpans reads the documents spans of data (held as the string src)
// into docs (an empty one has no Value); false when one of them is not
// read.
func parseSpans(data []byte, src string, spans []docSpan, docs []yamlDoc, in *interner) bool {
	p := newFastParser(data, src)
	p.in = in
	defer p.done()
	for k, s := range spans {
		p.reset(s.from, s.to)
		var ok bool
		if docs[k], ok = p.document(s.line); !ok {
			return false
		}
	}
	return true
}

// fastChars says whether data holds only what fastDocs reads: printable
// UTF-8 and newlines, no tab, carriage return, byte order mark or line
// separator that the YAML scanner treats in its own way.
func fastChars(data []byte) bool {
	for i := 0; i < len(data); {
		c := data[i]
		if c < utf8.RuneSelf {
			if c < 0x20 && c != '\n' || c == 0x7f {
				return false
			}
			i++
			continue
		}
		r, n := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError || r < 0xa0 || r == 0x2028 || r == 0x2029 || r >= 0xd800 && r < 0xe000 || r == 0xfeff || r == 0xfffe || r == 0xffff {
			return false
		}
		i += n
	}
	return true
}

// fastLine is one line of the stream: its bytes are data[start:end] (no
// newline); pos is where its content starts (after its indentation, or
// after a "- " read already).
type fastLine struct {
	start, pos, end int
	nl              bool // a newline follows
}

// docSpan is one document of a stream: the bytes data[from:to] (its lines,
// without the "---" lines around it), starting on the stream's line line
// (0-based).
type docSpan struct{ from, to, line int }

// docSpans splits a stream at its "---" lines; false for a directive, a
// document end marker, content on a "---" line, or too many documents.
func docSpans(data []byte) ([]docSpan, bool) {
	var spans []docSpan
	from, first := 0, 0
	for start, n := 0, 0; start < len(data); n++ {
		end := len(data)
		if i := bytes.IndexByte(data[start:], '\n'); i >= 0 {
			end = start + i
		}
		t := data[start:end]
		start = end + 1
		if len(t) == 0 || (t[0] != '-' && t[0] != '.' && t[0] != '%') {
			continue
		}
		if t[0] == '%' || bytes.HasPrefix(t, []byte("...")) && (len(t) == 3 || t[3] == ' ') {
			return nil, false // a directive or a document end marker
		}
		if !bytes.HasPrefix(t, []byte("---")) || len(t) > 3 && t[3] != ' ' {
			continue
		}
		if rest := bytes.TrimLeft(t[3:], " "); len(rest) > 0 && rest[0] != '#' {
			return nil, false // content on the "---" line
		}
		spans = append(spans, docSpan{from, end - len(t), first})
		from, first = min(start, len(data)), n+1
		if len(spans) >= maxDocs {
			return nil, false
		}
	}
	return append(spans, docSpan{from, len(data), first}), true
}

// fastParser reads one document at a time; bad is set when the document
// is outside what it reads.
type fastParser struct {
	data []byte
	src  string // data as a string: scalars are parts of it (str)
	// line is the current line of the document data[:stop] (none when
	// eof), n its index in the document; the next one starts at next.
	line       fastLine
	n          int
	next, stop int
	eof        bool
	bad        bool
	depth      int
	// yaml11: only plain scalars YAML 1.1 (yaml.v2) resolves as the
	// decoder does are read (nativeyamlfast.go); floats: their integers
	// are float64, as a JSON round trip makes them (valuesDoc).
	yaml11, floats bool
	// keys and vals hold the entries of the collections being read, the
	// innermost last, until each is made at its size (sequences push
	// values only).
	keys []string
	vals []any
	// in shares mappings read before (yamlintern.go); ix indexes the
	// lines of the document for it.
	in *interner
	ix blockLines
}

// fastParsers keeps parsers between streams (their stacks empty, values
// cleared).
var fastParsers = sync.Pool{New: func() any {
	return &fastParser{keys: make([]string, 0, 64), vals: make([]any, 0, 64)}
}}

// newFastParser reads data, held as the string src; done gives it back.
func newFastParser(data []byte, src string) *fastParser {
	p := fastParsers.Get().(*fastParser)
	p.data, p.src = data, src
	return p
}

// done gives p back to fastParsers, which keeps its stacks only.
func (p *fastParser) done() {
	if len(p.keys) == 0 && len(p.vals) == 0 {
		*p = fastParser{keys: p.keys, vals: p.vals, ix: p.ix}
		fastParsers.Put(p)
	}
}

// maxFastDepth bounds nesting (the decoder has a limit of its own).
const maxFastDepth = 500

// reset starts reading the document data[from:to] at its first line.
func (p *fastParser) reset(from, to int) {
	p.next, p.stop, p.n, p.eof, p.bad = from, to, 0, false, false
	if p.in != nil {
		p.ix.index(p.data, from, to)
	}
	p.load()
}

// load makes the line starting at p.next the current one.
func (p *fastParser) load() {
	start := p.next
	if start >= p.stop {
		p.eof = true
		return
	}
	end, nl := p.stop, false
	if i := bytes.IndexByte(p.data[start:p.stop], '\n'); i >= 0 {
		end, nl = start+i, true
	}
	pos := start
	for pos < end && p.data[pos] == ' ' {
		pos++
	}
	p.line, p.next = fastLine{start: start, pos: pos, end: end, nl: nl}, end+1
}

// advance moves to the next line.
func (p *fastParser) advance() {
	p.n++
	p.load()
}

func (p *fastParser) fail() any {
	p.bad = true
	return nil
}

// document reads the document reset gave, whose first line is the
// stream's line first (0-based): no Value for an empty one.
func (p *fastParser) document(first int) (yamlDoc, bool) {
	p.skip()
	if p.eof {
		return yamlDoc{}, true
	}
	l := p.line
	if !p.keyLine(l) {
		return yamlDoc{}, false // a sequence or scalar document: the decoder says so
	}
	line := first + p.n + 1
	v := p.mapping(l.pos - l.start)
	p.skip()
	if p.bad || !p.eof {
		return yamlDoc{}, false
	}
	return yamlDoc{Value: v, Line: line}, true
}

// skip passes blank and comment lines.
func (p *fastParser) skip() {
	for ; !p.eof; p.advance() {
		l := p.line
		if l.pos < l.end && p.data[l.pos] != '#' {
			return
		}
	}
}

func (p *fastParser) indent(l fastLine) int { return l.pos - l.start }

func (p *fastParser) content(l fastLine) []byte { return p.data[l.pos:l.end] }

// dash says whether a line's content is a sequence entry ("- x" or "-").
func dash(c []byte) bool { return len(c) > 0 && c[0] == '-' && (len(c) == 1 || c[1] == ' ') }

func (p *fastParser) keyLine(l fastLine) bool {
	_, _, ok := p.splitKey(p.content(l))
	return ok
}

// node reads the block node starting at the current line, more indented
// than its parent.
func (p *fastParser) node() any {
	l := p.line
	switch c := p.content(l); {
	case dash(c):
		return p.sequence(p.indent(l))
	case p.keyLine(l):
		return p.mapping(p.indent(l))
	}
	return p.fail() // a scalar on a line of its own
}

// mapping reads a block mapping whose keys are at column n.
func (p *fastParser) mapping(n int) map[string]any {
	if p.depth++; p.depth > maxFastDepth {
		p.fail()
	}
	defer func() { p.depth-- }()
	var text string // the mapping's lines, when shared
	var hash uint64 // their internHash
	end := 0        // the number of the line after them
	if p.in != nil && !p.bad {
		end = p.ix.end(p.n, n)
		to := p.stop
		if end < len(p.ix.start) {
			to = int(p.ix.start[end])
		}
		text = p.src[p.line.start:to]
		hash = internHash(text)
		if v, ok := p.in.get(hash, text, n, p.depth, p.mode()); ok {
			p.n, p.next = end, to
			p.load()
			return v
		}
	}
	kbase, vbase := len(p.keys), len(p.vals) // sequences push values only
	for !p.bad {
		p.skip()
		if p.eof {
			break
		}
		l := p.line
		if ind := p.indent(l); ind < n {
			break
		} else if ind > n {
			p.fail()
			break
		}
		key, rest, ok := p.splitKey(p.content(l))
		if !ok {
			p.fail() // a sequence entry or scalar among the keys
			break
		}
		v := p.value(l.pos+len(p.content(l))-len(rest), n, true)
		p.keys, p.vals = append(p.keys, key), append(p.vals, v)
	}
	keys, vals := p.keys[kbase:], p.vals[vbase:]
	m := make(map[string]any, len(keys))
	for i, k := range keys {
		m[k] = vals[i]
	}
	if len(m) < len(keys) {
		p.fail() // a duplicate key
	}
	p.keys, p.vals = p.keys[:kbase], p.pop(vbase)
	if p.in != nil && !p.bad && p.n == end {
		p.in.put(hash, text, n, p.depth, p.mode(), m)
	}
	return m
}

// pop drops the values of p.vals from base on, returning what is left.
func (p *fastParser) pop(base int) []any {
	clear(p.vals[base:])
	return p.vals[:base]
}

// sequence reads a block sequence whose entries are at column s.
func (p *fastParser) sequence(s int) []any {
	if p.depth++; p.depth > maxFastDepth {
		p.fail()
	}
	defer func() { p.depth-- }()
	base := len(p.vals)
	for !p.bad {
		p.skip()
		if p.eof {
			break
		}
		l := p.line
		if ind := p.indent(l); ind < s {
			break
		} else if ind > s {
			p.fail()
			break
		}
		if !dash(p.content(l)) {
			break // the next key of an enclosing mapping at the same column
		}
		pos := l.pos + 1
		for pos < l.end && p.data[pos] == ' ' {
			pos++
		}
		if pos < l.end && dash(p.data[pos:l.end]) {
			p.vals = append(p.vals, p.fail()) // "- - x"
			break
		}
		if pos < l.end && p.data[pos] != '#' {
			if _, _, ok := p.splitKey(p.data[pos:l.end]); ok {
				// "- key: value": a mapping at the key's column.
				p.line.pos = pos
				v := p.mapping(pos - l.start)
				p.vals = append(p.vals, v)
				continue
			}
		}
		v := p.value(pos, s, false)
		p.vals = append(p.vals, v)
	}
	list := make([]any, len(p.vals)-base)
	copy(list, p.vals[base:])
	p.vals = p.pop(base)
	return list
}

// value reads the value starting at pos of the current line (after "key:"
// or "- "), of a node at column n, and moves past it; inMap: the value of
// a key, which may be a sequence at the key's own column.
func (p *fastParser) value(pos, n int, inMap bool) any {
	l := p.line
	for pos < l.end && p.data[pos] == ' ' {
		pos++
	}
	if pos >= l.end || p.data[pos] == '#' {
		p.advance()
		p.skip()
		if p.eof {
			return nil
		}
		next := p.line
		switch ind := p.indent(next); {
		case ind > n:
			return p.node()
		case inMap && ind == n && dash(p.content(next)):
			return p.sequence(n)
		}
		return nil
	}
	c := p.data[pos:l.end]
	switch c[0] {
	case '"', '\'':
		s, rest, ok := p.quoted(c)
		if !ok || !lineEnd(rest, true) {
			return p.fail()
		}
		p.advance()
		return s
	case '|':
		return p.literal(c[1:], n)
	case '[':
		list, ok := p.flowSequence(c)
		if !ok {
			return p.fail()
		}
		p.advance()
		return list
	case '{':
		rest := bytes.TrimLeft(c[1:], " ")
		if len(rest) == 0 || rest[0] != '}' || !lineEnd(rest[1:], true) {
			return p.fail() // a flow mapping that is not empty
		}
		p.advance()
		return map[string]any{}
	case '>', '&', '*', '!', '%', '@', '`', '?', ':', ',', ']', '}':
		return p.fail()
	}
	text, ok := plainValue(c)
	if !ok {
		return p.fail()
	}
	v, ok := p.resolve(p.str(text))
	if !ok {
		return p.fail()
	}
	p.advance()
	return v
}

// lineEnd says whether rest is spaces, then a comment or nothing; spaced:
// a comment needs a space before it (after a quoted scalar).
func lineEnd(rest []byte, spaced bool) bool {
	t := bytes.TrimLeft(rest, " ")
	return len(t) == 0 || t[0] == '#' && (len(t) < len(rest) || !spaced)
}

// plainValue is the plain scalar of a line's rest, without its comment
// and trailing spaces; false when it is not one plain scalar (": " or a
// trailing ":" in it, "- " at its start).
func plainValue(c []byte) ([]byte, bool) {
	if c[0] == '-' && (len(c) == 1 || c[1] == ' ') {
		return nil, false
	}
	end := len(c)
	if i := bytes.Index(c, []byte(" #")); i >= 0 {
		end = i
	}
	t := bytes.TrimRight(c[:end], " ")
	if len(t) == 0 || bytes.Contains(t, []byte(": ")) || t[len(t)-1] == ':' {
		return nil, false
	}
	return t, true
}

// splitKey splits "key: rest" (rest after the colon); false when c is not
// a mapping entry fastDocs reads.
func (p *fastParser) splitKey(c []byte) (string, []byte, bool) {
	if len(c) == 0 {
		return "", nil, false
	}
	if c[0] == '"' || c[0] == '\'' {
		s, rest, ok := p.quoted(c)
		if !ok || len(rest) == 0 || rest[0] != ':' || len(rest) > 1 && rest[1] != ' ' || len(c)-len(rest) > 1000 {
			return "", nil, false // a simple key is at most 1024 characters
		}
		return s, rest[1:], true
	}
	if strings.IndexByte("-?:,[]{}#&*!|>%@`", c[0]) >= 0 {
		return "", nil, false
	}
	for i := 0; i < len(c); i++ {
		switch c[i] {
		case '#':
			if c[i-1] == ' ' {
				return "", nil, false
			}
		case ':':
			if i+1 < len(c) && c[i+1] != ' ' {
				continue
			}
			if c[i-1] == ' ' || i > 1000 {
				return "", nil, false
			}
			key := p.str(c[:i])
			if key == "<<" {
				return "", nil, false // a merge key
			}
			if plainString(key) {
				if p.yaml11 && !yaml11String(key) {
					return "", nil, false
				}
				return key, c[i+1:], true
			}
			v, ok := p.resolve(key)
			s, isStr := v.(string)
			if !ok || !isStr || s == "<<" {
				return "", nil, false
			}
			return s, c[i+1:], true
		}
	}
	return "", nil, false
}

// resolve is the value of a plain scalar as the decoder resolves it: a
// string unless its first character hints at a number, a boolean, null,
// or a special float; then a word, a decimal integer or a string both
// decoders read alike (yamlfast_resolve.go), else what the decoder itself
// resolves it to (once per text for every stream: resolvedCache).
func (p *fastParser) resolve(text string) (any, bool) {
	v, ok := p.resolveScalar(text)
	if p.floats {
		switch n := v.(type) { // as jsonNumbers makes them
		case int:
			v = float64(n)
		case int64:
			v = float64(n)
		case uint64:
			v = float64(n)
		}
	}
	return v, ok
}

// resolveScalar is resolve's value before floats.
func (p *fastParser) resolveScalar(text string) (any, bool) {
	if plainString(text) {
		return text, !p.yaml11 || yaml11String(text)
	}
	if v, ok := scalarWord(text); ok {
		return v, true
	}
	if v, ok := decimal(text); ok {
		return v, true
	}
	if stringScalar(text) {
		return text, true
	}
	if p.yaml11 {
		return yaml11Scalar(text) // nativeyamlfast.go
	}
	return resolved(text)
}

// plainString says whether the plain scalar text is a string for the
// decoder by its first character alone (not a number, boolean, null or
// special float).
func plainString(text string) bool {
	switch text[0] {
	case '+', '-', '.', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '~':
		return false
	case 'y', 'Y', 'n', 'N', 't', 'T', 'f', 'F', 'o', 'O':
		switch text {
		case "true", "True", "TRUE", "false", "False", "FALSE", "null", "Null", "NULL":
			return false
		}
	}
	return true
}

// decimal is the int a plain decimal number without a leading zero and of
// at most 18 digits resolves to ("8080", "-1": the decoder's ParseInt of
// the same text, which no other rule of its claims first).
func decimal(text string) (any, bool) {
	d := strings.TrimPrefix(text, "-")
	if len(d) == 0 || len(d) > 18 || d[0] == '0' && len(d) > 1 || !digits(d) {
		return nil, false
	}
	n, err := strconv.Atoi(text)
	return n, err == nil
}

// scalarCache holds what a decoder resolved plain scalars to, for every
// stream (values are immutable scalars); bounded.
type scalarCache struct {
	sync.Mutex
	m map[string]any
}

// get is the value unmarshal gives the plain scalar text as a mapping
// value, kept when it gives one.
func (c *scalarCache) get(text string, unmarshal func([]byte, any) error) (any, bool) {
	c.Lock()
	v, ok := c.m[text]
	c.Unlock()
	if ok {
		return v, true
	}
	var m map[string]any
	if err := unmarshal([]byte("v: "+text), &m); err != nil || len(m) != 1 {
		return nil, false
	}
	if v, ok = m["v"]; !ok {
		return nil, false
	}
	c.Lock()
	if c.m == nil {
		c.m = map[string]any{}
	}
	if len(c.m) < 1<<16 {
		// A copy of text: text is a part of a stream, which a caller of
		// fastDocs may reuse once it is done with the values.
		c.m[strings.Clone(text)] = v
	}
	c.Unlock()
	return v, true
}

var resolvedCache scalarCache

// resolved is the value the decoder gives the plain scalar text as a
// mapping value; false when it is not a scalar fastDocs keeps.
func resolved(text string) (any, bool) {
	v, ok := resolvedCache.get(text, yaml.Unmarshal)
	switch v.(type) {
	case nil, string, bool, int, int64, uint64, float64, time.Time:
		return v, ok
	}
	return nil, false
}

// str is b, a part of p.data, as the same part of p.src.
func (p *fastParser) str(b []byte) string {
	if i := len(p.data) - cap(b); i >= 0 && i+len(b) <= len(p.src) {
		return p.src[i : i+len(b)]
	}
	return string(b)
}

// quoted reads a quoted scalar ending on its line; rest follows it.
func (p *fastParser) quoted(c []byte) (string, []byte, bool) {
	q := c[0]
	// Without escapes, the scalar is its text.
	for i := 1; i < len(c); i++ {
		if c[i] == '\\' && q == '"' || c[i] == q && q == '\'' && i+1 < len(c) && c[i+1] == '\'' {
			break
		}
		if c[i] == q {
			return p.str(c[1:i]), c[i+1:], true
		}
	}
	var b []byte
	for i := 1; i < len(c); i++ {
		ch := c[i]
		switch {
		case ch == q && q == '\'':
			if i+1 < len(c) && c[i+1] == '\'' {
				b = append(b, '\'')
				i++
				continue
			}
			return string(b), c[i+1:], true
		case ch == q:
			return string(b), c[i+1:], true
		case ch == '\\' && q == '"':
			if i+1 >= len(c) {
				return "", nil, false
			}
			i++
			if r, ok := simpleEscapes[c[i]]; ok {
				b = utf8.AppendRune(b, r)
				continue
			}
			width := map[byte]int{'x': 2, 'u': 4, 'U': 8}[c[i]]
			if width == 0 || i+width >= len(c) {
				return "", nil, false
			}
			r, err := strconv.ParseUint(string(c[i+1:i+1+width]), 16, 32)
			if err != nil || r >= 0xd800 && r < 0xe000 || r > 0x10ffff {
				return "", nil, false
			}
			b = utf8.AppendRune(b, rune(r))
			i += width
		default:
			b = append(b, ch)
		}
	}
	return "", nil, false // it goes on on the next line
}

// simpleEscapes are the one-character escapes of double-quoted scalars.
var simpleEscapes = map[byte]rune{
	'0': 0, 'a': '\a', 'b': '\b', 't': '\t', 'n': '\n', 'v': '\v', 'f': '\f', 'r': '\r', 'e': 0x1b,
	' ': ' ', '"': '"', '\'': '\'', '\\': '\\', 'N': 0x85, '_': 0xa0, 'L': 0x2028, 'P': 0x2029,
}

// literal reads a literal block scalar ("|" or "|-", header being what
// follows the "|") of a node at column n, as the YAML scanner does: its
// indentation is that of its first line, which must be more than n.
func (p *fastParser) literal(header []byte, n int) any {
	strip := len(header) > 0 && header[0] == '-'
	keep := len(header) > 0 && header[0] == '+'
	if strip || keep {
		header = header[1:]
	}
	if !lineEnd(header, true) {
		return p.fail() // an indentation indicator, or text
	}
	p.advance()
	if p.eof {
		return p.fail()
	}
	first := p.line
	ind := p.indent(first)
	if first.pos == first.end || ind <= n {
		return p.fail() // empty, or starting with blank lines
	}
	var b []byte
	breaks := 0 // blank lines since the last content line
	started, lastNL := false, false
	for ; !p.eof; p.advance() {
		l := p.line
		blank := l.pos == l.end
		if blank && l.end-l.start <= ind {
			breaks++
			continue
		}
		if !blank && p.indent(l) < ind {
			break
		}
		if started {
			b = append(b, '\n')
			for ; breaks > 0; breaks-- {
				b = append(b, '\n')
			}
		}
		b = append(b, p.data[l.start+ind:l.end]...)
		started, lastNL = true, l.nl
	}
	if keep && breaks > 0 {
		return p.fail() // "|+" keeps the blank lines after it: left to the decoder
	}
	if !strip && lastNL {
		b = append(b, '\n')
	}
	return string(b)
}
