// Package gittest starts real git servers on loopback for tests: git daemon
// (one --inetd process per connection, so no port races), git http-backend
// behind net/http/cgi with basic auth, and bare repositories, plus helpers
// that drive the git CLI as another client would.
package gittest

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

// Need skips when the git CLI is missing, except in CI where it must be there.
func Need(t testing.TB) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("git is required in CI: %v", err)
		}
		t.Skipf("git CLI not installed (apt-get install git): %v", err)
	}
}

// Env isolates the git CLI from the user's configuration.
func Env(home string) []string {
	return append(os.Environ(),
		"HOME="+home, "XDG_CONFIG_HOME="+home, "GIT_CONFIG_NOSYSTEM=1",
		"GIT_AUTHOR_NAME=Other Person", "GIT_AUTHOR_EMAIL=other@example.com",
		"GIT_COMMITTER_NAME=Other Person", "GIT_COMMITTER_EMAIL=other@example.com",
		"GIT_TERMINAL_PROMPT=0",
	)
}

// Git runs the git CLI in dir and returns its trimmed standard output.
func Git(t testing.TB, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = Env(t.TempDir())
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("git %s (in %s): %v\n%s", strings.Join(args, " "), dir, err, stderr.String())
	}
	return strings.TrimSpace(stdout.String())
}

// NewBare creates an empty bare repository named name under base.
func NewBare(t testing.TB, base, name string) string {
	t.Helper()
	dir := filepath.Join(base, name)
	Git(t, base, "init", "-q", "--bare", "-b", "main", dir)
	Git(t, dir, "config", "http.receivepack", "true")
	return dir
}

// Daemon serves the repositories under base with git daemon and returns
// the git:// URL prefix.
func Daemon(t testing.TB, base string) string {
	t.Helper()
	Need(t)
	home := t.TempDir()
	addr := ServeLoopback(t, func(conn net.Conn) {
		cmd := exec.Command("git", "daemon", "--inetd", "--export-all", "--enable=receive-pack",
			"--informative-errors", "--base-path="+base, base)
		cmd.Env = Env(home)
		cmd.Stdin, cmd.Stdout = conn, conn
		_ = cmd.Run()
	})
	return "git://" + addr
}

// ServeLoopback accepts connections on a free 127.0.0.1 port and hands each
// to serve (which need not close it) until the test ends.
func ServeLoopback(t testing.TB, serve func(net.Conn)) string {
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

// HTTPOptions configure HTTP.
type HTTPOptions struct {
	AnonymousRead bool // clone and fetch without credentials; push needs them
	TLS           bool // https with a self-signed certificate
}

// HTTP serves the repositories under base through git
// http-backend behind net/http/cgi with basic auth.
func HTTP(t testing.TB, base, user, pass string, o HTTPOptions) *httptest.Server {
	t.Helper()
	Need(t)
	backend := filepath.Join(Git(t, base, "--exec-path"), "git-http-backend")
	cgiHandler := &cgi.Handler{
		Path: backend,
		Env:  []string{"GIT_PROJECT_ROOT=" + base, "GIT_HTTP_EXPORT_ALL=1", "REMOTE_USER=" + user, "HOME=" + t.TempDir()},
	}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		push := strings.HasSuffix(r.URL.Path, "/git-receive-pack") || r.URL.Query().Get("service") == "git-receive-pack"
		u, p, ok := r.BasicAuth()
		authed := ok && subtle.ConstantTimeCompare([]byte(u), []byte(user)) == 1 && subtle.ConstantTimeCompare([]byte(p), []byte(pass)) == 1
		if !authed && (push || !o.AnonymousRead) {
			w.Header().Set("WWW-Authenticate", `Basic realm="git"`)
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		cgiHandler.ServeHTTP(w, r)
	})
	srv := httptest.NewUnstartedServer(h)
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // handshakes the tests fail on purpose
	if o.TLS {
		srv.StartTLS()
	} else {
		srv.Start()
	}
	t.Cleanup(srv.Close)
	return srv
}

// PushFile commits a file to the branch of repo with the git CLI, as another
// client would.
func PushFile(t testing.TB, repo, branch, name, content string) {
	t.Helper()
	work := t.TempDir()
	if Git(t, repo, "for-each-ref", "refs/heads/"+branch) == "" {
		Git(t, work, "init", "-q", "-b", branch, ".")
		Git(t, work, "remote", "add", "origin", repo)
	} else {
		Git(t, work, "clone", "-q", "--branch", branch, repo, ".")
	}
	full := filepath.Join(work, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	Git(t, work, "add", "-A")
	Git(t, work, "commit", "-q", "-m", "hand edit of "+name)
	Git(t, work, "push", "-q", "origin", "HEAD:refs/heads/"+branch)
}

// Fsck checks the repository with git fsck --strict.
func Fsck(t testing.TB, repo string) {
	t.Helper()
	Git(t, repo, "fsck", "--strict", "--no-progress")
}
