package render

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/plinth-dev/plinth/reports"
	"github.com/plinth-dev/plinth/reports/i18n"
)

// jsonCatalog writes the catalog as {"schemaVersion", "controls"}.
func jsonCatalog(w io.Writer, controls []reports.Control, _ i18n.Localizer) error {
	return encodeJSON(w, struct {
		SchemaVersion string            `json:"schemaVersion"`
		Controls      []reports.Control `json:"controls"`
	}{reports.SchemaVersion, controls})
}

// markdownCatalog writes the catalog as one Markdown table.
func markdownCatalog(w io.Writer, controls []reports.Control, l i18n.Localizer) error {
	ew := &errWriter{w: w}
	ew.printf("| ID | Category | Severity | Evaluation | Control | CIS | Kubescape | Source |\n|---|---|---|---|---|---|---|---|\n")
	for _, c := range controls {
		ew.printf("| %s | %s | %s | %s | %s | %s | %s | %s — %s |\n", c.ID, c.Category, c.Severity, evaluation(c), mdEscape(l.Title(c)),
			strings.Join(c.CIS, ", "), strings.Join(c.Kubescape, ", "), c.Seed, mdEscape(c.Section))
	}
	return ew.err
}

// textCatalog writes the catalog as a table for the terminal.
func textCatalog(w io.Writer, controls []reports.Control, l i18n.Localizer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "ID\tCATEGORY\tSEVERITY\tEVALUATION\tTITLE\n")
	for _, c := range controls {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", c.ID, c.Category, c.Severity, evaluation(c), l.Title(c))
	}
	return tw.Flush()
}

// ControlDetail writes everything the catalog says about one control, as
// text: its title in lang and in the other language, category, severity,
// evaluation, rationale, remediation, references and the seed section it
// comes from.
func ControlDetail(w io.Writer, c reports.Control, lang string) error {
	l, err := i18n.For(lang)
	if err != nil {
		return err
	}
	other := c.Title
	if l.Lang() == i18n.English {
		ko, _ := i18n.For("ko")
		other = ko.Title(c)
	}
	ew := &errWriter{w: w}
	ew.printf("%s  %s\n", c.ID, l.Title(c))
	ew.printf("  (%s)\n", other)
	ew.printf("  category:    %s\n  severity:    %s\n  evaluation:  %s\n", c.Category, c.Severity, evaluation(c))
	ew.printf("  rationale:   %s\n  remediation: %s\n", c.Rationale, c.Remediation)
	if len(c.CIS) > 0 {
		ew.printf("  CIS:         %s\n", strings.Join(c.CIS, ", "))
	}
	if len(c.Kubescape) > 0 {
		ew.printf("  Kubescape:   %s\n", strings.Join(c.Kubescape, ", "))
	}
	ew.printf("  source:      %s, section %q\n", c.Seed, c.Section)
	return ew.err
}
