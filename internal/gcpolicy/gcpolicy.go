// Package gcpolicy is the garbage-collection policy of the plinth process.
// Rendering, checking and evaluating allocate short-lived garbage by the
// gigabyte for a few hundred services: collecting less often saves a fifth
// to a quarter of the CPU time, and the soft memory limit makes the
// collector work harder instead of letting the heap grow past it. The
// command applies it at start; the benchmarks that measure what the
// commands cost set it too.
package gcpolicy

import (
	"os"
	"runtime/debug"
)

const (
	Percent         = 400       // GOGC
	SoftMemoryLimit = 768 << 20 // GOMEMLIMIT, bytes
)

// Apply sets the policy, except what GOGC or GOMEMLIMIT set in the
// environment.
func Apply() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(Percent)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(SoftMemoryLimit)
	}
}

// Set sets the policy whatever the environment says and returns what
// restores the settings before (b.Cleanup(gcpolicy.Set()) in a benchmark).
func Set() (restore func()) {
	percent, limit := debug.SetGCPercent(Percent), debug.SetMemoryLimit(SoftMemoryLimit)
	return func() {
		debug.SetGCPercent(percent)
		debug.SetMemoryLimit(limit)
	}
}
