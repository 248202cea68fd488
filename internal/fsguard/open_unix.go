//go:build unix

package fsguard

import (
	"errors"
	"os"
	"syscall"
)

// openFlags make opening a fifo return at once instead of waiting for a
// writer.
const openFlags = syscall.O_NONBLOCK

// noFollow refuses a link at the end of a name being opened for writing.
const noFollow = syscall.O_NOFOLLOW

// lockFile takes a non-blocking exclusive flock on f.
func lockFile(f *os.File) error {
	err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
	if errors.Is(err, syscall.EWOULDBLOCK) {
		return ErrLocked
	}
	return err
}
