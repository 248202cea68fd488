//go:build unix

package source

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
	"golang.org/x/sys/unix"

	"github.com/plinth-dev/plinth/internal/testutil/gittest"
)

// TestLooseNotAFile: a loose object that is a symbolic link (even to an
// object file of the repository) or a FIFO, or a directory objects/xx/
// that is a FIFO, is not read by the object store (go-git reads it) and a
// FIFO does not block the read.
func TestLooseNotAFile(t *testing.T) {
	gittest.Need(t)
	r := gittest.New(t)
	r.Write("a.yaml", []byte("kind: A\n"))
	r.Write("b.yaml", []byte("kind: B\n"))
	c := r.Commit("one", gittest.Date(2026, 1, 2))
	objects := filepath.Join(r.Dir, ".git", "objects")
	path := func(name string) (plumbing.Hash, string) {
		h := gittest.Git(t, r.Dir, "rev-parse", c+":"+name)
		return plumbing.NewHash(h), filepath.Join(objects, h[:2], h[2:])
	}
	ha, pa := path("a.yaml")
	hb, pb := path("b.yaml")
	copyA := filepath.Join(filepath.Dir(pa), "copy")
	if err := os.Rename(pa, copyA); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("copy", pa); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(pb); err != nil {
		t.Fatal(err)
	}
	if err := unix.Mkfifo(pb, 0o644); err != nil {
		t.Fatal(err)
	}
	hc := plumbing.NewHash("00" + ha.String()[2:])
	if err := unix.Mkfifo(filepath.Join(objects, "00"), 0o644); err != nil {
		t.Fatal(err)
	}
	s := newObjectStore(objects)
	defer s.Close()
	for _, h := range []plumbing.Hash{ha, hb, hc} {
		if o, err := s.read(h, maxFileSize); !errors.Is(err, errNotRead) {
			t.Errorf("%s: %+v %v, want errNotRead", h, o, err)
		}
	}
}

// TestLooseDirSymlink: a directory objects/xx/ that is a symbolic link to a
// directory inside the objects directory is read through the os.Root, as
// before loose directories were opened with one call.
func TestLooseDirSymlink(t *testing.T) {
	gittest.Need(t)
	r := gittest.New(t)
	r.Write("a.yaml", []byte("kind: A\n"))
	c := r.Commit("one", gittest.Date(2026, 1, 2))
	objects := filepath.Join(r.Dir, ".git", "objects")
	h := gittest.Git(t, r.Dir, "rev-parse", c+":a.yaml")
	if err := os.Rename(filepath.Join(objects, h[:2]), filepath.Join(objects, "real")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("real", filepath.Join(objects, h[:2])); err != nil {
		t.Fatal(err)
	}
	s := newObjectStore(objects)
	defer s.Close()
	if o, err := s.read(plumbing.NewHash(h), maxFileSize); err != nil || string(o.data) != "kind: A\n" {
		t.Errorf("%s: %+v %v", h, o, err)
	}
}
