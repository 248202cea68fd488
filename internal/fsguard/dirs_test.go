package fsguard_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/plinth-dev/plinth/internal/fsguard"
)

// TestDirs: directory handles refuse what Check and the Root's writes
// refuse (links on the way or at the name, names that leave, a file where a
// directory is needed) with the same reasons, and never change anything
// outside the root.
func TestDirs(t *testing.T) {
	type op func(ds *fsguard.Dirs) error
	create := func(dir, elem string) op {
		return func(ds *fsguard.Dirs) error {
			d, err := ds.Make(dir)
			if err != nil {
				return err
			}
			return d.Create(elem, []byte("new"))
		}
	}
	read := func(dir, elem string) op {
		return func(ds *fsguard.Dirs) error {
			d, err := ds.Open(dir)
			if err != nil {
				return err
			}
			b, err := d.ReadFile(elem)
			if err == nil && string(b) != "own\n" {
				return errors.New("read " + string(b))
			}
			return err
		}
	}
	exists := func(dir, elem string, want bool) op {
		return func(ds *fsguard.Dirs) error {
			d, err := ds.Open(dir)
			if err != nil {
				return err
			}
			got, err := d.Exists(elem)
			if err == nil && got != want {
				return errors.New("wrong answer")
			}
			return err
		}
	}
	rename := func(fromDir, fromElem, toDir, toElem string) op {
		return func(ds *fsguard.Dirs) error {
			from, err := ds.Open(fromDir)
			if err != nil {
				return err
			}
			to, err := ds.Make(toDir)
			if err != nil {
				return err
			}
			return ds.Rename(from, fromElem, to, toElem)
		}
	}
	remove := func(dir, elem string) op {
		return func(ds *fsguard.Dirs) error {
			d, err := ds.Open(dir)
			if err != nil {
				return err
			}
			return ds.Remove(d, elem)
		}
	}
	tests := []struct {
		name   string
		op     op
		reason error  // nil: allowed
		msg    string // in the error
	}{
		{"create in new directories", create("a/b/c", "x.yaml"), nil, ""},
		{"create in an existing directory", create("sub", "x.yaml"), nil, ""},
		{"create over a file", create("sub", "own.yaml"), fs.ErrExist, "sub/own.yaml"},
		{"create over a link to outside", create(".", "file.yaml"), fs.ErrExist, "file.yaml"},
		{"create over a link inside", create("sub", "in.yaml"), fs.ErrExist, "sub/in.yaml"},
		{"create a name with a slash", create("sub", "a/b"), fsguard.ErrOutside, "path leaves"},
		{"create ..", create("sub", ".."), fsguard.ErrOutside, "path leaves"},
		{"make through a dir link out", create("outdir/d", "x"), fsguard.ErrOutside, "outdir: symbolic link to outside the out tree is not written or removed through"},
		{"make through an absolute dir link", create("abs", "x"), fsguard.ErrOutside, "abs: symbolic link to outside"},
		{"make through a dir link inside", create("insidedir", "x"), fsguard.ErrLink, "insidedir: symbolic link is not written"},
		{"make through a file", create("sub/own.yaml/d", "x"), fsguard.ErrNotRegular, "sub/own.yaml: not a directory"},
		{"make ../", create("../outside", "x"), fsguard.ErrOutside, "path leaves the out tree"},
		{"open a missing directory", read("nothere", "x"), fs.ErrNotExist, "nothere"},
		{"read a file", read("sub", "own.yaml"), nil, ""},
		{"read a link inside", read("sub", "in.yaml"), fsguard.ErrLink, "sub/in.yaml: symbolic link"},
		{"read a link out", read(".", "file.yaml"), fsguard.ErrOutside, "file.yaml: symbolic link to outside"},
		{"read a directory", read(".", "sub"), fsguard.ErrNotRegular, "a directory is not read"},
		{"read a fifo", read(".", "fifo"), fsguard.ErrNotRegular, "a named pipe is not read"},
		{"exists: a file", exists("sub", "own.yaml", true), nil, ""},
		{"exists: nothing", exists("sub", "none", false), nil, ""},
		{"exists: a link", exists(".", "file.yaml", false), fsguard.ErrOutside, "file.yaml: symbolic link to outside"},
		{"remove a file", remove("sub", "own.yaml"), nil, ""},
		{"remove an empty directory", remove(".", "empty"), nil, ""},
		{"remove a link", remove(".", "file.yaml"), fsguard.ErrOutside, "file.yaml: symbolic link to outside"},
		{"remove through a link", remove("outdir", "secret"), fsguard.ErrOutside, "outdir: symbolic link"},
		{"rename a file into new directories", rename("sub", "own.yaml", "x/y", "own.yaml"), nil, ""},
		{"rename a directory", rename(".", "sub", "x", "sub"), nil, ""},
		{"rename a directory onto one", rename(".", "sub", ".", "empty"), fs.ErrExist, "sub: move to"},
		{"rename into a link", rename("sub", "own.yaml", "outdir", "own.yaml"), fsguard.ErrOutside, "outdir: symbolic link"},
		{"rename from a link", rename("outdir", "secret", ".", "stolen"), fsguard.ErrOutside, "outdir: symbolic link"},
		{"rename out", rename("sub", "own.yaml", "..", "own.yaml"), fsguard.ErrOutside, "path leaves"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			root, secret, mtime := writeLayout(t)
			if err := syscall.Mkfifo(filepath.Join(root, "fifo"), 0o644); err != nil {
				t.Skip(err)
			}
			if err := os.Mkdir(filepath.Join(root, "empty"), 0o755); err != nil {
				t.Fatal(err)
			}
			r, err := fsguard.OpenWrite(root, "the out tree", fsguard.Limits{})
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			ds := r.Dirs()
			defer ds.Close()
			err = tc.op(ds)
			checkRefusal(t, err, tc.reason, tc.msg, root, secret, mtime)
			var e *fsguard.Error
			if err != nil && !errors.As(err, &e) {
				t.Errorf("not an *fsguard.Error: %T %v", err, err)
			}
		})
	}
}

