package gcpolicy

import (
	"runtime/metrics"
	"testing"
)

// TestGrowStack: a goroutine that calls GrowStack then goes deep grows
// its stack once, not at every doubling. Stack growth is not counted by
// the runtime, so the test counts what it can: the stack memory in use
// while the goroutine holds its grown stack.
func TestGrowStack(t *testing.T) {
	stacks := func() uint64 {
		s := []metrics.Sample{{Name: "/memory/classes/heap/stacks:bytes"}}
		metrics.Read(s)
		return s[0].Value.Uint64()
	}
	before := stacks()
	hold, done := make(chan uint64), make(chan struct{})
	go func() {
		GrowStack()
		hold <- stacks()
		<-done
	}()
	during := <-hold
	close(done)
	if during < before+stackFrame {
		t.Errorf("stack memory %d while a grown goroutine lives, %d before: not grown by %d", during, before, stackFrame)
	}
}
