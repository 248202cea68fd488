package main

import (
	"bytes"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/plinth-dev/plinth/internal/gitauth"
	"github.com/plinth-dev/plinth/internal/testutil/gittest"
	"github.com/plinth-dev/plinth/schemas"
)

// pubGit runs the git CLI in dir (skipped without git, except in CI).
func pubGit(t *testing.T, dir string, args ...string) string {
	t.Helper()
	gittest.Need(t)
	return gittest.Git(t, dir, args...)
}

func runPlinth(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

// pubSetup writes the example platform and an empty bare repository into a
// temporary directory.
func pubSetup(t *testing.T) (base, platform, bare string) {
	t.Helper()
	base = t.TempDir()
	platform = filepath.Join(base, "platform")
	if err := schemas.WriteExample(platform); err != nil {
		t.Fatal(err)
	}
	bare = filepath.Join(base, "gitops.git")
	pubGit(t, base, "init", "-q", "--bare", "-b", "main", bare)
	return base, platform, bare
}

func TestPublishAndDiffCommands(t *testing.T) {
	base, platform, bare := pubSetup(t)
	t.Setenv("GIT_AUTHOR_NAME", "")
	t.Setenv("GIT_AUTHOR_EMAIL", "")

	// Diff against an empty repository: everything is new.
	code, stdout, stderr := runPlinth(t, "diff", platform, "--repo", bare, "--exit-code")
	if code != exitFailure || !strings.Contains(stdout, "+++ b/clusters/") || !strings.Contains(stderr, "added, 0 changed, 0 removed") {
		t.Fatalf("diff on empty repo: exit %d\nstderr: %s", code, stderr)
	}
	if strings.Contains(stdout, "\x1b[") {
		t.Error("diff to a non-terminal is coloured")
	}

	code, stdout, stderr = runPlinth(t, "publish", platform, "--repo", bare, "--author", "CI Bot <ci@example.com>")
	if code != exitOK || !strings.Contains(stdout, "committed") {
		t.Fatalf("publish: exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
	if got := pubGit(t, bare, "log", "-1", "--format=%an|%s", "main"); !strings.HasPrefix(got, "CI Bot|plinth: publish dronedelivery (") {
		t.Errorf("commit: %q", got)
	}
	pubGit(t, bare, "fsck", "--strict", "--no-progress")

	code, stdout, _ = runPlinth(t, "publish", platform, "--repo", bare)
	if code != exitOK || !strings.Contains(stdout, "up to date") {
		t.Fatalf("second publish: exit %d: %s", code, stdout)
	}
	code, stdout, stderr = runPlinth(t, "diff", platform, "--repo", bare, "--exit-code")
	if code != exitOK || stdout != "" || !strings.Contains(stderr, "up to date") {
		t.Fatalf("diff when up to date: exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}

	// A hand edit of a generated file (drift) shows in the diff and a dry run
	// changes nothing.
	work := filepath.Join(base, "work")
	pubGit(t, base, "clone", "-q", bare, work)
	files := strings.Split(pubGit(t, work, "ls-files", "clusters"), "\n")
	edited := files[0]
	if err := os.WriteFile(filepath.Join(work, edited), []byte("# edited by hand\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	pubGit(t, work, "commit", "-q", "-am", "hand edit")
	pubGit(t, work, "push", "-q", "origin", "main")
	code, stdout, _ = runPlinth(t, "diff", platform, "--repo", bare, "--exit-code")
	if code != exitFailure || !strings.Contains(stdout, "--- a/"+edited) || !strings.Contains(stdout, "-# edited by hand") {
		t.Fatalf("drift diff: exit %d\n%s", code, stdout)
	}
	code, stdout, _ = runPlinth(t, "diff", platform, "--repo", bare)
	if code != exitOK {
		t.Fatalf("diff without --exit-code: exit %d", code)
	}
	head := pubGit(t, bare, "rev-parse", "main")
	code, stdout, _ = runPlinth(t, "publish", platform, "--repo", bare, "--dry-run")
	if code != exitOK || !strings.Contains(stdout, "-# edited by hand") || pubGit(t, bare, "rev-parse", "main") != head {
		t.Fatalf("dry run: exit %d\n%s", code, stdout)
	}
	// A pull-request flow: the fix goes to a new branch started from main.
	code, stdout, _ = runPlinth(t, "diff", platform, "--repo", bare, "--branch", "plinth/restore", "--base", "main", "--exit-code")
	if code != exitFailure || !strings.Contains(stdout, "-# edited by hand") {
		t.Fatalf("diff of a new branch against its base: exit %d\n%s", code, stdout)
	}
	code, stdout, stderr = runPlinth(t, "publish", platform, "--repo", bare, "--branch", "plinth/restore", "--base", "main")
	if code != exitOK || !strings.Contains(stdout, "plinth/restore: created from main with commit") {
		t.Fatalf("publish to a new branch: exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
	if strings.Contains(stderr, "warning") {
		t.Errorf("a pull-request branch into gitops.branch is not worth a warning: %s", stderr)
	}
	if pubGit(t, bare, "rev-parse", "plinth/restore^") != head || pubGit(t, bare, "rev-parse", "main") != head {
		t.Fatal("the new branch does not start at main's head, or main moved")
	}
	code, stdout, _ = runPlinth(t, "publish", platform, "--repo", bare, "--branch", "plinth/restore", "--base", "main")
	if code != exitOK || !strings.Contains(stdout, "up to date") {
		t.Fatalf("publish to the existing branch: exit %d: %s", code, stdout)
	}

	code, _, _ = runPlinth(t, "publish", platform, "--repo", bare, "-m", "restore generated files")
	if code != exitOK || pubGit(t, bare, "log", "-1", "--format=%s", "main") != "restore generated files" {
		t.Fatalf("publish after drift: exit %d", code)
	}
	code, stdout, _ = runPlinth(t, "publish", platform, "--repo", bare, "--branch", "plinth/other", "--base", "main")
	if code != exitOK || !strings.Contains(stdout, "nothing differs from main, branch not created") {
		t.Fatalf("publish of nothing new to a new branch: exit %d: %s", code, stdout)
	}
}

func TestPublishCommandErrors(t *testing.T) {
	base, platform, bare := pubSetup(t)
	other := filepath.Join(base, "other.git")
	pubGit(t, base, "init", "-q", "--bare", "-b", "main", other)
	w := filepath.Join(base, "w")
	pubGit(t, base, "init", "-q", "-b", "develop", w)
	if err := os.WriteFile(filepath.Join(w, "a.txt"), []byte("a\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	pubGit(t, w, "add", "a.txt")
	pubGit(t, w, "commit", "-q", "-m", "a")
	pubGit(t, w, "push", "-q", other, "develop")
	invalid := filepath.Join(base, "invalid")
	if err := os.MkdirAll(invalid, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(invalid, "p.cue"), []byte("package platform\nplatform: name: 3\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no repo", []string{"publish", platform}, exitUsage, "--repo is required"},
		{"bad author", []string{"publish", platform, "--repo", bare, "--author", "nobody"}, exitUsage, "--author"},
		{"bad engine", []string{"diff", platform, "--repo", bare, "--engine", "spinnaker"}, exitUsage, "--engine"},
		{"bad path", []string{"publish", platform, "--repo", bare, "--path", "../up"}, exitUsage, "--path"},
		{"no platform", []string{"publish", filepath.Join(base, "none"), "--repo", bare}, exitUsage, "not a platform directory"},
		{"invalid platform", []string{"publish", invalid, "--repo", bare}, exitFailure, "invalid platform"},
		{"missing repo", []string{"publish", platform, "--repo", filepath.Join(base, "nope.git")}, exitFailure, "nope.git"},
		{"missing branch", []string{"publish", platform, "--repo", other}, exitFailure, `has no branch "main" (it has develop; --base BRANCH`},
		{"missing base", []string{"publish", platform, "--repo", other, "--branch", "x", "--base", "main"}, exitFailure, `nor its base "main"`},
		{"empty base", []string{"publish", platform, "--repo", other, "--base", ""}, exitUsage, "--base must not be empty"},
		{"bad branch", []string{"publish", platform, "--repo", bare, "--branch", "a..b"}, exitUsage, `--branch "a..b" is not a valid branch name`},
		{"bad base", []string{"diff", platform, "--repo", bare, "--branch", "x", "--base", "main@{1}"}, exitUsage, "--base"},
		{"bad flavor", []string{"diff", platform, "--repo", bare, "--flavor", "jsonnet"}, exitUsage, `unknown --flavor "jsonnet": use kustomize or helm`},
		{"git path", []string{"publish", platform, "--repo", bare, "--path", "a/.git"}, exitUsage, "--path"},
		{"unreachable", []string{"publish", platform, "--repo", "git://127.0.0.1:1/x.git"}, exitFailure, "unreachable"},
		{"branch HEAD", []string{"publish", platform, "--repo", bare, "--branch", "HEAD"}, exitUsage, `--branch "HEAD" is not a valid branch name`},
		{"branch naming a tag", []string{"diff", platform, "--repo", bare, "--branch", "refs/tags/v1"}, exitUsage, "outside refs/heads/"},
		{"zero timeout", []string{"publish", platform, "--repo", bare, "--timeout", "0s"}, exitUsage, "--timeout 0s"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runPlinth(t, tc.args...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d\n%s", code, tc.code, stderr)
			}
			if !strings.Contains(stderr, "Error: ") || !strings.Contains(stderr, tc.want) {
				t.Errorf("stderr %q lacks %q", stderr, tc.want)
			}
			if refs := pubGit(t, bare, "for-each-ref"); refs != "" {
				t.Errorf("repository changed: %s", refs)
			}
			if refs := pubGit(t, other, "for-each-ref", "--format=%(refname)"); refs != "refs/heads/develop" {
				t.Errorf("other repository changed: %s", refs)
			}
		})
	}
}

// TestPublishCommandKeepsCredentialsOut publishes over smart HTTP with the
// token in PLINTH_GIT_TOKEN and debug logging on, then fails with a wrong
// token and with credentials in the URL: the secrets never show.
func TestPublishCommandKeepsCredentialsOut(t *testing.T) {
	base, platform, _ := pubSetup(t)
	srv := gittest.HTTP(t, base, "ci-bot", "tok-5ecret-77", gittest.HTTPOptions{})
	url := srv.URL + "/gitops.git"
	t.Setenv("PLINTH_GIT_USERNAME", "ci-bot")
	t.Setenv("PLINTH_GIT_TOKEN", "tok-5ecret-77")
	code, stdout, stderr := runPlinth(t, "-v", "publish", platform, "--repo", url)
	if code != exitOK || !strings.Contains(stdout, "committed") {
		t.Fatalf("publish over http: exit %d\n%s\n%s", code, stdout, stderr)
	}
	if !strings.Contains(stderr, "level=DEBUG") {
		t.Errorf("-v logged nothing: %q", stderr)
	}
	out := stdout + stderr
	t.Setenv("PLINTH_GIT_TOKEN", "tok-wr0ng-99")
	code, stdout, stderr = runPlinth(t, "-v", "diff", platform, "--repo", url)
	if code != exitFailure || !strings.Contains(stderr, "authentication failed") {
		t.Fatalf("wrong token: exit %d\n%s", code, stderr)
	}
	out += stdout + stderr
	t.Setenv("PLINTH_GIT_TOKEN", "")
	t.Setenv("PLINTH_GIT_USERNAME", "")
	code, stdout, stderr = runPlinth(t, "-v", "publish", platform, "--repo", strings.Replace(url, "http://", "http://ci-bot:pw-in-url-31@", 1), "--path", "x")
	if code != exitFailure {
		t.Fatalf("wrong password in URL: exit %d\n%s", code, stderr)
	}
	out += stdout + stderr
	for _, secret := range []string{"tok-5ecret-77", "tok-wr0ng-99", "pw-in-url-31"} {
		if strings.Contains(out, secret) {
			t.Errorf("output shows %s:\n%s", secret, out)
		}
	}
}

// TestGitTimeoutFlag runs publish, diff and report against a server that
// accepts connections and never answers: each gives up at --timeout, or at
// PLINTH_GIT_TIMEOUT, naming the address.
func TestGitTimeoutFlag(t *testing.T) {
	_, platform, _ := pubSetup(t)
	stop := make(chan struct{})
	addr := gittest.ServeLoopback(t, func(net.Conn) { <-stop })
	t.Cleanup(func() { close(stop) })
	url := "git://" + addr + "/gitops.git"
	for _, tc := range []struct {
		name string
		env  string
		args []string
		want string
	}{
		{"publish", "", []string{"publish", platform, "--repo", url, "--timeout", "300ms"}, "cannot read " + url + ": timed out: no answer within 300ms"},
		{"diff", "", []string{"diff", platform, "--repo", "http://" + addr + "/gitops.git", "--timeout", "300ms"}, "no answer within 300ms"},
		{"report", "", []string{"report", "--repo", url, "--timeout", "300ms"}, "clone " + url + ": timed out: no answer within 300ms"},
		{"report from the environment", "250ms", []string{"report", "--repo", url}, "no answer within 250ms"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv(gitauth.EnvTimeout, tc.env)
			code, _, stderr := runPlinth(t, tc.args...)
			if code != exitFailure || !strings.Contains(stderr, tc.want) {
				t.Fatalf("exit %d, want %d and %q in:\n%s", code, exitFailure, tc.want, stderr)
			}
		})
	}
}
