package fsguard_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/plinth-dev/plinth/internal/fsguard"
)

// canary is the content of files outside the root: it must never be read.
const canary = "CANARY-outside-the-root-7f3a"

// layout makes base/outside (holding the canary) and base/root with a
// regular file, a subdirectory and every kind of link and special file.
func layout(t *testing.T) (root string) {
	t.Helper()
	base := t.TempDir()
	root = filepath.Join(base, "root")
	outside := filepath.Join(base, "outside")
	for _, d := range []string{root, outside, filepath.Join(root, "sub")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	write := func(p, s string) {
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(outside, "secret"), canary)
	write(filepath.Join(root, "a.cue"), "package p\n")
	write(filepath.Join(root, "sub", "b.yaml"), "b: 1\n")
	write(filepath.Join(root, "big.cue"), strings.Repeat("x", 100))
	links := map[string]string{
		"abs.yaml":       filepath.Join(outside, "secret"),
		"rel.yaml":       "../outside/secret",
		"inside.cue":     "a.cue",
		"outdir":         "../outside",
		"sub/up.yaml":    "../../outside/secret",
		"dangling.cue":   "nope.cue",
		"selfloop.cue":   "selfloop.cue",
		"sub/inside.cue": "../a.cue",
	}
	for name, target := range links {
		if err := os.Symlink(target, filepath.Join(root, filepath.FromSlash(name))); err != nil {
			t.Fatal(err)
		}
	}
	if err := syscall.Mkfifo(filepath.Join(root, "fifo.cue"), 0o644); err != nil {
		t.Fatal(err)
	}
	return root
}

func TestReadFile(t *testing.T) {
	root := layout(t)
	tests := []struct {
		name   string
		reason error  // nil: read
		msg    string // in the error
		want   string // content when read
	}{
		{name: "a.cue", want: "package p\n"},
		{name: "sub/b.yaml", want: "b: 1\n"},
		{name: "./sub/../a.cue", want: "package p\n"},
		{name: "abs.yaml", reason: fsguard.ErrOutside, msg: "abs.yaml: symbolic link to outside the test root is not read"},
		{name: "rel.yaml", reason: fsguard.ErrOutside, msg: "symbolic link to outside the test root is not read"},
		{name: "sub/up.yaml", reason: fsguard.ErrOutside, msg: "up.yaml: symbolic link to outside"},
		{name: "outdir/secret", reason: fsguard.ErrOutside, msg: "outdir: symbolic link to outside"},
		{name: "inside.cue", reason: fsguard.ErrLink, msg: "inside.cue: symbolic link is not read (files in the test root must be regular files)"},
		{name: "sub/inside.cue", reason: fsguard.ErrLink, msg: "symbolic link is not read"},
		{name: "dangling.cue", reason: fsguard.ErrLink, msg: "symbolic link is not read"},
		{name: "selfloop.cue", reason: fsguard.ErrLink, msg: "symbolic link is not read"},
		{name: "fifo.cue", reason: fsguard.ErrNotRegular, msg: "fifo.cue: a named pipe is not read"},
		{name: "sub", reason: fsguard.ErrNotRegular, msg: "a directory is not read"},
		{name: "../outside/secret", reason: fsguard.ErrOutside, msg: "path leaves the test root"},
		{name: "/etc/passwd", reason: fsguard.ErrOutside, msg: "path leaves the test root"},
		{name: "big.cue", reason: fsguard.ErrTooLarge, msg: "big.cue: file is larger than 64 bytes, the limit for one file"},
		{name: "missing.cue", reason: os.ErrNotExist, msg: "missing.cue: no such file or directory"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := fsguard.Open(root, "the test root", fsguard.Limits{File: 64})
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			b, err := r.ReadFile(tc.name)
			if tc.reason == nil {
				if err != nil || string(b) != tc.want {
					t.Fatalf("got %q, %v; want %q", b, err, tc.want)
				}
				return
			}
			if err == nil {
				t.Fatalf("read %q, want an error", b)
			}
			if !errors.Is(err, tc.reason) || !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("error %q (is %v: %v), want %q", err, tc.reason, errors.Is(err, tc.reason), tc.msg)
			}
			if strings.Contains(err.Error(), canary) || strings.Contains(err.Error(), "outside/secret") && tc.name != "../outside/secret" {
				t.Errorf("error shows the outside file: %q", err)
			}
		})
	}
}

