package publish

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

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
