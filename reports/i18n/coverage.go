package i18n

import (
	"fmt"

	"github.com/plinth-dev/plinth/reports"
)

// Percent shows a score over total counted checks: "71.4%", or "n/a" when
// nothing was counted (a score over nothing is never 100 %).
func Percent(score float64, total int) string {
	if total == 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.1f%%", score)
}

// ScoreLine is a score beside its coverage: "Score 71.4% of 14 evaluated
// controls; coverage: 12 of 15 sources rendered, 3 not evaluated".
func (l Localizer) ScoreLine(s reports.Summary, c reports.Coverage) string {
	return l.Score(s, c) + "; " + l.Sources(c)
}

// Score is "Score 71.4% of 14 evaluated controls", or that the score is n/a.
func (l Localizer) Score(s reports.Summary, c reports.Coverage) string {
	if !s.Scored() {
		return l.T("cov.scoreNA")
	}
	return fmt.Sprintf(l.T("cov.score"), Percent(s.Score, s.Total), c.Controls)
}

// Sources is "coverage: 12 of 15 sources rendered, 3 not evaluated".
func (l Localizer) Sources(c reports.Coverage) string {
	if c.Sources == 0 {
		return l.T("cov.noSources")
	}
	return fmt.Sprintf(l.T("cov.sources"), c.Rendered, c.Sources, c.NotEvaluated)
}

// Objects is "120 objects evaluated, 30 workloads checked".
func (l Localizer) Objects(c reports.Coverage) string {
	return fmt.Sprintf(l.T("cov.objects"), c.Objects, c.Workloads)
}

// ClusterLabel names a cluster of the coverage; "" is the repository as a
// whole (no clusters/ layout).
func (l Localizer) ClusterLabel(name string) string {
	if name == "" {
		return l.T("cov.repository")
	}
	return name
}

// Percent is Percent in the localizer's language: "n/a" is the name of
// the status n/a ("해당 없음").
func (l Localizer) Percent(score float64, total int) string {
	if total == 0 {
		return l.Status(reports.StatusNA)
	}
	return Percent(score, total)
}

// scopeRepository is the scope of a repository without clusters/ (scan.Scope).
const scopeRepository = "repository"

// Scope names a scope of Report.Scopes: the repository as a whole
// ("repository") in the localizer's language, a cluster or environment
// as it is.
func (l Localizer) Scope(s string) string {
	if s == scopeRepository {
		return l.T("report.scopeRepository")
	}
	return s
}
