package scan_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/plinth-dev/plinth/internal/testutil/gittest"
	"github.com/plinth-dev/plinth/reports"
	"github.com/plinth-dev/plinth/reports/scan"
)

// history builds three commits: September (the flux repo), October (fixes
// the privileged container, adds hostIPC), November (README only).
func history(t *testing.T) (repo *gittest.Repo, sep, oct, nov string) {
	repo = gittest.New(t)
	repo.CopyDir(repoDir("flux"))
	sep = repo.Commit("initial platform", gittest.Date(2026, 9, 20))
	p := filepath.Join(repo.Dir, "apps", "base", "deployment.yaml")
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	s := strings.Replace(string(data), "privileged: true", "privileged: false", 1)
	s = strings.Replace(s, "    spec:\n      containers:", "    spec:\n      hostIPC: true\n      containers:", 1)
	repo.Write("apps/base/deployment.yaml", []byte(s))
	oct = repo.Commit("cart: drop privileged mode\n\nbut share the host IPC namespace", gittest.Date(2026, 10, 10))
	repo.Write("README.md", []byte("# gitops\n"))
	nov = repo.Commit("readme", gittest.Date(2026, 11, 5))
	return repo, sep, oct, nov
}

func hasChange(fs []reports.Finding, control, object string) bool {
	for _, f := range fs {
		if f.Control == control && f.Object == object {
			return true
		}
	}
	return false
}

func TestSince(t *testing.T) {
	repo, sep, oct, nov := history(t)
	r, err := scan.Run(context.Background(), scan.Options{Repo: repo.Dir, Since: sep, Date: reportDate})
	if err != nil {
		t.Fatal(err)
	}
	if r.Commit != nov || r.Base == nil || r.Base.Commit != sep {
		t.Fatalf("head %s base %+v; want %s and %s", r.Commit, r.Base, nov, sep)
	}
	if r.Changes == nil || !hasChange(r.Changes.Fixed, "PLN-SEC-006", "Deployment/prod-cart") || !hasChange(r.Changes.New, "PLN-SEC-012", "Deployment/prod-cart") {
		t.Fatalf("changes: %+v", r.Changes)
	}
	if len(r.Changes.New) != 1 || len(r.Changes.Fixed) != 1 {
		t.Errorf("changes: %d new, %d fixed; want 1 and 1: %+v", len(r.Changes.New), len(r.Changes.Fixed), r.Changes)
	}
	if len(r.Commits) != 2 || r.Commits[0].Hash != nov || r.Commits[1].Hash != oct || r.Commits[1].Subject != "cart: drop privileged mode" {
		t.Errorf("commits: %+v", r.Commits)
	}
	if r.Base.Summary.Failed != r.Summary.Failed {
		// one fixed, one new: same number of failures, both summaries filled
		t.Errorf("base failed %d, head failed %d", r.Base.Summary.Failed, r.Summary.Failed)
	}
}

func TestSinceDate(t *testing.T) {
	repo, sep, _, _ := history(t)
	r, err := scan.Run(context.Background(), scan.Options{Repo: repo.Dir, Since: "2026-10-01", Date: reportDate})
	if err != nil {
		t.Fatal(err)
	}
	if r.Base == nil || r.Base.Commit != sep {
		t.Fatalf("base %+v, want %s", r.Base, sep)
	}
}

func TestMonth(t *testing.T) {
	repo, sep, oct, _ := history(t)
	r, err := scan.Run(context.Background(), scan.Options{Repo: repo.Dir, Month: "2026-10", Date: reportDate})
	if err != nil {
		t.Fatal(err)
	}
	if r.Month != "2026-10" || r.Commit != oct || r.Base == nil || r.Base.Commit != sep {
		t.Fatalf("month report: commit %s base %+v", r.Commit, r.Base)
	}
	if len(r.Commits) != 1 || r.Commits[0].Hash != oct {
		t.Errorf("commits: %+v", r.Commits)
	}
	if !hasChange(r.Changes.Fixed, "PLN-SEC-006", "Deployment/prod-cart") {
		t.Errorf("changes: %+v", r.Changes)
	}
	// The first month of the history has no base: everything failing is new.
	r, err = scan.Run(context.Background(), scan.Options{Repo: repo.Dir, Month: "2026-09", Date: reportDate})
	if err != nil {
		t.Fatal(err)
	}
	if r.Base != nil || r.Changes == nil || len(r.Changes.New) != r.Summary.Failed {
		t.Errorf("first month: base %+v, %d new of %d failed", r.Base, len(r.Changes.New), r.Summary.Failed)
	}
	if _, err := scan.Run(context.Background(), scan.Options{Repo: repo.Dir, Month: "2026-08", Date: reportDate}); err == nil {
		t.Error("month before the first commit: no error")
	}
}

func TestRef(t *testing.T) {
	repo, sep, _, _ := history(t)
	r, err := scan.Run(context.Background(), scan.Options{Repo: repo.Dir, Ref: sep, Date: reportDate})
	if err != nil {
		t.Fatal(err)
	}
	if r.Commit != sep || r.Changes != nil {
		t.Errorf("ref: commit %s changes %+v", r.Commit, r.Changes)
	}
	if _, err := scan.Run(context.Background(), scan.Options{Repo: repo.Dir, Ref: "no-such-branch"}); err == nil || !strings.Contains(err.Error(), "no-such-branch") {
		t.Errorf("unknown ref: %v", err)
	}
}
