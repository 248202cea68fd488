package render

import (
	"fmt"
	"io"
	"strings"

	"github.com/plinth-dev/plinth/reports"
	"github.com/plinth-dev/plinth/reports/i18n"
)

// textReport writes a terminal summary: score, controls and failing findings.
func textReport(w io.Writer, r *reports.Report, l i18n.Localizer) error {
	ew := &errWriter{w: w}
	ew.printf("%s: %s", l.T("report.title"), r.Repo)
	if r.Commit != "" {
		ew.printf(" @ %s (%s)", short(r.Commit), r.Ref)
	}
	ew.printf("\n%s\n", ScoreLine(r, l))
	ew.printf("  (%s)\n", fmt.Sprintf(l.T("report.counts"), r.Summary.Passed, r.Summary.Waived, r.Summary.Failed, r.Summary.Manual))
	if nothingEvaluated(r.Coverage) {
		ew.printf("%s\n", l.T("cov.nothing"))
	}
	for _, c := range r.Summary.Categories {
		ew.printf("  %s %s (%d/%d)\n", pad(categoryName(l, c.Category), 20), padLeft(l.Percent(c.Score, c.Total), 6), c.Passed, c.Total)
	}
	if r.Base != nil {
		ew.printf("%s %s: %s\n", l.T("pdf.comparedWith"), short(r.Base.Commit), baseScoreLine(r, l))
	}
	writeCoverageText(ew, r, l)
	ew.printf("\n%s:\n", l.T("report.controls"))
	var rows [][]string
	for _, c := range r.Controls {
		rows = append(rows, []string{c.ID, statusUpper(l, c.Status), l.Severity(c.Severity), counted(c.Passed, c.Total), l.Title(c.Control)})
	}
	writeTable(ew, "  ", rows)
	ew.printf("\n%s:\n", l.T("report.findings"))
	n := 0
	for _, f := range r.Findings {
		if f.Status != reports.StatusFail {
			continue
		}
		n++
		ew.printf("  %s %s [%s] %s %s: %s\n", f.Control, l.Severity(f.Severity), scopeOf(f), location(f), objOrNS(f, l), clean(l.Message(f)))
	}
	if n == 0 {
		ew.printf("  %s\n", l.T("report.none"))
	}
	writeWaiversText(ew, r, l)
	writeChangesText(ew, r, l)
	return ew.err
}

// counted is "passed/total", or "-" when nothing was counted.
func counted(passed, total int) string {
	if total == 0 {
		return "-"
	}
	return fmt.Sprintf("%d/%d", passed, total)
}

// writeCoverageText writes what was evaluated per cluster, the sources not
// evaluated with their reason, and the warnings of the rendering tools.
func writeCoverageText(ew *errWriter, r *reports.Report, l i18n.Localizer) {
	c := r.Coverage
	ew.printf("\n%s: %s\n", l.T("cov.title"), l.Objects(c))
	for _, cl := range c.Clusters {
		ew.printf("  %s %s\n", pad(l.ClusterLabel(cl.Cluster), 20), fmt.Sprintf(l.T("report.clusterLine"), cl.Objects, cl.Workloads, cl.Rendered, cl.NotEvaluated))
	}
	if len(c.Skipped) > 0 {
		ew.printf("%s (%d):\n", l.T("cov.notEvaluated"), len(c.Skipped))
		for _, s := range c.Skipped {
			ew.printf("  [%s] %s %s: %s\n", l.ClusterLabel(s.Cluster), skippedLocation(s), l.Reason(s.Reason), l.Skipped(s))
		}
	}
	if len(r.Warnings) > 0 {
		ew.printf("%s (%d):\n", l.T("cov.warnings"), len(r.Warnings))
		for _, w := range r.Warnings {
			ew.printf("  %s: %s\n", warningLocation(w), l.Warning(w))
		}
	}
}

func writeWaiversText(ew *errWriter, r *reports.Report, l i18n.Localizer) {
	if len(r.Waivers) == 0 {
		return
	}
	ew.printf("\n%s:\n", l.T("report.waivers"))
	for _, w := range r.Waivers {
		mark := ""
		if w.Expired {
			mark = " " + l.T("report.expired")
		}
		until := w.Until
		if until == "" {
			until = "-"
		}
		ew.printf("  %s %s:%d %s %s: %q%s\n", clean(w.Control), clean(w.File), w.Line, clean(w.Object), fmt.Sprintf(l.T("report.until"), clean(until)), w.Reason, mark)
	}
}

func writeChangesText(ew *errWriter, r *reports.Report, l i18n.Localizer) {
	if r.Changes == nil {
		return
	}
	ew.printf("\n%s: %s\n", fmt.Sprintf(l.T("report.changes"), baseName(r)), fmt.Sprintf(l.T("report.changeCounts"), len(r.Changes.New), len(r.Changes.Fixed), len(r.Changes.NoLongerEvaluated)))
	for _, f := range r.Changes.New {
		ew.printf("  + %s %s %s: %s\n", f.Control, location(f), objOrNS(f, l), clean(l.Message(f)))
	}
	for _, f := range r.Changes.Fixed {
		ew.printf("  - %s %s %s\n", f.Control, location(f), objOrNS(f, l))
	}
	if len(r.Changes.NoLongerEvaluated) > 0 {
		ew.printf("  %s (%s):\n", l.T("cov.noLonger"), l.T("cov.noLongerNote"))
		for _, f := range r.Changes.NoLongerEvaluated {
			ew.printf("  ? %s %s %s\n", f.Control, location(f), objOrNS(f, l))
		}
	}
	if len(r.Commits) > 0 {
		ew.printf("%s:\n", l.T("report.commits"))
		for _, c := range r.Commits {
			ew.printf("  %s %s %s %s\n", short(c.Hash), c.Date.Format("2006-01-02"), clean(c.Author), clean(c.Subject))
		}
	}
}

// textCatalog writes the catalog as a table for the terminal.
func textCatalog(w io.Writer, controls []reports.Control, l i18n.Localizer) error {
	rows := [][]string{{"ID", upper(l, "detail.category"), upper(l, "detail.severity"), upper(l, "detail.evaluation"), upper(l, "detail.title")}}
	for _, c := range controls {
		rows = append(rows, []string{c.ID, categoryName(l, c.Category), l.Severity(c.Severity), evaluation(c), l.Title(c)})
	}
	ew := &errWriter{w: w}
	writeTable(ew, "", rows)
	return ew.err
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
	label := func(id string) string { return pad(l.T(id)+":", 12) }
	ew.printf("  %s %s\n  %s %s\n  %s %s\n", label("detail.category"), categoryName(l, c.Category), label("detail.severity"), l.Severity(c.Severity), label("detail.evaluation"), evaluation(c))
	ew.printf("  %s %s\n  %s %s\n", label("detail.rationale"), l.Rationale(c), label("detail.remediation"), l.Remediation(c))
	if len(c.CIS) > 0 {
		ew.printf("  CIS:         %s\n", strings.Join(c.CIS, ", "))
	}
	if len(c.Kubescape) > 0 {
		ew.printf("  Kubescape:   %s\n", strings.Join(c.Kubescape, ", "))
	}
	if len(c.KubeScore) > 0 {
		ew.printf("  kube-score:  %s\n", strings.Join(c.KubeScore, ", "))
	}
	if len(c.Polaris) > 0 {
		ew.printf("  Polaris:     %s\n", strings.Join(c.Polaris, ", "))
	}
	if c.Seed != "" {
		ew.printf("  %s %s, %s\n", label("detail.source"), c.Seed, sectionOf(l, c.Section))
	}
	return ew.err
}
