package render

import (
	"io"

	"github.com/plinth-dev/plinth/reports"
	"github.com/plinth-dev/plinth/reports/i18n"
)

var statusIcon = map[string]string{reports.StatusPass: "✅", reports.StatusFail: "❌", reports.StatusWaived: "⚠️", reports.StatusManual: "📝", reports.StatusNA: "➖"}

// markdownReport writes a PR comment: score, failing controls, findings, changes.
func markdownReport(w io.Writer, r *reports.Report, l i18n.Localizer) error {
	ew := &errWriter{w: w}
	ew.printf("## %s\n\n", l.T("report.title"))
	ew.printf("**%s: %.1f%%** — %d passed, %d waived, %d failed, %d manual", l.T("report.score"), r.Summary.Score, r.Summary.Passed, r.Summary.Waived, r.Summary.Failed, r.Summary.Manual)
	if r.Base != nil {
		ew.printf(" (was %.1f%% at `%s`)", r.Base.Summary.Score, short(r.Base.Commit))
	}
	ew.printf("\n\n| %s | %s |\n|---|---|\n", l.T("report.category"), l.T("report.score"))
	for _, c := range r.Summary.Categories {
		ew.printf("| %s | %.1f%% (%d/%d) |\n", c.Category, c.Score, c.Passed, c.Total)
	}
	ew.printf("\n### %s\n\n| | ID | Severity | %s | Passed |\n|---|---|---|---|---|\n", l.T("report.controls"), l.T("report.control"))
	for _, c := range r.Controls {
		ew.printf("| %s | %s | %s | %s | %d/%d |\n", statusIcon[c.Status], c.ID, c.Severity, mdEscape(l.Title(c.Control)), c.Passed, c.Total)
	}
	ew.printf("\n### %s\n\n", l.T("report.findings"))
	fails := 0
	for _, f := range r.Findings {
		if f.Status == reports.StatusFail {
			if fails == 0 {
				ew.printf("| Control | Severity | Scope | Location | Object | Message |\n|---|---|---|---|---|---|\n")
			}
			fails++
			ew.printf("| %s | %s | %s | `%s` | %s | %s |\n", f.Control, f.Severity, scopeOf(f), location(f), mdEscape(objOrNS(f)), mdEscape(f.Message))
		}
	}
	if fails == 0 {
		ew.printf("%s\n", l.T("report.none"))
	}
	if len(r.Waivers) > 0 {
		ew.printf("\n### %s\n\n| Control | Location | Object | Until | Reason | |\n|---|---|---|---|---|---|\n", l.T("report.waivers"))
		for _, wv := range r.Waivers {
			mark := ""
			if wv.Expired {
				mark = l.T("report.expired")
			}
			ew.printf("| %s | `%s:%d` | %s | %s | %s | %s |\n", wv.Control, wv.File, wv.Line, mdEscape(wv.Object), wv.Until, mdEscape(wv.Reason), mark)
		}
	}
	if r.Changes != nil {
		ew.printf("\n### %s `%s`\n\n", l.T("report.changes"), baseName(r))
		for _, f := range r.Changes.New {
			ew.printf("- ❌ %s: %s `%s` %s\n", l.T("report.new"), f.Control, location(f), mdEscape(f.Message))
		}
		for _, f := range r.Changes.Fixed {
			ew.printf("- ✅ %s: %s `%s` %s\n", l.T("report.fixed"), f.Control, location(f), mdEscape(objOrNS(f)))
		}
		if len(r.Changes.New)+len(r.Changes.Fixed) == 0 {
			ew.printf("%s\n", l.T("report.none"))
		}
	}
	return ew.err
}
