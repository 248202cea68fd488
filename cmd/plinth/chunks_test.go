package main

import (
	"bytes"
	"strings"
	"testing"
)

// TestChunks: what is written comes out in order, across chunk borders.
func TestChunks(t *testing.T) {
	for _, sizes := range [][]int{{}, {0}, {1, 2, 3}, {chunkSize}, {chunkSize - 1, 2, chunkSize + 5, 7}, {3 * chunkSize}} {
		var c chunks
		var want bytes.Buffer
		for i, n := range sizes {
			p := []byte(strings.Repeat(string(rune('a'+i%26)), n))
			if k, err := c.Write(p); k != n || err != nil {
				t.Fatalf("Write(%d bytes) = %d, %v", n, k, err)
			}
			want.Write(p)
		}
		var got bytes.Buffer
		if n, err := c.WriteTo(&got); err != nil || n != int64(want.Len()) || !bytes.Equal(got.Bytes(), want.Bytes()) {
			t.Errorf("sizes %v: WriteTo wrote %d bytes (err %v), want %d, same: %v", sizes, n, err, want.Len(), bytes.Equal(got.Bytes(), want.Bytes()))
		}
	}
}
