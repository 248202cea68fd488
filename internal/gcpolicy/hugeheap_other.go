//go:build !linux

package gcpolicy

// HugeHeap does nothing but on Linux.
func HugeHeap() {}

func hugeHeap() {}
