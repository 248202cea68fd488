package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// canary is the content of a file outside the platform directory and the
// secret of credentials: no output stream of any format may show it.
const canary = "CANARY-7d21-ghp_s3cr3t"

// TestHostileValidate runs validate on hostile platforms in every format:
// each case asserts the exit code, a message naming the problem, and that
// the canary never appears on standard output or standard error.
func TestHostileValidate(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T, base, dir string) (arg string)
		code  int
		want  string // in stdout or stderr, whatever the format
	}{
		{"link to a credentials file outside", func(t *testing.T, base, dir string) string {
			mustSymlink(t, filepath.Join(base, "git-credentials"), filepath.Join(dir, "creds.yaml"))
			return dir
		}, exitFailure, "creds.yaml"},
		{"link to /etc/passwd", func(t *testing.T, _, dir string) string {
			mustSymlink(t, "/etc/passwd", filepath.Join(dir, "passwd.yaml"))
			return dir
		}, exitFailure, "passwd.yaml"},
		{"token in gitops.repo", func(t *testing.T, _, dir string) string {
			replaceIn(t, filepath.Join(dir, "platform.cue"), "https://github.com/fabrikam/dronedelivery-gitops.git", "https://bot:"+canary+"@github.com/fabrikam/fleet.git")
			return dir
		}, exitFailure, "carries credentials"},
		{"scp-like address with a password", func(t *testing.T, _, dir string) string {
			replaceIn(t, filepath.Join(dir, "platform.cue"), "https://github.com/fabrikam/dronedelivery-gitops.git", "git:"+canary+"@github.com:fabrikam/fleet.git")
			return dir
		}, exitFailure, "git:***@github.com:fabrikam/fleet.git"},
		{"missing directory", func(t *testing.T, base, _ string) string {
			return filepath.Join(base, "nope")
		}, exitUsage, "nope does not exist"},
	}
	for _, tc := range tests {
		for _, format := range []string{"text", "json", "github", "sarif"} {
			t.Run(tc.name+"/"+format, func(t *testing.T) {
				base := t.TempDir()
				if err := os.WriteFile(filepath.Join(base, "git-credentials"), []byte("https://bot:"+canary+"@github.com\n"), 0o600); err != nil {
					t.Fatal(err)
				}
				dir := filepath.Join(base, "platform")
				if code := run([]string{"init", dir}, &bytes.Buffer{}, &bytes.Buffer{}); code != exitOK {
					t.Fatalf("init: exit %d", code)
				}
				arg := tc.setup(t, base, dir)
				var stdout, stderr bytes.Buffer
				code := run([]string{"validate", arg, "--format", format}, &stdout, &stderr)
				all := stdout.String() + stderr.String()
				if code != tc.code {
					t.Errorf("exit %d, want %d\n%s", code, tc.code, all)
				}
				if !strings.Contains(all, tc.want) {
					t.Errorf("output does not say %q:\n%s", tc.want, all)
				}
				if strings.Contains(all, canary) || strings.Contains(all, "root:x:0:0") {
					t.Errorf("the secret is shown:\n%s", all)
				}
				switch format {
				case "text":
					if stdout.Len() != 0 {
						t.Errorf("text errors belong on stderr; stdout: %q", stdout.String())
					}
				case "json", "sarif":
					// A document on stdout, so CI uploads something valid.
					var doc map[string]any
					if err := json.Unmarshal(stdout.Bytes(), &doc); err != nil {
						t.Errorf("stdout is not a %s document: %v\n%s", format, err, stdout.String())
					}
				}
			})
		}
	}
}

// TestVersionFlagMatchesCommand: plinth --version and plinth version print
// the same line.
func TestVersionFlagMatchesCommand(t *testing.T) {
	var flag, cmd bytes.Buffer
	if run([]string{"--version"}, &flag, &bytes.Buffer{}) != exitOK || run([]string{"version"}, &cmd, &bytes.Buffer{}) != exitOK {
		t.Fatal("version failed")
	}
	if flag.String() != cmd.String() || !strings.HasPrefix(flag.String(), "plinth ") {
		t.Errorf("--version %q, version %q", flag.String(), cmd.String())
	}
}

func mustSymlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
}

// replaceIn replaces old, which must be there, by new in the file p.
func replaceIn(t *testing.T, p, old, new string) {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b, []byte(old)) {
		t.Fatalf("%s does not hold %q", p, old)
	}
	if err := os.WriteFile(p, bytes.Replace(b, []byte(old), []byte(new), 1), 0o644); err != nil {
		t.Fatal(err)
	}
}
