//go:build !linux

package checks

import "unsafe"

// adviseHuge does nothing but on Linux.
func adviseHuge(unsafe.Pointer, uintptr) {}
