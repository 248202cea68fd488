//go:build unix

package source

import (
	"encoding/hex"
	"io"
	"os"

	"github.com/go-git/go-git/v5/plumbing"
	"golang.org/x/sys/unix"
)

// looseDir is a directory objects/xx/ of loose objects, opened inside the
// objects directory (os.Root). Its objects are read with system calls
// alone (rawOpenat, rawRead, rawClose): an os.File costs several more
// calls per object (it tries the runtime poller), and a loose object is
// one small file.
type looseDir struct {
	f  *os.File // nil: fd was opened by rawOpenat
	fd int
}

// openLooseDir opens the directory objects/xx/ name of d (d.mu held): with
// one call relative to the objects directory, a directory and not a
// symbolic link (an os.File costs five calls more: it tries the runtime
// poller), else through the os.Root, which gives the usual result.
func openLooseDir(d *objectDir, name string) (*looseDir, error) {
	if d.dirFile == nil {
		if d.dirFile, _ = d.root.Open("."); d.dirFile != nil {
			d.dirFD = int(d.dirFile.Fd())
		}
	}
	if d.dirFile != nil && len(name) == 2 {
		path := [3]byte{name[0], name[1]} // and a NUL
		if fd, err := rawOpenat(d.dirFD, &path[0], unix.O_RDONLY|unix.O_CLOEXEC|unix.O_NOFOLLOW|unix.O_DIRECTORY|unix.O_NONBLOCK); err == nil {
			return &looseDir{fd: fd}, nil
		}
	}
	f, err := d.root.OpenFile(name, os.O_RDONLY|unix.O_DIRECTORY, 0) // a FIFO does not block
	if err != nil {
		return nil, err
	}
	return &looseDir{f: f, fd: int(f.Fd())}, nil
}

// open opens the file of the object h in the directory: a name without a
// slash, a symbolic link not followed (O_NOFOLLOW), so the file is inside
// the directory as with os.Root; a FIFO does not block (O_NONBLOCK).
func (d *looseDir) open(h plumbing.Hash) (looseFile, error) {
	var name [2*len(h) - 1]byte // the hash's hex digits after the first two, and a NUL
	hex.Encode(name[:], h[1:])
	fd, err := rawOpenat(d.fd, &name[0], unix.O_RDONLY|unix.O_CLOEXEC|unix.O_NOFOLLOW|unix.O_NONBLOCK)
	return looseFile(fd), err
}

func (d *looseDir) Close() error {
	if d.f != nil {
		return d.f.Close()
	}
	return rawClose(d.fd)
}

// looseFile is an open object file.
type looseFile int

func (f looseFile) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	n, err := rawRead(int(f), p)
	switch {
	case err != nil:
		return 0, err
	case n == 0:
		return 0, io.EOF
	}
	return n, nil
}

func (f looseFile) Close() error { return rawClose(int(f)) }
