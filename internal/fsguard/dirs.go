package fsguard

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path"
	"strings"
)

// Dir is a directory of a written root opened once, from the directory
// above it, after checking that the name is a directory and not a link (the
// handle is then checked to be that same directory). Names directly in it
// are then created, read, moved and removed with one system call each
// (os.Root on a single name), instead of a walk from the root for every
// name: writing a tree costs a few calls per directory and per file. os.Root
// keeps every operation inside the directory.
type Dir struct {
	r    *Root
	name string // cleaned, relative to the root; "." is the root itself
	root *os.Root
	file *os.File // the directory itself, for renameat; opened on first use
	used int      // Dirs' epoch of the last use
}

// Name is the directory's path under the root ("." for the root).
func (d *Dir) Name() string { return d.name }

// path is elem's path under the root.
func (d *Dir) path(elem string) string {
	if d.name == "." {
		return elem
	}
	return d.name + "/" + elem
}

func (d *Dir) close() {
	if d.file != nil {
		d.file.Close()
	}
	if d.name != "." {
		d.root.Close()
	}
}

// element refuses anything but one plain name.
func (d *Dir) element(elem string) error {
	if elem == "" || elem == "." || elem == ".." || strings.ContainsAny(elem, "/\\\x00") {
		return d.r.errorf(d.path(elem), ErrOutside, "path leaves %s", d.r.what)
	}
	return nil
}

// Lstat describes elem without following a link.
func (d *Dir) Lstat(elem string) (fs.FileInfo, error) {
	if err := d.element(elem); err != nil {
		return nil, err
	}
	fi, err := d.root.Lstat(elem)
	return fi, d.r.wrap(d.path(elem), err)
}

// Create writes a new regular file elem holding data; an existing name
// (whatever it is, a link included) is an error, never written through.
// Opened non-blocking (no effect on a regular file) so that Go does not
// switch the descriptor to blocking and back: four system calls fewer.
func (d *Dir) Create(elem string, data []byte) error {
	if err := d.element(elem); err != nil {
		return err
	}
	f, err := d.root.OpenFile(elem, os.O_WRONLY|os.O_CREATE|os.O_EXCL|noFollow|openFlags, 0o644)
	if err != nil {
		return d.r.wrap(d.path(elem), err)
	}
	_, werr := f.Write(data)
	cerr := f.Close()
	return d.r.wrap(d.path(elem), errors.Join(werr, cerr))
}

// ReadFile reads the regular file elem within the root's limits, as
// Root.ReadFile does: a link or an irregular file is refused.
func (d *Dir) ReadFile(elem string) ([]byte, error) {
	if err := d.element(elem); err != nil {
		return nil, err
	}
	p := d.path(elem)
	fi, err := d.root.Lstat(elem)
	switch {
	case err != nil:
		return nil, d.r.wrap(p, err)
	case fi.Mode()&fs.ModeSymlink != 0:
		return nil, d.r.linkError(p)
	case !fi.Mode().IsRegular():
		return nil, d.r.errorf(p, ErrNotRegular, "%s is not read (only regular files are)", kind(fi.Mode()))
	}
	// Non-blocking, so that a file swapped for a fifo since Lstat cannot
	// hang the read.
	f, err := d.root.OpenFile(elem, os.O_RDONLY|openFlags, 0)
	if err != nil {
		return nil, d.r.wrap(p, err)
	}
	defer f.Close()
	if fi, err = f.Stat(); err != nil || !fi.Mode().IsRegular() {
		return nil, d.r.errorf(p, ErrNotRegular, "changed while being read: not a regular file")
	}
	d.r.readMu.Lock()
	err = d.r.fits(p, fi.Size())
	limit := d.r.remaining()
	d.r.readMu.Unlock()
	if err != nil {
		return nil, err
	}
	b := make([]byte, 0, min(fi.Size(), limit)+1)
	for int64(len(b)) <= limit {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		n, err := f.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, d.r.wrap(p, err)
		}
	}
	d.r.readMu.Lock()
	defer d.r.readMu.Unlock()
	if err := d.r.fits(p, int64(len(b))); err != nil {
		return nil, err
	}
	d.r.read += int64(len(b))
	return b, nil
}

// ReadDir lists the directory, sorted by name; links are listed as links.
func (d *Dir) ReadDir() ([]fs.DirEntry, error) {
	f, err := d.root.Open(".")
	if err != nil {
		return nil, d.r.wrap(d.name, err)
	}
	defer f.Close()
	ents, err := f.ReadDir(-1)
	if err != nil {
		return nil, d.r.wrap(d.name, err)
	}
	sortEntries(ents)
	return ents, nil
}

// Dirs opens the directories of a written root, each from the one above it,
// and keeps them open while they are used. Not safe for concurrent use:
// one per goroutine. Close closes them all.
type Dirs struct {
	r     *Root
	open  map[string]*Dir
	epoch int
	// Max is how many directories stay open between epochs (Next); 0
	// means 64.
	Max int
}

// Dirs returns a set of directory handles of the written root r.
func (r *Root) Dirs() *Dirs {
	return &Dirs{r: r, open: map[string]*Dir{".": {r: r, name: ".", root: r.root}}}
}

