package gitauth

import (
	"path/filepath"
	"strings"
	"testing"

	githttp "github.com/go-git/go-git/v5/plumbing/transport/http"
)

func TestResolve(t *testing.T) {
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
		{name: "no host", repo: "https:///r.git", wantError: true},
		{name: "fragment", repo: "ssh://git@example.com/r.git#main", wantError: true},
		{name: "scp-like with password", repo: "me:secret@example.com:org/r.git", wantError: true},
		{name: "git URL with password", repo: "git://me:secret@example.com/r.git", wantError: true},
		{name: "file URL with user", repo: "file://me@" + dir, wantError: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env := tc.env
			if env == nil {
				env = map[string]string{}
			}
			r, err := Resolve(tc.repo, func(k string) string { return env[k] })
			if tc.wantError {
				if err == nil {
					t.Fatalf("want an error, got %+v", r)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if r.URL != tc.url || r.Display != tc.display || r.Local != tc.local {
				t.Errorf("got url %q display %q local %v", r.URL, r.Display, r.Local)
			}
			ba, _ := r.Auth.(*githttp.BasicAuth)
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
	r := Redactor{}
	r.Add("s3cr3t/+x")
	tests := []struct{ in, want string }{
		{"https://me:pw@host/r.git failed", "https://***@host/r.git failed"},
		{"Get \"https://ghp_token@host/r\": EOF", "Get \"https://***@host/r\": EOF"},
		{"ssh://git@host/r.git", "ssh://git@host/r.git"},
		{"cannot read ssh://git@127.0.0.1:46855/gitops.git: timed out", "cannot read ssh://git@127.0.0.1:46855/gitops.git: timed out"},
		{"user:pw@host:org/r.git and user:/pw@host:r", "user:***@host:org/r.git and user:***@host:r"},
		{"ssh://git:pw@host/r.git", "ssh://git:***@host/r.git"},
		{"token s3cr3t/+x in text", "token *** in text"},
		{"escaped s3cr3t%2F%2Bx", "escaped ***"},
		{"no secrets here", "no secrets here"},
		{"https://me:p@ss@host/r.git", "https://***@host/r.git"},
		{"clone me:s3cret@host:org/r.git: denied", "clone me:***@host:org/r.git: denied"},
		{"me:p@ss:w@host:r.git", "me:***@host:r.git"},
		{`"me:@host:r.git"`, `"me:***@host:r.git"`},
		{"git@host:org/r.git and ssh://git@host/r", "git@host:org/r.git and ssh://git@host/r"},
		{"https://host/mod/@v/list", "https://host/mod/@v/list"},
		{"at 10:30 we met bob@example.com", "at 10:30 we met bob@example.com"},
	}
	for _, tc := range tests {
		if got := r.Redact(tc.in); got != tc.want {
			t.Errorf("redact(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// FuzzResolve checks that no credential of a --repo value survives in
// what users see.
func FuzzResolve(f *testing.F) {
	f.Add("https://user:hunter2pw@example.com/r.git", "tok-abc")
	f.Add("ssh://git:hunter2pw@example.com/r.git", "")
	f.Add("https://hunter2pw@example.com/r.git", "")
	f.Add("git@example.com:r.git", "")
	f.Fuzz(func(t *testing.T, repo, token string) {
		if strings.HasPrefix(repo, "/") || strings.HasPrefix(repo, ".") {
			return // local paths: no credentials, and fuzzing stats the disk
		}
		env := map[string]string{EnvToken: token}
		r, err := Resolve(repo, func(k string) string { return env[k] })
		var shown string
		if err != nil {
			shown = (&Redactor{}).Redact(err.Error())
		} else {
			shown = r.Redactor.Redact(r.Display + " " + repo)
		}
		if len(token) >= 3 && err == nil && strings.Contains(shown, token) && strings.HasPrefix(repo, "http") {
			t.Fatalf("token %q shown in %q", token, shown)
		}
		if strings.Contains(shown, "hunter2pw") && strings.Contains(repo, "://") && strings.Contains(repo, ":hunter2pw@") {
			t.Fatalf("password shown in %q", shown)
		}
	})
}

func TestHasCredentials(t *testing.T) {
	tests := []struct {
		repo string
		want bool
	}{
		{"https://example.com/org/r.git", false},
		{"https://me:tok@example.com/org/r.git", true},
		{"https://ghp_tok@example.com/org/r.git", true},
		{"ssh://git@example.com/org/r.git", false},
		{"ssh://git:pw@example.com/org/r.git", true},
		{"git@example.com:org/r.git", false},
		{"git:pw@example.com:org/r.git", true},
		{"oci://registry.example.com/charts", false},
	}
	for _, tc := range tests {
		if got := HasCredentials(tc.repo); got != tc.want {
			t.Errorf("HasCredentials(%q) = %v, want %v", tc.repo, got, tc.want)
		}
	}
}

// FuzzRedactShapes puts a password into every shape of repository address
// plinth takes: neither the error nor what is displayed of it may show the
// password, and redacted text holding the address never does either.
func FuzzRedactShapes(f *testing.F) {
	f.Add("me", "hunter2", "example.com", uint8(0))
	f.Add("me", "p@ss:w/rd", "example.com", uint8(1))
	f.Add("git", "sec ret", "example.com", uint8(2))
	f.Add("", "tok3n", "example.com", uint8(3))
	f.Add("me", "pa%ss", "example.com", uint8(4))
	f.Fuzz(func(t *testing.T, user, pass, host string, shape uint8) {
		// The prefix tells the password apart from text around it that
		// happens to read the same.
		pass = "pW" + pass
		if len(pass) < 3 || strings.ContainsAny(pass, "\x00\n\r") {
			return
		}
		// User and host are what they say: no delimiters of the address
		// in them (the password may hold anything).
		if strings.ContainsAny(user+host, "@:/?#\\ \t\n\r\x00") {
			return
		}
		shapes := []string{
			"https://" + user + ":" + pass + "@" + host + "/r.git",
			"ssh://" + user + ":" + pass + "@" + host + "/r.git",
			user + ":" + pass + "@" + host + ":org/r.git",
			"https://" + pass + "@" + host + "/r.git",
			"git://" + user + ":" + pass + "@" + host + "/r.git",
			"ftp://" + user + ":" + pass + "@" + host + "/r.git",
			"http://" + user + ":" + pass + "@" + host,
		}
		repo := shapes[int(shape)%len(shapes)]
		// Only a password the rest of the address does not contain can
		// be told apart from it.
		if strings.Contains(strings.Replace(repo, pass, "", 1), pass) || strings.HasPrefix(repo, "/") || strings.HasPrefix(repo, ".") {
			return
		}
		r, err := Resolve(repo, func(string) string { return "" })
		var shown []string
		if err != nil {
			shown = append(shown, err.Error())
		} else {
			shown = append(shown, r.Display, r.Redactor.Redact("push to "+r.URL+" failed"))
		}
		for _, s := range shown {
			if strings.Contains(s, pass) {
				t.Fatalf("password %q of %q shown in %q", pass, repo, s)
			}
		}
	})
}
