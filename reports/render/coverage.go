package render

import (
	"github.com/plinth-dev/plinth/reports"
	"github.com/plinth-dev/plinth/reports/i18n"
)

// Percent shows a score over total counted checks, "n/a" over nothing.
func Percent(score float64, total int) string { return i18n.Percent(score, total) }

// ScoreLine is the report's overall score beside its coverage.
func ScoreLine(r *reports.Report, l i18n.Localizer) string { return l.ScoreLine(r.Summary, r.Coverage) }

// baseScoreLine is the compared state's score beside its coverage.
func baseScoreLine(r *reports.Report, l i18n.Localizer) string {
	return l.ScoreLine(r.Base.Summary, r.Base.Coverage)
}

// nothingEvaluated reports whether no workload was checked: a report over
// such a state must say so, whatever its score.
func nothingEvaluated(c reports.Coverage) bool { return c.Workloads == 0 }

// skippedLocation is where a source not evaluated is declared: file:line.
func skippedLocation(s reports.NotEvaluated) string {
	return location(reports.Finding{File: s.File, Line: s.Line})
}

func warningLocation(w reports.Warning) string {
	if w.File == "" {
		return "-"
	}
	return w.File
}
