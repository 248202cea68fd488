// Package format renders a report (and the catalog) as text, JSON, Markdown,
// SARIF 2.1.0 and JUnit XML. Output is deterministic for a given report.
package format

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/plinth-dev/plinth/internal/sarif"
	"github.com/plinth-dev/plinth/reports"
)

// Formats of a report, in the order help lists them.
var Formats = []string{"text", "json", "markdown", "sarif", "junit"}

// Write renders r in format (one of Formats); lang is "en" or "ko".
func Write(w io.Writer, r *reports.Report, format, lang string) error {
	switch format {
	case "text":
		return Text(w, r, lang)
	case "json":
		return JSON(w, r)
	case "markdown":
		return Markdown(w, r, lang)
	case "sarif":
		return SARIF(w, r, lang)
	case "junit":
		return JUnit(w, r, lang)
	}
	return fmt.Errorf("unknown format %q", format)
}

func title(c reports.Control, lang string) string {
	if lang == "ko" && c.TitleKO != "" {
		return c.TitleKO
	}
	return c.Title
}

func findingTitle(f reports.Finding, lang string) string {
	if lang == "ko" {
		if c, ok := reports.LookupControl(f.Control); ok {
			return c.TitleKO
		}
	}
	return f.Title
}

// JSON writes the versioned JSON report.
func JSON(w io.Writer, r *reports.Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}

var labels = map[string]map[string]string{
	"en": {"report": "plinth baseline report", "score": "Score", "controls": "Controls", "findings": "Failing findings",
		"waivers": "Waivers", "changes": "Changes since", "new": "New", "fixed": "Fixed", "commits": "Commits", "expired": "EXPIRED",
		"category": "Category", "status": "Status", "control": "Control", "manual": "Needs attestation", "none": "none"},
	"ko": {"report": "plinth 베이스라인 보고서", "score": "점수", "controls": "통제 항목", "findings": "실패 항목",
		"waivers": "예외", "changes": "변경 사항, 기준", "new": "신규", "fixed": "해결", "commits": "커밋", "expired": "만료",
		"category": "분류", "status": "상태", "control": "통제 항목", "manual": "증빙 필요", "none": "없음"},
}

func label(lang, key string) string {
	if m, ok := labels[lang]; ok {
		return m[key]
	}
	return labels["en"][key]
}

func location(f reports.Finding) string {
	switch {
	case f.File == "":
		return "-"
	case f.Line > 0:
		return fmt.Sprintf("%s:%d", f.File, f.Line)
	}
	return f.File
}

func scopeOf(f reports.Finding) string {
	switch {
	case f.Cluster == "" && f.Environment == "":
		return "-"
	case f.Environment == "":
		return f.Cluster
	}
	return f.Cluster + "/" + f.Environment
}

// Text writes a terminal summary: score, controls and failing findings.
func Text(w io.Writer, r *reports.Report, lang string) error {
	ew := &errWriter{w: w}
	ew.printf("%s: %s", label(lang, "report"), r.Repo)
	if r.Commit != "" {
		ew.printf(" @ %s (%s)", short(r.Commit), r.Ref)
	}
	ew.printf("\n%s: %.1f%% (%d passed, %d waived, %d failed, %d manual)\n", label(lang, "score"), r.Summary.Score, r.Summary.Passed, r.Summary.Waived, r.Summary.Failed, r.Summary.Manual)
	for _, c := range r.Summary.Categories {
		ew.printf("  %-20s %5.1f%% (%d/%d)\n", c.Category, c.Score, c.Passed, c.Total)
	}
	if r.Base != nil {
		ew.printf("%s %s: %.1f%%\n", label(lang, "changes"), short(r.Base.Commit), r.Base.Summary.Score)
	}
	ew.printf("\n%s:\n", label(lang, "controls"))
	tw := tabwriter.NewWriter(ew, 0, 0, 2, ' ', 0)
	for _, c := range r.Controls {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%d/%d\t%s\n", c.ID, strings.ToUpper(c.Status), c.Severity, c.Passed, c.Total, title(c.Control, lang))
	}
	tw.Flush()
	ew.printf("\n%s:\n", label(lang, "findings"))
	n := 0
	for _, f := range r.Findings {
		if f.Status != reports.StatusFail {
			continue
		}
		n++
		ew.printf("  %s %s [%s] %s %s: %s\n", f.Control, f.Severity, scopeOf(f), location(f), objOrNS(f), f.Message)
	}
	if n == 0 {
		ew.printf("  %s\n", label(lang, "none"))
	}
	writeWaiversText(ew, r, lang)
	writeChangesText(ew, r, lang)
	return ew.err
}

