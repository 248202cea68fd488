package publish

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/plinth-dev/plinth/generator"
	"github.com/plinth-dev/plinth/internal/gitops/repo"
	"github.com/plinth-dev/plinth/internal/testutil/gittest"
)

// output builds a generated tree with its ownership manifest.
func output(files map[string]string) *generator.Output {
	o := &generator.Output{Files: map[string][]byte{}}
	m := repo.Manifest{Generator: "plinth"}
	for p, c := range files {
		o.Files[p] = []byte(c)
		sum := sha256.Sum256([]byte(c))
		m.Files = append(m.Files, repo.ManifestFile{Path: p, SHA256: hex.EncodeToString(sum[:])})
	}
	sort.Slice(m.Files, func(i, j int) bool { return m.Files[i].Path < m.Files[j].Path })
	data, _ := json.MarshalIndent(m, "", "  ")
	o.Files[repo.ManifestPath] = append(data, '\n')
	return o
}

var baseFiles = map[string]string{
	"clusters/aks1/flux-system/apps.yaml": "kind: Kustomization\nname: apps\n",
	"apps/dev/team-a/svc1.yaml":           "kind: Deployment\nname: svc1\nreplicas: 1\n",
	"apps/dev/team-a/svc2.yaml":           "kind: Deployment\nname: svc2\n",
	"apps/prod/team-a/svc1.yaml":          "kind: Deployment\nname: svc1\nreplicas: 3\n",
}

func with(base map[string]string, set map[string]string, del ...string) map[string]string {
	out := map[string]string{}
	for k, v := range base {
		out[k] = v
	}
	for k, v := range set {
		out[k] = v
	}
	for _, k := range del {
		delete(out, k)
	}
	return out
}

func testOpts(repo string, env map[string]string) Options {
	return Options{
		Repo:    repo,
		Title:   "test platform",
		Version: "v0.0.0-test",
		Author:  "plinth test <plinth@example.com>",
		Getenv:  func(k string) string { return env[k] },
		Group: func(p string) string {
			if strings.HasPrefix(p, "clusters/") {
				return strings.Split(p, "/")[1]
			}
			if strings.HasPrefix(p, "apps/dev/") || strings.HasPrefix(p, "apps/prod/") {
				return "aks1"
			}
			return ""
		},
		Now: func() time.Time { return time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC) },
	}
}

type target struct {
	url  string            // what --repo gets
	bare string            // the bare repository on disk, for the git CLI
	env  map[string]string // credentials
}

// transports returns one fresh target per way of reaching a repository.
func transports(t *testing.T) map[string]func(t *testing.T) target {
	return map[string]func(t *testing.T) target{
		"path": func(t *testing.T) target {
			bare := newBare(t, t.TempDir(), "gitops.git")
			return target{url: bare, bare: bare}
		},
		"file": func(t *testing.T) target {
			bare := newBare(t, t.TempDir(), "gitops.git")
			return target{url: "file://" + filepath.ToSlash(bare), bare: bare}
		},
		"git-daemon": func(t *testing.T) target {
			base := t.TempDir()
			bare := newBare(t, base, "gitops.git")
			return target{url: startDaemon(t, base) + "/gitops.git", bare: bare}
		},
		"http-backend": func(t *testing.T) target {
			base := t.TempDir()
			bare := newBare(t, base, "gitops.git")
			url := startHTTP(t, base, "ci-bot", "tok-8f3a9c1e")
			return target{url: url + "/gitops.git", bare: bare,
				env: map[string]string{EnvUsername: "ci-bot", EnvToken: "tok-8f3a9c1e"}}
		},
	}
}

