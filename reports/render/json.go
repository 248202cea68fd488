package render

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"unicode/utf8"

	"github.com/plinth-dev/plinth/reports"
	"github.com/plinth-dev/plinth/reports/i18n"
)

// jsonReport writes the versioned JSON report (SchemaVersion): the bytes
// encodeJSON gives for r, with the findings (nearly all of a large
// report: 27 MB for 500 services) encoded and written one at a time, so
// that the whole report is never held as one encoded and one indented
// buffer.
func jsonReport(w io.Writer, r *reports.Report, _ i18n.Localizer) error {
	if len(r.Findings) == 0 {
		return encodeJSON(w, r)
	}
	head := *r
	head.Findings = nil
	var buf bytes.Buffer
	if err := encodeJSON(&buf, &head); err != nil {
		return err
	}
	// Findings is a top-level field: its key is the only one at this
	// indentation, and a newline inside a string is always escaped.
	const key = "\n  \"findings\": "
	at := bytes.Index(buf.Bytes(), []byte(key+"null"))
	if at < 0 {
		return fmt.Errorf("encoding the report: no findings field")
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	bw.Write(buf.Bytes()[:at+len(key)])
	bw.WriteString("[\n")
	var one []byte
	for i := range r.Findings {
		one = appendFinding(one[:0], &r.Findings[i])
		if i < len(r.Findings)-1 {
			one = append(one, ',')
		}
		one = append(one, '\n')
		bw.Write(one)
	}
	bw.WriteString("  ]")
	bw.Write(buf.Bytes()[at+len(key+"null"):])
	return bw.Flush()
}

// appendFinding appends f as encoding/json indents it inside the report's
// findings list (prefix "    ", indent "  ", no HTML escaping), written
// field by field: reflection over 45,000 findings was most of the time of
// a large JSON report. TestFindingFields keeps the fields here and in
// reports.Finding the same.
func appendFinding(b []byte, f *reports.Finding) []byte {
	b = append(b, "    {"...)
	b = appendField(b, "control", f.Control, false)
	b = appendField(b, "title", f.Title, true)
	b = appendField(b, "category", f.Category, true)
	b = appendField(b, "severity", f.Severity, true)
	b = appendField(b, "status", f.Status, true)
	b = appendField(b, "cluster", f.Cluster, true)
	b = appendField(b, "environment", f.Environment, true)
	b = appendField(b, "namespace", f.Namespace, true)
	b = appendField(b, "object", f.Object, true)
	b = appendField(b, "file", f.File, true)
	b = append(b, ",\n      \"line\": "...)
	b = strconv.AppendInt(b, int64(f.Line), 10)
	b = appendField(b, "message", f.Message, true)
	for _, o := range [...]struct{ key, value string }{
		{"messageId", f.MessageID}, {"messageKo", f.MessageKo}, {"deployer", f.Deployer}, {"evidence", f.Evidence},
	} {
		if o.value != "" { // omitempty
			b = appendField(b, o.key, o.value, true)
		}
	}
	return append(b, "\n    }"...)
}

// appendField appends `"key": "value"` on its own line of a finding.
func appendField(b []byte, key, value string, comma bool) []byte {
	if comma {
		b = append(b, ',')
	}
	b = append(b, "\n      \""...)
	b = append(b, key...)
	b = append(b, "\": "...)
	return appendJSONString(b, value)
}

// appendJSONString appends s quoted as encoding/json quotes it without
// HTML escaping: \", \\, \b, \f, \n, \r and \t; other control
// characters as \u00XX; invalid UTF-8 as \ufffd; U+2028 and U+2029
// escaped; everything else as it is.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		// Eight bytes at a time while none needs a second look: most of a
		// report's 27 MB is plain ASCII.
		i += plainWords(s[i:])
		if i >= len(s) {
			break
		}
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xF])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// encodeJSON writes v indented, without HTML escaping.
func encodeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// jsonCatalog writes the catalog as {"schemaVersion", "controls"}.
func jsonCatalog(w io.Writer, controls []reports.Control, _ i18n.Localizer) error {
	return encodeJSON(w, struct {
		SchemaVersion string            `json:"schemaVersion"`
		Controls      []reports.Control `json:"controls"`
	}{reports.SchemaVersion, controls})
}

// plainWords is the length of the longest prefix of s made of whole
// 8-byte words none of whose bytes is a control character, '"', '\\' or
// outside ASCII, each word tested at once (the bit tricks of "Bit
// Twiddling Hacks": a byte below n, a byte equal to zero).
func plainWords(s string) int {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	n := 0
	for ; n+8 <= len(s); n += 8 {
		w := s[n : n+8]
		x := uint64(w[0]) | uint64(w[1])<<8 | uint64(w[2])<<16 | uint64(w[3])<<24 |
			uint64(w[4])<<32 | uint64(w[5])<<40 | uint64(w[6])<<48 | uint64(w[7])<<56
		q, bs := x^(ones*'"'), x^(ones*'\\')
		if (x|(x-ones*0x20)|((q-ones)&^q)|((bs-ones)&^bs))&highs != 0 {
			break
		}
	}
	return n
}
