package tree

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"math"
	"slices"
	"strconv"
	"sync"
	"unicode/utf8"
)

// Digests identify the objects a build must produce: object id -> SHA-256
// of its canonical form (so the checks hold no object trees).
type Digests map[string][32]byte

// DigestsOf are the digests of objs.
func DigestsOf(objs []Object) Digests {
	d := make(Digests, len(objs))
	for _, o := range objs {
		d[o.ID()] = Digest(o.Value)
	}
	return d
}

// Digest is the SHA-256 of an object's canonical form: two values have the
// same digest exactly when encoding/json encodes them the same (keys
// sorted, an integer the same whether it is an int or a float64), which is
// how the generator's intended objects (decoded JSON) and a build's (decoded
// YAML) are compared. The form is written straight from the values (the
// JSON encoder's reflection was most of the comparison's time): a tag per
// value, lengths before strings and collections, numbers as the JSON text
// of their value.
func Digest(v map[string]any) [32]byte {
	b := digestBufs.Get().(*[]byte)
	buf := appendCanonical((*b)[:0], v)
	sum := sha256.Sum256(buf)
	if cap(buf) <= 1<<20 {
		*b = buf
		digestBufs.Put(b)
	}
	return sum
}

var digestBufs = sync.Pool{New: func() any { b := make([]byte, 0, 4096); return &b }}

// appendCanonical appends the canonical form of a JSON-like value.
func appendCanonical(buf []byte, v any) []byte {
	switch t := v.(type) {
	case nil:
		return append(buf, 'n')
	case bool:
		if t {
			return append(buf, 't')
		}
		return append(buf, 'f')
	case string:
		return appendCanonicalString(append(buf, 's'), t)
	case map[string]any:
		buf = binary.AppendUvarint(append(buf, '{'), uint64(len(t)))
		var small [16]string // most objects' maps: no allocation
		keys := small[:0]
		for k := range t {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			buf = appendCanonicalString(buf, k)
			buf = appendCanonical(buf, t[k])
		}
		return buf
	case []any:
		buf = binary.AppendUvarint(append(buf, '['), uint64(len(t)))
		for _, e := range t {
			buf = appendCanonical(buf, e)
		}
		return buf
	case float64:
		if math.IsInf(t, 0) || math.IsNaN(t) {
			break // JSON has no such number
		}
		// encoding/json's choice of format; exponents are not cleaned up
		// as it does, which keeps the form one-to-one with its text.
		f := byte('f')
		if a := math.Abs(t); a != 0 && (a < 1e-6 || a >= 1e21) {
			f = 'e'
		}
		return append(strconv.AppendFloat(append(buf, '#'), t, f, -1, 64), ';')
	case int:
		return append(strconv.AppendInt(append(buf, '#'), int64(t), 10), ';')
	case int64:
		return append(strconv.AppendInt(append(buf, '#'), t, 10), ';')
	case int32:
		return append(strconv.AppendInt(append(buf, '#'), int64(t), 10), ';')
	case uint64:
		return append(strconv.AppendUint(append(buf, '#'), t, 10), ';')
	}
	// Anything else (a typed value, float32, json.Number): its JSON,
	// decoded, so that it compares as its JSON does.
	data, err := json.Marshal(v)
	if err != nil {
		// An unencodable value: never equal to an encodable one.
		return append(append(buf, '!'), err.Error()...)
	}
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	var decoded any
	if err := d.Decode(&decoded); err != nil {
		return append(append(buf, '!'), err.Error()...)
	}
	if n, ok := decoded.(json.Number); ok {
		return append(append(append(buf, '#'), n...), ';')
	}
	return appendCanonical(buf, decoded)
}

// appendCanonicalString appends a string by its length and bytes; one that
// is not valid UTF-8 by the JSON encoding/json writes for it (which
// replaces its invalid bytes), marked as such.
func appendCanonicalString(buf []byte, s string) []byte {
	if !utf8.ValidString(s) {
		data, _ := json.Marshal(s) // a string always encodes
		buf = binary.AppendUvarint(append(buf, 'x'), uint64(len(data)))
		return append(buf, data...)
	}
	buf = binary.AppendUvarint(append(buf, 'v'), uint64(len(s)))
	return append(buf, s...)
}