func TestPublishLifecycle(t *testing.T) {
	needGit(t)
	for name, mk := range transports(t) {
		t.Run(name, func(t *testing.T) {
			tg := mk(t)
			ctx := context.Background()
			opts := testOpts(tg.url, tg.env)

			// First publish into an empty repository creates the branch.
			res, err := Publish(ctx, output(baseFiles), opts)
			if err != nil {
				t.Fatalf("first publish: %v", err)
			}
			if res.Commit == "" || res.Base != "" || len(res.Changes) != len(baseFiles)+1 {
				t.Fatalf("first publish: commit %q base %q, %d changes", res.Commit, res.Base, len(res.Changes))
			}
			if got := git(t, tg.bare, "rev-parse", "main"); got != res.Commit {
				t.Fatalf("main = %s, want %s", got, res.Commit)
			}
			wantTree := "apps/dev/team-a/svc1.yaml\napps/dev/team-a/svc2.yaml\napps/prod/team-a/svc1.yaml\n" +
				"clusters/aks1/flux-system/apps.yaml\n.plinth/manifest.json"
			if got := sortedLines(git(t, tg.bare, "ls-tree", "-r", "--name-only", "main")); got != sortedLines(wantTree) {
				t.Fatalf("tree:\n%s\nwant:\n%s", got, sortedLines(wantTree))
			}
			msg := git(t, tg.bare, "log", "-1", "--format=%B", "main")
			for _, want := range []string{"plinth: publish test platform (5 added, 0 changed, 0 removed)",
				"cluster aks1: 4 added", "  added   apps/dev/team-a/svc1.yaml", "other files: 1 added", "Plinth-Version: v0.0.0-test"} {
				if !strings.Contains(msg, want) {
					t.Errorf("commit message lacks %q:\n%s", want, msg)
				}
			}
			if got := git(t, tg.bare, "log", "-1", "--format=%an <%ae>", "main"); got != "plinth test <plinth@example.com>" {
				t.Errorf("author %q", got)
			}
			fsck(t, tg.bare)

			// Same output again: nothing to commit.
			res, err = Publish(ctx, output(baseFiles), opts)
			if err != nil {
				t.Fatalf("no-op publish: %v", err)
			}
			if res.Commit != "" || len(res.Changes) != 0 || res.Attempts != 0 {
				t.Fatalf("no-op publish committed %q with %d changes", res.Commit, len(res.Changes))
			}
			if n := git(t, tg.bare, "rev-list", "--count", "main"); n != "1" {
				t.Fatalf("no-op publish: %s commits", n)
			}

			// Someone adds a hand-written file and edits a generated one by hand.
			pushFile(t, tg.bare, "main", "README.md", "hand-written\n")
			pushFile(t, tg.bare, "main", "apps/dev/team-a/svc1.yaml", "kind: Deployment\nname: svc1\nreplicas: 9\n")
			plan, err := Plan(ctx, output(baseFiles), opts)
			if err != nil {
				t.Fatalf("plan: %v", err)
			}
			if len(plan.Changes) != 1 || plan.Changes[0].Path != "apps/dev/team-a/svc1.yaml" || plan.Changes[0].Action != repo.Changed {
				t.Fatalf("drift: want one change of svc1.yaml, got %+v", plan.Changes)
			}

			// One service changes, another one goes away.
			next := with(baseFiles, map[string]string{"apps/dev/team-a/svc1.yaml": "kind: Deployment\nname: svc1\nreplicas: 2\n"},
				"apps/dev/team-a/svc2.yaml")
			res, err = Publish(ctx, output(next), opts)
			if err != nil {
				t.Fatalf("change publish: %v", err)
			}
			if res.Commit == "" {
				t.Fatal("change publish made no commit")
			}
			got := git(t, tg.bare, "show", "--name-status", "--format=", "main")
			want := "M\t.plinth/manifest.json\nM\tapps/dev/team-a/svc1.yaml\nD\tapps/dev/team-a/svc2.yaml"
			if got != want {
				t.Fatalf("changed files:\n%s\nwant:\n%s", got, want)
			}
			if got := git(t, tg.bare, "show", "main:README.md"); got != "hand-written" {
				t.Fatalf("hand-written file: %q", got)
			}
			if n := git(t, tg.bare, "rev-list", "--count", "main"); n != "4" {
				t.Fatalf("%s commits, want 4", n)
			}
			fsck(t, tg.bare)
		})
	}
}

