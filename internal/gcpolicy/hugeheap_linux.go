package gcpolicy

import (
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
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

// HugeHeap has the first hugeHeapBytes of the heap backed by transparent
// huge pages as they are first touched (when the system's THP setting is
// "madvise", the usual one, or "always"): a report touches ~180 MB, and a
// page touched for the first time is a fault, ~12 µs on a virtual machine,
// so one fault per 2 MB instead of one per 4 KB takes about a quarter off
// its CPU time. The heap is mapped by allocating it (untouched), advised
// from its lowest address to its highest, then freed and released at
// once: the runtime hands the same addresses out again, lowest first, and
// the advice stays with the mapping. Not with GODEBUG=disablethp=1.
//
// The commands that render, evaluate or generate call it, once a process
// (cmd/plinth: annotated heavy); it costs ~10 ms (mapping the memory, a
// collection of the small heap then), which the others do not pay.
func HugeHeap() { hugeOnce.Do(hugeHeap) }

var hugeOnce sync.Once

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
