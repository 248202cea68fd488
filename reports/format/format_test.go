package format_test

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/plinth-dev/plinth/internal/testutil/golden"

	"github.com/plinth-dev/plinth/internal/testutil/gittest"
	"github.com/plinth-dev/plinth/reports"
	"github.com/plinth-dev/plinth/reports/format"
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

func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	golden.Check(t, filepath.Join("testdata", "golden", name), got)
}

func TestGolden(t *testing.T) {
	r := fluxReport(t)
	for _, tc := range []struct{ format, lang, file string }{
		{"json", "en", "flux.json"},
		{"sarif", "en", "flux.sarif"},
		{"junit", "en", "flux.junit.xml"},
		{"markdown", "en", "flux.md"},
		{"text", "en", "flux.txt"},
		{"markdown", "ko", "flux.ko.md"},
	} {
		t.Run(tc.file, func(t *testing.T) {
			var buf bytes.Buffer
			if err := format.Write(&buf, r, tc.format, tc.lang); err != nil {
				t.Fatal(err)
			}
			checkGolden(t, tc.file, buf.Bytes())
		})
	}
}

func TestJSONShape(t *testing.T) {
	r := fluxReport(t)
	var buf bytes.Buffer
	if err := format.JSON(&buf, r); err != nil {
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
	if err := format.SARIF(&s, r, "en"); err != nil {
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
		if res.RuleID == "PLN-SEC-006" && len(res.Locations) == 1 && res.Locations[0].PhysicalLocation.ArtifactLocation.URI == "apps/base/deployment.yaml" && res.Locations[0].PhysicalLocation.Region.StartLine == 2 {
			found = true
		}
	}
	if !found {
		t.Error("sarif: no PLN-SEC-006 result at apps/base/deployment.yaml:2")
	}
	var j bytes.Buffer
	if err := format.JUnit(&j, r, "en"); err != nil {
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
	if suites.Tests == 0 || suites.Failures == 0 || len(suites.Suites) != len(reports.Categories) {
		t.Errorf("junit: %d tests, %d failures, %d suites", suites.Tests, suites.Failures, len(suites.Suites))
	}
}

func TestControls(t *testing.T) {
	for _, f := range []string{"text", "json", "markdown"} {
		var buf bytes.Buffer
		if err := format.Controls(&buf, reports.Catalog(), f, "ko"); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(buf.String(), "PLN-SEC-006") {
			t.Errorf("%s: no PLN-SEC-006", f)
		}
	}
	if err := format.Controls(&bytes.Buffer{}, nil, "pdf", "en"); err == nil {
		t.Error("unknown format: no error")
	}
}