func sortedLines(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

func TestPublishConcurrentPush(t *testing.T) {
	needGit(t)
	bare := newBare(t, t.TempDir(), "gitops.git")
	ctx := context.Background()
	opts := testOpts(bare, nil)
	if _, err := Publish(ctx, output(baseFiles), opts); err != nil {
		t.Fatal(err)
	}
	// Another client pushes between our clone and our push, once.
	t.Cleanup(func() { testHookBeforePush = nil })
	testHookBeforePush = func(attempt int) {
		if attempt == 1 {
			pushFile(t, bare, "main", "docs/notes.md", "someone else's work\n")
		}
	}
	next := with(baseFiles, map[string]string{"apps/dev/team-a/svc2.yaml": "kind: Deployment\nname: svc2\nreplicas: 2\n"})
	res, err := Publish(ctx, output(next), opts)
	if err != nil {
		t.Fatalf("publish with a concurrent push: %v", err)
	}
	if res.Attempts != 2 {
		t.Errorf("attempts = %d, want 2", res.Attempts)
	}
	if got := git(t, bare, "log", "--format=%s", "main"); !strings.HasPrefix(got, "plinth: publish test platform (0 added, 2 changed, 0 removed)\nhand edit of docs/notes.md\n") {
		t.Fatalf("history:\n%s", got)
	}
	if got := git(t, bare, "show", "main:docs/notes.md"); got != "someone else's work" {
		t.Fatalf("other client's file: %q", got)
	}
	if got := git(t, bare, "show", "main:apps/dev/team-a/svc2.yaml"); !strings.Contains(got, "replicas: 2") {
		t.Fatalf("svc2: %q", got)
	}
	fsck(t, bare)

	// A branch that moves on every attempt: bounded retries, clear error, no force.
	n := 0
	testHookBeforePush = func(int) {
		n++
		pushFile(t, bare, "main", "docs/notes.md", strings.Repeat("x", n)+"\n")
	}
	opts.Retries = 3
	before := git(t, bare, "rev-list", "--count", "main")
	_, err = Publish(ctx, output(baseFiles), opts)
	if !errors.Is(err, ErrMoved) || !strings.Contains(err.Error(), "3 times") {
		t.Fatalf("want ErrMoved after 3 attempts, got %v", err)
	}
	after := git(t, bare, "rev-list", "--count", "main")
	if before != "3" || after != "6" { // only the other client's 3 commits landed
		t.Fatalf("commits before %s after %s", before, after)
	}
	if got := git(t, bare, "log", "-1", "--format=%an", "main"); got != "Other Person" {
		t.Fatalf("head author %q", got)
	}
}

func TestPublishErrors(t *testing.T) {
	needGit(t)
	ctx := context.Background()
	base := t.TempDir()
	httpURL := startHTTP(t, base, "ci-bot", "tok-8f3a9c1e")
	daemonURL := startDaemon(t, base)
	withOther := newBare(t, base, "other.git")
	pushFile(t, withOther, "develop", "a.txt", "a\n")
	handwritten := newBare(t, base, "hand.git")
	pushFile(t, handwritten, "main", "apps/dev/team-a/svc1.yaml", "mine\n")
	unreach := "git://127.0.0.1:1/x.git"
	clash := newBare(t, base, "clash.git")
	pushFile(t, clash, "main", "apps/dev/team-a/svc2.yaml/README", "a directory where plinth writes a file\n")
	pushFile(t, clash, "main", "clusters/aks1", "a file where plinth writes a directory\n")

	tests := []struct {
		name    string
		repo    string
		env     map[string]string
		kind    error
		want    string
		secrets []string
	}{
		{name: "missing branch", repo: withOther, kind: ErrBranch, want: `has no branch "main" (it has develop; --base BRANCH starts it from one)`},
		{name: "directory and file clashes", repo: clash, want: "apps/dev/team-a/svc2.yaml is a directory in the repository; plinth writes a file there, clusters/aks1 is a file in the repository; plinth writes a directory there"},
		{name: "unowned file", repo: handwritten, kind: ErrOwnership, want: "apps/dev/team-a/svc1.yaml would be overwritten"},
		{name: "wrong token", repo: httpURL + "/other.git", env: map[string]string{EnvToken: "wrong-token-123"},
			kind: ErrAuth, want: "authentication failed", secrets: []string{"wrong-token-123"}},
		{name: "no credentials", repo: httpURL + "/other.git", kind: ErrAuth, want: "authentication failed"},
		{name: "password in URL", repo: strings.Replace(httpURL, "http://", "http://ci-bot:pa55-w0rd-x@", 1) + "/other.git",
			kind: ErrAuth, want: "http://127.0.0.1", secrets: []string{"pa55-w0rd-x"}},
		{name: "token in URL", repo: strings.Replace(httpURL, "http://", "http://tk-91b2c3d4@", 1) + "/other.git",
			kind: ErrAuth, secrets: []string{"tk-91b2c3d4"}},
		{name: "password env", repo: httpURL + "/other.git", env: map[string]string{EnvUsername: "ci-bot", EnvPassword: "bad-pw-7788"},
			kind: ErrAuth, secrets: []string{"bad-pw-7788"}},
		{name: "unreachable", repo: unreach, kind: ErrUnreachable, want: "127.0.0.1:1"},
		{name: "not found over git daemon", repo: daemonURL + "/nope.git", want: "nope.git"},
		{name: "missing path", repo: filepath.Join(base, "nope.git"), want: "nope.git"},
		{name: "bad scheme", repo: "ftp://u:sekret-ftp@host/x", want: "unsupported scheme", secrets: []string{"sekret-ftp"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := refs(t, base)
			_, err := Publish(ctx, output(baseFiles), testOpts(tc.repo, tc.env))
			checkFailure(t, err, tc.kind, tc.want, tc.secrets...)
			if after := refs(t, base); after != before {
				t.Errorf("repositories changed on failure:\n%s\n->\n%s", before, after)
			}
		})
	}
}

// checkFailure checks err is a one-line error of kind (if not nil) that
// says want and none of secrets.
func checkFailure(t *testing.T, err error, kind error, want string, secrets ...string) {
	t.Helper()
	if err == nil {
		t.Fatal("want an error")
	}
	msg := err.Error()
	t.Logf("error: %s", msg)
	if kind != nil && !errors.Is(err, kind) {
		t.Errorf("error %q is not %v", msg, kind)
	}
	if !strings.Contains(msg, want) {
		t.Errorf("error %q lacks %q", msg, want)
	}
	if strings.Contains(msg, "\n") {
		t.Errorf("error is not one line: %q", msg)
	}
	for _, s := range secrets {
		if strings.Contains(msg, s) {
			t.Errorf("error leaks a credential: %q", msg)
		}
	}
}

// refs lists every ref of every bare repository under base.
func refs(t *testing.T, base string) string {
	entries, err := os.ReadDir(base)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".git") {
			b.WriteString(e.Name() + ":\n" + git(t, filepath.Join(base, e.Name()), "for-each-ref") + "\n")
		}
	}
	return b.String()
}

