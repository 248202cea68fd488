//go:build unix

package source

import (
	"encoding/hex"
	"io"
	"os"
	"syscall"
	"unsafe"

	"github.com/go-git/go-git/v5/plumbing"
	"golang.org/x/sys/unix"
)

// looseDir is a directory objects/xx/ of loose objects, opened inside the
// objects directory (os.Root). Its objects are read with system calls
// alone: an os.File costs several more calls per object (it tries the
// runtime poller), and a loose object is one small file.
//
// The calls are raw (syscall.RawSyscall6): a loose object is a small
// regular file opened without blocking (O_NONBLOCK), so a call returns in
// microseconds, and a raw call spares the scheduler's work around a
// blocking one (the runtime's monitor wakes every 20 µs while a call
// lasts longer, and hands the processor to another thread).
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

// open opens the file of the object h in the directory: a name without a
// slash, a symbolic link not followed (O_NOFOLLOW), so the file is inside
// the directory as with os.Root; a FIFO does not block (O_NONBLOCK).
func (d *looseDir) open(h plumbing.Hash) (looseFile, error) {
	var name [2*len(h) - 1]byte // the hash's hex digits after the first two, and a NUL
	hex.Encode(name[:], h[1:])
	for {
		fd, _, errno := syscall.RawSyscall6(unix.SYS_OPENAT, uintptr(d.fd), uintptr(unsafe.Pointer(&name[0])),
			unix.O_RDONLY|unix.O_CLOEXEC|unix.O_NOFOLLOW|unix.O_NONBLOCK, 0, 0, 0)
		switch errno {
		case 0:
			return looseFile(fd), nil
		case unix.EINTR:
			continue
		}
		return -1, errno
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
		n, _, errno := syscall.RawSyscall(unix.SYS_READ, uintptr(f), uintptr(unsafe.Pointer(&p[0])), uintptr(len(p)))
		switch {
		case errno == unix.EINTR:
			continue
		case errno != 0:
			return 0, errno
		case n == 0:
			return 0, io.EOF
		}
		return int(n), nil
	}
}

func (f looseFile) Close() error {
	if _, _, errno := syscall.RawSyscall(unix.SYS_CLOSE, uintptr(f), 0, 0); errno != 0 {
		return errno
	}
	return nil
}