// Next starts a new epoch: the directories used before it may be closed
// (the least recently used first) while more than Max are open. A *Dir
// returned since the last Next stays open until the next one.
func (ds *Dirs) Next() {
	ds.epoch++
	limit := ds.Max
	if limit <= 0 {
		limit = 64
	}
	for len(ds.open) > limit {
		var oldest *Dir
		for _, d := range ds.open {
			if d.name != "." && d.used < ds.epoch && (oldest == nil || d.used < oldest.used) {
				oldest = d
			}
		}
		if oldest == nil {
			return
		}
		ds.drop(oldest.name)
	}
}

// Close closes every directory opened.
func (ds *Dirs) Close() {
	for name := range ds.open {
		ds.drop(name)
	}
}

// drop closes the handle of name, if open.
func (ds *Dirs) drop(name string) {
	if d, ok := ds.open[name]; ok {
		if name != "." {
			delete(ds.open, name)
		}
		d.close()
		if name == "." {
			d.file = nil
		}
	}
}

// forget closes the handles of name and of every directory under it: it
// was moved or removed.
func (ds *Dirs) forget(name string) {
	for n := range ds.open {
		if n != "." && (n == name || strings.HasPrefix(n, name+"/")) {
			ds.drop(n)
		}
	}
	ds.r.dirs.forget(name)
}

// Open opens the directory name (slash path under the root). An element on
// the way that is a link, or not a directory, is refused as Check refuses
// it; a missing one is an error matching fs.ErrNotExist.
func (ds *Dirs) Open(name string) (*Dir, error) {
	c, err := ds.r.clean(name)
	if err != nil {
		return nil, err
	}
	return ds.get(c, false)
}

// Make opens the directory name, making it and its missing parents first.
func (ds *Dirs) Make(name string) (*Dir, error) {
	c, err := ds.r.clean(name)
	if err != nil {
		return nil, err
	}
	return ds.get(c, true)
}

func (ds *Dirs) get(c string, create bool) (*Dir, error) {
	if d, ok := ds.open[c]; ok {
		d.used = ds.epoch
		return d, nil
	}
	parent, err := ds.get(path.Dir(c), create)
	if err != nil {
		return nil, err
	}
	elem := path.Base(c)
	if create {
		if err := parent.root.Mkdir(elem, 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
			return nil, ds.r.wrap(c, err)
		}
	}
	fi, err := parent.root.Lstat(elem)
	switch {
	case err != nil:
		return nil, ds.r.wrap(c, err)
	case fi.Mode()&fs.ModeSymlink != 0:
		return nil, ds.r.linkError(c)
	case !fi.IsDir():
		return nil, ds.r.errorf(c, ErrNotRegular, "not a directory")
	}
	root, err := parent.root.OpenRoot(elem)
	if err != nil {
		return nil, ds.r.wrap(c, err)
	}
	// The directory opened is the one checked, not a link put in its
	// place since.
	if got, err := root.Stat("."); err != nil || !os.SameFile(fi, got) {
		root.Close()
		return nil, ds.r.errorf(c, ErrLink, "changed while being opened")
	}
	d := &Dir{r: ds.r, name: c, root: root, used: ds.epoch}
	ds.open[c] = d
	ds.r.dirs.add(c)
	return d, nil
}

// Rename moves fromElem of from to toElem of to (a file replaces a file
// there; a directory moves only to a name that does not exist). Handles of
// a directory moved are closed. Nothing is followed: both names are plain
// names of directories already checked.
func (ds *Dirs) Rename(from *Dir, fromElem string, to *Dir, toElem string) error {
	if err := from.element(fromElem); err != nil {
		return err
	}
	if err := to.element(toElem); err != nil {
		return err
	}
	fp, tp := from.path(fromElem), to.path(toElem)
	ds.forget(fp)
	ds.forget(tp)
	if err := renameAt(from, fromElem, to, toElem); err != nil {
		return ds.r.errorf(fp, err, "move to %s: %v", ds.r.display(tp), unwrapPath(err))
	}
	return nil
}

// Remove removes the file or empty directory elem of d; a link is refused,
// not removed, as Root.Remove refuses it. A handle of that directory is
// closed.
func (ds *Dirs) Remove(d *Dir, elem string) error {
	if _, err := d.Exists(elem); err != nil {
		return err
	}
	ds.forget(d.path(elem))
	return ds.r.wrap(d.path(elem), d.root.Remove(elem))
}

// fd opens the directory itself, for the *at calls os.Root has no
// equivalent of.
func (d *Dir) fd() (*os.File, error) {
	if d.file == nil {
		f, err := d.root.Open(".")
		if err != nil {
			return nil, err
		}
		d.file = f
	}
	return d.file, nil
}

// Exists reports whether elem is there; a link there is refused as Check
// refuses it (plinth never writes, moves or removes through one).
func (d *Dir) Exists(elem string) (bool, error) {
	fi, err := d.Lstat(elem)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return false, nil
	case err != nil:
		return false, err
	case fi.Mode()&fs.ModeSymlink != 0:
		return false, d.r.linkError(d.path(elem))
	}
	return true, nil
}
