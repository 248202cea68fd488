package hugepage

import (
	"testing"
	"unsafe"
)

// TestAdvise: advice over any part of a buffer, huge pages inside it or
// not, leaves what is written to it as it is.
func TestAdvise(t *testing.T) {
	b := make([]byte, 5<<20+123)
	for _, r := range [][2]int{{0, 0}, {0, 1}, {1, 4096}, {0, len(b)}, {3, len(b) - 7}, {Size, 2 * Size}} {
		Advise(unsafe.Pointer(&b[r[0]]), uintptr(r[1]-r[0]))
	}
	for i := range b {
		b[i] = byte(i)
	}
	for i := range b {
		if b[i] != byte(i) {
			t.Fatalf("byte %d is %d", i, b[i])
		}
	}
}
