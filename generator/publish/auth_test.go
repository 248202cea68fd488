package publish

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	githttp "github.com/go-git/go-git/v5/plumbing/transport/http"
)

func TestResolveRemote(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name             string
		repo             string
		env              map[string]string
		url, display     string
		user, pass       string // basic auth, if any
		local, wantError bool
	}{
		{name: "path", repo: dir, url: "file://" + filepath.ToSlash(dir), display: dir, local: true},
		{name: "file URL", repo: "file://" + dir, url: "file://" + dir, display: "file://" + dir, local: true},
		{name: "git daemon", repo: "git://example.com/r.git", url: "git://example.com/r.git", display: "git://example.com/r.git"},
		{name: "https anonymous", repo: "https://example.com/r.git", url: "https://example.com/r.git", display: "https://example.com/r.git"},
		{name: "https token env", repo: "https://example.com/r.git", env: map[string]string{EnvToken: "t0k"},
			url: "https://example.com/r.git", display: "https://example.com/r.git", user: tokenUser, pass: "t0k"},
		{name: "https token and user env", repo: "https://example.com/r.git", env: map[string]string{EnvToken: "t0k", EnvUsername: "bot"},
			url: "https://example.com/r.git", display: "https://example.com/r.git", user: "bot", pass: "t0k"},
		{name: "https user and password env", repo: "https://example.com/r.git", env: map[string]string{EnvUsername: "me", EnvPassword: "pw"},
			url: "https://example.com/r.git", display: "https://example.com/r.git", user: "me", pass: "pw"},
		{name: "https userinfo", repo: "https://me:secret@example.com/r.git",
			url: "https://example.com/r.git", display: "https://example.com/r.git", user: "me", pass: "secret"},
		{name: "https token as user", repo: "https://ghp_abc@example.com/r.git",
			url: "https://example.com/r.git", display: "https://example.com/r.git", user: tokenUser, pass: "ghp_abc"},
		{name: "https user in URL, password env", repo: "https://me@example.com/r.git", env: map[string]string{EnvPassword: "pw"},
			url: "https://example.com/r.git", display: "https://example.com/r.git", user: "me", pass: "pw"},
		{name: "https user in URL, token env", repo: "https://me@example.com/r.git", env: map[string]string{EnvToken: "t0k"},
			url: "https://example.com/r.git", display: "https://example.com/r.git", user: "me", pass: "t0k"},
		{name: "env overrides URL password", repo: "https://me:old@example.com/r.git", env: map[string]string{EnvToken: "t0k", EnvUsername: "bot"},
			url: "https://example.com/r.git", display: "https://example.com/r.git", user: "bot", pass: "t0k"},
		{name: "ssh URL", repo: "ssh://git@example.com/r.git", url: "ssh://git@example.com/r.git", display: "ssh://git@example.com/r.git"},
		{name: "scp-like", repo: "git@example.com:org/r.git", url: "git@example.com:org/r.git", display: "git@example.com:org/r.git"},
		{name: "missing key", repo: "git@example.com:org/r.git", env: map[string]string{EnvSSHKey: filepath.Join(dir, "nokey")}, wantError: true},
		{name: "empty", repo: " ", wantError: true},
		{name: "missing path", repo: filepath.Join(dir, "nope"), wantError: true},
		{name: "bad scheme", repo: "ftp://example.com/r", wantError: true},
		{name: "newline", repo: "https://example.com/r\n", wantError: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env := tc.env
			if env == nil {
				env = map[string]string{}
			}
			r, err := resolveRemote(tc.repo, func(k string) string { return env[k] })
			if tc.wantError {
				if err == nil {
					t.Fatalf("want an error, got %+v", r)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if r.url != tc.url || r.display != tc.display || r.local != tc.local {
				t.Errorf("got url %q display %q local %v", r.url, r.display, r.local)
			}
			ba, _ := r.auth.(*githttp.BasicAuth)
			switch {
			case tc.pass == "" && ba != nil:
				t.Errorf("unexpected basic auth user %q", ba.Username)
			case tc.pass != "" && (ba == nil || ba.Username != tc.user || ba.Password != tc.pass):
				t.Errorf("basic auth %+v, want %s/%s", ba, tc.user, tc.pass)
			}
		})
	}
}

