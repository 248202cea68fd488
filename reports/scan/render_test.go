package scan_test

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/plinth-dev/plinth/internal/testutil/gittest"
	"github.com/plinth-dev/plinth/reports"
	"github.com/plinth-dev/plinth/reports/render"
	"github.com/plinth-dev/plinth/reports/scan"
)

// fluxReport evaluates testdata/repos/flux committed at a fixed date, with
// a two-commit history so that changes and commits are filled.
func fluxReport(t *testing.T) *reports.Report {
	t.Helper()
	repo := gittest.New(t)
	repo.CopyDir(filepath.Join("..", "..", "testdata", "repos", "flux"))
	repo.Remove("apps/prod/secret.yaml")
	data, err := os.ReadFile(filepath.Join(repo.Dir, "apps", "prod", "kustomization.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	repo.Write("apps/prod/kustomization.yaml", bytes.Replace(data, []byte("  - secret.yaml\n"), nil, 1))
	base := repo.Commit("initial", gittest.Date(2026, 9, 20))
	repo.CopyDir(filepath.Join("..", "..", "testdata", "repos", "flux"))
	repo.Commit("shop: database credentials", gittest.Date(2026, 10, 3))
	r, err := scan.Run(context.Background(), scan.Options{Repo: repo.Dir, Since: base, Date: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	r.Repo = "testdata/repos/flux"
	return r
}

// TestRenderScannedRepository is the end-to-end test of the report: a
// repository scanned and written in every format and language, with a few
// findings the formats must carry to the right file and line. The formats'
// exact bytes are checked on a hand-made report in reports/render.
func TestRenderScannedRepository(t *testing.T) {
	r := fluxReport(t)
	for _, rd := range render.All() {
		for _, lang := range rd.Languages {
			var buf bytes.Buffer
			if err := rd.Report(&buf, r, render.Options{Lang: lang}); err != nil {
				t.Fatalf("%s %s: %v", rd.Name, lang, err)
			}
			if !rd.Binary && !strings.Contains(buf.String(), "PLN-SEC-006") {
				t.Errorf("%s %s: no PLN-SEC-006 (privileged container)", rd.Name, lang)
			}
		}
	}
}

func TestJSONShape(t *testing.T) {
	r := fluxReport(t)
	var buf bytes.Buffer
	if err := renderAs(t, &buf, r, "json"); err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"schemaVersion", "repo", "ref", "commit", "date", "summary", "controls", "findings", "changes", "commits", "waivers", "base"} {
		if _, ok := doc[k]; !ok {
			t.Errorf("JSON report has no %q", k)
		}
	}
	if doc["schemaVersion"] != reports.SchemaVersion {
		t.Errorf("schemaVersion %v", doc["schemaVersion"])
	}
	f := doc["findings"].([]any)[0].(map[string]any)
	for _, k := range []string{"control", "title", "category", "severity", "status", "cluster", "environment", "namespace", "object", "file", "line", "message"} {
		if _, ok := f[k]; !ok {
			t.Errorf("finding has no %q", k)
		}
	}
	ch := doc["changes"].(map[string]any)
	if len(ch["new"].([]any)) != 1 || len(ch["fixed"].([]any)) != 0 {
		t.Errorf("changes: %v", ch)
	}
}

func TestSARIFAndJUnitParse(t *testing.T) {
	r := fluxReport(t)
	var s bytes.Buffer
	if err := renderAs(t, &s, r, "sarif"); err != nil {
		t.Fatal(err)
	}
	var log struct {
		Version string `json:"version"`
		Runs    []struct {
			Tool struct {
				Driver struct {
					Rules []struct {
						ID string `json:"id"`
					} `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
			Results []struct {
				RuleID    string `json:"ruleId"`
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct {
							URI string `json:"uri"`
						} `json:"artifactLocation"`
						Region struct {
							StartLine int `json:"startLine"`
						} `json:"region"`
					} `json:"physicalLocation"`
				} `json:"locations"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(s.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	if log.Version != "2.1.0" || len(log.Runs) != 1 || len(log.Runs[0].Tool.Driver.Rules) != len(reports.Catalog()) {
		t.Fatalf("sarif: version %s, %d runs", log.Version, len(log.Runs))
	}
	found := false
	for _, res := range log.Runs[0].Results {
		if res.RuleID == "PLN-SEC-006" && len(res.Locations) == 1 && res.Locations[0].PhysicalLocation.ArtifactLocation.URI == "apps/base/deployment.yaml" && res.Locations[0].PhysicalLocation.Region.StartLine == 22 {
			found = true
		}
	}
	if !found {
		t.Error("sarif: no PLN-SEC-006 result at apps/base/deployment.yaml:22 (the privileged: true line)")
	}
	var j bytes.Buffer
	if err := renderAs(t, &j, r, "junit"); err != nil {
		t.Fatal(err)
	}
	var suites struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Suites   []struct {
			Name  string `xml:"name,attr"`
			Cases []struct {
				Name    string    `xml:"name,attr"`
				Failure *struct{} `xml:"failure"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(j.Bytes(), &suites); err != nil {
		t.Fatal(err)
	}
	// A suite per category, then the coverage suite.
	if suites.Tests == 0 || suites.Failures == 0 || len(suites.Suites) != len(reports.Categories)+1 || suites.Suites[len(suites.Suites)-1].Name != "coverage" {
		t.Errorf("junit: %d tests, %d failures, %d suites", suites.Tests, suites.Failures, len(suites.Suites))
	}
}

func renderAs(t *testing.T, w io.Writer, r *reports.Report, format string) error {
	t.Helper()
	rd, ok := render.Lookup(format)
	if !ok {
		t.Fatalf("no format %s", format)
	}
	return rd.Report(w, r, render.Options{})
}