func TestPublishHTTPCredentials(t *testing.T) {
	needGit(t)
	base := t.TempDir()
	bare := newBare(t, base, "gitops.git")
	url := startHTTP(t, base, "ci-bot", "tok-8f3a9c1e")
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		repo string
		env  map[string]string
	}{
		{"user and password env", url + "/gitops.git", map[string]string{EnvUsername: "ci-bot", EnvPassword: "tok-8f3a9c1e"}},
		{"user info in URL", strings.Replace(url, "http://", "http://ci-bot:tok-8f3a9c1e@", 1) + "/gitops.git", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			files := with(baseFiles, map[string]string{"apps/dev/team-a/svc1.yaml": tc.name + "\n"})
			res, err := Publish(ctx, output(files), testOpts(tc.repo, tc.env))
			if err != nil {
				t.Fatal(err)
			}
			if res.Commit == "" || strings.Contains(res.Repo, "tok-8f3a9c1e") || strings.Contains(res.Message, "tok-8f3a9c1e") {
				t.Fatalf("commit %q repo %q", res.Commit, res.Repo)
			}
		})
	}
	fsck(t, bare)
}

func TestPublishSubdirAndDryRun(t *testing.T) {
	needGit(t)
	bare := newBare(t, t.TempDir(), "gitops.git")
	pushFile(t, bare, "main", "README.md", "top\n")
	ctx := context.Background()
	opts := testOpts(bare, nil)
	opts.Path = "platforms/prod"
	opts.SourceCommit = "0123456789abcdef0123456789abcdef01234567"

	opts.DryRun = true
	res, err := Publish(ctx, output(baseFiles), opts)
	if err != nil {
		t.Fatal(err)
	}
	if res.Commit != "" || len(res.Changes) != 5 || res.Changes[0].Path != "platforms/prod/.plinth/manifest.json" {
		t.Fatalf("dry run: commit %q changes %+v", res.Commit, res.Changes)
	}
	if n := git(t, bare, "rev-list", "--count", "main"); n != "1" {
		t.Fatalf("dry run committed: %s commits", n)
	}

	opts.DryRun = false
	if _, err := Publish(ctx, output(baseFiles), opts); err != nil {
		t.Fatal(err)
	}
	// Stale files are looked up in the manifest under --path.
	if _, err := Publish(ctx, output(with(baseFiles, nil, "apps/prod/team-a/svc1.yaml")), opts); err != nil {
		t.Fatal(err)
	}
	got := git(t, bare, "ls-tree", "-r", "--name-only", "main")
	want := "README.md\nplatforms/prod/.plinth/manifest.json\nplatforms/prod/apps/dev/team-a/svc1.yaml\n" +
		"platforms/prod/apps/dev/team-a/svc2.yaml\nplatforms/prod/clusters/aks1/flux-system/apps.yaml"
	if got != want {
		t.Fatalf("tree:\n%s\nwant:\n%s", got, want)
	}
	if msg := git(t, bare, "log", "-1", "--format=%B", "main"); !strings.Contains(msg, "Platform-Commit: "+opts.SourceCommit) ||
		!strings.Contains(msg, "removed platforms/prod/apps/prod/team-a/svc1.yaml") {
		t.Fatalf("message:\n%s", msg)
	}
	fsck(t, bare)
}

