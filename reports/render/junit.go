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
	Name       string           `xml:"name,attr"`
	Tests      int              `xml:"tests,attr"`
	Failures   int              `xml:"failures,attr"`
	Skipped    int              `xml:"skipped,attr"`
	Properties *junitProperties `xml:"properties,omitempty"`
	Cases      []junitCase      `xml:"testcase"`
}

type junitProperties struct {
	Property []junitProperty `xml:"property"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
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
	out := junitSuites{Name: l.T("junit.name")}
	for _, cat := range reports.Categories {
		s := junitSuite{Name: categoryName(l, cat)}
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
					line := fmt.Sprintf("%s %s %s: %s", l.Status(f.Status), location(f), objOrNS(f, l), l.Message(f))
					if f.Status == reports.StatusFail {
						failing = append(failing, line)
					} else {
						notes = append(notes, line)
					}
				}
				switch status {
				case reports.StatusFail:
					tc.Failure = &junitFailure{Message: fmt.Sprintf(l.T("junit.failing"), len(failing)), Type: c.Severity, Text: strings.Join(failing, "\n")}
					s.Failures++
				case reports.StatusManual, reports.StatusNA:
					tc.Skipped = &junitSkipped{Message: l.Status(status) + ": " + firstMessage(fs, l)}
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
	cov := coverageSuite(r, l)
	out.Tests += cov.Tests
	out.Skipped += cov.Skipped
	out.Suites = append(out.Suites, cov)
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

// coverageSuite is the suite "coverage": the score beside its coverage as
// properties, a test case per cluster with what it evaluated (skipped when
// no workload was checked) and a skipped test case per source not evaluated,
// with its reason.
func coverageSuite(r *reports.Report, l i18n.Localizer) junitSuite {
	c := r.Coverage
	s := junitSuite{Name: l.T("junit.coverage"), Properties: &junitProperties{[]junitProperty{
		{"score", Percent(r.Summary.Score, r.Summary.Total)},
		{"evaluatedControls", fmt.Sprint(c.Controls)},
		{"coverage", fmt.Sprintf("%.1f%%", c.Percent)},
		{"sources", fmt.Sprint(c.Sources)},
		{"sourcesRendered", fmt.Sprint(c.Rendered)},
		{"sourcesNotEvaluated", fmt.Sprint(c.NotEvaluated)},
		{"objects", fmt.Sprint(c.Objects)},
		{"workloads", fmt.Sprint(c.Workloads)},
	}}}
	for _, cl := range c.Clusters {
		line := fmt.Sprintf(l.T("report.clusterLine"), cl.Objects, cl.Workloads, cl.Rendered, cl.NotEvaluated)
		tc := junitCase{Name: fmt.Sprintf(l.T("junit.evaluated"), caseCluster(l, cl.Cluster)), Classname: "plinth.coverage." + orRepo(cl.Cluster), SystemOut: line}
		if cl.Workloads == 0 {
			tc.Skipped = &junitSkipped{Message: l.T("junit.noWorkload") + ": " + line}
			s.Skipped++
		}
		s.Cases = append(s.Cases, tc)
		s.Tests++
	}
	for _, sk := range c.Skipped {
		s.Cases = append(s.Cases, junitCase{
			Name:      fmt.Sprintf(l.T("junit.notEvaluated"), skippedLocation(sk)),
			Classname: "plinth.coverage." + orRepo(sk.Cluster),
			Skipped:   &junitSkipped{Message: l.Reason(sk.Reason) + ": " + l.Skipped(sk)},
		})
		s.Tests++
		s.Skipped++
	}
	for _, w := range r.Warnings {
		s.Cases = append(s.Cases, junitCase{Name: fmt.Sprintf(l.T("junit.warning"), warningLocation(w)), Classname: "plinth.coverage.warnings", SystemOut: l.Warning(w)})
		s.Tests++
	}
	return s
}

// caseCluster names a cluster in a test case name: "repository" for the
// repository as a whole in English, as the classnames do.
func caseCluster(l i18n.Localizer, c string) string {
	if l.Lang() == i18n.English {
		return orRepo(c)
	}
	return l.ClusterLabel(c)
}

func orRepo(c string) string {
	if c == "" {
		return "repository"
	}
	return c
}

func firstMessage(fs []reports.Finding, l i18n.Localizer) string {
	if len(fs) == 0 {
		return ""
	}
	return l.Message(fs[0])
}

var rank = map[string]int{reports.StatusNA: 0, reports.StatusPass: 1, reports.StatusWaived: 2, reports.StatusManual: 3, reports.StatusFail: 4}

func worse(a, b string) string {
	if a == "" || rank[b] > rank[a] {
		return b
	}
	return a
}
