// Package fsguard reads a directory tree that may be hostile without ever
// leaving it: every name is resolved under the root (os.Root), symbolic links
// are refused (none is followed, whether its target lies inside the root or
// not), only regular files are read (never a device, fifo or socket), and
// files over a size limit, or more bytes in total than a budget, are refused
// with an error naming the file.
//
// Refusing every link, rather than following those that stay inside, keeps
// the rule one sentence long and the same for readers and writers: a tree
// plinth reads or writes holds directories and regular files only.
//
// The write side (write.go) opens a directory with OpenWrite and creates,
// renames and removes names under it with the same checks: nothing is
// written or removed through a link, and no name leaves the root.
package fsguard

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"
)

// Reasons a name is refused; test with errors.Is on the *Error returned.
var (
	ErrOutside    = errors.New("leaves the directory")
	ErrLink       = errors.New("symbolic link")
	ErrNotRegular = errors.New("not a regular file")
	ErrTooLarge   = errors.New("too large")
)

// Error is a refused or failed access to a name under a root.
type Error struct {
	Path string // the name as shown to users: the root's display name joined with the name
	Err  error  // one of the Err* reasons, or the underlying error
	msg  string // what the user reads after the path
}

func (e *Error) Error() string { return e.Path + ": " + e.msg }

func (e *Error) Unwrap() error { return e.Err }

// Limits bound what a Root reads. Zero means no limit.
type Limits struct {
	File  int64 // bytes of one file
	Total int64 // bytes of every file read through the Root together
}

// Root is a directory opened for guarded access.
type Root struct {
	root *os.Root
	name string // display name of the directory, as given
	what string // what the directory is, for messages ("the platform directory")
	lim  Limits
	// read is the bytes read so far; readMu guards it (Dir.ReadFile runs
	// on several goroutines).
	read   int64
	readMu sync.Mutex
	// write: the root is written (OpenWrite); messages about links say
	// that nothing is written through them.
	write bool
	lock  *os.File // the root held open for Lock
	// dirs are the directories of a written root that were checked (or
	// made) by this Root and found real directories, not links: Check and
	// MkdirAll skip them, since a long tree of files otherwise checks every
	// parent again, each lookup walking from the root (write.go). Removes
	// and renames of directories forget them. os.Root keeps every operation
	// inside the root whatever happens to the tree meanwhile.
	dirs dirCache
}

// Open opens dir. what names the directory in messages ("the platform
// directory"). A missing dir, or one that is not a directory, is an error
// saying so.
func Open(dir, what string, lim Limits) (*Root, error) {
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("%s does not exist", dir)
	case err != nil:
		return nil, fmt.Errorf("%s: %w", dir, err)
	case !fi.IsDir():
		return nil, fmt.Errorf("%s is not a directory", dir)
	}
	r, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", dir, err)
	}
	return &Root{root: r, name: dir, what: what, lim: lim}, nil
}

// Close releases the directory.
func (r *Root) Close() error {
	if r.lock != nil {
		r.lock.Close()
	}
	return r.root.Close()
}

// Name is the directory as given to Open.
func (r *Root) Name() string { return r.name }

// display is name as users see it: under the root's display name.
func (r *Root) display(name string) string {
	return filepath.Join(r.name, filepath.FromSlash(name))
}

func (r *Root) errorf(name string, reason error, format string, args ...any) *Error {
	return &Error{Path: r.display(name), Err: reason, msg: fmt.Sprintf(format, args...)}
}

