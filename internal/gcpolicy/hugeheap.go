package gcpolicy

import "sync"

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
// (cmd/plinth: annotated heavy); it costs ~7 ms (mapping the memory, one
// collection of the small heap then), which the others do not pay. It
// does nothing but on Linux.
func HugeHeap() { hugeOnce.Do(hugeHeap) }

var hugeOnce sync.Once
