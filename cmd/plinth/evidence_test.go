package main

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/plinth-dev/plinth/reports"
)

// TestReportEvidence is make demo's report --evidence: the init example's
// repository with testdata/evidence/demo. Production passes every declared
// control, each evidenced from az aks show where the JSON shows it; the
// shared non-production cluster's upgrade channel is declared "patch" but
// the cluster has none.
func TestReportEvidence(t *testing.T) {
	tmp := t.TempDir()
	platform, fleet := filepath.Join(tmp, "platform"), filepath.Join(tmp, "fleet")
	var out, errOut bytes.Buffer
	for _, args := range [][]string{{"init", platform}, {"generate", platform, "--out", fleet}} {
		if code := run(args, &out, &errOut); code != exitOK {
			t.Fatalf("%v: exit %d: %s", args, code, errOut.String())
		}
	}
	demo := filepath.Join("..", "..", "testdata", "evidence", "demo")
	out.Reset()
	if code := run([]string{"report", "--repo", fleet, "--evidence", demo, "-o", "json", "--date", "2026-11-30"}, &out, &errOut); code != exitOK {
		t.Fatalf("report: exit %d: %s", code, errOut.String())
	}
	var r reports.Report
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		t.Fatal(err)
	}
	onlyDeclared := map[string]bool{"PLN-OPS-002": true, "PLN-OPS-006": true} // not in az aks show
	seen := 0
	for _, f := range r.Findings {
		c, _ := reports.LookupControl(f.Control)
		if c.Evaluation != reports.EvalDeclared || f.Cluster != "prod" {
			continue
		}
		seen++
		if f.Status != reports.StatusPass {
			t.Errorf("prod %s: %s: %s", f.Control, f.Status, f.Message)
		}
		if evidenced := f.Evidence != ""; evidenced == onlyDeclared[f.Control] || (evidenced && !strings.HasPrefix(f.Evidence, filepath.ToSlash(demo)+"/prod.json#$.")) {
			t.Errorf("prod %s: evidence %q", f.Control, f.Evidence)
		}
	}
	if seen == 0 {
		t.Fatal("no declared findings for prod")
	}
	found := false
	for _, f := range r.Findings {
		if f.Control == "PLN-OPS-001" && f.Cluster == "nonprod" {
			found = true
			if f.Status != reports.StatusFail || !strings.Contains(f.Message, "declared upgradeChannel patch but the cluster has none") ||
				f.Evidence != filepath.ToSlash(demo)+"/nonprod.json#$.autoUpgradeProfile.upgradeChannel" || f.File != ".plinth/clusters/nonprod.json" {
				t.Errorf("nonprod drift: %+v", f)
			}
		}
	}
	if !found {
		t.Error("no PLN-OPS-001 finding for nonprod")
	}

	// A bad evidence directory stops the report, naming it.
	errOut.Reset()
	if code := run([]string{"report", "--repo", fleet, "--evidence", filepath.Join(tmp, "none")}, &out, &errOut); code != exitFailure || !strings.Contains(errOut.String(), "does not exist") {
		t.Errorf("missing evidence dir: exit %d: %s", code, errOut.String())
	}
}
