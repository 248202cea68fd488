package gcpolicy

import (
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
)

// GenerateMemoryLimit is the soft memory limit while plinth generate runs.
// Generate holds every environment's objects at once while the layout
// writes them (~280 MiB live at 2,000 services): with SoftMemoryLimit the
// heap grew to that limit and the process to ~850 MB resident; at this one
// it stays near 520 MB for a few more collections.
const GenerateMemoryLimit = 448 << 20

// runtimeOverhead is what the runtime holds beside the heap (stacks,
// metadata), counted in the memory limit.
const runtimeOverhead = 32 << 20

// Generate applies generate's policy on top of Apply's (unless GOMEMLIMIT
// is set in the environment) and returns what restores the limit before.
func Generate() (stop func()) {
	if os.Getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	return adaptLimit(GenerateMemoryLimit)
}

// SetGenerate is Set with generate's policy, whatever the environment says
// (b.Cleanup(gcpolicy.SetGenerate()) in a benchmark).
func SetGenerate() (restore func()) {
	restoreSet := Set()
	stop := adaptLimit(GenerateMemoryLimit)
	return func() {
		stop()
		restoreSet()
	}
}

// adaptLimit sets the soft memory limit to floor, and after every
// collection raises it to one and a half times the live heap (plus the
// runtime's own memory) when that is more: a platform whose objects alone
// come near the limit then grows the heap in proportion, as GOGC=50 would,
// instead of collecting without end at the limit. stop puts the limit
// back.
func adaptLimit(floor int64) (stop func()) {
	var mu sync.Mutex
	stopped := false
	before := debug.SetMemoryLimit(floor)
	var arm func()
	arm = func() {
		// A finalizer of an unreachable object runs after each
		// collection that finds it: the hook to read the live heap.
		s := &sentinel{}
		runtime.SetFinalizer(s, func(*sentinel) {
			mu.Lock()
			defer mu.Unlock()
			if stopped {
				return
			}
			debug.SetMemoryLimit(limitFor(floor, liveHeap()))
			arm()
		})
	}
	arm()
	return func() {
		mu.Lock()
		defer mu.Unlock()
		stopped = true
		debug.SetMemoryLimit(before)
	}
}

// sentinel holds a pointer: objects without one may share a block
// (the tiny allocator) and not be collected on their own.
type sentinel struct{ _ *int }

// limitFor is the limit for a live heap: floor, or one and a half times
// the live heap and the runtime's overhead when that is more.
func limitFor(floor int64, live uint64) int64 {
	if l := int64(live+live/2) + runtimeOverhead; l > floor {
		return l
	}
	return floor
}

// liveHeap is the heap marked live by the last collection.
func liveHeap() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return s[0].Value.Uint64()
}
