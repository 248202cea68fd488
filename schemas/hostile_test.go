package schemas_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/plinth-dev/plinth/schemas"
)

// canary is written into files outside the platform directory and into
// credentials: no output of the loader may ever show it.
const canary = "CANARY-s3cr3t-9c41"

// hostilePlatform writes the example platform to base/platform and a secret
// file holding the canary to base/secret; it returns the platform directory.
func hostilePlatform(t *testing.T) string {
	t.Helper()
	base := t.TempDir()
	dir := filepath.Join(base, "platform")
	if err := schemas.WriteExample(dir); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(base, "secret"), []byte("token: "+canary+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestHostileInput loads platforms that try to read outside their directory,
// hang the loader or exhaust it: each fails with located errors of rule
// "input", naming the file, and no output format shows the outside content.
func TestHostileInput(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T, dir string)
		want  []string // file: message of each error, in order
	}{
		{"link to a file outside", func(t *testing.T, dir string) {
			symlink(t, filepath.Join(dir, "..", "secret"), filepath.Join(dir, "creds.yaml"))
		}, []string{"creds.yaml: symbolic link to outside the platform directory is not read"}},
		{"relative link to a file outside", func(t *testing.T, dir string) {
			symlink(t, "../secret", filepath.Join(dir, "creds.cue"))
		}, []string{"creds.cue: symbolic link to outside the platform directory is not read"}},
		{"link to /etc/passwd", func(t *testing.T, dir string) {
			symlink(t, "/etc/passwd", filepath.Join(dir, "passwd.yaml"))
		}, []string{"passwd.yaml: symbolic link to outside the platform directory is not read"}},
		{"link inside the directory", func(t *testing.T, dir string) {
			symlink(t, "teams.cue", filepath.Join(dir, "copy.cue"))
		}, []string{"copy.cue: symbolic link is not read (files in the platform directory must be regular files)"}},
		{"link to a directory outside", func(t *testing.T, dir string) {
			symlink(t, "/etc", filepath.Join(dir, "etc.json"))
		}, []string{"etc.json: symbolic link to outside the platform directory is not read"}},
		{"fifo", func(t *testing.T, dir string) {
			if err := syscall.Mkfifo(filepath.Join(dir, "pipe.cue"), 0o644); err != nil {
				t.Fatal(err)
			}
		}, []string{"pipe.cue: a named pipe is not read (only regular files are)"}},
		{"file over the size limit", func(t *testing.T, dir string) {
			big := bytes.Repeat([]byte("// padding padding padding padding\n"), schemas.MaxFileSize/35+1)
			writeFile(t, filepath.Join(dir, "big.cue"), append([]byte("package platform\n"), big...))
		}, []string{"big.cue: file is larger than 4 MiB, the limit for one file"}},
		{"files over the total limit", func(t *testing.T, dir string) {
			chunk := bytes.Repeat([]byte("// padding padding padding padding\n"), (schemas.MaxFileSize-100)/35)
			for _, n := range []string{"a", "b", "c", "d", "e", "f", "g", "h"} {
				writeFile(t, filepath.Join(dir, n+".cue"), chunk)
			}
		}, []string{"platform.cue: files of the platform directory add up to more than 32 MiB, the limit for all of them",
			"services.cue: files of the platform directory add up to more than 32 MiB, the limit for all of them"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := hostilePlatform(t)
			tc.setup(t, dir)
			_, err := schemas.Load(dir)
			var errs schemas.Errors
			if !errors.As(err, &errs) {
				t.Fatalf("want located errors, got %v", err)
			}
			var got []string
			for _, e := range errs {
				if e.Rule != "input" {
					t.Errorf("rule %q, want input: %v", e.Rule, e)
				}
				got = append(got, e.Error())
			}
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
			assertNoCanary(t, errs)
		})
	}
}

// assertNoCanary writes errs in every format and fails if one shows the
// canary.
func assertNoCanary(t *testing.T, errs schemas.Errors) {
	t.Helper()
	for _, f := range schemas.Formats {
		var b bytes.Buffer
		if err := schemas.WriteErrors(&b, errs, f, "platform"); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(b.String(), canary) {
			t.Errorf("format %s shows the secret:\n%s", f, b.String())
		}
	}
}

func symlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
}

func writeFile(t *testing.T, p string, b []byte) {
	t.Helper()
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestCredentialsRefused puts credentials of every shape into
// platform.gitops.repo, which generate writes into the repository: each is
// refused at the field with the URL redacted, and a user name alone passes.
func TestCredentialsRefused(t *testing.T) {
	tests := []struct {
		repo string
		want string // the error, "" when valid
	}{
		{"https://ci:" + canary + "@github.com/org/fleet.git", `platform.gitops.repo: "https://***@github.com/org/fleet.git" carries credentials`},
		{"https://" + canary + "@github.com/org/fleet.git", `platform.gitops.repo: "https://***@github.com/org/fleet.git" carries credentials`},
		{"ssh://git:" + canary + "@github.com/org/fleet.git", `platform.gitops.repo: "ssh://git:***@github.com/org/fleet.git" carries credentials`},
		{"git:" + canary + "@github.com:org/fleet.git", `platform.gitops.repo: "git:***@github.com:org/fleet.git" carries credentials`},
		{"git:p@" + canary + "@github.com:org/fleet.git", `platform.gitops.repo: "git:***@github.com:org/fleet.git" carries credentials`},
		{"git@github.com:org/fleet.git", ""},
		{"ssh://git@github.com/org/fleet.git", ""},
		{"https://github.com/org/fleet.git", ""},
	}
	for _, tc := range tests {
		t.Run(tc.repo, func(t *testing.T) {
			dir := hostilePlatform(t)
			p := filepath.Join(dir, "platform.cue")
			src, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			const example = `"https://github.com/fabrikam/dronedelivery-gitops.git"`
			if !bytes.Contains(src, []byte(example)) {
				t.Fatalf("the example no longer holds %s", example)
			}
			writeFile(t, p, bytes.Replace(src, []byte(example), []byte(`"`+tc.repo+`"`), 1))
			_, err = schemas.Load(dir)
			if tc.want == "" {
				if err != nil {
					t.Fatalf("want valid, got %v", err)
				}
				return
			}
			var errs schemas.Errors
			if !errors.As(err, &errs) || len(errs) != 1 {
				t.Fatalf("want one located error, got %v", err)
			}
			if e := errs[0]; e.Rule != "credentials" || e.Pos.File != "platform.cue" || e.Pos.Line == 0 || !strings.Contains(e.Error(), tc.want) {
				t.Errorf("got %v (rule %s), want %q", e, e.Rule, tc.want)
			}
			assertNoCanary(t, errs)
		})
	}
}
