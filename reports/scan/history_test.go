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

// TestIncompleteClones reads the history of a shallow and of a blobless
// partial clone (made with the git CLI from a repository served over
// file://) as completely as the repository itself: the missing commits and
// files are fetched from origin. Without an origin the error says how to
// fetch them with git.
func TestIncompleteClones(t *testing.T) {
	gittest.Need(t)
	repo, sep, oct, _ := history(t)
	origin := t.TempDir()
	gittest.Git(t, origin, "clone", "-q", "--bare", repo.Dir, ".")
	gittest.Git(t, origin, "config", "uploadpack.allowFilter", "true")
	url := "file://" + filepath.ToSlash(origin)
	full, err := scan.Run(context.Background(), scan.Options{Repo: repo.Dir, Month: "2026-10", Date: reportDate})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		clone []string
		hint  string
	}{
		{"shallow", []string{"--depth", "1"}, "git fetch --unshallow"},
		{"partial", []string{"--filter=blob:none"}, "git fetch --refetch"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			gittest.Git(t, dir, append(append([]string{"clone", "-q", "--no-local"}, tc.clone...), url, ".")...)
			before := gittest.Git(t, dir, "count-objects", "-v")
			for _, opts := range []scan.Options{
				{Repo: dir, Month: "2026-10", Date: reportDate},
				{Repo: dir, Since: sep, Date: reportDate},
				{Repo: dir, Since: "2026-10-01", Date: reportDate},
			} {
				r, err := scan.Run(context.Background(), opts)
				if err != nil {
					t.Fatalf("%+v: %v", opts, err)
				}
				if r.Base == nil || r.Base.Commit != sep || r.Base.Summary.Failed != full.Base.Summary.Failed {
					t.Fatalf("%+v: base %+v, want %s failing %d", opts, r.Base, sep, full.Base.Summary.Failed)
				}
				if !hasChange(r.Changes.Fixed, "PLN-SEC-006", "Deployment/prod-cart") || len(r.Commits) == 0 {
					t.Errorf("%+v: changes %+v, commits %+v", opts, r.Changes, r.Commits)
				}
			}
			r, err := scan.Run(context.Background(), scan.Options{Repo: dir, Ref: oct, Date: reportDate})
			if err != nil || r.Commit != oct || r.Summary.Failed != full.Summary.Failed {
				t.Fatalf("--ref %s: %v", oct, err)
			}
			if after := gittest.Git(t, dir, "count-objects", "-v"); after != before {
				t.Errorf("the clone changed:\n%s\n->\n%s", before, after)
			}
			gittest.Git(t, dir, "remote", "remove", "origin")
			_, err = scan.Run(context.Background(), scan.Options{Repo: dir, Month: "2026-10", Date: reportDate})
			if err == nil || !strings.Contains(err.Error(), tc.name+" clone") || !strings.Contains(err.Error(), tc.hint) {
				t.Fatalf("without origin: %v, want it to say %q", err, tc.hint)
			}
		})
	}
}

// TestMonthWithoutCommits refuses to compare a state with itself.
func TestMonthWithoutCommits(t *testing.T) {
	repo := gittest.New(t)
	repo.CopyDir(repoDir("flux"))
	first := repo.Commit("initial platform", gittest.Date(2026, 9, 20))
	repo.Write("README.md", []byte("# gitops\n"))
	repo.Commit("readme", gittest.Date(2026, 11, 5))
	_, err := scan.Run(context.Background(), scan.Options{Repo: repo.Dir, Month: "2026-10", Date: reportDate})
	if err == nil || !strings.Contains(err.Error(), "no commit of HEAD in 2026-10") || !strings.Contains(err.Error(), "--ref "+first[:12]) {
		t.Fatalf("month without commits: %v", err)
	}
}
