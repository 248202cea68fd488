package render_test

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/plinth-dev/plinth/reports"
	"github.com/plinth-dev/plinth/reports/render"
)

// englishLabels are the words of the reports' own English labels (not the
// repository's data, not identifiers or the technical terms Korean
// engineers write in English): none may appear in a --lang ko report.
var englishLabels = []string{
	"passed", "waived", "failed", "manual", "Passed", "Waived", "Failed", "Manual",
	"PASS", "FAIL", "WAIVED", "MANUAL", "pass", "fail",
	"critical", "high", "medium", "low", "Severity",
	"security", "high-availability", "operations", "Security", "High availability", "Operations",
	"Score", "evaluated controls", "coverage", "Coverage", "NOTHING DEPLOYED WAS EVALUATED",
	"Not evaluated", "not evaluated", "Warnings", "warning", "No longer evaluated", "no longer evaluated",
	"Changes since", "new", "fixed", "New", "Fixed", "until", "Until",
	"objects", "workloads", "sources rendered", "Controls", "Control", "Failing findings", "failing finding",
	"Waivers", "Commits", "EXPIRED", "none", "Scope", "Location", "Object", "Message", "Reason", "Category",
	"plinth baseline", "evaluated", "repository", "Compared with", "remote chart", "render error",
	"via", "namespace", "n/a",
}

// koreanOnly is the hand-made report with its repository's data (messages,
// reasons, commit subjects, the titles of controls outside the catalog) in
// Korean, so that any English left in a --lang ko rendering is a label.
func koreanOnly() *reports.Report {
	r := handMade()
	for i := range r.Controls {
		if r.Controls[i].ID != "PLN-SEC-006" {
			r.Controls[i].Title = "시험용 통제 항목"
		}
		r.Controls[i].Rationale, r.Controls[i].Remediation = "근거", "조치"
	}
	fs := func(list []reports.Finding) {
		for i := range list {
			list[i].Message, list[i].Title = "메시지", "제목"
		}
	}
	// An object with the GitOps object deploying it, and a namespace.
	r.Findings[0].Deployer = "Kustomization/apps"
	ns := r.Findings[0]
	ns.Object, ns.Deployer, ns.Line = "", "", 2
	r.Findings = append(r.Findings, ns)
	fs(r.Findings)
	fs(r.Changes.New)
	fs(r.Changes.Fixed)
	fs(r.Changes.NoLongerEvaluated)
	for i := range r.Waivers {
		r.Waivers[i].Reason = "사유"
	}
	for i := range r.Coverage.Skipped {
		r.Coverage.Skipped[i].Message = "메시지"
	}
	for i := range r.Warnings {
		r.Warnings[i].Message = "경고 메시지"
	}
	for i := range r.Commits {
		r.Commits[i].Subject, r.Commits[i].Author = "커밋 제목", "이서준"
	}
	return r
}

// TestKoreanHasNoEnglishLabel renders every format with --lang ko and
// fails on any English label: text, Markdown and JUnit whole; SARIF's rule
// titles and result messages (its rationale and remediation are English:
// the catalog has them in English only); the JSON's Korean title of every
// catalog control; the PDF's text (pdftotext).
func TestKoreanHasNoEnglishLabel(t *testing.T) {
	r := koreanOnly()
	labels := make([]*regexp.Regexp, len(englishLabels))
	for i, l := range englishLabels {
		labels[i] = regexp.MustCompile(`(^|[^A-Za-z-])` + regexp.QuoteMeta(l) + `($|[^A-Za-z-])`)
	}
	check := func(format, text string) {
		t.Helper()
		for i, re := range labels {
			if loc := re.FindStringIndex(text); loc != nil {
				from, to := max(loc[0]-40, 0), min(loc[1]+40, len(text))
				t.Errorf("%s: English label %q in …%s…", format, englishLabels[i], text[from:to])
			}
		}
	}
	for _, rd := range render.All() {
		var buf bytes.Buffer
		if err := rd.Report(&buf, r, render.Options{Lang: "ko"}); err != nil {
			t.Fatalf("%s: %v", rd.Name, err)
		}
		switch rd.Name {
		case "text", "markdown":
			check(rd.Name, buf.String())
		case "junit":
			// The classnames (plinth.security.prod), the failure type
			// (critical) and the coverage properties' names are
			// identifiers for CI tools, not labels.
			s := regexp.MustCompile(`(classname|type|property name)="[^"]*"`).ReplaceAllString(buf.String(), "")
			check(rd.Name, s)
		case "sarif":
			check(rd.Name, sarifTexts(t, buf.Bytes()))
		case "json":
			var doc struct {
				Controls []struct{ ID, TitleKo string }
			}
			if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
				t.Fatal(err)
			}
			for _, c := range doc.Controls {
				if _, ok := reports.LookupControl(c.ID); ok && c.TitleKo == "" {
					t.Errorf("json: %s has no titleKo", c.ID)
				}
			}
		case "pdf":
			if _, err := exec.LookPath("pdftotext"); err != nil {
				t.Log("no pdftotext: the PDF is not checked")
				continue
			}
			file := filepath.Join(t.TempDir(), "ko.pdf")
			if err := os.WriteFile(file, buf.Bytes(), 0o600); err != nil {
				t.Fatal(err)
			}
			out, err := exec.Command("pdftotext", "-raw", "-enc", "UTF-8", file, "-").Output()
			if err != nil {
				t.Fatal(err)
			}
			check(rd.Name, string(out))
		default:
			t.Errorf("format %s is not checked", rd.Name)
		}
	}
}

// sarifTexts is the rule names' short descriptions and the result messages
// of a SARIF log, one a line.
func sarifTexts(t *testing.T, b []byte) string {
	t.Helper()
	var log struct {
		Runs []struct {
			Tool struct {
				Driver struct {
					Rules []struct {
						ShortDescription struct{ Text string }
					}
				}
			}
			Results []struct {
				Message struct{ Text string }
			}
		}
	}
	if err := json.Unmarshal(b, &log); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, run := range log.Runs {
		for _, rule := range run.Tool.Driver.Rules {
			out = append(out, rule.ShortDescription.Text)
		}
		for _, res := range run.Results {
			out = append(out, res.Message.Text)
		}
	}
	return strings.Join(out, "\n")
}