func objOrNS(f reports.Finding) string {
	switch {
	case strings.HasPrefix(f.Object, "Namespace/"):
		return f.Object
	case f.Object != "" && f.Namespace != "":
		return f.Namespace + "/" + f.Object
	case f.Object != "":
		return f.Object
	case f.Namespace != "":
		return "namespace " + f.Namespace
	}
	return ""
}

func writeWaiversText(ew *errWriter, r *reports.Report, lang string) {
	if len(r.Waivers) == 0 {
		return
	}
	ew.printf("\n%s:\n", label(lang, "waivers"))
	for _, w := range r.Waivers {
		mark := ""
		if w.Expired {
			mark = " " + label(lang, "expired")
		}
		until := w.Until
		if until == "" {
			until = "-"
		}
		ew.printf("  %s %s:%d %s until %s: %q%s\n", w.Control, w.File, w.Line, w.Object, until, w.Reason, mark)
	}
}

func writeChangesText(ew *errWriter, r *reports.Report, lang string) {
	if r.Changes == nil {
		return
	}
	ew.printf("\n%s: +%d -%d\n", label(lang, "changes"), len(r.Changes.New), len(r.Changes.Fixed))
	for _, f := range r.Changes.New {
		ew.printf("  + %s %s %s: %s\n", f.Control, location(f), objOrNS(f), f.Message)
	}
	for _, f := range r.Changes.Fixed {
		ew.printf("  - %s %s %s\n", f.Control, location(f), objOrNS(f))
	}
	if len(r.Commits) > 0 {
		ew.printf("%s:\n", label(lang, "commits"))
		for _, c := range r.Commits {
			ew.printf("  %s %s %s %s\n", short(c.Hash), c.Date.Format("2006-01-02"), c.Author, c.Subject)
		}
	}
}

func short(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	return h
}

type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	e.err = err
	return n, err
}

func (e *errWriter) printf(format string, args ...any) { fmt.Fprintf(e, format, args...) }

func mdEscape(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ", "<", "&lt;", ">", "&gt;").Replace(s)
}

var statusIcon = map[string]string{reports.StatusPass: "✅", reports.StatusFail: "❌", reports.StatusWaived: "⚠️", reports.StatusManual: "📝", reports.StatusNA: "➖"}

