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
	"runtime"
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

// PhaseDone collects the garbage of a phase that has just finished, when
// what it leaves live is small and what it leaves dead is large (a
// report's rendering of 500 Helm services: ~38 MB live, ~50 MB dead), so
// that the next phase reuses that memory instead of touching fresh
// pages: on a virtual machine a page touched for the first time costs
// ~12 µs (more when another process has just freed much memory), and the
// collector would otherwise wait for the heap to grow GOGC% past what was
// live at its last cycle.
func PhaseDone() { runtime.GC() }
