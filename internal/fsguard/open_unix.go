//go:build unix

package fsguard

import "syscall"

// openFlags make opening a fifo return at once instead of waiting for a
// writer.
const openFlags = syscall.O_NONBLOCK
