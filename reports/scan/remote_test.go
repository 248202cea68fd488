package scan_test

import (
	"context"
	"testing"

	"github.com/plinth-dev/plinth/generator/publish/gittest"
	"github.com/plinth-dev/plinth/reports/scan"
)

// A URL is cloned into memory: git http-backend and git daemon on loopback.
func TestRemoteRepository(t *testing.T) {
	gittest.Need(t)
	repo, sep, oct, nov := history(t)
	base := t.TempDir()
	bare := gittest.NewBare(t, base, "gitops.git")
	gittest.Git(t, repo.Dir, "push", "-q", bare, "HEAD:refs/heads/main")

	srv := gittest.HTTP(t, base, "", "", gittest.HTTPOptions{AnonymousRead: true})
	daemon := gittest.Daemon(t, base)
	for name, url := range map[string]string{"http": srv.URL + "/gitops.git", "daemon": daemon + "/gitops.git"} {
		t.Run(name, func(t *testing.T) {
			r, err := scan.Run(context.Background(), scan.Options{Repo: url, Ref: "main", Month: "2026-10", Date: reportDate})
			if err != nil {
				t.Fatal(err)
			}
			if r.Commit != oct || r.Base == nil || r.Base.Commit != sep || r.Repo != url {
				t.Errorf("commit %s base %+v repo %s", r.Commit, r.Base, r.Repo)
			}
			if !hasChange(r.Changes.Fixed, "PLN-SEC-006", "Deployment/prod-cart") {
				t.Errorf("changes: %+v", r.Changes)
			}
			r, err = scan.Run(context.Background(), scan.Options{Repo: url, Date: reportDate})
			if err != nil || r.Commit != nov {
				t.Errorf("HEAD of the clone: %v %v", r, err)
			}
		})
	}
	if _, err := scan.Run(context.Background(), scan.Options{Repo: srv.URL + "/missing.git"}); err == nil {
		t.Error("missing remote repository: no error")
	}
}