// TestDirsHandles: handles stay open while used, at most Max of the older
// ones are kept, and a directory moved or removed is opened again by name
// (a link put in its place is refused) rather than used through its old
// handle.
func TestDirsHandles(t *testing.T) {
	base := t.TempDir()
	root, outside := filepath.Join(base, "root"), filepath.Join(base, "outside")
	for _, d := range []string{root, outside} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	r, err := fsguard.OpenWrite(root, "the output directory", fsguard.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	ds := r.Dirs()
	defer ds.Close()
	ds.Max = 2
	var held []*fsguard.Dir
	for _, name := range []string{"a/1", "a/2", "a/3", "a/4"} {
		d, err := ds.Make(name)
		if err != nil {
			t.Fatal(err)
		}
		held = append(held, d)
	}
	// Used in this epoch: all open, whatever Max says.
	for i, d := range held {
		if err := d.Create("f", []byte{byte('0' + i)}); err != nil {
			t.Fatalf("%s: %v", d.Name(), err)
		}
	}
	ds.Next()
	ds.Next()
	// Reopened by name after being closed.
	for _, name := range []string{"a/1", "a/4"} {
		d, err := ds.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		if ok, err := d.Exists("f"); err != nil || !ok {
			t.Fatalf("%s/f: %v %v", name, ok, err)
		}
	}
	// Moved: the handle of a/1 is not used for the new a/1.
	a, err := ds.Open("a")
	if err != nil {
		t.Fatal(err)
	}
	top, err := ds.Open(".")
	if err != nil {
		t.Fatal(err)
	}
	if err := ds.Rename(a, "1", top, "moved"); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(root, "a", "1")); err != nil {
		t.Fatal(err)
	}
	if _, err := ds.Make("a/1"); !errors.Is(err, fsguard.ErrLink) {
		t.Fatalf("a link in place of a moved directory: %v, want ErrLink", err)
	}
	// The Root's own checks forgot it too.
	if err := r.WriteFile("a/1/g", []byte("x")); !errors.Is(err, fsguard.ErrLink) {
		t.Fatalf("Root.WriteFile through the link: %v, want ErrLink", err)
	}
	if ents, _ := os.ReadDir(outside); len(ents) != 0 {
		t.Errorf("written outside: %v", ents)
	}
	if b, err := os.ReadFile(filepath.Join(root, "moved", "f")); err != nil || string(b) != "0" {
		t.Errorf("moved/f: %q %v", b, err)
	}
}
