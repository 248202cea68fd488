package publish

import (
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh/knownhosts"

	"github.com/plinth-dev/plinth/internal/gitauth"
)

// silentServer accepts connections on loopback and never answers, until
// the test ends; it returns the host:port.
func silentServer(t *testing.T) string {
	t.Helper()
	stop := make(chan struct{})
	addr := serveLoopback(t, func(net.Conn) { <-stop })
	t.Cleanup(func() { close(stop) }) // runs before serveLoopback's cleanup waits
	return addr
}

// TestPublishTimesOut publishes to servers that accept the connection and
// never answer: every protocol gives up at the configured bound with an
// error naming the address, and the plan (diff) too.
func TestPublishTimesOut(t *testing.T) {
	addr := silentServer(t)
	keys := t.TempDir()
	key, pub := writeKey(t, keys, "id_plinth", "")
	known := filepath.Join(keys, "known_hosts") // any host: the handshake never gets that far
	if err := os.WriteFile(known, []byte(knownhosts.Line([]string{"example.com"}, pub)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("SSH_AUTH_SOCK", "")
	t.Setenv("SSH_KNOWN_HOSTS", known)
	for _, tc := range []struct{ name, url string }{
		{"git daemon", "git://" + addr + "/gitops.git"},
		{"smart http", "http://" + addr + "/gitops.git"},
		{"ssh", "ssh://git@" + addr + "/gitops.git"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, plan := range []bool{false, true} {
				opts := testOpts(tc.url, map[string]string{EnvSSHKey: key, EnvToken: "tok-5e1d0a77"})
				opts.Timeout = 200 * time.Millisecond
				start := time.Now()
				var err error
				if plan {
					_, err = Plan(context.Background(), output(baseFiles), opts)
				} else {
					_, err = Publish(context.Background(), output(baseFiles), opts)
				}
				checkFailure(t, err, ErrUnreachable, "cannot read "+tc.url+": timed out: no answer within 200ms", "tok-5e1d0a77")
				if !strings.Contains(err.Error(), gitauth.EnvTimeout) {
					t.Errorf("error %q does not say how to raise the bound", err)
				}
				if d := time.Since(start); d > 30*time.Second {
					t.Errorf("returned after %s", d)
				}
			}
		})
	}
}

// TestPublishTimeoutFromEnvironment takes the bound from PLINTH_GIT_TIMEOUT
// and refuses a malformed one before any connection.
func TestPublishTimeoutFromEnvironment(t *testing.T) {
	url := "git://" + silentServer(t) + "/gitops.git"
	_, err := Publish(context.Background(), output(baseFiles), testOpts(url, map[string]string{gitauth.EnvTimeout: "150ms"}))
	checkFailure(t, err, ErrUnreachable, "no answer within 150ms")
	_, err = Publish(context.Background(), output(baseFiles), testOpts(url, map[string]string{gitauth.EnvTimeout: "soon"}))
	checkFailure(t, err, nil, gitauth.EnvTimeout+` "soon": want a positive duration`)
}

// TestPublishShowsHookMessages pushes to repositories whose pre-receive
// hook refuses with a message: the error carries the "remote:" lines,
// over git daemon and smart HTTP, and the branch is unchanged.
func TestPublishShowsHookMessages(t *testing.T) {
	needGit(t)
	base := t.TempDir()
	bare := newBare(t, base, "gitops.git")
	pushFile(t, bare, "main", "README.md", "hello\n")
	hook := "#!/bin/sh\necho 'policy: main is frozen until Monday' >&2\nprintf 'ask \\033[31m#platform\\033[0m\\n'\nexit 1\n"
	if err := os.WriteFile(filepath.Join(bare, "hooks", "pre-receive"), []byte(hook), 0o755); err != nil {
		t.Fatal(err)
	}
	before := git(t, bare, "rev-parse", "main")
	for _, tc := range []struct {
		name string
		url  string
		env  map[string]string
	}{
		{"git daemon", startDaemon(t, base) + "/gitops.git", nil},
		{"smart http", startHTTP(t, base, "ci-bot", "tok-77aa01") + "/gitops.git", map[string]string{EnvToken: "tok-77aa01", EnvUsername: "ci-bot"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Publish(context.Background(), output(baseFiles), testOpts(tc.url, tc.env))
			checkFailure(t, err, nil, "pre-receive hook declined; remote: policy: main is frozen until Monday; remote: ask [31m#platform[0m", "tok-77aa01")
			if strings.Contains(err.Error(), "\x1b") {
				t.Errorf("error passes escape characters through: %q", err)
			}
			if errors.Is(err, ErrMoved) {
				t.Errorf("a refused push is not a moved branch: %v", err)
			}
			if got := git(t, bare, "rev-parse", "main"); got != before {
				t.Fatalf("main moved to %s", got)
			}
		})
	}
}
