package render

import (
	"encoding/xml"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/plinth-dev/plinth/reports"
	"github.com/plinth-dev/plinth/reports/i18n"
)

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

// junitReport writes one test suite per category and one test case per control
// and cluster: failed when any finding fails, skipped when manual or n/a.
func junitReport(w io.Writer, r *reports.Report, l i18n.Localizer) error {
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
				name := c.ID + " " + l.Title(c.Control)
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
