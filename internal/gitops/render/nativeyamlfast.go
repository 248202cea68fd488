package render

import (
	"bytes"
	"unsafe"

	yamlv2 "go.yaml.in/yaml/v2"
)

// Kustomization and patch files are mostly plain block YAML whose scalars
// YAML 1.1 and 1.2 read alike: strings that hint at nothing else, decimal
// integers, true and false, null. fastYAML11 reads such a file with
// fastDocs' parser (yamlfast.go) set to give up on any other plain scalar,
// so that it gives what yaml.v2 gives, without its node tree; anything else
// is read by yaml.v2 as before. nativeyamlfast_test.go holds it to yaml.v2.

// yaml11Words are the plain scalars YAML 1.1 reads as booleans or null
// among those whose first character YAML 1.2 leaves to be strings.
var yaml11Words = map[string]bool{
	"y": true, "Y": true, "yes": true, "Yes": true, "YES": true, "n": true, "N": true, "no": true, "No": true, "NO": true,
	"on": true, "On": true, "ON": true, "off": true, "Off": true, "OFF": true,
}

// yaml11String says whether yaml.v2 resolves the plain scalar text, which
// plainString says is a string for yaml.v3, as a string too.
func yaml11String(text string) bool {
	switch text[0] {
	case 'y', 'Y', 'n', 'N', 'o', 'O':
		return !yaml11Words[text]
	}
	return true
}

// yaml11Scalar is the value of a plain scalar that is not a string by its
// first character nor one resolve reads itself, where yaml.v2 and yaml.v3
// resolve it alike: a string, an integer, a boolean or null.
func yaml11Scalar(text string) (any, bool) {
	v3, ok := resolved(text)
	if !ok {
		return nil, false
	}
	v2, ok := resolvedV2(text)
	switch v3.(type) {
	case nil, string, int, bool:
		return v3, ok && v2 == v3
	}
	return nil, false
}

var resolvedV2Cache scalarCache

// resolvedV2 is the value yaml.v2 gives the plain scalar text as a
// mapping value.
func resolvedV2(text string) (any, bool) { return resolvedV2Cache.get(text, yamlv2.Unmarshal) }

// fastYAML11 is the value of the first document of data as yaml.v2 reads
// it (maps map[string]any, integers int); false when it is outside what
// it reads: more than one document, an empty one, a scalar, or anything
// fastDocs does not read or YAML 1.1 may read otherwise. As with fastDocs,
// data is not copied and must not change while the value is in use (its
// callers give it a snapshot's files, or text of their own).
func fastYAML11(data []byte) (any, bool) { return readYAML11(data, false, nil) }

// readYAML11 is fastYAML11, with floats its integers float64 (as a JSON
// round trip makes them), sharing identical mappings through in
// (yamlintern.go).
func readYAML11(data []byte, floats bool, in *interner) (any, bool) {
	// b is data with no capacity beyond it, as fastParser.str needs.
	b, src := data[:len(data):len(data)], unsafe.String(unsafe.SliceData(data), len(data))
	if !fastChars(b) {
		return nil, false
	}
	// from: where the document starts (after a "---" line).
	from, content := 0, false
	for start := 0; start < len(b); {
		end := len(b)
		if i := bytes.IndexByte(b[start:], '\n'); i >= 0 {
			end = start + i
		}
		t := b[start:end]
		start = end + 1
		if len(t) > 0 && (t[0] == '%' || bytes.HasPrefix(t, []byte("...")) && (len(t) == 3 || t[3] == ' ')) {
			return nil, false // a directive or a document end marker
		}
		if bytes.HasPrefix(t, []byte("---")) && (len(t) == 3 || t[3] == ' ') {
			if rest := bytes.TrimLeft(t[3:], " "); content || from > 0 || len(rest) > 0 && rest[0] != '#' {
				return nil, false // a second document, or content on the "---" line
			}
			from = min(start, len(b))
			continue
		}
		if c := bytes.TrimLeft(t, " "); len(c) > 0 && c[0] != '#' {
			content = true
		}
	}
	p := newFastParser(b, src)
	defer p.done()
	p.yaml11, p.floats, p.in = true, floats, in
	p.reset(from, len(b))
	p.skip()
	if p.eof {
		return nil, false
	}
	l := p.line
	var v any
	switch c := p.content(l); {
	case dash(c):
		v = p.sequence(p.indent(l))
	case p.keyLine(l):
		v = p.mapping(p.indent(l))
	default:
		return nil, false
	}
	p.skip()
	if p.bad || !p.eof {
		return nil, false
	}
	return v, true
}
