//go:build !linux

package gcpolicy

// hugeHeap does nothing but on Linux.
func hugeHeap() {}
