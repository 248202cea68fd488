package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/plinth-dev/plinth/internal/gitops/repo"
)

// outsideCanary makes base/outside/secret with a fixed mtime; check fails
// the test when anything in base/outside changed.
func outsideCanary(t *testing.T, base string) (dir string, check func()) {
	t.Helper()
	dir = filepath.Join(base, "outside")
	secret := filepath.Join(dir, "secret")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(secret, []byte(canary), 0o644); err != nil {
		t.Fatal(err)
	}
	mtime := time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)
	if err := os.Chtimes(secret, mtime, mtime); err != nil {
		t.Fatal(err)
	}
	return dir, func() {
		t.Helper()
		b, err := os.ReadFile(secret)
		fi, serr := os.Stat(secret)
		if err != nil || serr != nil || string(b) != canary || !fi.ModTime().Equal(mtime) {
			t.Errorf("the file outside --out changed: %q, %v, %v", b, err, serr)
		}
		if ents, _ := os.ReadDir(dir); len(ents) != 1 {
			t.Errorf("written outside --out: %v", ents)
		}
	}
}

// editManifest rewrites out's manifest with edit applied to its entries.
func editManifest(t *testing.T, out string, edit func(m *repo.Manifest)) {
	t.Helper()
	p := filepath.Join(out, filepath.FromSlash(repo.ManifestPath))
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	var m repo.Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	edit(&m)
	data, _ = json.Marshal(m)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func sha(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// treeHashes maps every regular file under dir to its sha256 (slash paths).
func treeHashes(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if d.Type()&fs.ModeSymlink != 0 {
			target, err := os.Readlink(p)
			out[filepath.ToSlash(rel)] = "link to " + target
			return err
		}
		data, err := os.ReadFile(p)
		out[filepath.ToSlash(rel)] = sha(string(data))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func sameTree(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// TestHostileGenerateWrite runs generate over trees prepared to make it
// write or delete outside --out, or lose hand edits: each case asserts the
// exit code, the message, what happened to the tree and that nothing
// outside changed.
func TestHostileGenerateWrite(t *testing.T) {
	const kust = "clusters/prod/kustomization.yaml"
	tests := []struct {
		name    string
		setup   func(t *testing.T, out, outside string) // after a first generate
		args    []string                                // after generate DIR --out OUT
		code    int
		want    []string // in stderr
		changed bool     // whether the tree may change
		after   func(t *testing.T, out string)
	}{
		{name: "directory link to outside", setup: func(t *testing.T, out, outside string) {
			base := filepath.Join(out, "apps", "base")
			if err := os.RemoveAll(base); err != nil {
				t.Fatal(err)
			}
			mustSymlink(t, outside, base)
		}, code: exitFailure, want: []string{"apps/base", "symbolic link to outside the output directory is not written or removed through"}},
		{name: "manifest names a file behind a link", setup: func(t *testing.T, out, outside string) {
			mustSymlink(t, outside, filepath.Join(out, "linked"))
			editManifest(t, out, func(m *repo.Manifest) {
				m.Files = append(m.Files, repo.ManifestFile{Path: "linked/secret", SHA256: sha(canary)})
			})
		}, code: exitFailure, want: []string{"linked: symbolic link to outside"}},
		{name: "manifest names ../x", setup: func(t *testing.T, out, _ string) {
			editManifest(t, out, func(m *repo.Manifest) {
				m.Files = append(m.Files, repo.ManifestFile{Path: "../outside/secret", SHA256: sha(canary)})
			})
		}, code: exitFailure, want: []string{repo.ManifestPath, `"../outside/secret"`, "leaves the tree"}},
		{name: "manifest file is a link", setup: func(t *testing.T, out, outside string) {
			p := filepath.Join(out, filepath.FromSlash(repo.ManifestPath))
			if err := os.Remove(p); err != nil {
				t.Fatal(err)
			}
			mustSymlink(t, filepath.Join(outside, "secret"), p)
		}, code: exitFailure, want: []string{"manifest.json: symbolic link to outside"}},
		{name: "generated file edited by hand", setup: func(t *testing.T, out, _ string) {
			appendTo(t, filepath.Join(out, kust), "# my change\n")
		}, code: exitFailure, want: []string{"1 generated files were edited by hand", kust + " would be overwritten", "--force"},
			after: func(t *testing.T, out string) {
				if b, _ := os.ReadFile(filepath.Join(out, kust)); !strings.HasSuffix(string(b), "# my change\n") {
					t.Error("the edit was lost")
				}
			}},
		{name: "edited file with --force", setup: func(t *testing.T, out, _ string) {
			appendTo(t, filepath.Join(out, kust), "# my change\n")
		}, args: []string{"--force"}, code: exitOK, changed: true, want: []string{"--force: overwrote " + kust + ", which was edited by hand"},
			after: func(t *testing.T, out string) {
				if b, _ := os.ReadFile(filepath.Join(out, kust)); strings.Contains(string(b), "# my change") {
					t.Error("the edit is still there")
				}
			}},
		{name: "edited stale file", setup: func(t *testing.T, out, _ string) {
			appendTo(t, filepath.Join(out, "infrastructure", "dev", "kustomization.yaml"), "# mine\n")
		}, args: []string{"--env", "prod"}, code: exitFailure, want: []string{"infrastructure/dev/kustomization.yaml would be deleted"}},
		{name: "edited stale file with --force", setup: func(t *testing.T, out, _ string) {
			appendTo(t, filepath.Join(out, "infrastructure", "dev", "kustomization.yaml"), "# mine\n")
		}, args: []string{"--env", "prod", "--force"}, code: exitOK, changed: true, want: []string{"--force: deleted infrastructure/dev/kustomization.yaml"}},
		{name: "check reports edited files", setup: func(t *testing.T, out, _ string) {
			appendTo(t, filepath.Join(out, kust), "# my change\n")
		}, args: []string{"--check"}, code: exitFailure, want: []string{"edited by hand since plinth wrote them (generate stops on them unless --force): " + kust}},
		{name: "interrupted write left staging", setup: func(t *testing.T, out, _ string) {
			writeAt(t, filepath.Join(out, ".plinth", "staging", "new", "x.yaml"), "half")
		}, code: exitOK, changed: true, want: []string{"interrupted before changing the tree; its staged files were removed"}},
		{name: "check refuses an interrupted write", setup: func(t *testing.T, out, _ string) {
			writeAt(t, filepath.Join(out, ".plinth", "journal.json"), "{}")
		}, args: []string{"--check"}, code: exitFailure, want: []string{".plinth/journal.json: a plinth generate is writing it or was interrupted"}},
		{name: "read-only directory", setup: func(t *testing.T, out, _ string) {
			if os.Geteuid() == 0 {
				t.Skip("root writes into read-only directories")
			}
			appendTo(t, filepath.Join(out, kust), "")
			if err := os.Chmod(filepath.Join(out, "clusters", "prod"), 0o555); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { os.Chmod(filepath.Join(out, "clusters", "prod"), 0o755) })
		}, args: []string{"--env", "prod"}, code: exitFailure, want: []string{"permission denied"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			base := t.TempDir()
			outside, check := outsideCanary(t, base)
			dir, out := filepath.Join(base, "platform"), filepath.Join(base, "out")
			if code := run([]string{"init", dir}, &bytes.Buffer{}, &bytes.Buffer{}); code != exitOK {
				t.Fatalf("init: exit %d", code)
			}
			var stderr bytes.Buffer
			if code := run([]string{"generate", dir, "--out", out}, &bytes.Buffer{}, &stderr); code != exitOK {
				t.Fatalf("first generate: exit %d\n%s", code, stderr.String())
			}
			tc.setup(t, out, outside)
			before := treeHashes(t, out)
			stderr.Reset()
			code := run(append([]string{"generate", dir, "--out", out}, tc.args...), &bytes.Buffer{}, &stderr)
			if code != tc.code {
				t.Errorf("exit %d, want %d\n%s", code, tc.code, stderr.String())
			}
			for _, w := range tc.want {
				if !strings.Contains(stderr.String(), w) {
					t.Errorf("stderr does not say %q:\n%s", w, stderr.String())
				}
			}
			if strings.Contains(stderr.String(), canary) {
				t.Errorf("stderr shows the outside file:\n%s", stderr.String())
			}
			if !tc.changed && !sameTree(before, treeHashes(t, out)) {
				t.Error("the tree changed")
			}
			check()
			if tc.after != nil {
				tc.after(t, out)
			}
		})
	}
}

func appendTo(t *testing.T, p, s string) {
	t.Helper()
	f, err := os.OpenFile(p, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(s); err != nil {
		t.Fatal(err)
	}
}

func writeAt(t *testing.T, p, s string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestGenerateOtherFileSystem writes --out on a tmpfs while the temporary
// directory is elsewhere: every move stays inside --out, so no rename
// crosses file systems.
func TestGenerateOtherFileSystem(t *testing.T) {
	if fi, err := os.Stat("/dev/shm"); err != nil || !fi.IsDir() {
		t.Skip("no /dev/shm")
	}
	shm, err := os.MkdirTemp("/dev/shm", "plinth-out-")
	if err != nil {
		t.Skip(err)
	}
	defer os.RemoveAll(shm)
	dir := filepath.Join(t.TempDir(), "platform")
	if code := run([]string{"init", dir}, &bytes.Buffer{}, &bytes.Buffer{}); code != exitOK {
		t.Fatalf("init: exit %d", code)
	}
	out := filepath.Join(shm, "fleet")
	for _, args := range [][]string{{"--env", "prod"}, nil} { // fresh, then an update
		var stderr bytes.Buffer
		if code := run(append([]string{"generate", dir, "--out", out}, args...), &bytes.Buffer{}, &stderr); code != exitOK {
			t.Fatalf("generate %v: exit %d\n%s", args, code, stderr.String())
		}
	}
	for p := range treeHashes(t, out) {
		if strings.HasPrefix(p, ".plinth/staging") || strings.HasPrefix(p, ".plinth/journal") {
			t.Errorf("left behind: %s", p)
		}
	}
	if ents, _ := os.ReadDir(shm); len(ents) != 1 {
		t.Errorf("staged next to --out: %v", ents)
	}
}
