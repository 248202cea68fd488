package tree

import (
	"strconv"
	"sync"
	"unicode/utf8"
)

// The objects of a platform repeat the same field names and many of the
// same values (labels, ports, kinds, policies) thousands of times: decoded
// one by one, each copy is its own string or number on the heap, and every
// environment's objects are alive together while the layout writes them.
// An interner gives the decoder one shared copy of each short string and
// number, already boxed as the any the object's map holds. Strings and
// boxed numbers cannot be changed through an any, so sharing them changes
// nothing a user of the objects can see.

// Bounds of an interner: strings longer than maxInternLen (image
// references, commands) are rarely repeated; once it holds maxInterned
// values it only looks up.
const (
	maxInternLen = 64
	maxInterned  = 1 << 14
)

type interner struct {
	strs   map[string]any // a string, boxed, by its bytes
	nums   map[string]any // a float64, boxed, by its JSON literal
	floats map[uint64]any // a float64, boxed, by its bits (typed.go)
}

// interners are reused by the decoders: each keeps what the objects it
// decoded had in common (dropped with the pool at garbage collections).
var interners = sync.Pool{New: func() any {
	return &interner{strs: make(map[string]any, 512), nums: make(map[string]any, 64), floats: make(map[uint64]any, 64)}
}}

// str is b as a string (b valid UTF-8), boxed.
func (in *interner) str(b []byte) any {
	if v, ok := in.strs[string(b)]; ok {
		return v
	}
	s := string(b)
	var v any = s
	if len(b) <= maxInternLen && len(in.strs) < maxInterned {
		in.strs[s] = v
	}
	return v
}

// key is b as a string, for a map key.
func (in *interner) key(b []byte) string {
	s, _ := in.str(b).(string)
	return s
}

// num is the JSON number literal b as the float64 encoding/json decodes;
// ok false when it is out of range.
func (in *interner) num(b []byte) (any, bool) {
	if v, ok := in.nums[string(b)]; ok {
		return v, true
	}
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		return nil, false
	}
	var v any = f
	if len(b) <= maxInternLen && len(in.nums) < maxInterned {
		in.nums[string(b)] = v
	}
	return v, true
}

// validString reports whether b, which has bytes >= 0x80 when !ascii, is
// valid UTF-8.
func validString(b []byte, ascii bool) bool { return ascii || utf8.Valid(b) }
