package publish

import (
	"bytes"
	"crypto/subtle"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/cgi"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// Real git servers on loopback, started by the tests: git daemon (one
// --inetd process per connection, so no port races) and git http-backend
// behind net/http/cgi with basic auth.

// needGit skips when the git CLI is missing, except in CI where it must be there.
func needGit(t testing.TB) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("git is required in CI: %v", err)
		}
		t.Skipf("git CLI not installed (apt-get install git): %v", err)
	}
}

// gitEnv isolates the git CLI from the user's configuration.
func gitEnv(home string) []string {
	return append(os.Environ(),
		"HOME="+home, "XDG_CONFIG_HOME="+home, "GIT_CONFIG_NOSYSTEM=1",
		"GIT_AUTHOR_NAME=Other Person", "GIT_AUTHOR_EMAIL=other@example.com",
		"GIT_COMMITTER_NAME=Other Person", "GIT_COMMITTER_EMAIL=other@example.com",
		"GIT_TERMINAL_PROMPT=0",
	)
}

// git runs the git CLI in dir and returns its trimmed standard output.
func git(t testing.TB, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = gitEnv(t.TempDir())
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("git %s (in %s): %v\n%s", strings.Join(args, " "), dir, err, stderr.String())
	}
	return strings.TrimSpace(stdout.String())
}

// newBare creates an empty bare repository named name under base.
func newBare(t testing.TB, base, name string) string {
	t.Helper()
	dir := filepath.Join(base, name)
	git(t, base, "init", "-q", "--bare", "-b", "main", dir)
	git(t, dir, "config", "http.receivepack", "true")
	return dir
}

// startDaemon serves the repositories under base with git daemon and returns
// the git:// URL prefix.
func startDaemon(t testing.TB, base string) string {
	t.Helper()
	needGit(t)
	home := t.TempDir()
	addr := serveLoopback(t, func(conn net.Conn) {
		cmd := exec.Command("git", "daemon", "--inetd", "--export-all", "--enable=receive-pack",
			"--informative-errors", "--base-path="+base, base)
		cmd.Env = gitEnv(home)
		cmd.Stdin, cmd.Stdout = conn, conn
		_ = cmd.Run()
	})
	return "git://" + addr
}

// serveLoopback accepts connections on a free 127.0.0.1 port and hands each
// to serve (which need not close it) until the test ends.
func serveLoopback(t testing.TB, serve func(net.Conn)) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	t.Cleanup(func() { ln.Close(); wg.Wait() })
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer conn.Close()
				serve(conn)
			}()
		}
	}()
	return ln.Addr().String()
}

// startHTTP serves the repositories under base over smart HTTP, requiring
// basic auth user:pass, and returns the http:// URL prefix.
func startHTTP(t testing.TB, base, user, pass string) string {
	return startHTTPServer(t, base, user, pass, httpOpts{}).URL
}

type httpOpts struct {
	anonymousRead bool // clone and fetch without credentials; push needs them
	tls           bool // https with a self-signed certificate
}

// startHTTPServer serves the repositories under base through git
// http-backend behind net/http/cgi with basic auth.
func startHTTPServer(t testing.TB, base, user, pass string, o httpOpts) *httptest.Server {
	t.Helper()
	needGit(t)
	backend := filepath.Join(git(t, base, "--exec-path"), "git-http-backend")
	cgiHandler := &cgi.Handler{
		Path: backend,
		Env:  []string{"GIT_PROJECT_ROOT=" + base, "GIT_HTTP_EXPORT_ALL=1", "REMOTE_USER=" + user, "HOME=" + t.TempDir()},
	}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		push := strings.HasSuffix(r.URL.Path, "/git-receive-pack") || r.URL.Query().Get("service") == "git-receive-pack"
		u, p, ok := r.BasicAuth()
		authed := ok && subtle.ConstantTimeCompare([]byte(u), []byte(user)) == 1 && subtle.ConstantTimeCompare([]byte(p), []byte(pass)) == 1
		if !authed && (push || !o.anonymousRead) {
			w.Header().Set("WWW-Authenticate", `Basic realm="git"`)
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		cgiHandler.ServeHTTP(w, r)
	})
	srv := httptest.NewUnstartedServer(h)
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // handshakes the tests fail on purpose
	if o.tls {
		srv.StartTLS()
	} else {
		srv.Start()
	}
	t.Cleanup(srv.Close)
	return srv
}

// pushFile commits a file to the branch of repo with the git CLI, as another
// client would.
func pushFile(t testing.TB, repo, branch, name, content string) {
	t.Helper()
	work := t.TempDir()
	if git(t, repo, "for-each-ref", "refs/heads/"+branch) == "" {
		git(t, work, "init", "-q", "-b", branch, ".")
		git(t, work, "remote", "add", "origin", repo)
	} else {
		git(t, work, "clone", "-q", "--branch", branch, repo, ".")
	}
	full := filepath.Join(work, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	git(t, work, "add", "-A")
	git(t, work, "commit", "-q", "-m", "hand edit of "+name)
	git(t, work, "push", "-q", "origin", "HEAD:refs/heads/"+branch)
}

// fsck checks the repository with git fsck --strict.
func fsck(t testing.TB, repo string) {
	t.Helper()
	git(t, repo, "fsck", "--strict", "--no-progress")
}
