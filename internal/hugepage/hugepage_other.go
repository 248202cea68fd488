//go:build !linux

package hugepage

import "unsafe"

// Advise does nothing but on Linux.
func Advise(unsafe.Pointer, uintptr) {}
