package render

import (
	"sync"
	"unsafe"

	"github.com/plinth-dev/plinth/internal/hugepage"
)

// textArena holds the outputs of a Render's chart templates (8.5 MB for
// the 500 services of the Helm layout), which live as long as the values
// read from them: copied one after the other into chunks whose huge pages
// are advised (internal/hugepage), they take a few page faults instead of
// one per 4 KB. Texts of a quarter of a chunk or more get their own
// memory.
type textArena struct {
	mu    sync.Mutex
	chunk []byte // the chunk being filled; full ones are kept by their texts
}

// arenaChunk is the size of a chunk: two huge pages, in memory aligned to
// them.
const arenaChunk = 2 * hugepage.Size

// text is b copied into the arena.
func (a *textArena) text(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if a == nil || len(b) >= arenaChunk/4 {
		return string(b)
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if cap(a.chunk)-len(a.chunk) < len(b) {
		a.chunk = newChunk()
	}
	at := len(a.chunk)
	a.chunk = append(a.chunk, b...)
	return unsafe.String(&a.chunk[at], len(b))
}

// newChunk is an empty chunk of arenaChunk bytes aligned to huge pages
// (allocated a huge page larger), advised.
func newChunk() []byte {
	raw := make([]byte, arenaChunk+hugepage.Size)
	p := uintptr(unsafe.Pointer(&raw[0]))
	off := int((p+hugepage.Size-1)&^(hugepage.Size-1) - p)
	chunk := raw[off : off : off+arenaChunk]
	hugepage.Advise(unsafe.Pointer(unsafe.SliceData(raw[off:off+arenaChunk])), arenaChunk)
	return chunk
}
