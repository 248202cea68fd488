package render

import (
	"strings"
	"testing"
)

// TestTextArena: texts copied into the arena read back as given, across
// chunks, and stay so however the bytes given or the arena change after.
func TestTextArena(t *testing.T) {
	var a textArena
	var want, got []string
	buf := make([]byte, 0, arenaChunk)
	for i := range 400 {
		n := (i * 7919) % (arenaChunk / 3) // past a chunk several times, some of their own
		buf = append(buf[:0], strings.Repeat(string(rune('a'+i%26)), n)...)
		want = append(want, string(buf))
		got = append(got, a.text(buf))
		clear(buf) // the caller's buffer is reused
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("text %d: %d bytes, want %d", i, len(got[i]), len(want[i]))
		}
	}
	if (*textArena)(nil).text([]byte("x")) != "x" || a.text(nil) != "" {
		t.Error("nil arena or empty text")
	}
}
