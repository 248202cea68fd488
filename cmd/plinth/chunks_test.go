package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
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

// TestSpool: what is written comes out in order: held in memory, moved
// to the temporary file past memMax, kept in memory when there is no
// temporary directory, and across a switch from a file that stops taking
// writes back to memory.
func TestSpool(t *testing.T) {
	want := bytes.Repeat([]byte("0123456789abcdef"), 3*chunkSize/16+3)
	for _, tc := range []struct {
		name   string
		dir    string
		memMax int
		inFile bool
		fail   int // close the file after this many writes (-1: never)
	}{
		{"memory", t.TempDir(), spoolMemory, false, -1},
		{"file", t.TempDir(), chunkSize / 2, true, -1},
		{"no temporary directory", filepath.Join(t.TempDir(), "missing"), chunkSize / 2, false, -1},
		{"file fails", t.TempDir(), chunkSize / 2, true, 4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newSpool(tc.dir)
			s.memMax = tc.memMax
			defer s.Close()
			inFile := false
			for i, p := 0, want; len(p) > 0; i++ {
				if i == tc.fail {
					if s.f == nil {
						t.Fatal("not in a file yet")
					}
					// A file that cannot take more: what it holds stays readable.
					ro, err := os.Open("/proc/self/fd/" + strconv.Itoa(int(s.f.Fd())))
					if err != nil {
						t.Skip("no /proc:", err)
					}
					s.f.Close()
					s.f = ro
				}
				k := min(len(p), 100_000+i)
				if n, err := s.Write(p[:k]); n != k || err != nil {
					t.Fatalf("Write(%d bytes) = %d, %v", k, n, err)
				}
				p = p[k:]
				if s.f != nil {
					inFile = true
					if s.mem.size != 0 {
						t.Fatalf("%d bytes in memory beside the file", s.mem.size)
					}
				}
			}
			if inFile != tc.inFile {
				t.Errorf("in a file: %v, want %v", inFile, tc.inFile)
			}
			if entries, _ := os.ReadDir(tc.dir); len(entries) != 0 {
				t.Errorf("the spool left %d entries in its directory", len(entries))
			}
			if tc.fail >= 0 && s.f != nil {
				t.Fatal("still in the file after it failed")
			}
			var got bytes.Buffer
			if n, err := s.WriteTo(&got); err != nil || n != int64(len(want)) || !bytes.Equal(got.Bytes(), want) {
				t.Errorf("WriteTo wrote %d bytes (err %v), want %d, same: %v", n, err, len(want), bytes.Equal(got.Bytes(), want))
			}
		})
	}
}
