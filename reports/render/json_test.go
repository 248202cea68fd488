package render

import (
	"bytes"
	"fmt"
	"testing"
	"time"

	"github.com/plinth-dev/plinth/reports"
	"github.com/plinth-dev/plinth/reports/i18n"
)

// streamCase is a report of n findings whose texts carry s.
func streamCase(n int, s string) *reports.Report {
	r := &reports.Report{SchemaVersion: reports.SchemaVersion, Repo: "r" + s, Commit: "c",
		CommitDate: time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), Scopes: []string{"prod", s},
		Summary:  reports.Summary{Score: 50, Total: n},
		Waivers:  []reports.Waiver{{Control: "X", File: s}},
		Warnings: []reports.Warning{{File: s, Message: "\"findings\": null"}}}
	for i := range n {
		f := reports.Finding{Control: fmt.Sprintf("PLN-%03d", i), Title: s, Status: reports.StatusFail, Object: "Deployment/" + s,
			File: "apps/" + s, Line: i, Message: s + "\n  \"findings\": null"}
		if i%2 == 0 {
			f.MessageID, f.Deployer, f.Evidence = "check."+s, "Kustomization/flux-system/"+s, s
		}
		r.Findings = append(r.Findings, f)
	}
	return r
}

// TestJSONReportStreams: the report written finding by finding is byte
// for byte what encoding it whole gives.
func TestJSONReportStreams(t *testing.T) {
	for _, tc := range []struct {
		name string
		r    *reports.Report
	}{
		{"no findings", streamCase(0, "x")},
		{"empty findings", &reports.Report{Findings: []reports.Finding{}}},
		{"one", streamCase(1, "a")},
		{"html and unicode", streamCase(3, "<b>&'\u2028 한국어 \x01")},
		{"many", streamCase(500, "svc")},
		{"zero report with findings", &reports.Report{Findings: make([]reports.Finding, 2)}},
	} {
		t.Run(tc.name, func(t *testing.T) { sameJSON(t, tc.r) })
	}
}

func sameJSON(t *testing.T, r *reports.Report) {
	t.Helper()
	var want, got bytes.Buffer
	if err := encodeJSON(&want, r); err != nil {
		t.Fatal(err)
	}
	if err := jsonReport(&got, r, i18n.Localizer{}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Bytes(), want.Bytes()) {
		t.Errorf("streamed report differs from the encoded one:\n%s\nwant:\n%s", got.Bytes(), want.Bytes())
	}
}

func FuzzJSONReport(f *testing.F) {
	f.Add("a", 1)
	f.Add("<&>\"\\\n", 3)
	f.Fuzz(func(t *testing.T, s string, n int) {
		sameJSON(t, streamCase(n&15, s))
	})
}
