//go:build unix && !linux

package source

import (
	"golang.org/x/sys/unix"
)

// The system calls of loose objects (objects_unix.go), where raw calls are
// not the system's interface.

// rawOpenat opens the NUL-terminated path relative to the directory dirfd.
func rawOpenat(dirfd int, path *byte, flags int) (int, error) {
	for {
		fd, err := unix.Openat(dirfd, unix.BytePtrToString(path), flags, 0)
		if err != unix.EINTR {
			return fd, err
		}
	}
}

func rawRead(fd int, p []byte) (int, error) {
	for {
		n, err := unix.Read(fd, p)
		if err != unix.EINTR {
			return n, err
		}
	}
}

func rawClose(fd int) error { return unix.Close(fd) }
