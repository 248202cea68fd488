package fsguard_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/plinth-dev/plinth/internal/fsguard"
)

// writeLayout makes base/outside (a canary file with an old mtime) and
// base/root with a file, a directory and links into and out of the root.
func writeLayout(t *testing.T) (root, secret string, mtime time.Time) {
	t.Helper()
	base := t.TempDir()
	root = filepath.Join(base, "root")
	outside := filepath.Join(base, "outside")
	for _, d := range []string{filepath.Join(root, "sub"), outside} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	secret = filepath.Join(outside, "secret")
	if err := os.WriteFile(secret, []byte(canary), 0o644); err != nil {
		t.Fatal(err)
	}
	mtime = time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)
	if err := os.Chtimes(secret, mtime, mtime); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "sub", "own.yaml"), []byte("own\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for name, target := range map[string]string{
		"outdir":      "../outside",
		"abs":         outside,
		"file.yaml":   "../outside/secret",
		"sub/in.yaml": "own.yaml",
		"insidedir":   "sub",
	} {
		if err := os.Symlink(target, filepath.Join(root, filepath.FromSlash(name))); err != nil {
			t.Fatal(err)
		}
	}
	return root, secret, mtime
}

// untouched fails when the outside directory changed: the canary's content
// or mtime, or a new file next to it.
func untouched(t *testing.T, secret string, mtime time.Time) {
	t.Helper()
	b, err := os.ReadFile(secret)
	fi, serr := os.Stat(secret)
	if err != nil || serr != nil || string(b) != canary || !fi.ModTime().Equal(mtime) {
		t.Fatalf("outside file changed: %q %v %v", b, err, serr)
	}
	ents, _ := os.ReadDir(filepath.Dir(secret))
	if len(ents) != 1 {
		t.Fatalf("outside directory holds %v", ents)
	}
}

func TestWriteSide(t *testing.T) {
	type op func(r *fsguard.Root) error
	write := func(name string) op { return func(r *fsguard.Root) error { return r.WriteFile(name, []byte("new")) } }
	tests := []struct {
		name   string
		op     op
		reason error  // nil: allowed
		msg    string // in the error
	}{
		{"write a new file", write("a/b/c.yaml"), nil, ""},
		{"overwrite a file", write("sub/own.yaml"), nil, ""},
		{"write through a dir link out", write("outdir/secret"), fsguard.ErrOutside, "outdir: symbolic link to outside the out tree is not written or removed through"},
		{"write through an absolute dir link", write("abs/new"), fsguard.ErrOutside, "abs: symbolic link to outside"},
		{"write over a file link out", write("file.yaml"), fsguard.ErrOutside, "file.yaml: symbolic link to outside"},
		{"write over a link inside", write("sub/in.yaml"), fsguard.ErrLink, "in.yaml: symbolic link is not written or removed through (files in the out tree must be regular files and directories)"},
		{"write through a dir link inside", write("insidedir/x"), fsguard.ErrLink, "insidedir: symbolic link is not written"},
		{"write ../", write("../outside/secret"), fsguard.ErrOutside, "path leaves the out tree"},
		{"write absolute", write("/tmp/x"), fsguard.ErrOutside, "path leaves the out tree"},
		{"write over a directory", write("sub"), fsguard.ErrNotRegular, "a directory is in the way of a file"},
		{"remove through a link", func(r *fsguard.Root) error { return r.Remove("outdir/secret") }, fsguard.ErrOutside, "outdir: symbolic link"},
		{"remove a link", func(r *fsguard.Root) error { return r.Remove("file.yaml") }, fsguard.ErrOutside, "file.yaml: symbolic link"},
		{"remove all through a link", func(r *fsguard.Root) error { return r.RemoveAll("outdir") }, fsguard.ErrOutside, "outdir: symbolic link"},
		{"remove the root", func(r *fsguard.Root) error { return r.RemoveAll(".") }, fsguard.ErrOutside, "the root itself is not removed"},
		{"remove a file", func(r *fsguard.Root) error { return r.Remove("sub/own.yaml") }, nil, ""},
		{"rename into a link", func(r *fsguard.Root) error { return r.Rename("sub/own.yaml", "outdir/own.yaml") }, fsguard.ErrOutside, "outdir: symbolic link"},
		{"rename from a link", func(r *fsguard.Root) error { return r.Rename("outdir/secret", "stolen") }, fsguard.ErrOutside, "outdir: symbolic link"},
		{"rename out", func(r *fsguard.Root) error { return r.Rename("sub/own.yaml", "../own.yaml") }, fsguard.ErrOutside, "path leaves"},
		{"rename into new dirs", func(r *fsguard.Root) error { return r.Rename("sub/own.yaml", "x/y/own.yaml") }, nil, ""},
		{"mkdir through a link", func(r *fsguard.Root) error { return r.MkdirAll("outdir/d") }, fsguard.ErrOutside, "outdir: symbolic link"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			root, secret, mtime := writeLayout(t)
			r, err := fsguard.OpenWrite(root, "the out tree", fsguard.Limits{})
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			err = tc.op(r)
			checkRefusal(t, err, tc.reason, tc.msg, root, secret, mtime)
		})
	}
}

