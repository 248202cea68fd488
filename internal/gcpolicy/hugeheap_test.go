package gcpolicy

import (
	"runtime"
	"testing"
)

// TestHugeHeapReleases: the heap hugeHeap maps is free and released at
// once (it holds no memory, the memory limit does not count it).
func TestHugeHeapReleases(t *testing.T) {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	hugeHeap()
	runtime.ReadMemStats(&after)
	if after.HeapInuse > before.HeapInuse+8<<20 {
		t.Errorf("heap in use %d MB after, %d MB before", after.HeapInuse>>20, before.HeapInuse>>20)
	}
	if after.HeapSys-after.HeapReleased > before.HeapSys-before.HeapReleased+8<<20 {
		t.Errorf("heap held %d MB after, %d MB before", (after.HeapSys-after.HeapReleased)>>20, (before.HeapSys-before.HeapReleased)>>20)
	}
}
