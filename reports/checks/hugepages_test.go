package checks

import (
	"testing"
	"unsafe"
)

// TestAdviseHuge: advice over any part of a slice, huge pages inside it or
// not, leaves what is written to it as it is.
func TestAdviseHuge(t *testing.T) {
	b := make([]byte, 5<<20+123)
	for _, r := range [][2]int{{0, 0}, {0, 1}, {1, 4096}, {0, len(b)}, {3, len(b) - 7}, {2 << 20, 4 << 20}} {
		adviseHuge(unsafe.Pointer(&b[r[0]]), uintptr(r[1]-r[0]))
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
