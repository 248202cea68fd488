package render

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/plinth-dev/plinth/reports"
	"github.com/plinth-dev/plinth/reports/i18n"
)

var statusIcon = map[string]string{reports.StatusPass: "✅", reports.StatusFail: "❌", reports.StatusWaived: "⚠️", reports.StatusManual: "📝", reports.StatusNA: "➖"}

// markdownReport writes a PR comment: score, failing controls, findings, changes.
func markdownReport(w io.Writer, r *reports.Report, l i18n.Localizer) error {
	ew := &errWriter{w: w}
	ew.printf("## %s\n\n", l.T("report.title"))
	ew.printf("**%s** — %s", mdEscape(ScoreLine(r, l)), fmt.Sprintf(l.T("report.counts"), r.Summary.Passed, r.Summary.Waived, r.Summary.Failed, r.Summary.Manual))
	if r.Base != nil {
		ew.printf(" (%s)", fmt.Sprintf(l.T("cov.was"), mdEscape(baseScoreLine(r, l)), "`"+short(r.Base.Commit)+"`"))
	}
	ew.printf("\n")
	if nothingEvaluated(r.Coverage) {
		ew.printf("\n> **%s**\n", mdEscape(l.T("cov.nothing")))
	}
	ew.printf("\n| %s | %s |\n|---|---|\n", l.T("report.category"), l.T("report.score"))
	for _, c := range r.Summary.Categories {
		ew.printf("| %s | %s (%d/%d) |\n", categoryName(l, c.Category), l.Percent(c.Score, c.Total), c.Passed, c.Total)
	}
	writeCoverageMarkdown(ew, r, l)
	ew.printf("\n### %s\n\n| | ID | %s | %s | %s |\n|---|---|---|---|---|\n", l.T("report.controls"), l.T("report.severity"), l.T("report.control"), l.T("report.passed"))
	for _, c := range r.Controls {
		ew.printf("| %s | %s | %s | %s | %s |\n", statusIcon[c.Status], c.ID, l.Severity(c.Severity), mdEscape(l.Title(c.Control)), counted(c.Passed, c.Total))
	}
	ew.printf("\n### %s\n\n", l.T("report.findings"))
	fails := 0
	for _, f := range r.Findings {
		if f.Status == reports.StatusFail {
			if fails == 0 {
				ew.printf("| %s | %s | %s | %s | %s | %s |\n|---|---|---|---|---|---|\n", l.T("report.control"), l.T("report.severity"), l.T("report.scope"), l.T("report.location"), l.T("report.object"), l.T("report.message"))
			}
			fails++
			ew.printf("| %s | %s | %s | `%s` | %s | %s |\n", f.Control, l.Severity(f.Severity), scopeOf(f), location(f), mdEscape(objOrNS(f, l)), mdEscape(l.Message(f)))
		}
	}
	if fails == 0 {
		ew.printf("%s\n", l.T("report.none"))
	}
	if len(r.Waivers) > 0 {
		ew.printf("\n### %s\n\n| %s | %s | %s | %s | %s | |\n|---|---|---|---|---|---|\n", l.T("report.waivers"), l.T("report.control"), l.T("report.location"), l.T("report.object"), l.T("report.untilCol"), l.T("report.reason"))
		for _, wv := range r.Waivers {
			mark := ""
			if wv.Expired {
				mark = l.T("report.expired")
			}
			ew.printf("| %s | `%s:%d` | %s | %s | %s | %s |\n", mdEscape(wv.Control), clean(wv.File), wv.Line, mdEscape(wv.Object), mdEscape(wv.Until), mdEscape(wv.Reason), mark)
		}
	}
	if r.Changes != nil {
		ew.printf("\n### %s\n\n", fmt.Sprintf(l.T("report.changes"), "`"+baseName(r)+"`"))
		for _, f := range r.Changes.New {
			ew.printf("- ❌ %s: %s `%s` %s\n", l.T("report.new"), f.Control, location(f), mdEscape(l.Message(f)))
		}
		for _, f := range r.Changes.Fixed {
			ew.printf("- ✅ %s: %s `%s` %s\n", l.T("report.fixed"), f.Control, location(f), mdEscape(objOrNS(f, l)))
		}
		for _, f := range r.Changes.NoLongerEvaluated {
			ew.printf("- ❔ %s: %s `%s` %s (%s)\n", l.T("cov.noLonger"), f.Control, location(f), mdEscape(objOrNS(f, l)), mdEscape(l.T("cov.noLongerNote")))
		}
		if len(r.Changes.New)+len(r.Changes.Fixed)+len(r.Changes.NoLongerEvaluated) == 0 {
			ew.printf("%s\n", l.T("report.none"))
		}
	}
	return ew.err
}

