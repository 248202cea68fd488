package tree

import (
	"bytes"
	"encoding/json"
	"math"
	"testing"
)

// TestDigestLikeJSON: two values have the same digest exactly when
// encoding/json encodes them the same, whatever Go types hold their
// numbers (the intended objects are decoded JSON, a build's decoded YAML).
func TestDigestLikeJSON(t *testing.T) {
	type typed struct {
		A int     `json:"a"`
		B float32 `json:"b"`
	}
	values := []any{
		nil, true, false, "", "a", "3", "\xff", "\xfe", "\ufffd", "<&>", "a\u2028",
		0.0, math.Copysign(0, -1), 3.0, 3, int64(3), int32(3), uint64(3), 3.5, float32(3.5), -1.0, -1,
		1e21, 1e20, 1e-7, 1e-6, float64(1 << 60), int64(1 << 60), json.Number("3"), json.Number("3.0"),
		[]any{}, []any{nil}, []any{"a", "b"}, []any{"ab"}, []any{[]any{}}, []string{"a", "b"},
		map[string]any{}, map[string]any{"a": nil}, map[string]any{"a": "b"}, map[string]any{"ab": ""},
		map[string]any{"a": 1.0, "b": []any{2}}, map[string]any{"a": 1, "b": []any{2.0}}, map[string]string{"a": "b"},
		typed{A: 1, B: 2}, map[string]any{"a": 1, "b": 2}, map[string]any{"a": 1, "b": 2.5},
	}
	for i, a := range values {
		for j, b := range values {
			ja, ea := json.Marshal(map[string]any{"v": a})
			jb, eb := json.Marshal(map[string]any{"v": b})
			if ea != nil || eb != nil {
				t.Fatal(ea, eb)
			}
			same := Digest(map[string]any{"v": a}) == Digest(map[string]any{"v": b})
			if same != bytes.Equal(ja, jb) {
				t.Errorf("%d %#v and %d %#v: same digest %v, JSON %s and %s", i, a, j, b, same, ja, jb)
			}
		}
	}
}

// FuzzDigest: on any JSON-like values, equal digests and equal JSON go
// together, and a value and its JSON decoded again have the same digest
// (unless a string was not UTF-8: its JSON then differs too).
func FuzzDigest(f *testing.F) {
	f.Add([]byte("\x01\x02a\x00\x05\x00\x00\x00\x00\x00\x00\x08@b\x00\x06\x0c"), []byte("\x01\x02a\x00\x06\x18b\x00\x06\x0c"))
	f.Fuzz(func(t *testing.T, x, y []byte) {
		a, b := fuzzValue(&x, 0), fuzzValue(&y, 0)
		ma, mb := map[string]any{"v": a}, map[string]any{"v": b}
		ja, _ := json.Marshal(ma)
		jb, _ := json.Marshal(mb)
		if (Digest(ma) == Digest(mb)) != bytes.Equal(ja, jb) {
			t.Fatalf("%#v and %#v: JSON %s and %s", a, b, ja, jb)
		}
		if bytes.Contains(ja, []byte(`\ufffd`)) {
			return
		}
		var back map[string]any
		if err := json.Unmarshal(ja, &back); err != nil {
			t.Fatal(err)
		}
		if Digest(back) != Digest(ma) {
			t.Fatalf("%#v: its JSON %s decoded has another digest", a, ja)
		}
	})
}
