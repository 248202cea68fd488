package pdf

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/plinth-dev/plinth/internal/testutil/gittest"
	"github.com/plinth-dev/plinth/reports"
	"github.com/plinth-dev/plinth/reports/i18n"
	"github.com/plinth-dev/plinth/reports/scan"
)

// e2eReport evaluates a real git repository with the report engine: the
// hand-written Flux repository of testdata/repos committed in September,
// then an October commit that fixes the privileged container, shares the
// host IPC namespace and waives two controls (one waiver already expired).
func e2eReport(t *testing.T) *reports.Report {
	t.Helper()
	repo := gittest.New(t)
	repo.CopyDir(filepath.Join("..", "..", "..", "testdata", "repos", "flux"))
	repo.Commit("initial platform", gittest.Date(2026, 9, 20))
	p := filepath.Join(repo.Dir, "apps", "base", "deployment.yaml")
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	s := string(data)
	for _, r := range [][2]string{
		{"privileged: true", "privileged: false"},
		{"    spec:\n      containers:", "    spec:\n      hostIPC: true\n      containers:"},
		{"  labels:\n    app: cart\n", "  labels:\n    app: cart\n  annotations:\n" +
			"    plinth.dev/waive: PLN-HA-004\n" +
			"    plinth.dev/waive-reason: Single-zone pilot cluster until the zonal node pools arrive\n" +
			"    plinth.dev/waive-until: \"2027-03-31\"\n"},
	} {
		if !strings.Contains(s, r[0]) {
			t.Fatalf("testdata/repos/flux/apps/base/deployment.yaml changed: %q not found", r[0])
		}
		s = strings.Replace(s, r[0], r[1], 1)
	}
	repo.Write("apps/base/deployment.yaml", []byte(s))
	repo.Commit("cart: drop privileged mode\n\nbut share the host IPC namespace", gittest.Date(2026, 10, 10))
	repo.Write("README.md", []byte("# gitops\n"))
	repo.Commit("Add a README", gittest.Date(2026, 10, 21))

	r, err := scan.Run(context.Background(), scan.Options{Repo: repo.Dir, Month: "2026-10", Date: gittest.Date(2026, 11, 1)})
	if err != nil {
		t.Fatalf("scan: %v", err)
	}
	return r
}

// TestEndToEnd renders the engine's report of a real repository in both
// languages and checks what an auditor must find in it.
func TestEndToEnd(t *testing.T) {
	r := e2eReport(t)
	var planted *reports.Finding
	for i, f := range r.Findings {
		if f.Status == reports.StatusFail && f.Object == "Deployment/prod-cart" && f.File == "apps/base/deployment.yaml" {
			planted = &r.Findings[i]
			break
		}
	}
	if planted == nil {
		t.Fatalf("the engine reports no failing finding on Deployment/prod-cart: %+v", r.Findings)
	}
	if r.Base == nil || len(r.Commits) == 0 {
		t.Fatalf("no base or commits for --month: base %+v, commits %+v", r.Base, r.Commits)
	}
	for _, lang := range i18n.Languages() {
		t.Run(lang, func(t *testing.T) {
			tx, _ := i18n.For(lang)
			b := render(t, r, lang)
			if !bytes.Equal(b, render(t, r, lang)) {
				t.Error("two renders differ")
			}
			file := writeTemp(t, "e2e-"+lang+".pdf", b)
			if out := run(t, "qpdf", "--check", file); !strings.Contains(out, "No syntax or stream encoding errors") {
				t.Errorf("qpdf --check:\n%s", out)
			}
			for _, row := range strings.Split(strings.TrimSpace(run(t, "pdffonts", file)), "\n")[2:] {
				if f := strings.Fields(row); len(f) < 6 || f[len(f)-5] != "yes" {
					t.Errorf("font not embedded: %q", row)
				}
			}
			text := run(t, "pdftotext", "-raw", "-enc", "UTF-8", file, "-")
			compact := strings.Join(strings.Fields(text), "")
			title := tx.FindingTitle(*planted)
			for _, want := range []string{
				"2026-10", shortHash(r.Commit), shortHash(r.Base.Commit),
				tx.T("pdf.summary"), tx.T("pdf.checklist"), tx.T("pdf.findings"), tx.T("pdf.changes"), tx.T("pdf.waivers"),
				planted.Control, title, planted.Object, location(planted.File, planted.Line),
				"cart: drop privileged mode", "Add a README",
				"Single-zone pilot cluster",
			} {
				if !strings.Contains(compact, strings.Join(strings.Fields(want), "")) {
					t.Errorf("pdftotext lacks %q", want)
				}
			}
		})
	}
}

func findControl(r *reports.Report, id string) (*reports.ControlResult, bool) {
	for i := range r.Controls {
		if r.Controls[i].ID == id {
			return &r.Controls[i], true
		}
	}
	return nil, false
}
