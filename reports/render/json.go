package render

import (
	"encoding/json"
	"io"

	"github.com/plinth-dev/plinth/reports"
	"github.com/plinth-dev/plinth/reports/i18n"
)

// jsonReport writes the versioned JSON report (SchemaVersion).
func jsonReport(w io.Writer, r *reports.Report, _ i18n.Localizer) error { return encodeJSON(w, r) }

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
