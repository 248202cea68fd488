//go:build linux

package fsguard

import (
	"os"

	"golang.org/x/sys/unix"
)

// syncFS flushes the whole file system holding f in one call.
func syncFS(f *os.File) error { return unix.Syncfs(int(f.Fd())) }
