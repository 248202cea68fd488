package gcpolicy

import (
	"runtime"
	"runtime/debug"
	"testing"
)

func TestLimitFor(t *testing.T) {
	tests := []struct {
		live uint64
		want int64
	}{
		{0, GenerateMemoryLimit},
		{200 << 20, GenerateMemoryLimit},
		{400 << 20, 600<<20 + runtimeOverhead},
		{2 << 30, 3<<30 + runtimeOverhead},
	}
	for _, tc := range tests {
		if got := limitFor(GenerateMemoryLimit, tc.live); got != tc.want {
			t.Errorf("live %d MiB: limit %d MiB, want %d MiB", tc.live>>20, got>>20, tc.want>>20)
		}
	}
}

// TestAdaptLimit: the limit starts at the floor, rises with a live heap
// that needs more after a collection, and stop restores the one before.
func TestAdaptLimit(t *testing.T) {
	before := debug.SetMemoryLimit(1 << 40)
	defer debug.SetMemoryLimit(before)
	const floor = 1 << 20
	stop := adaptLimit(floor)
	if got := debug.SetMemoryLimit(-1); got != floor {
		t.Errorf("limit %d, want the floor %d", got, floor)
	}
	live := make([][]byte, 64)
	for i := range live {
		live[i] = make([]byte, 1<<20)
	}
	want := int64(64<<20+32<<20) + runtimeOverhead // 1.5 times what stays live, at least
	for range 10 {
		runtime.GC()
		runtime.Gosched()
		if debug.SetMemoryLimit(-1) >= want {
			break
		}
	}
	if got := debug.SetMemoryLimit(-1); got < want {
		t.Errorf("limit %d MiB with 64 MiB live, want at least %d MiB", got>>20, want>>20)
	}
	runtime.KeepAlive(live)
	stop()
	if got := debug.SetMemoryLimit(-1); got != 1<<40 {
		t.Errorf("after stop: limit %d, want %d", got, int64(1<<40))
	}
	runtime.GC()
	runtime.GC()
	if got := debug.SetMemoryLimit(-1); got != 1<<40 {
		t.Errorf("collections after stop changed the limit to %d", got)
	}
}

func TestGenerateLeavesTheEnvironment(t *testing.T) {
	before := debug.SetMemoryLimit(1 << 40)
	defer debug.SetMemoryLimit(before)
	t.Setenv("GOMEMLIMIT", "1GiB")
	stop := Generate()
	if got := debug.SetMemoryLimit(-1); got != 1<<40 {
		t.Errorf("GOMEMLIMIT set: limit changed to %d", got)
	}
	stop()
	t.Setenv("GOMEMLIMIT", "")
	stop = Generate()
	if got := debug.SetMemoryLimit(-1); got != GenerateMemoryLimit {
		t.Errorf("limit %d, want %d", got, GenerateMemoryLimit)
	}
	stop()
	if got := debug.SetMemoryLimit(-1); got != 1<<40 {
		t.Errorf("after stop: limit %d", got)
	}
}