// TestPublishServerSideRace has the branch move inside the server, after
// the refs were advertised to plinth and before receive-pack updates it (a
// pre-receive hook advances it once): the server rejects the push, plinth
// fetches the new head, rebuilds on it and pushes again.
func TestPublishServerSideRace(t *testing.T) {
	needGit(t)
	base := t.TempDir()
	bare := newBare(t, base, "gitops.git")
	url := startDaemon(t, base) + "/gitops.git"
	ctx := context.Background()
	opts := testOpts(url, nil)
	if _, err := Publish(ctx, output(baseFiles), opts); err != nil {
		t.Fatal(err)
	}
	// Another client's commit on top of main, parked on a side branch.
	pushFile(t, bare, "main", "docs/notes.md", "raced in\n")
	raced := git(t, bare, "rev-parse", "main")
	git(t, bare, "update-ref", "refs/heads/side", raced)
	git(t, bare, "update-ref", "refs/heads/main", "main~1")
	hook := "#!/bin/sh\nif [ ! -e raced ]; then touch raced; env -u GIT_QUARANTINE_PATH git update-ref refs/heads/main refs/heads/side; fi\nexit 0\n"
	if err := os.WriteFile(filepath.Join(bare, "hooks", "pre-receive"), []byte(hook), 0o755); err != nil {
		t.Fatal(err)
	}
	next := with(baseFiles, map[string]string{"apps/prod/team-a/svc1.yaml": "kind: Deployment\nname: svc1\nreplicas: 5\n"})
	res, err := Publish(ctx, output(next), opts)
	if err != nil {
		t.Fatalf("publish during a server-side race: %v", err)
	}
	if res.Attempts != 2 || res.Base != raced {
		t.Fatalf("attempts %d, base %s (want 2, %s)", res.Attempts, res.Base, raced)
	}
	if got := git(t, bare, "rev-parse", "main~1"); got != raced {
		t.Fatalf("main~1 = %s, want the raced commit %s", got, raced)
	}
	if got := git(t, bare, "show", "main:docs/notes.md"); got != "raced in" {
		t.Fatalf("raced file: %q", got)
	}
	fsck(t, bare)
}

func TestPublishRejectsBadOptions(t *testing.T) {
	needGit(t)
	bare := newBare(t, t.TempDir(), "gitops.git")
	for _, tc := range []struct {
		name string
		edit func(*Options)
		want string
	}{
		{"parent path", func(o *Options) { o.Path = "../outside" }, "repository path"},
		{"git path", func(o *Options) { o.Path = "a/.git" }, "repository path"},
		{"unclean path", func(o *Options) { o.Path = "a//b" }, "repository path"},
		{"branch with space", func(o *Options) { o.Branch = "my branch" }, "--branch"},
		{"branch with dots", func(o *Options) { o.Branch = "a/../b" }, "--branch"},
		{"branch with double dot", func(o *Options) { o.Branch = "a..b" }, "--branch"},
		{"branch ending in .lock", func(o *Options) { o.Branch = "plinth/x.lock" }, "--branch"},
		{"branch starting with a dash", func(o *Options) { o.Branch = "-x" }, "--branch"},
		{"base with reflog syntax", func(o *Options) { o.Base = "main@{1}" }, "--base"},
		{"branch HEAD", func(o *Options) { o.Branch = "HEAD" }, `--branch "HEAD" is not a valid branch name: HEAD names the current commit`},
		{"branch refs/heads/HEAD", func(o *Options) { o.Branch = "refs/heads/HEAD" }, `--branch "refs/heads/HEAD"`},
		{"branch naming a tag", func(o *Options) { o.Branch = "refs/tags/v1" }, "outside refs/heads/"},
		{"branch refs/heads twice", func(o *Options) { o.Branch = "refs/heads/refs/heads/x" }, "outside refs/heads/"},
		{"base HEAD", func(o *Options) { o.Base = "HEAD" }, `--base "HEAD"`},
		{"author", func(o *Options) { o.Author = "nobody" }, "author \"nobody\": want"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opts := testOpts(bare, nil)
			tc.edit(&opts)
			_, err := Publish(context.Background(), output(baseFiles), opts)
			if err == nil || !strings.Contains(err.Error(), tc.want) || !errors.Is(err, ErrOption) {
				t.Fatalf("error %v, want an ErrOption about %s", err, tc.want)
			}
			if refs := git(t, bare, "for-each-ref"); refs != "" {
				t.Fatalf("repository changed: %s", refs)
			}
		})
	}
	if _, err := Publish(context.Background(), &generator.Output{}, testOpts(bare, nil)); err == nil {
		t.Fatal("empty output published")
	}
}