// writeCoverageMarkdown writes the objects evaluated per cluster, the
// sources not evaluated with their reason, and the tools' warnings.
func writeCoverageMarkdown(ew *errWriter, r *reports.Report, l i18n.Localizer) {
	c := r.Coverage
	ew.printf("\n### %s\n\n%s.\n\n", l.T("cov.title"), mdEscape(l.Objects(c)))
	ew.printf("| %s | %s | %s | %s | %s |\n|---|---|---|---|---|\n", l.T("cov.cluster"), l.T("cov.objectsCol"), l.T("cov.workloadsCol"), l.T("cov.renderedCol"), l.T("cov.skippedCol"))
	for _, cl := range c.Clusters {
		ew.printf("| %s | %d | %d | %d | %d |\n", mdEscape(l.ClusterLabel(cl.Cluster)), cl.Objects, cl.Workloads, cl.Rendered, cl.NotEvaluated)
	}
	if len(c.Skipped) > 0 {
		ew.printf("\n**%s (%d)**\n\n| %s | %s | %s | %s |\n|---|---|---|---|\n", l.T("cov.notEvaluated"), len(c.Skipped), l.T("cov.cluster"), l.T("pdf.colLocation"), l.T("pdf.colReason"), l.T("pdf.colMessage"))
		for _, s := range c.Skipped {
			ew.printf("| %s | `%s` | %s | %s |\n", mdEscape(l.ClusterLabel(s.Cluster)), skippedLocation(s), mdEscape(l.Reason(s.Reason)), mdEscape(l.Skipped(s)))
		}
	}
	if len(r.Warnings) > 0 {
		ew.printf("\n**%s (%d)**\n\n", l.T("cov.warnings"), len(r.Warnings))
		for _, w := range r.Warnings {
			ew.printf("- `%s` %s\n", warningLocation(w), mdEscape(l.Warning(w)))
		}
	}
}

// markdownCatalog writes the catalog as a Markdown reference: an index
// table, then each control under its category with what it checks, why,
// the remediation, its seed document and section, and its CIS and
// Kubescape references. docs/controls.md is this output.
func markdownCatalog(w io.Writer, controls []reports.Control, l i18n.Localizer) error {
	ew := &errWriter{w: w}
	ew.printf("# %s\n\n%s\n\n", l.T("catalog.title"), fmt.Sprintf(l.T("catalog.intro"), len(controls)))
	ew.printf("| ID | %s | %s | %s | %s |\n|---|---|---|---|---|\n", l.T("catalog.control"), l.T("catalog.severity"), l.T("catalog.category"), l.T("catalog.evaluation"))
	for _, c := range controls {
		ew.printf("| [%s](#%s) | %s | %s | %s | %s |\n", c.ID, anchor(c.ID), mdEscape(l.Title(c)), l.Severity(c.Severity), l.Category(c.Category), evaluation(c))
	}
	for _, cat := range categoriesOf(controls) {
		ew.printf("\n## %s\n", mdEscape(l.Category(cat)))
		for _, c := range controls {
			if c.Category == cat {
				markdownControl(ew, c, l)
			}
		}
	}
	return ew.err
}

func markdownControl(ew *errWriter, c reports.Control, l i18n.Localizer) {
	ew.printf("\n<a id=\"%s\"></a>\n### %s: %s\n\n", anchor(c.ID), c.ID, mdEscape(l.Title(c)))
	checks := l.T("catalog.checks." + c.Evaluation)
	if len(c.Providers) > 0 {
		checks += " " + fmt.Sprintf(l.T("catalog.providers"), strings.Join(c.Providers, ", "))
	}
	ew.printf("- **%s:** %s\n", l.T("catalog.severity"), l.Severity(c.Severity))
	ew.printf("- **%s:** %s\n", l.T("catalog.checks"), mdEscape(checks))
	ew.printf("- **%s:** %s\n", l.T("catalog.why"), mdEscape(l.Rationale(c)))
	ew.printf("- **%s:** %s\n", l.T("catalog.remediation"), mdEscape(l.Remediation(c)))
	if c.Seed != "" {
		ew.printf("- **%s:** %s (`%s`), %s\n", l.T("catalog.source"), mdEscape(l.Seed(c.Seed)), c.Seed, mdEscape(sectionOf(l, c.Section)))
	}
	var refs []string
	if len(c.CIS) > 0 {
		refs = append(refs, "CIS Kubernetes Benchmark "+strings.Join(c.CIS, ", "))
	}
	if len(c.Kubescape) > 0 {
		refs = append(refs, "Kubescape "+strings.Join(c.Kubescape, ", "))
	}
	if len(c.KubeScore) > 0 {
		refs = append(refs, "kube-score "+strings.Join(c.KubeScore, ", "))
	}
	if len(c.Polaris) > 0 {
		refs = append(refs, "Polaris "+strings.Join(c.Polaris, ", "))
	}
	if len(refs) > 0 {
		ew.printf("- **%s:** %s\n", l.T("catalog.references"), strings.Join(refs, "; "))
	}
}

// anchor is the HTML id of a control's section.
func anchor(id string) string { return strings.ToLower(id) }

// categoriesOf lists the categories of controls: the checklist's order
// first, then any other in the order controls name them.
func categoriesOf(controls []reports.Control) []string {
	var out []string
	for _, cat := range reports.Categories {
		if slices.ContainsFunc(controls, func(c reports.Control) bool { return c.Category == cat }) {
			out = append(out, cat)
		}
	}
	for _, c := range controls {
		if !slices.Contains(out, c.Category) {
			out = append(out, c.Category)
		}
	}
	return out
}