// Markdown writes a PR comment: score, failing controls, findings, changes.
func Markdown(w io.Writer, r *reports.Report, lang string) error {
	ew := &errWriter{w: w}
	ew.printf("## %s\n\n", label(lang, "report"))
	ew.printf("**%s: %.1f%%** — %d passed, %d waived, %d failed, %d manual", label(lang, "score"), r.Summary.Score, r.Summary.Passed, r.Summary.Waived, r.Summary.Failed, r.Summary.Manual)
	if r.Base != nil {
		ew.printf(" (was %.1f%% at `%s`)", r.Base.Summary.Score, short(r.Base.Commit))
	}
	ew.printf("\n\n| %s | %s |\n|---|---|\n", label(lang, "category"), label(lang, "score"))
	for _, c := range r.Summary.Categories {
		ew.printf("| %s | %.1f%% (%d/%d) |\n", c.Category, c.Score, c.Passed, c.Total)
	}
	ew.printf("\n### %s\n\n| | ID | Severity | %s | Passed |\n|---|---|---|---|---|\n", label(lang, "controls"), label(lang, "control"))
	for _, c := range r.Controls {
		ew.printf("| %s | %s | %s | %s | %d/%d |\n", statusIcon[c.Status], c.ID, c.Severity, mdEscape(title(c.Control, lang)), c.Passed, c.Total)
	}
	ew.printf("\n### %s\n\n", label(lang, "findings"))
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
		ew.printf("%s\n", label(lang, "none"))
	}
	if len(r.Waivers) > 0 {
		ew.printf("\n### %s\n\n| Control | Location | Object | Until | Reason | |\n|---|---|---|---|---|---|\n", label(lang, "waivers"))
		for _, wv := range r.Waivers {
			mark := ""
			if wv.Expired {
				mark = label(lang, "expired")
			}
			ew.printf("| %s | `%s:%d` | %s | %s | %s | %s |\n", wv.Control, wv.File, wv.Line, mdEscape(wv.Object), wv.Until, mdEscape(wv.Reason), mark)
		}
	}
	if r.Changes != nil {
		ew.printf("\n### %s `%s`\n\n", label(lang, "changes"), baseName(r))
		for _, f := range r.Changes.New {
			ew.printf("- ❌ %s: %s `%s` %s\n", label(lang, "new"), f.Control, location(f), mdEscape(f.Message))
		}
		for _, f := range r.Changes.Fixed {
			ew.printf("- ✅ %s: %s `%s` %s\n", label(lang, "fixed"), f.Control, location(f), mdEscape(objOrNS(f)))
		}
		if len(r.Changes.New)+len(r.Changes.Fixed) == 0 {
			ew.printf("%s\n", label(lang, "none"))
		}
	}
	return ew.err
}

func baseName(r *reports.Report) string {
	if r.Base == nil {
		return "-"
	}
	return short(r.Base.Commit)
}

