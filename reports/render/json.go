package render

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"

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
	var one bytes.Buffer
	enc := json.NewEncoder(&one)
	enc.SetIndent("    ", "  ")
	enc.SetEscapeHTML(false)
	for i := range r.Findings {
		one.Reset()
		if err := enc.Encode(&r.Findings[i]); err != nil {
			return fmt.Errorf("encoding finding %d: %w", i, err)
		}
		bw.WriteString("    ")
		bw.Write(bytes.TrimSuffix(one.Bytes(), []byte("\n")))
		if i < len(r.Findings)-1 {
			bw.WriteString(",")
		}
		bw.WriteString("\n")
	}
	bw.WriteString("  ]")
	bw.Write(buf.Bytes()[at+len(key+"null"):])
	return bw.Flush()
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