func TestTotalLimit(t *testing.T) {
	root := t.TempDir()
	for _, n := range []string{"a", "b", "c"} {
		if err := os.WriteFile(filepath.Join(root, n), []byte("0123456789"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	r, err := fsguard.Open(root, "the platform directory", fsguard.Limits{File: 10, Total: 25})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for _, n := range []string{"a", "b"} {
		if _, err := r.ReadFile(n); err != nil {
			t.Fatal(err)
		}
	}
	_, err = r.ReadFile("c")
	if !errors.Is(err, fsguard.ErrTooLarge) || !strings.Contains(err.Error(), "c: files of the platform directory add up to more than 25 bytes") {
		t.Errorf("third file: %v", err)
	}
}

func TestOpen(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "f")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct{ dir, msg string }{
		{filepath.Join(dir, "missing"), "missing does not exist"},
		{file, "f is not a directory"},
	}
	for _, tc := range tests {
		if _, err := fsguard.Open(tc.dir, "x", fsguard.Limits{}); err == nil || !strings.HasSuffix(err.Error(), tc.msg) {
			t.Errorf("Open(%s): %v, want %q", tc.dir, err, tc.msg)
		}
	}
}

func TestReadDirAndWalk(t *testing.T) {
	root := layout(t)
	r, err := fsguard.Open(root, "the test root", fsguard.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	entries, err := r.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if got := strings.Join(names, " "); got != "a.cue abs.yaml big.cue dangling.cue fifo.cue inside.cue outdir rel.yaml selfloop.cue sub" {
		t.Errorf("ReadDir: %s", got)
	}
	if _, err := r.ReadDir("outdir"); !errors.Is(err, fsguard.ErrOutside) {
		t.Errorf("ReadDir(outdir): %v", err)
	}
	var walked []string
	err = r.WalkDir(".", func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		walked = append(walked, p)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(walked, " "); strings.Contains(got, "outdir/") || !strings.Contains(got, "sub/b.yaml") {
		t.Errorf("WalkDir went through a link or missed a file: %s", got)
	}
}

// FuzzReadFile builds a root with links, directories and files named by the
// fuzzer and reads names the fuzzer picks: nothing outside is ever read, and
// no read through a link succeeds.
func FuzzReadFile(f *testing.F) {
	f.Add("l1", "../outside/secret", "l1")
	f.Add("d/l", "../../outside", "d/l/secret")
	f.Add("l", "/", "l/etc/passwd")
	f.Add("a/b", "..", "a/b/../../outside/secret")
	f.Add("x", "x", "x")
	f.Fuzz(func(t *testing.T, link, target, read string) {
		base := t.TempDir()
		root := filepath.Join(base, "root")
		outside := filepath.Join(base, "outside")
		for _, d := range []string{root, outside} {
			if err := os.Mkdir(d, 0o755); err != nil {
				t.Fatal(err)
			}
		}
		if err := os.WriteFile(filepath.Join(outside, "secret"), []byte(canary), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(root, "plain"), []byte("inside"), 0o644); err != nil {
			t.Fatal(err)
		}
		// The link is made only where it lands inside root (the fuzzer
		// must not write outside the test's directory).
		lp := filepath.Join(root, filepath.FromSlash(link))
		if rel, err := filepath.Rel(root, lp); err == nil && rel != "." && !strings.HasPrefix(rel, "..") && !strings.ContainsRune(link, 0) && !strings.ContainsRune(target, 0) {
			if os.MkdirAll(filepath.Dir(lp), 0o755) == nil {
				_ = os.Symlink(target, lp)
			}
		}
		r, err := fsguard.Open(root, "the root", fsguard.Limits{File: 1 << 10})
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		b, err := r.ReadFile(read)
		if strings.Contains(string(b), canary) {
			t.Fatalf("read %q outside the root through %q -> %q", read, link, target)
		}
		if err != nil && strings.Contains(err.Error(), canary) {
			t.Fatalf("error shows outside content: %v", err)
		}
		if err == nil && string(b) != "inside" {
			t.Fatalf("read %q: %q, but the only readable file holds %q", read, b, "inside")
		}
	})
}
