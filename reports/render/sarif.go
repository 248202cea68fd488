package render

import (
	"fmt"
	"io"
	"strings"

	"github.com/plinth-dev/plinth/internal/sarif"
	"github.com/plinth-dev/plinth/reports"
	"github.com/plinth-dev/plinth/reports/i18n"
)

// sarifReport writes a SARIF 2.1.0 log: one rule per control, one result per
// failing (error/warning by severity) or waived (note, suppressed) finding.
func sarifReport(w io.Writer, r *reports.Report, l i18n.Localizer) error {
	rules := make([]sarif.Rule, 0, len(r.Controls))
	for _, c := range r.Controls {
		tags := []string{c.Category}
		for _, x := range c.CIS {
			tags = append(tags, "CIS-"+x)
		}
		tags = append(tags, c.Kubescape...)
		props := map[string]any{
			"category":          c.Category,
			"severity":          c.Severity,
			"security-severity": securitySeverity(c.Severity),
			"evaluation":        c.Evaluation,
			"tags":              tags,
		}
		if c.Seed != "" {
			props["seed"] = c.Seed + " — " + c.Section
		}
		rules = append(rules, sarif.Rule{
			ID:               c.ID,
			Name:             strings.ReplaceAll(c.ID, "-", ""),
			ShortDescription: l.Title(c.Control),
			FullDescription:  l.Rationale(c.Control),
			Help:             l.Remediation(c.Control),
			Properties:       props,
			Level:            level(c.Severity),
		})
	}
	var results []sarif.Result
	for _, f := range r.Findings {
		if f.Status != reports.StatusFail && f.Status != reports.StatusWaived {
			continue
		}
		results = append(results, sarif.Result{
			RuleID:       f.Control,
			Level:        level(f.Severity),
			Message:      fmt.Sprintf("%s [%s] %s: %s", l.FindingTitle(f), scopeOf(f), objOrNS(f, l), l.Message(f)),
			File:         f.File,
			Line:         f.Line,
			Suppressed:   f.Status == reports.StatusWaived,
			Fingerprints: map[string]any{"plinth/v1": strings.Join([]string{f.Control, f.Cluster, f.Environment, f.Namespace, f.Object}, "|")},
		})
	}
	// Sources not evaluated are notes of PLN-OPS-003 at the line that
	// declares them (render errors are already its failing findings).
	for _, sk := range r.Coverage.Skipped {
		if sk.Reason == reports.ReasonRenderError {
			continue
		}
		results = append(results, sarif.Result{
			RuleID:       renderControl,
			Level:        sarif.LevelNote,
			Message:      fmt.Sprintf("%s (%s) [%s]: %s", l.T("cov.notEvaluated"), l.Reason(sk.Reason), l.ClusterLabel(sk.Cluster), l.Skipped(sk)),
			File:         sk.File,
			Line:         sk.Line,
			Fingerprints: map[string]any{"plinth/v1": strings.Join([]string{renderControl, sk.Cluster, "not-evaluated", sk.File, sk.Message}, "|")},
		})
	}
	props := map[string]any{
		"score":     summaryScore(r.Summary),
		"scoreLine": ScoreLine(r, l),
		"coverage":  r.Coverage,
		"warnings":  r.Warnings,
	}
	return sarif.WriteWithProperties(w, rules, results, props)
}

// renderControl is the control under which rendering and coverage are
// reported ("the repository renders completely").
const renderControl = "PLN-OPS-003"

// summaryScore is the score, or nil (JSON null) when nothing was counted.
func summaryScore(s reports.Summary) any {
	if !s.Scored() {
		return nil
	}
	return s.Score
}

func level(sev string) string {
	switch sev {
	case reports.SeverityCritical, reports.SeverityHigh:
		return sarif.LevelError
	case reports.SeverityMedium:
		return sarif.LevelWarning
	}
	return sarif.LevelNote
}

func securitySeverity(sev string) string {
	switch sev {
	case reports.SeverityCritical:
		return "9.5"
	case reports.SeverityHigh:
		return "8.0"
	case reports.SeverityMedium:
		return "5.5"
	}
	return "2.0"
}
