//go:build !linux

package gcpolicy

func hugeHeap() {}
