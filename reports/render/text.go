package render

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

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
	ew.printf("  (%d passed, %d waived, %d failed, %d manual)\n", r.Summary.Passed, r.Summary.Waived, r.Summary.Failed, r.Summary.Manual)
	if nothingEvaluated(r.Coverage) {
		ew.printf("%s\n", l.T("cov.nothing"))
	}
	for _, c := range r.Summary.Categories {
		ew.printf("  %-20s %6s (%d/%d)\n", c.Category, Percent(c.Score, c.Total), c.Passed, c.Total)
	}
	if r.Base != nil {
		ew.printf("%s %s: %s\n", l.T("pdf.comparedWith"), short(r.Base.Commit), baseScoreLine(r, l))
	}
	writeCoverageText(ew, r, l)
	ew.printf("\n%s:\n", l.T("report.controls"))
	tw := tabwriter.NewWriter(ew, 0, 0, 2, ' ', 0)
	for _, c := range r.Controls {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\n", c.ID, strings.ToUpper(c.Status), c.Severity, counted(c.Passed, c.Total), l.Title(c.Control))
	}
	tw.Flush()
	ew.printf("\n%s:\n", l.T("report.findings"))
	n := 0
	for _, f := range r.Findings {
		if f.Status != reports.StatusFail {
			continue
		}
		n++
		ew.printf("  %s %s [%s] %s %s: %s\n", f.Control, f.Severity, scopeOf(f), location(f), objOrNS(f), clean(f.Message))
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
		ew.printf("  %-20s %d objects, %d workloads, %d sources rendered, %d not evaluated\n", l.ClusterLabel(cl.Cluster), cl.Objects, cl.Workloads, cl.Rendered, cl.NotEvaluated)
	}
	if len(c.Skipped) > 0 {
		ew.printf("%s (%d):\n", l.T("cov.notEvaluated"), len(c.Skipped))
		for _, s := range c.Skipped {
			ew.printf("  [%s] %s %s: %s\n", l.ClusterLabel(s.Cluster), skippedLocation(s), l.Reason(s.Reason), s.Message)
		}
	}
	if len(r.Warnings) > 0 {
		ew.printf("%s (%d):\n", l.T("cov.warnings"), len(r.Warnings))
		for _, w := range r.Warnings {
			ew.printf("  %s: %s\n", warningLocation(w), w.Message)
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
		ew.printf("  %s %s:%d %s until %s: %q%s\n", clean(w.Control), clean(w.File), w.Line, clean(w.Object), clean(until), w.Reason, mark)
	}
}

func writeChangesText(ew *errWriter, r *reports.Report, l i18n.Localizer) {
	if r.Changes == nil {
		return
	}
	ew.printf("\n%s: +%d new, -%d fixed, %d no longer evaluated\n", l.T("report.changes"), len(r.Changes.New), len(r.Changes.Fixed), len(r.Changes.NoLongerEvaluated))
	for _, f := range r.Changes.New {
		ew.printf("  + %s %s %s: %s\n", f.Control, location(f), objOrNS(f), clean(f.Message))
	}
	for _, f := range r.Changes.Fixed {
		ew.printf("  - %s %s %s\n", f.Control, location(f), objOrNS(f))
	}
	if len(r.Changes.NoLongerEvaluated) > 0 {
		ew.printf("  %s (%s):\n", l.T("cov.noLonger"), l.T("cov.noLongerNote"))
		for _, f := range r.Changes.NoLongerEvaluated {
			ew.printf("  ? %s %s %s\n", f.Control, location(f), objOrNS(f))
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
	if len(c.KubeScore) > 0 {
		ew.printf("  kube-score:  %s\n", strings.Join(c.KubeScore, ", "))
	}
	if len(c.Polaris) > 0 {
		ew.printf("  Polaris:     %s\n", strings.Join(c.Polaris, ", "))
	}
	if c.Seed != "" {
		ew.printf("  source:      %s, section %q\n", c.Seed, c.Section)
	}
	return ew.err
}
