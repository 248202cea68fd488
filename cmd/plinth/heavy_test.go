package main

import (
	"io"
	"testing"
)

// TestHeavyCommands: the commands that render, evaluate or generate have
// their heap backed by huge pages (gcpolicy.HugeHeap); the others do not
// pay for it.
func TestHeavyCommands(t *testing.T) {
	want := map[string]bool{"report": true, "generate": true, "validate": true, "diff": true, "publish": true}
	root := newRootCmd(io.Discard, io.Discard)
	for _, c := range root.Commands() {
		if got := c.Annotations[heavyCommand] != ""; got != want[c.Name()] {
			t.Errorf("%s: heavy %v, want %v", c.Name(), got, want[c.Name()])
		}
	}
}
