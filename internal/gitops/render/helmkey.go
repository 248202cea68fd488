package render

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math"
	"slices"
	"sync"
)

// An entry's key (entry.key) is the SHA-256 of an unambiguous encoding of
// its fields: every string is length-prefixed and every value tagged with
// its type, so that no two distinct entries encode alike (fmt's %v, the
// key before, printed the string "1" and the number 1, or a map and a
// string spelling it, the same). Map keys are written in sorted order: the
// key does not depend on Go's map iteration. A chart's values, which are
// most of an entry, are written by a type switch instead of fmt's
// reflection.

// hashKey is entry.key.
func (e entry) hashKey() string {
	k := newKeyWriter()
	for _, s := range []string{e.cluster, e.deployer, e.kind, e.path, e.namespace, e.release} {
		k.str(s)
	}
	k.value(e.values)
	k.tag('S')
	k.uint(uint64(len(e.subst)))
	if len(e.subst) > 0 {
		names := make([]string, 0, len(e.subst))
		for n := range e.subst {
			names = append(names, n)
		}
		slices.Sort(names)
		for _, n := range names {
			k.str(n)
			k.str(e.subst[n])
		}
	}
	k.str(e.argo.key())
	k.str(e.flux.key())
	return k.sum()
}

// keyWriter writes the encoding hashKey hashes.
type keyWriter struct {
	buf  []byte
	keys []string // the sorted keys of the maps being written, innermost last
}

// keyWriters keeps keyWriters between keys: a key's encoding is several
// KB (a chart's values), written for every entry the walk meets.
var keyWriters = sync.Pool{New: func() any { return &keyWriter{buf: make([]byte, 0, 8<<10)} }}

func newKeyWriter() *keyWriter { return keyWriters.Get().(*keyWriter) }

// sum is the SHA-256 of what k wrote; k goes back to keyWriters.
func (k *keyWriter) sum() string {
	h := sha256.Sum256(k.buf)
	if cap(k.buf) <= 1<<20 {
		k.buf, k.keys = k.buf[:0], k.keys[:0]
		keyWriters.Put(k)
	}
	return string(h[:])
}

func (k *keyWriter) tag(t byte) { k.buf = append(k.buf, t) }

func (k *keyWriter) uint(n uint64) { k.buf = binary.AppendUvarint(k.buf, n) }

func (k *keyWriter) str(s string) {
	k.uint(uint64(len(s)))
	k.buf = append(k.buf, s...)
}

// value writes v with a tag naming its type; a type the switch does not
// know is written as its Go type and its %#v (deterministic: fmt sorts
// map keys), under a tag of its own.
func (k *keyWriter) value(v any) {
	switch v := v.(type) {
	case nil:
		k.tag('n')
	case string:
		k.tag('s')
		k.str(v)
	case bool:
		if v {
			k.tag('t')
		} else {
			k.tag('f')
		}
	case int:
		k.tag('i')
		k.buf = binary.AppendVarint(k.buf, int64(v))
	case int64:
		k.tag('I')
		k.buf = binary.AppendVarint(k.buf, v)
	case float64:
		k.tag('d')
		k.buf = binary.BigEndian.AppendUint64(k.buf, math.Float64bits(v))
	case map[string]any:
		k.tag('m')
		k.mapping(v)
	case []any:
		k.tag('l')
		k.uint(uint64(len(v)))
		for _, x := range v {
			k.value(x)
		}
	default:
		k.tag('x')
		k.str(fmt.Sprintf("%T %#v", v, v))
	}
}

func (k *keyWriter) mapping(m map[string]any) {
	k.uint(uint64(len(m)))
	if len(m) == 0 {
		return
	}
	base := len(k.keys)
	for key := range m {
		k.keys = append(k.keys, key)
	}
	slices.Sort(k.keys[base:])
	for i := base; i < base+len(m); i++ {
		k.str(k.keys[i])
		k.value(m[k.keys[i]])
	}
	clear(k.keys[base:])
	k.keys = k.keys[:base]
}
