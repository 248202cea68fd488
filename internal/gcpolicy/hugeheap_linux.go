package gcpolicy

import (
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"unsafe"

	"github.com/plinth-dev/plinth/internal/hugepage"
)

// hugeHeapBytes is how much of the heap is mapped at start and advised to
// be backed by transparent huge pages: more than a report of 500 services
// uses (~180 MB). It is allocated in chunks of hugeHeapChunk: the runtime
// zeroes (touches) an object that starts in pages used before, and a
// chunk, not the whole, may.
const (
	hugeHeapBytes = 256 << 20
	hugeHeapChunk = 4 << 20
)

// hugeHeap is what HugeHeap does (once a process).
func hugeHeap() {
	if strings.Contains(os.Getenv("GODEBUG"), "disablethp=1") {
		return
	}
	// No collection while the chunks are made (each would trigger one of
	// the small heap): the one FreeOSMemory makes is enough.
	percent := debug.SetGCPercent(-1)
	chunks := make([][]byte, hugeHeapBytes/hugeHeapChunk)
	lo, hi := ^uintptr(0), uintptr(0)
	var base unsafe.Pointer
	for i := range chunks {
		chunks[i] = make([]byte, hugeHeapChunk)
		p := unsafe.Pointer(&chunks[i][0])
		if uintptr(p) < lo {
			lo, base = uintptr(p), p
		}
		hi = max(hi, uintptr(p)+hugeHeapChunk)
	}
	hugepage.Advise(base, hi-lo)
	runtime.KeepAlive(chunks) // all at once, at different addresses
	chunks = nil
	debug.SetGCPercent(percent)
	debug.FreeOSMemory()
}