// clean checks that name is a slash-separated path inside the root and
// returns it cleaned ("." for the root itself).
func (r *Root) clean(name string) (string, error) {
	c := path.Clean(strings.ReplaceAll(name, `\`, "/"))
	if path.IsAbs(c) || c == ".." || strings.HasPrefix(c, "../") || strings.ContainsRune(name, 0) {
		return "", r.errorf(name, ErrOutside, "path leaves %s", r.what)
	}
	return c, nil
}

// Check refuses name when it leaves the root or when it, or any directory
// on the way to it, is a symbolic link. A name that does not exist (yet) is
// fine as long as its existing parents are directories. Writers call it
// before creating or removing a file.
func (r *Root) Check(name string) error {
	c, err := r.clean(name)
	if err != nil {
		return err
	}
	if c == "." {
		return nil
	}
	parts := strings.Split(c, "/")
	for i := range parts {
		p := strings.Join(parts[:i+1], "/")
		if i < len(parts)-1 && r.write && r.dirs.has(p) {
			continue
		}
		fi, err := r.root.Lstat(p)
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil {
			return r.errorf(p, err, "%v", unwrapPath(err))
		}
		if fi.Mode()&fs.ModeSymlink != 0 {
			return r.linkError(p)
		}
		if i < len(parts)-1 && !fi.IsDir() {
			return r.errorf(p, ErrNotRegular, "not a directory")
		}
		if i < len(parts)-1 && r.write {
			r.dirs.add(p)
		}
	}
	return nil
}

// linkError explains a refused link at name, without naming its target.
func (r *Root) linkError(name string) *Error {
	verb, kinds := "read", "regular files"
	if r.write {
		verb, kinds = "written or removed through", "regular files and directories"
	}
	target, err := r.root.Readlink(name)
	if err == nil && !filepath.IsAbs(target) {
		t := path.Join(path.Dir(name), filepath.ToSlash(target))
		if t != ".." && !strings.HasPrefix(t, "../") {
			return r.errorf(name, ErrLink, "symbolic link is not %s (files in %s must be %s)", verb, r.what, kinds)
		}
	}
	return r.errorf(name, fmt.Errorf("%w: %w", ErrLink, ErrOutside), "symbolic link to outside %s is not %s", r.what, verb)
}

// ReadFile reads the regular file name within the limits.
func (r *Root) ReadFile(name string) ([]byte, error) {
	if err := r.Check(name); err != nil {
		return nil, err
	}
	c, _ := r.clean(name)
	fi, err := r.root.Lstat(c)
	if err != nil {
		return nil, r.errorf(c, err, "%v", unwrapPath(err))
	}
	if !fi.Mode().IsRegular() {
		return nil, r.errorf(c, ErrNotRegular, "%s is not read (only regular files are)", kind(fi.Mode()))
	}
	r.readMu.Lock()
	err = r.fits(c, fi.Size())
	limit := r.remaining()
	r.readMu.Unlock()
	if err != nil {
		return nil, err
	}
	// Non-blocking, so that a file swapped for a fifo since Lstat cannot
	// hang the read; os.Root still keeps the open inside the root.
	f, err := r.root.OpenFile(c, os.O_RDONLY|openFlags, 0)
	if err != nil {
		return nil, r.errorf(c, err, "%v", unwrapPath(err))
	}
	defer f.Close()
	if fi, err = f.Stat(); err != nil || !fi.Mode().IsRegular() {
		return nil, r.errorf(c, ErrNotRegular, "changed while being read: not a regular file")
	}
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, r.errorf(c, err, "%v", unwrapPath(err))
	}
	r.readMu.Lock()
	defer r.readMu.Unlock()
	if err := r.fits(c, int64(len(b))); err != nil {
		return nil, err
	}
	r.read += int64(len(b))
	return b, nil
}

// remaining is the most bytes the next file may have.
func (r *Root) remaining() int64 {
	limit := int64(1<<63 - 2)
	if r.lim.File > 0 {
		limit = r.lim.File
	}
	if r.lim.Total > 0 {
		limit = min(limit, r.lim.Total-r.read)
	}
	return max(limit, 0)
}

// fits refuses a file of size bytes over the per-file or total limit.
func (r *Root) fits(name string, size int64) error {
	if r.lim.File > 0 && size > r.lim.File {
		return r.errorf(name, ErrTooLarge, "file is larger than %s, the limit for one file", Size(r.lim.File))
	}
	if r.lim.Total > 0 && r.read+size > r.lim.Total {
		return r.errorf(name, ErrTooLarge, "files of %s add up to more than %s, the limit for all of them", r.what, Size(r.lim.Total))
	}
	return nil
}

// ReadDir lists the directory name, sorted by file name. Entries are not
// followed: a link is listed as a link.
func (r *Root) ReadDir(name string) ([]fs.DirEntry, error) {
	if err := r.Check(name); err != nil {
		return nil, err
	}
	c, _ := r.clean(name)
	f, err := r.root.Open(c)
	if err != nil {
		return nil, r.errorf(c, err, "%v", unwrapPath(err))
	}
	defer f.Close()
	entries, err := f.ReadDir(-1)
	if err != nil {
		return nil, r.errorf(c, err, "%v", unwrapPath(err))
	}
	sortEntries(entries)
	return entries, nil
}

// sortEntries sorts directory entries by name.
func sortEntries(entries []fs.DirEntry) {
	sort.Slice(entries, func(i, j int) bool { return entries[i].Name() < entries[j].Name() })
}

// WalkDir walks the tree at name in lexical order like fs.WalkDir, calling
// fn with slash-separated names relative to the root. Links are passed to
// fn as entries and never followed.
func (r *Root) WalkDir(name string, fn fs.WalkDirFunc) error {
	c, err := r.clean(name)
	if err != nil {
		return err
	}
	if err := r.Check(c); err != nil {
		return fn(c, nil, err)
	}
	return fs.WalkDir(r.root.FS(), c, fn)
}

// unwrapPath drops the *PathError wrapper (its path is the one inside the
// root, which the Error shows already).
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// kind names an irregular file mode for messages.
func kind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeDevice != 0:
		return "a device"
	case m&fs.ModeSymlink != 0:
		return "a symbolic link"
	}
	return "a special file"
}

// Size formats a byte count in MiB or KiB, as limits are documented.
func Size(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
