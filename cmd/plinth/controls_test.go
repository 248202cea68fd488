package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/plinth-dev/plinth/internal/testutil/golden"
)

// TestControlsReference fails when docs/controls.md is not what
// plinth controls --format markdown prints (go test ./cmd/plinth -run
// TestControlsReference -update rewrites it).
func TestControlsReference(t *testing.T) {
	code, out, errOut := reportRun("controls", "--format", "markdown")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	golden.Check(t, filepath.Join("..", "..", "docs", "controls.md"), []byte(out))
}

func TestControlsCommand(t *testing.T) {
	code, out, _ := reportRun("controls")
	if code != exitOK || !strings.Contains(out, "PLN-SEC-006") || !strings.Contains(out, "EVALUATION") {
		t.Errorf("controls: %d %s", code, out)
	}
	code, out, _ = reportRun("controls", "--format", "json")
	var doc struct {
		Controls []struct {
			ID      string `json:"id"`
			TitleKo string `json:"titleKo"`
			Seed    string `json:"seed"`
		} `json:"controls"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil || code != exitOK || len(doc.Controls) < 40 || doc.Controls[0].TitleKo == "" {
		t.Errorf("controls json: %v %d", err, len(doc.Controls))
	}
	if code, out, _ := reportRun("controls", "-o", "markdown", "--lang", "ko"); code != exitOK || !strings.Contains(out, "| [PLN-SEC-006](#pln-sec-006) | 특권 컨테이너 금지 |") ||
		!strings.Contains(out, "### PLN-SEC-006: 특권 컨테이너 금지") {
		t.Errorf("controls markdown: %d", code)
	}
	if code, _, _ := reportRun("controls", "--format", "pdf"); code != exitUsage {
		t.Errorf("controls --format pdf: exit %d", code)
	}
	// Some controls in full, IDs in any case; json keeps only those.
	code, out, _ = reportRun("controls", "pln-net-007", "PLN-SEC-006")
	for _, want := range []string{"PLN-NET-007  NetworkPolicies do not open egress to every address", "remediation: Allow only the networks",
		"PLN-SEC-006  Containers are not privileged", "Kubescape:   C-0057", "source:      003_1ca403789924d079.txt, section “Prevent highly privileged containers (높은 권한을 가진 컨테이너 방지)”"} {
		if code != exitOK || !strings.Contains(out, want) {
			t.Errorf("controls in full: exit %d, no %q in\n%s", code, want, out)
		}
	}
	doc.Controls = nil
	if code, out, _ := reportRun("controls", "PLN-SEC-001", "-o", "json"); code != exitOK || json.Unmarshal([]byte(out), &doc) != nil || len(doc.Controls) != 1 {
		t.Errorf("one control as json: exit %d, %d controls", code, len(doc.Controls))
	}
	if code, _, errOut := reportRun("controls", "PLN-XXX-001"); code != exitFailure || !strings.Contains(errOut, `unknown control "PLN-XXX-001"`) {
		t.Errorf("unknown control: exit %d %q", code, errOut)
	}
}
