// Package render writes reports, and the baseline catalog, in every output
// format plinth has: text, json, markdown, sarif, junit and pdf. One
// registry names them; each format says whether its output is binary (the
// CLI then wants --out or a redirection), which languages it is written in
// (their words come from reports/i18n) and whether it can list the catalog.
// Output is deterministic for a given report.
package render

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/plinth-dev/plinth/internal/output"
	"github.com/plinth-dev/plinth/reports"
	"github.com/plinth-dev/plinth/reports/i18n"
	"github.com/plinth-dev/plinth/reports/render/pdf"
)

// Options select how a report is rendered.
type Options struct {
	// Lang is one of the renderer's Languages; "" is English.
	Lang string
	// Generator names the program and version where a format records it
	// (the PDF's cover and metadata), e.g. "plinth v1.2.0".
	Generator string
}

// Renderer is one output format.
type Renderer struct {
	Name string
	// Binary output is not for a terminal.
	Binary bool
	// Languages the format is written in.
	Languages []string
	// Streams: the format fails, if it does, before its first write, so
	// what it writes is a whole report unless the writer fails (a caller
	// need not hold the report back until it is made). json streams: its
	// findings, nearly all of a large report, are written one at a time.
	Streams bool
	report  func(w io.Writer, r *reports.Report, l i18n.Localizer, o Options) error
	catalog func(w io.Writer, controls []reports.Control, l i18n.Localizer) error
}

// Info is the format's entry in the output registry.
func (rd Renderer) Info() output.Info {
	return output.Info{Name: rd.Name, Binary: rd.Binary, Languages: slices.Clone(rd.Languages)}
}

// Lists reports whether the format can list the baseline catalog.
func (rd Renderer) Lists() bool { return rd.catalog != nil }

// Report writes r in this format.
func (rd Renderer) Report(w io.Writer, r *reports.Report, o Options) error {
	l, err := rd.localizer(o.Lang)
	if err != nil {
		return err
	}
	if err := rd.report(w, r, l, o); err != nil {
		return fmt.Errorf("render %s report: %w", rd.Name, err)
	}
	return nil
}

// Catalog writes the baseline controls in this format.
func (rd Renderer) Catalog(w io.Writer, controls []reports.Control, lang string) error {
	if rd.catalog == nil {
		return fmt.Errorf("format %s cannot list the catalog", rd.Name)
	}
	l, err := rd.localizer(lang)
	if err != nil {
		return err
	}
	if err := rd.catalog(w, controls, l); err != nil {
		return fmt.Errorf("render %s catalog: %w", rd.Name, err)
	}
	return nil
}

func (rd Renderer) localizer(lang string) (i18n.Localizer, error) {
	if lang == "" {
		lang = i18n.English
	}
	if !slices.Contains(rd.Languages, lang) {
		return i18n.Localizer{}, fmt.Errorf("format %s: unsupported language %q (supported: %s)", rd.Name, lang, strings.Join(rd.Languages, ", "))
	}
	return i18n.For(lang)
}

// textual adapts a report writer that needs only the words of a language.
func textual(f func(io.Writer, *reports.Report, i18n.Localizer) error) func(io.Writer, *reports.Report, i18n.Localizer, Options) error {
	return func(w io.Writer, r *reports.Report, l i18n.Localizer, _ Options) error { return f(w, r, l) }
}

// Formats are the formats of a report and the catalog, in the order help
// lists them.
var Formats = output.New(
	Renderer{Name: "text", Languages: i18n.Languages(), report: textual(textReport), catalog: textCatalog},
	Renderer{Name: "json", Languages: i18n.Languages(), Streams: true, report: textual(jsonReport), catalog: jsonCatalog},
	Renderer{Name: "markdown", Languages: i18n.Languages(), report: textual(markdownReport), catalog: markdownCatalog},
	Renderer{Name: "sarif", Languages: i18n.Languages(), report: textual(sarifReport)},
	Renderer{Name: "junit", Languages: i18n.Languages(), report: textual(junitReport)},
	Renderer{Name: "pdf", Binary: true, Languages: i18n.Languages(), report: func(w io.Writer, r *reports.Report, l i18n.Localizer, o Options) error {
		return pdf.Render(w, r, pdf.Options{Lang: l.Lang(), Generator: o.Generator})
	}},
)

// All returns the formats, in the order help lists them.
func All() []Renderer { return Formats.All() }

// Lookup returns the format called name.
func Lookup(name string) (Renderer, bool) { return Formats.Lookup(name) }

// Names lists the formats of a report; with catalog, only those that can
// list the catalog.
func Names(catalog bool) []string {
	if catalog {
		return Formats.Names(Renderer.Lists)
	}
	return Formats.Names(nil)
}
