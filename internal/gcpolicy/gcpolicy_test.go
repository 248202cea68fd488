package gcpolicy

import (
	"runtime/debug"
	"testing"
)

func TestSetRestores(t *testing.T) {
	before := debug.SetGCPercent(150)
	defer debug.SetGCPercent(before)
	limit := debug.SetMemoryLimit(-1)
	restore := Set()
	if got := debug.SetGCPercent(Percent); got != Percent {
		t.Errorf("GC percent %d, want %d", got, Percent)
	}
	if got := debug.SetMemoryLimit(-1); got != SoftMemoryLimit {
		t.Errorf("memory limit %d, want %d", got, SoftMemoryLimit)
	}
	restore()
	if got := debug.SetGCPercent(150); got != 150 {
		t.Errorf("restored GC percent %d, want 150", got)
	}
	if got := debug.SetMemoryLimit(-1); got != limit {
		t.Errorf("restored memory limit %d, want %d", got, limit)
	}
}

func TestApplyLeavesTheEnvironment(t *testing.T) {
	before := debug.SetGCPercent(150)
	defer debug.SetGCPercent(before)
	limit := debug.SetMemoryLimit(-1)
	defer debug.SetMemoryLimit(limit)
	t.Setenv("GOGC", "150")
	t.Setenv("GOMEMLIMIT", "")
	Apply()
	if got := debug.SetGCPercent(150); got != 150 {
		t.Errorf("GOGC set: GC percent changed to %d", got)
	}
	if got := debug.SetMemoryLimit(-1); got != SoftMemoryLimit {
		t.Errorf("memory limit %d, want %d", got, SoftMemoryLimit)
	}
}