// TestPublishFullBranchRef publishes to --branch refs/heads/x as git push
// does: to the branch x, never to refs/heads/refs/heads/x.
func TestPublishFullBranchRef(t *testing.T) {
	needGit(t)
	bare := newBare(t, t.TempDir(), "gitops.git")
	opts := testOpts(bare, nil)
	opts.Branch = "refs/heads/release"
	res, err := Publish(context.Background(), output(baseFiles), opts)
	if err != nil {
		t.Fatal(err)
	}
	if res.Branch != "release" {
		t.Errorf("result branch %q, want release", res.Branch)
	}
	if got := git(t, bare, "for-each-ref", "--format=%(refname) %(objectname)"); got != "refs/heads/release "+res.Commit {
		t.Fatalf("refs after publishing to refs/heads/release:\n%s", got)
	}
}

// TestPublishHTTPS publishes over https with a self-signed certificate
// trusted through PLINTH_GIT_CA_FILE, and fails clearly without it.
func TestPublishHTTPS(t *testing.T) {
	needGit(t)
	base := t.TempDir()
	bare := newBare(t, base, "gitops.git")
	srv := gittest.HTTP(t, base, "ci-bot", "tok-8f3a9c1e", httpOpts{TLS: true})
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o644); err != nil {
		t.Fatal(err)
	}
	url := srv.URL + "/gitops.git"
	env := map[string]string{EnvToken: "tok-8f3a9c1e", EnvUsername: "ci-bot"}
	_, err := Publish(context.Background(), output(baseFiles), testOpts(url, env))
	if !errors.Is(err, ErrTrust) || !strings.Contains(err.Error(), EnvCAFile) || strings.Contains(err.Error(), "tok-8f3a9c1e") {
		t.Fatalf("untrusted certificate: %v", err)
	}
	env[EnvCAFile] = ca
	res, err := Publish(context.Background(), output(baseFiles), testOpts(url, env))
	if err != nil {
		t.Fatalf("publish over https: %v", err)
	}
	if got := git(t, bare, "rev-parse", "main"); got != res.Commit {
		t.Fatalf("main = %s, want %s", got, res.Commit)
	}
	fsck(t, bare)
}

// TestPublishPushDenied reads anonymously but may not push: a clear
// authentication error and an unchanged repository.
func TestPublishPushDenied(t *testing.T) {
	needGit(t)
	base := t.TempDir()
	bare := newBare(t, base, "gitops.git")
	pushFile(t, bare, "main", "README.md", "hand-written\n")
	before := git(t, bare, "rev-parse", "main")
	srv := gittest.HTTP(t, base, "ci-bot", "tok-8f3a9c1e", httpOpts{AnonymousRead: true})
	url := srv.URL + "/gitops.git"

	plan, err := Plan(context.Background(), output(baseFiles), testOpts(url, nil))
	if err != nil || len(plan.Changes) != 5 {
		t.Fatalf("anonymous diff: %v", err)
	}
	_, err = Publish(context.Background(), output(baseFiles), testOpts(url, nil))
	if !errors.Is(err, ErrAuth) || !strings.Contains(err.Error(), "cannot push to") {
		t.Fatalf("push without credentials: %v", err)
	}
	if got := git(t, bare, "rev-parse", "main"); got != before {
		t.Fatal("repository changed")
	}
}