func TestRemoveEmptyDirs(t *testing.T) {
	root := t.TempDir()
	for _, d := range []string{"a/b/c", "a/keep"} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	r, err := fsguard.OpenWrite(root, "t", fsguard.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	r.RemoveEmptyDirs("a/b/c")
	if _, err := os.Stat(filepath.Join(root, "a", "b")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a/b left: %v", err)
	}
	if _, err := os.Stat(filepath.Join(root, "a", "keep")); err != nil {
		t.Errorf("a/keep removed: %v", err)
	}
	r.RemoveEmptyDirs(".")
	if _, err := os.Stat(root); err != nil {
		t.Errorf("root removed: %v", err)
	}
}

func TestLock(t *testing.T) {
	root := t.TempDir()
	a, err := fsguard.OpenWrite(root, "the output directory", fsguard.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Lock(); err != nil {
		t.Fatal(err)
	}
	b, err := fsguard.OpenWrite(root, "the output directory", fsguard.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if err := b.Lock(); !errors.Is(err, fsguard.ErrLocked) || !strings.Contains(err.Error(), "the output directory is locked by another process") {
		t.Errorf("second lock: %v", err)
	}
	a.Close()
	if err := b.Lock(); err != nil {
		t.Errorf("lock after release: %v", err)
	}
}

// FuzzWrite builds a root with a link the fuzzer places and points, then
// writes, renames and removes names the fuzzer picks: the outside directory
// never changes and nothing appears next to the root.
func FuzzWrite(f *testing.F) {
	f.Add("l", "../outside", "l/secret", "x")
	f.Add("d/l", "../../outside", "d/l/new", "d/l/secret")
	f.Add("l", "/", "l/tmp/x", "l")
	f.Add("a", ".", "a/a/a", "../outside/secret")
	f.Add("sub/l", "..", "sub/l/../outside/x", "sub/own.yaml")
	f.Fuzz(func(t *testing.T, link, target, name, other string) {
		base := t.TempDir()
		root := filepath.Join(base, "root")
		outside := filepath.Join(base, "outside")
		for _, d := range []string{filepath.Join(root, "sub"), outside} {
			if err := os.MkdirAll(d, 0o755); err != nil {
				t.Fatal(err)
			}
		}
		secret := filepath.Join(outside, "secret")
		if err := os.WriteFile(secret, []byte(canary), 0o644); err != nil {
			t.Fatal(err)
		}
		mtime := time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)
		if err := os.Chtimes(secret, mtime, mtime); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(root, "sub", "own.yaml"), []byte("own"), 0o644); err != nil {
			t.Fatal(err)
		}
		lp := filepath.Join(root, filepath.FromSlash(link))
		if rel, err := filepath.Rel(root, lp); err == nil && rel != "." && !strings.HasPrefix(rel, "..") && !strings.ContainsRune(link, 0) && !strings.ContainsRune(target, 0) {
			if os.MkdirAll(filepath.Dir(lp), 0o755) == nil {
				_ = os.Symlink(target, lp)
			}
		}
		r, err := fsguard.OpenWrite(root, "the root", fsguard.Limits{})
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		ops := []func() error{
			func() error { return r.WriteFile(name, []byte("w")) },
			func() error { return r.MkdirAll(name) },
			func() error { return r.Rename(name, other) },
			func() error { return r.Rename(other, name) },
			func() error { return r.Remove(name) },
			func() error { return r.RemoveAll(other) },
			func() error { r.RemoveEmptyDirs(name); return nil },
		}
		for _, op := range ops {
			_ = op()
			untouched(t, secret, mtime)
			if ents, _ := os.ReadDir(base); len(ents) != 2 {
				t.Fatalf("written next to the root: %v", ents)
			}
		}
	})
}

// TestCheckedDirectoriesForgotten: directories a Root checked or made are
// not checked again, until the Root removes or moves them: a link put in
// the place of a removed or renamed directory is refused again.
func TestCheckedDirectoriesForgotten(t *testing.T) {
	for _, tc := range []struct {
		name   string
		remove func(r *fsguard.Root) error
	}{
		{"RemoveAll", func(r *fsguard.Root) error { return r.RemoveAll("a") }},
		// A checked directory replaced behind the Root's back (plinth holds
		// a lock on its output; this is someone else): os.Root still keeps
		// the write inside the root, only the message is os.Root's.
		{"replaced by someone else", func(r *fsguard.Root) error { return nil }},
		{"RemoveAll of a child", func(r *fsguard.Root) error { return r.RemoveAll("a/b") }},
		{"Rename", func(r *fsguard.Root) error { return r.Rename("a/b", "moved/b") }},
		{"Remove and RemoveEmptyDirs", func(r *fsguard.Root) error {
			for _, f := range []string{"a/b/c/f.yaml", "a/b/c/g.yaml"} {
				if err := r.Remove(f); err != nil {
					return err
				}
			}
			r.RemoveEmptyDirs("a/b/c")
			return nil
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			base := t.TempDir()
			dir := filepath.Join(base, "root")
			outside := filepath.Join(base, "outside")
			for _, d := range []string{dir, outside} {
				if err := os.MkdirAll(d, 0o755); err != nil {
					t.Fatal(err)
				}
			}
			r, err := fsguard.OpenWrite(dir, "the output directory", fsguard.Limits{})
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			if err := r.WriteFile("a/b/c/f.yaml", []byte("x\n")); err != nil {
				t.Fatal(err)
			}
			if err := r.WriteFile("a/b/c/g.yaml", []byte("x\n")); err != nil { // from the checked directories
				t.Fatal(err)
			}
			if err := tc.remove(r); err != nil {
				t.Fatal(err)
			}
			// Someone else puts a link where the directories were.
			os.RemoveAll(filepath.Join(dir, "a", "b"))
			if err := os.MkdirAll(filepath.Join(dir, "a"), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(outside, filepath.Join(dir, "a", "b")); err != nil {
				t.Fatal(err)
			}
			err = r.WriteFile("a/b/c/h.yaml", []byte("x\n"))
			if tc.name == "replaced by someone else" {
				if err == nil {
					t.Fatal("write through a link to outside the root: no error")
				}
			} else if !errors.Is(err, fsguard.ErrLink) {
				t.Fatalf("write through a link in place of a forgotten directory: %v, want ErrLink", err)
			}
			if ents, _ := os.ReadDir(outside); len(ents) != 0 {
				t.Errorf("written outside: %v", ents)
			}
		})
	}
}

// checkRefusal checks an operation's error against the refusal wanted
// (reason nil: none), and that neither the file outside the tree (secret,
// with its modification time) nor the link to it in root changed.
func checkRefusal(t *testing.T, err, reason error, msg, root, secret string, mtime time.Time) {
	t.Helper()
	switch {
	case reason == nil && err != nil:
		t.Fatalf("refused: %v", err)
	case reason != nil && err == nil:
		t.Fatal("allowed, want a refusal")
	case reason != nil && (!errors.Is(err, reason) || !strings.Contains(err.Error(), msg)):
		t.Errorf("error %q, want %v with %q", err, reason, msg)
	}
	untouched(t, secret, mtime)
	if _, err := os.Lstat(filepath.Join(root, "file.yaml")); err != nil {
		t.Errorf("the link itself went away: %v", err)
	}
}
