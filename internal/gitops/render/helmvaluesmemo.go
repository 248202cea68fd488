package render

import (
	"hash/maphash"
	"sync"
)

// A chart's default values file (charts/<chart>/values.yaml) is named in
// the valuesFiles of every release of the chart: a report parses the same
// text once per release. valuesDoc keeps the values of a text it has seen
// twice and gives each caller its own deep copy (callers may modify what
// they get: Argo CD's parameters are set into it), which costs less than
// parsing the text again.

// valuesMemo holds values files' parsed values by their text, for the
// whole process; it is emptied when it holds more than its budget.
var valuesMemo = &valuesCache{max: 8 << 20, maxText: 256 << 10}

type valuesCache struct {
	mu           sync.Mutex
	seen         map[uint64]bool           // hashes of texts parsed once
	m            map[string]map[string]any // values of texts seen again
	size         int
	max, maxText int
}

var valuesSeed = maphash.MakeSeed()

// get returns a copy of the values of text, if kept; seen says whether the
// text was parsed before (so that its values are worth keeping).
func (c *valuesCache) get(text []byte) (v map[string]any, ok, seen bool) {
	if len(text) > c.maxText {
		return nil, false, false
	}
	h := maphash.Bytes(valuesSeed, text)
	c.mu.Lock()
	kept, ok := c.m[string(text)]
	seen = c.seen[h]
	if !seen && !ok {
		if c.seen == nil || len(c.seen) > c.max/64 {
			c.seen = map[uint64]bool{}
		}
		c.seen[h] = true
	}
	c.mu.Unlock()
	if !ok {
		return nil, false, seen
	}
	cp, _ := copyValue(kept)
	return cp.(map[string]any), true, true
}

// put keeps a copy of v, the values of text, when they are plain values
// (copyValue copies them).
func (c *valuesCache) put(text []byte, v map[string]any) {
	cp, ok := copyValue(v)
	if !ok {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || c.size+2*len(text) > c.max {
		c.m, c.size = map[string]map[string]any{}, 0
	}
	c.m[string(text)] = cp.(map[string]any)
	c.size += 2 * len(text) // the text and, roughly, its values
}
