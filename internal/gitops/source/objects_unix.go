//go:build unix

package source

import (
	"io"
	"os"

	"golang.org/x/sys/unix"
)

// looseDir is a directory objects/xx/ of loose objects, opened inside the
// objects directory (os.Root). Its objects are read with system calls
// alone: an os.File costs several more calls per object (it tries the
// runtime poller), and a loose object is one small file.
type looseDir struct {
	f  *os.File
	fd int
}

func openLooseDir(root *os.Root, name string) (*looseDir, error) {
	f, err := root.OpenFile(name, os.O_RDONLY|unix.O_DIRECTORY, 0) // a FIFO does not block
	if err != nil {
		return nil, err
	}
	return &looseDir{f: f, fd: int(f.Fd())}, nil
}

// open opens the object file name of the directory: a name without a
// slash, a symbolic link not followed (O_NOFOLLOW), so the file is inside
// the directory as with os.Root; a FIFO does not block (O_NONBLOCK).
func (d *looseDir) open(name string) (looseFile, error) {
	for {
		fd, err := unix.Openat(d.fd, name, unix.O_RDONLY|unix.O_CLOEXEC|unix.O_NOFOLLOW|unix.O_NONBLOCK, 0)
		if err != unix.EINTR {
			return looseFile(fd), err
		}
	}
}

func (d *looseDir) Close() error { return d.f.Close() }

// looseFile is an open object file.
type looseFile int

func (f looseFile) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	for {
		n, err := unix.Read(int(f), p)
		switch {
		case err == unix.EINTR:
			continue
		case err != nil:
			return 0, err
		case n == 0:
			return 0, io.EOF
		}
		return n, nil
	}
}

func (f looseFile) Close() error { return unix.Close(int(f)) }