func TestRedact(t *testing.T) {
	r := redactor{}
	r.add("s3cr3t/+x")
	tests := []struct{ in, want string }{
		{"https://me:pw@host/r.git failed", "https://***@host/r.git failed"},
		{"Get \"https://ghp_token@host/r\": EOF", "Get \"https://***@host/r\": EOF"},
		{"ssh://git@host/r.git", "ssh://git@host/r.git"},
		{"ssh://git:pw@host/r.git", "ssh://git:***@host/r.git"},
		{"token s3cr3t/+x in text", "token *** in text"},
		{"escaped s3cr3t%2F%2Bx", "escaped ***"},
		{"no secrets here", "no secrets here"},
	}
	for _, tc := range tests {
		if got := r.redact(tc.in); got != tc.want {
			t.Errorf("redact(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestParseAuthor(t *testing.T) {
	tests := []struct {
		in          string
		name, email string
		ok          bool
	}{
		{"Jane Doe <jane@example.com>", "Jane Doe", "jane@example.com", true},
		{"  CI Bot <ci@example.com> ", "CI Bot", "ci@example.com", true},
		{"jane@example.com", "", "", false},
		{"Jane <not an email>", "", "", false},
		{"", "", "", false},
	}
	for _, tc := range tests {
		name, email, err := ParseAuthor(tc.in)
		if (err == nil) != tc.ok || name != tc.name || email != tc.email {
			t.Errorf("ParseAuthor(%q) = %q, %q, %v", tc.in, name, email, err)
		}
	}
}

func TestOwnedFiles(t *testing.T) {
	tests := []struct {
		name, in string
		want     string
		ok       bool
	}{
		{"plinth manifest", `{"generator":"plinth","files":[{"path":"b.yaml","sha256":"x"},{"path":"a/c.yaml","sha256":"y"}]}`, "a/c.yaml,b.yaml", true},
		{"no files", `{}`, "", true},
		{"git dir dropped", `{"files":[{"path":".git/config"},{"path":"ok.yaml"}]}`, "ok.yaml", true},
		{"parent", `{"files":[{"path":"../etc/passwd"}]}`, "", false},
		{"absolute", `{"files":[{"path":"/abs"}]}`, "", false},
		{"unclean", `{"files":[{"path":"a/./b"}]}`, "", false},
		{"not json", `files:`, "", false},
		{"files scalar", `{"files":3}`, "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ownedFiles([]byte(tc.in))
			if (err == nil) != tc.ok {
				t.Fatalf("err = %v", err)
			}
			if strings.Join(got, ",") != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func FuzzOwnedFiles(f *testing.F) {
	f.Add([]byte(`{"files":[{"path":"a.yaml","sha256":"x"}]}`))
	f.Add([]byte(`{"files":[{"path":"../a"},{"path":".git/x"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		files, err := ownedFiles(data)
		if err != nil {
			return
		}
		for _, p := range files {
			if cleanPath(p) != nil {
				t.Fatalf("unsafe path %q kept", p)
			}
		}
	})
}

func FuzzParseAuthor(f *testing.F) {
	f.Add("Jane <jane@example.com>")
	f.Add("=?utf-8?q?x?= <a@b>")
	f.Fuzz(func(t *testing.T, s string) {
		name, email, err := ParseAuthor(s)
		if err != nil {
			return
		}
		if name == "" || strings.ContainsAny(name+email, "<>\n\r\x00") {
			t.Fatalf("ParseAuthor(%q) = %q, %q", s, name, email)
		}
	})
}

// FuzzResolveRemote checks that no credential of a --repo value survives in
// what users see.
func FuzzResolveRemote(f *testing.F) {
	f.Add("https://user:hunter2pw@example.com/r.git", "tok-abc")
	f.Add("ssh://git:hunter2pw@example.com/r.git", "")
	f.Add("https://hunter2pw@example.com/r.git", "")
	f.Add("git@example.com:r.git", "")
	f.Fuzz(func(t *testing.T, repo, token string) {
		if strings.HasPrefix(repo, "/") || strings.HasPrefix(repo, ".") {
			return // local paths: no credentials, and fuzzing stats the disk
		}
		env := map[string]string{EnvToken: token}
		r, err := resolveRemote(repo, func(k string) string { return env[k] })
		var shown string
		if err != nil {
			shown = (&redactor{}).wrap(err).Error()
		} else {
			shown = r.red.redact(r.display + " " + repo)
		}
		if len(token) >= 3 && err == nil && strings.Contains(shown, token) && strings.HasPrefix(repo, "http") {
			t.Fatalf("token %q shown in %q", token, shown)
		}
		if strings.Contains(shown, "hunter2pw") && strings.Contains(repo, "://") && strings.Contains(repo, ":hunter2pw@") {
			t.Fatalf("password shown in %q", shown)
		}
	})
}

func TestSourceCommit(t *testing.T) {
	needGit(t)
	dir := t.TempDir()
	if got := SourceCommit(dir); got != "" {
		t.Fatalf("outside a repository: %q", got)
	}
	git(t, dir, "init", "-q", "-b", "main", ".")
	if err := os.MkdirAll(filepath.Join(dir, "platform"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "platform", "p.cue"), []byte("x: 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	git(t, dir, "add", "-A")
	git(t, dir, "commit", "-q", "-m", "platform")
	if got, want := SourceCommit(filepath.Join(dir, "platform")), git(t, dir, "rev-parse", "HEAD"); got != want {
		t.Fatalf("SourceCommit = %q, want %q", got, want)
	}
}
