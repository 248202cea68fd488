//go:build !linux

package fsguard

import "os"

// syncFS flushes the directory f (the files written are flushed by the
// system in its own time here).
func syncFS(f *os.File) error { return f.Sync() }
