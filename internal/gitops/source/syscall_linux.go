package source

import (
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// The system calls of loose objects (objects_unix.go) are raw on Linux: a
// loose object is a small regular file or directory opened without
// blocking (O_NONBLOCK), so a call returns in microseconds, and a raw call
// spares the scheduler's work around a blocking one (the runtime's monitor
// wakes every 20 µs while a call lasts longer, and hands the processor to
// another thread).

// rawOpenat opens the NUL-terminated path relative to the directory dirfd.
func rawOpenat(dirfd int, path *byte, flags int) (int, error) {
	for {
		fd, _, errno := syscall.RawSyscall6(unix.SYS_OPENAT, uintptr(dirfd), uintptr(unsafe.Pointer(path)), uintptr(flags), 0, 0, 0)
		switch errno {
		case 0:
			return int(fd), nil
		case unix.EINTR:
			continue
		}
		return -1, errno
	}
}

func rawRead(fd int, p []byte) (int, error) {
	for {
		n, _, errno := syscall.RawSyscall(unix.SYS_READ, uintptr(fd), uintptr(unsafe.Pointer(&p[0])), uintptr(len(p)))
		switch errno {
		case 0:
			return int(n), nil
		case unix.EINTR:
			continue
		}
		return 0, errno
	}
}

func rawClose(fd int) error {
	if _, _, errno := syscall.RawSyscall(unix.SYS_CLOSE, uintptr(fd), 0, 0); errno != 0 {
		return errno
	}
	return nil
}
