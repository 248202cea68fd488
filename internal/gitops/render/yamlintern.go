package render

import (
	"bytes"
	"hash/maphash"
	"sync"
)

// interner shares the values of identical block mappings between the
// documents fastDocs reads: a chart rendered for 500 services writes the
// same securityContext, probes and resources 500 times, and the files of
// a Kustomize layout repeat theirs. A block mapping's value depends on its
// text alone (fastDocs reads no anchors, aliases or tags), so a mapping
// whose lines are those of one read before is that value, not a copy of
// it. That relies on what parsed values already promise (docscache.go):
// they are never modified; a build copies what it changes.
//
// One interner serves a Render, or the Renders sharing a Cache; nil
// shares nothing.
type interner struct {
	// The table is split by hash so that the renders on both cores, which
	// look a mapping up at every level they read, seldom wait for the same
	// lock or write the same cache line.
	shards [internShards]internShard
}

const internShards = 16 // h>>60 picks one

type internShard struct {
	mu sync.Mutex
	m  map[uint64]internedMap // by internHash
	_  [64 - 16]byte          // a cache line of its own
}

func (in *interner) shard(h uint64) *internShard { return &in.shards[h>>60] }

// internedMap is a mapping read: its text (its lines, from the start of
// the first, indentation and "- " included, to the start of the line
// after it), the column of its keys, the parser's mode and its value.
type internedMap struct {
	text string
	v    map[string]any
	col  int32
	mode uint8
	// depth is the nesting depth the mapping was read at: a mapping read
	// deeper might pass the parser's depth limit, so it is read again.
	depth int32
}

var internSeed = maphash.MakeSeed()

// internHash is the hash of a mapping's text: computed once for the
// look-up and, when the mapping is read, its entry (a table keyed by the
// texts themselves would hash them again, and again as it grows).
func internHash(text string) uint64 { return maphash.String(internSeed, text) }

// get is the value of the mapping text at column col read before in mode,
// if it was read no deeper than depth (h: internHash(text)).
func (in *interner) get(h uint64, text string, col, depth int, mode uint8) (map[string]any, bool) {
	sh := in.shard(h)
	sh.mu.Lock()
	e, ok := sh.m[h]
	sh.mu.Unlock()
	if !ok || e.col != int32(col) || e.mode != mode || int32(depth) > e.depth || e.text != text {
		return nil, false
	}
	return e.v, true
}

// put offers v, the value of the mapping text read at column col and
// depth in mode (h: internHash(text)), to the documents read after. Of two
// mappings with the same hash, the first keeps the entry.
func (in *interner) put(h uint64, text string, col, depth int, mode uint8, v map[string]any) {
	sh := in.shard(h)
	sh.mu.Lock()
	if sh.m == nil {
		sh.m = map[uint64]internedMap{}
	}
	if _, ok := sh.m[h]; !ok {
		sh.m[h] = internedMap{text: text, v: v, col: int32(col), mode: mode, depth: int32(depth)}
	}
	sh.mu.Unlock()
}

// blockLines is what the parser needs to find where a block mapping
// ends before reading it: the lines of the document being read (from
// reset), by number, with their indentation (-1: blank or a comment) and,
// for a line with content, the first line after it indented less (the
// end of its document when none).
type blockLines struct {
	start, indent, less []int32
	open                []int32 // index's stack
}

// index fills ix with the lines of data[from:to].
func (ix *blockLines) index(data []byte, from, to int) {
	ix.start, ix.indent, ix.less = ix.start[:0], ix.indent[:0], ix.less[:0]
	open := ix.open[:0] // lines still waiting for one indented less, indentation ascending
	for start := from; start < to; {
		end := to
		if i := bytes.IndexByte(data[start:to], '\n'); i >= 0 {
			end = start + i
		}
		pos := start
		for pos < end && data[pos] == ' ' {
			pos++
		}
		ind := int32(-1)
		if pos < end && data[pos] != '#' {
			ind = int32(pos - start)
		}
		n := int32(len(ix.start))
		ix.start, ix.indent, ix.less = append(ix.start, int32(start)), append(ix.indent, ind), append(ix.less, 0)
		if ind >= 0 {
			for len(open) > 0 && ix.indent[open[len(open)-1]] > ind {
				ix.less[open[len(open)-1]] = n
				open = open[:len(open)-1]
			}
			open = append(open, n)
		}
		start = end + 1
	}
	for _, k := range open {
		ix.less[k] = int32(len(ix.start))
	}
	ix.open = open[:0]
}

// end is the number of the first line after line k with content indented
// less than col: where a block mapping starting on line k with its keys
// at column col ends.
func (ix *blockLines) end(k, col int) int {
	j, n := k+1, len(ix.start)
	for j < n {
		switch ind := int(ix.indent[j]); {
		case ind < 0:
			j++
		case ind >= col:
			j = int(ix.less[j])
		default:
			return j
		}
	}
	return n
}

// interner is the interner of d's parses: its Cache's, else its own.
func (d *renderer) interner() *interner {
	if d.cache != nil {
		return &d.cache.intern
	}
	return &d.intern
}

// mode is how p reads scalars: YAML 1.2 (yaml.v3), 1.1 (yaml.v2), or 1.1
// with float64 numbers; mappings read one way are not shared with another.
func (p *fastParser) mode() uint8 {
	switch {
	case p.floats:
		return 2
	case p.yaml11:
		return 1
	}
	return 0
}
