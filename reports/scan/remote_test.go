package scan_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/plinth-dev/plinth/internal/testutil/gittest"
	"github.com/plinth-dev/plinth/reports/scan"
)

// A URL is cloned into memory: git http-backend and git daemon on loopback.
func TestRemoteRepository(t *testing.T) {
	base, sep, oct, nov := servedHistory(t)
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

// A private repository over HTTP basic auth: credentials from the
// environment (as publish takes them) or the URL; none shows in the report
// or in errors.
func TestPrivateRemoteRepository(t *testing.T) {
	base, _, _, nov := servedHistory(t)
	srv := gittest.HTTP(t, base, "ci-bot", "tok-5e3c9a7d", gittest.HTTPOptions{})
	url := srv.URL + "/gitops.git"
	withCreds := strings.Replace(url, "http://", "http://ci-bot:tok-5e3c9a7d@", 1)

	for _, tc := range []struct {
		name, repo string
		env        map[string]string
		ok         bool
		want       string // in the error
	}{
		{"no credentials", url, nil, false, "PLINTH_GIT_TOKEN"},
		{"wrong token", url, map[string]string{"PLINTH_GIT_USERNAME": "ci-bot", "PLINTH_GIT_TOKEN": "wrong-7f7f7f"}, false, "authentication"},
		{"token from the environment", url, map[string]string{"PLINTH_GIT_USERNAME": "ci-bot", "PLINTH_GIT_TOKEN": "tok-5e3c9a7d"}, true, ""},
		{"credentials in the URL", withCreds, nil, true, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, k := range []string{"PLINTH_GIT_USERNAME", "PLINTH_GIT_TOKEN", "PLINTH_GIT_PASSWORD"} {
				t.Setenv(k, tc.env[k])
			}
			r, err := scan.Run(context.Background(), scan.Options{Repo: tc.repo, Date: reportDate})
			if !tc.ok {
				if err == nil || !strings.Contains(err.Error(), tc.want) {
					t.Fatalf("error %v, want one saying %q", err, tc.want)
				}
				for _, secret := range []string{"tok-5e3c9a7d", "wrong-7f7f7f"} {
					if strings.Contains(err.Error(), secret) {
						t.Errorf("error shows a credential: %v", err)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if r.Commit != nov || r.Repo != url {
				t.Errorf("commit %s repo %q (want %s, %s)", r.Commit, r.Repo, nov, url)
			}
			var buf bytes.Buffer
			if err := renderAs(t, &buf, r, "json"); err != nil || strings.Contains(buf.String(), "tok-5e3c9a7d") {
				t.Errorf("report shows the token (%v)", err)
			}
		})
	}
}

// servedHistory pushes the three-commit history to base/gitops.git (branch
// main), for a server to serve base; it returns base and the commits.
func servedHistory(t *testing.T) (base, sep, oct, nov string) {
	gittest.Need(t)
	repo, sep, oct, nov := history(t)
	base = t.TempDir()
	bare := gittest.NewBare(t, base, "gitops.git")
	gittest.Git(t, repo.Dir, "push", "-q", bare, "HEAD:refs/heads/main")
	return base, sep, oct, nov
}