// TestPublishNewBranchFromBase: with Base, a missing branch starts from the
// base's head (pull-request flows); the base is never touched; once the
// branch exists it is published to as usual.
func TestPublishNewBranchFromBase(t *testing.T) {
	needGit(t)
	for name, mk := range transports(t) {
		t.Run(name, func(t *testing.T) {
			tg := mk(t)
			ctx := context.Background()
			opts := testOpts(tg.url, tg.env)
			if _, err := Publish(ctx, output(baseFiles), opts); err != nil {
				t.Fatal(err)
			}
			pushFile(t, tg.bare, "main", "README.md", "hand-written\n")
			mainHead := git(t, tg.bare, "rev-parse", "main")

			pr := opts
			pr.Branch, pr.Base = "plinth/update", "main"
			// Nothing differs from main: no branch.
			res, err := Publish(ctx, output(baseFiles), pr)
			if err != nil {
				t.Fatal(err)
			}
			if !res.Created || res.Commit != "" || len(res.Changes) != 0 {
				t.Fatalf("unchanged output: created %v commit %q changes %d", res.Created, res.Commit, len(res.Changes))
			}
			if got := git(t, tg.bare, "branch", "--list", "plinth/update"); got != "" {
				t.Fatalf("branch created without changes: %q", got)
			}

			next := with(baseFiles, map[string]string{"apps/prod/team-a/svc1.yaml": "kind: Deployment\nname: svc1\nreplicas: 4\n"})
			res, err = Publish(ctx, output(next), pr)
			if err != nil {
				t.Fatal(err)
			}
			if !res.Created || res.Commit == "" || res.Base != mainHead {
				t.Fatalf("created %v, commit %q on %q, want a new commit on main's head %s", res.Created, res.Commit, res.Base, mainHead)
			}
			if got := git(t, tg.bare, "rev-parse", "plinth/update^"); got != mainHead {
				t.Errorf("branch parent %s, want main %s", got, mainHead)
			}
			if got := git(t, tg.bare, "rev-parse", "main"); got != mainHead {
				t.Errorf("main moved to %s", got)
			}
			if got := git(t, tg.bare, "diff", "--name-only", "main", "plinth/update"); got != ".plinth/manifest.json\napps/prod/team-a/svc1.yaml" {
				t.Errorf("branch differs from main in:\n%s", got)
			}
			if got := git(t, tg.bare, "show", "plinth/update:README.md"); got != "hand-written" {
				t.Errorf("hand-written file on the branch: %q", got)
			}

			// The branch exists now: published to as usual, Base unused.
			again := with(next, map[string]string{"apps/dev/team-a/svc2.yaml": "kind: Deployment\nname: svc2\nreplicas: 2\n"})
			res2, err := Publish(ctx, output(again), pr)
			if err != nil {
				t.Fatal(err)
			}
			if res2.Created || res2.Base != res.Commit || len(res2.Changes) != 2 {
				t.Fatalf("second publish: created %v base %q (want %q), %d changes", res2.Created, res2.Base, res.Commit, len(res2.Changes))
			}
			if n := git(t, tg.bare, "rev-list", "--count", "main..plinth/update"); n != "2" {
				t.Errorf("%s commits on the branch, want 2", n)
			}
			fsck(t, tg.bare)
		})
	}
}

func TestPublishBaseErrors(t *testing.T) {
	needGit(t)
	base := t.TempDir()
	repo := newBare(t, base, "gitops.git")
	pushFile(t, repo, "develop", "a.txt", "a\n")
	for _, tc := range []struct{ name, branch, base, want string }{
		{"missing base", "plinth/update", "main", `has neither branch "plinth/update" nor its base "main" (it has develop)`},
		{"invalid base", "plinth/update", "bad..name", `--base "bad..name" is not a valid branch name`},
		{"no base", "plinth/update", "", `has no branch "plinth/update" (it has develop; --base BRANCH starts it from one)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := refs(t, base)
			opts := testOpts(repo, nil)
			opts.Branch, opts.Base = tc.branch, tc.base
			_, err := Publish(context.Background(), output(baseFiles), opts)
			checkFailure(t, err, nil, tc.want)
			if after := refs(t, base); after != before {
				t.Errorf("repository changed on failure:\n%s\n->\n%s", before, after)
			}
		})
	}
}