// SARIF writes a SARIF 2.1.0 log: one rule per control, one result per
// failing (error/warning by severity) or waived (note, suppressed) finding.
func SARIF(w io.Writer, r *reports.Report, lang string) error {
	rules := make([]sarif.Rule, 0, len(r.Controls))
	for _, c := range r.Controls {
		tags := []string{c.Category}
		for _, x := range c.CIS {
			tags = append(tags, "CIS-"+x)
		}
		tags = append(tags, c.Kubescape...)
		rules = append(rules, sarif.Rule{
			ID:               c.ID,
			Name:             strings.ReplaceAll(c.ID, "-", ""),
			ShortDescription: title(c.Control, lang),
			FullDescription:  c.Rationale,
			Help:             c.Remediation,
			Properties: map[string]any{
				"category":          c.Category,
				"severity":          c.Severity,
				"security-severity": securitySeverity(c.Severity),
				"evaluation":        c.Evaluation,
				"seed":              c.Seed + " — " + c.Section,
				"tags":              tags,
			},
			Level: level(c.Severity),
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
			Message:      fmt.Sprintf("%s [%s] %s: %s", findingTitle(f, lang), scopeOf(f), objOrNS(f), f.Message),
			File:         f.File,
			Line:         f.Line,
			Suppressed:   f.Status == reports.StatusWaived,
			Fingerprints: map[string]any{"plinth/v1": strings.Join([]string{f.Control, f.Cluster, f.Environment, f.Namespace, f.Object}, "|")},
		})
	}
	return sarif.Write(w, rules, results)
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

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Failure   *junitFailure `xml:"failure,omitempty"`
	Skipped   *junitSkipped `xml:"skipped,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

type junitSkipped struct {
	Message string `xml:"message,attr"`
}

// JUnit writes one test suite per category and one test case per control
// and cluster: failed when any finding fails, skipped when manual or n/a.
func JUnit(w io.Writer, r *reports.Report, lang string) error {
	type key struct{ control, cluster string }
	byKey := map[key][]reports.Finding{}
	clusters := map[string]bool{}
	for _, f := range r.Findings {
		byKey[key{f.Control, f.Cluster}] = append(byKey[key{f.Control, f.Cluster}], f)
		clusters[f.Cluster] = true
	}
	var cl []string
	for c := range clusters {
		cl = append(cl, c)
	}
	sort.Strings(cl)
	out := junitSuites{Name: "plinth baseline"}
	for _, cat := range reports.Categories {
		s := junitSuite{Name: cat}
		for _, c := range r.Controls {
			if c.Category != cat {
				continue
			}
			for _, cluster := range cl {
				fs := byKey[key{c.ID, cluster}]
				if len(fs) == 0 {
					continue
				}
				name := c.ID + " " + title(c.Control, lang)
				if cluster != "" {
					name += " [" + cluster + "]"
				}
				tc := junitCase{Name: name, Classname: "plinth." + cat + "." + orRepo(cluster)}
				status := ""
				var failing, notes []string
				for _, f := range fs {
					status = worse(status, f.Status)
					line := fmt.Sprintf("%s %s %s: %s", f.Status, location(f), objOrNS(f), f.Message)
					if f.Status == reports.StatusFail {
						failing = append(failing, line)
					} else {
						notes = append(notes, line)
					}
				}
				switch status {
				case reports.StatusFail:
					tc.Failure = &junitFailure{Message: fmt.Sprintf("%d failing finding(s)", len(failing)), Type: c.Severity, Text: strings.Join(failing, "\n")}
					s.Failures++
				case reports.StatusManual, reports.StatusNA:
					tc.Skipped = &junitSkipped{Message: status + ": " + firstMessage(fs)}
					s.Skipped++
				}
				if len(notes) > 0 && tc.Failure == nil {
					tc.SystemOut = strings.Join(notes, "\n")
				}
				s.Cases = append(s.Cases, tc)
				s.Tests++
			}
		}
		out.Tests += s.Tests
		out.Failures += s.Failures
		out.Skipped += s.Skipped
		out.Suites = append(out.Suites, s)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(out); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

func orRepo(c string) string {
	if c == "" {
		return "repository"
	}
	return c
}

func firstMessage(fs []reports.Finding) string {
	if len(fs) == 0 {
		return ""
	}
	return fs[0].Message
}

var rank = map[string]int{reports.StatusNA: 0, reports.StatusPass: 1, reports.StatusWaived: 2, reports.StatusManual: 3, reports.StatusFail: 4}

func worse(a, b string) string {
	if a == "" || rank[b] > rank[a] {
		return b
	}
	return a
}

// Controls writes the catalog as text, json or markdown.
func Controls(w io.Writer, controls []reports.Control, format, lang string) error {
	switch format {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(struct {
			SchemaVersion string            `json:"schemaVersion"`
			Controls      []reports.Control `json:"controls"`
		}{reports.SchemaVersion, controls})
	case "markdown":
		ew := &errWriter{w: w}
		ew.printf("| ID | Category | Severity | Evaluation | Control | CIS | Kubescape | Source |\n|---|---|---|---|---|---|---|---|\n")
		for _, c := range controls {
			ew.printf("| %s | %s | %s | %s | %s | %s | %s | %s — %s |\n", c.ID, c.Category, c.Severity, evaluation(c), mdEscape(title(c, lang)),
				strings.Join(c.CIS, ", "), strings.Join(c.Kubescape, ", "), c.Seed, mdEscape(c.Section))
		}
		return ew.err
	case "text", "":
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintf(tw, "ID\tCATEGORY\tSEVERITY\tEVALUATION\tTITLE\n")
		for _, c := range controls {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", c.ID, c.Category, c.Severity, evaluation(c), title(c, lang))
		}
		return tw.Flush()
	}
	return fmt.Errorf("unknown format %q (want text, json or markdown)", format)
}

// ControlDetail writes everything the catalog says about one control, as
// text: titles, category, severity, evaluation, rationale, remediation,
// references and the seed section it comes from.
func ControlDetail(w io.Writer, c reports.Control, lang string) error {
	ew := &errWriter{w: w}
	ew.printf("%s  %s\n", c.ID, title(c, lang))
	if lang == "ko" {
		ew.printf("  (%s)\n", c.Title)
	} else {
		ew.printf("  (%s)\n", c.TitleKO)
	}
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

// evaluation is how a control is evaluated, with the providers it is
// limited to: "declared (aks)".
func evaluation(c reports.Control) string {
	if len(c.Providers) == 0 {
		return c.Evaluation
	}
	return c.Evaluation + " (" + strings.Join(c.Providers, ", ") + ")"
}
