package main

import (
	"io"

	"github.com/plinth-dev/plinth/reports"
	"github.com/plinth-dev/plinth/reports/pdf"
)

// The monthly compliance checklist: plinth report --format pdf [--lang en|ko] --out FILE.
func init() {
	reportFormats["pdf"] = func(w io.Writer, r *reports.Report, lang string) error {
		return pdf.Render(w, r, pdf.Options{Lang: lang, Generator: "plinth " + buildVersion()})
	}
}
