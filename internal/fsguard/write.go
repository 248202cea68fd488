package fsguard

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"strings"
	"sync"
)

// ErrLocked is a directory another process is writing.
var ErrLocked = errors.New("locked by another process")

// OpenWrite opens dir, which must exist, for guarded writing. Reads through
// the returned Root have the read side's checks (and lim); every create,
// rename and remove checks its names first: a name that leaves the root, or
// that is or passes through a symbolic link, is refused with an *Error naming
// it, before anything changes. os.Root keeps every operation inside the root
// even when the tree changes between the check and the operation.
func OpenWrite(dir, what string, lim Limits) (*Root, error) {
	r, err := Open(dir, what, lim)
	if err != nil {
		return nil, err
	}
	r.write = true
	return r, nil
}

// checked cleans name and refuses it as Check does.
func (r *Root) checked(name string) (string, error) {
	c, err := r.clean(name)
	if err != nil {
		return "", err
	}
	if err := r.Check(c); err != nil {
		return "", err
	}
	return c, nil
}

// wrap turns an operation's error on name into an *Error naming it.
func (r *Root) wrap(name string, err error) error {
	if err == nil {
		return nil
	}
	return r.errorf(name, err, "%v", unwrapPath(err))
}

// Lstat describes name without following a link at its end; a link on the
// way to it is refused.
func (r *Root) Lstat(name string) (fs.FileInfo, error) {
	c, err := r.checked(name)
	if err != nil {
		return nil, err
	}
	fi, err := r.root.Lstat(c)
	return fi, r.wrap(c, err)
}

// Exists reports whether name is there (whatever it is); a refused name or
// an error other than "does not exist" is returned.
func (r *Root) Exists(name string) (bool, error) {
	_, err := r.Lstat(name)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, fs.ErrNotExist):
		return false, nil
	}
	return false, err
}

// MkdirAll creates the directory name and its missing parents.
func (r *Root) MkdirAll(name string) error {
	c, err := r.checked(name)
	if err != nil {
		return err
	}
	if c == "." || r.dirs.has(c) {
		return nil
	}
	if err := r.root.MkdirAll(c, 0o755); err != nil {
		return r.wrap(c, err)
	}
	for d := c; d != "."; d = path.Dir(d) {
		r.dirs.add(d)
	}
	return nil
}

// WriteFile creates (or truncates) the regular file name with data, making
// its parent directories. A link at name is refused, not followed.
func (r *Root) WriteFile(name string, data []byte) error {
	c, err := r.checked(name)
	if err != nil {
		return err
	}
	if err := r.MkdirAll(path.Dir(c)); err != nil {
		return err
	}
	if fi, err := r.root.Lstat(c); err == nil && !fi.Mode().IsRegular() {
		return r.errorf(c, ErrNotRegular, "%s is in the way of a file", kind(fi.Mode()))
	}
	f, err := r.root.OpenFile(c, os.O_WRONLY|os.O_CREATE|os.O_TRUNC|noFollow, 0o644)
	if err != nil {
		return r.wrap(c, err)
	}
	_, werr := f.Write(data)
	cerr := f.Close()
	return r.wrap(c, errors.Join(werr, cerr))
}

// Rename moves from to to (both under the root), making to's parent
// directories; a file at to is replaced. Links are refused on both sides.
func (r *Root) Rename(from, to string) error {
	cf, err := r.checked(from)
	if err != nil {
		return err
	}
	ct, err := r.checked(to)
	if err != nil {
		return err
	}
	if cf == "." || ct == "." {
		return r.errorf(ct, ErrOutside, "the root itself is not renamed")
	}
	if err := r.MkdirAll(path.Dir(ct)); err != nil {
		return err
	}
	r.dirs.forget(cf)
	r.dirs.forget(ct)
	if err := r.root.Rename(cf, ct); err != nil {
		return r.errorf(cf, err, "move to %s: %v", r.display(ct), unwrapPath(err))
	}
	return nil
}

// Remove removes the file or empty directory name. A link is refused, not
// removed: whatever it is, plinth did not write it.
func (r *Root) Remove(name string) error {
	return r.remove(name, r.root.Remove)
}

// RemoveAll removes name and everything under it; nothing when it does not
// exist. Links under it are removed themselves, never followed.
func (r *Root) RemoveAll(name string) error {
	return r.remove(name, r.root.RemoveAll)
}

// remove checks name, never the root itself, forgets it as a checked
// directory, and removes it with rm.
func (r *Root) remove(name string, rm func(string) error) error {
	c, err := r.checked(name)
	if err != nil {
		return err
	}
	if c == "." {
		return r.errorf(c, ErrOutside, "the root itself is not removed")
	}
	r.dirs.forget(c)
	return r.wrap(c, rm(c))
}

// RemoveEmptyDirs removes the directory dir and then its parents while they
// are empty, never the root itself; it stops quietly at the first one that is
// not an empty directory.
func (r *Root) RemoveEmptyDirs(dir string) {
	c, err := r.clean(dir)
	for err == nil && c != "." {
		r.dirs.forget(c)
		fi, lerr := r.root.Lstat(c)
		if lerr != nil || !fi.IsDir() || r.root.Remove(c) != nil {
			return
		}
		c = path.Dir(c)
	}
}

// Sync flushes the file system holding the root to stable storage (one
// syncfs where the system has it), so that what was written before survives
// a power loss.
func (r *Root) Sync() error {
	f, err := r.root.Open(".")
	if err != nil {
		return r.wrap(".", err)
	}
	defer f.Close()
	return r.wrap(".", syncFS(f))
}

// Lock takes an exclusive lock on the root directory for as long as the
// Root is open (Close releases it; so does the end of the process, however
// it ends). A directory locked by another process is ErrLocked.
func (r *Root) Lock() error {
	f, err := r.root.Open(".")
	if err != nil {
		return r.wrap(".", err)
	}
	if err := lockFile(f); err != nil {
		f.Close()
		if errors.Is(err, ErrLocked) {
			return &Error{Path: r.name, Err: ErrLocked, msg: fmt.Sprintf("%s is %v", r.what, ErrLocked)}
		}
		return r.wrap(".", err)
	}
	r.lock = f
	return nil
}

// dirCache is a set of directory names (cleaned, relative to the root),
// safe for concurrent use.
type dirCache struct {
	mu sync.Mutex
	m  map[string]bool
}

func (d *dirCache) has(name string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.m[name]
}

func (d *dirCache) add(name string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.m == nil {
		d.m = map[string]bool{}
	}
	d.m[name] = true
}

// forget drops name and every directory under it: it is removed or moved,
// or may be.
func (d *dirCache) forget(name string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if !d.m[name] {
		return // not a known directory: nothing under it is known either
	}
	for k := range d.m {
		if k == name || strings.HasPrefix(k, name+"/") {
			delete(d.m, k)
		}
	}
}
