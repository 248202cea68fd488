package tree

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"unsafe"
)

// TestInternerShares: values decoded through one interner are encoding/json's
// values; short strings and numbers are one shared copy, long ones are not,
// and a full interner still decodes everything (it only stops adding).
func TestInternerShares(t *testing.T) {
	long := strings.Repeat("x", maxInternLen+1)
	cases := []struct {
		name   string
		data   string
		get    func(m map[string]any) any
		shared bool
	}{
		{"key", `{"app.kubernetes.io/name":1}`, func(m map[string]any) any {
			for k := range m {
				return k
			}
			return nil
		}, true},
		{"string", `{"a":"plinth"}`, func(m map[string]any) any { return m["a"] }, true},
		{"number", `{"a":8080}`, func(m map[string]any) any { return m["a"] }, true},
		{"negative zero", `{"a":-0}`, func(m map[string]any) any { return m["a"] }, true},
		{"long string", `{"a":"` + long + `"}`, func(m map[string]any) any { return m["a"] }, false},
		{"non-ASCII", `{"a":"서비스"}`, func(m map[string]any) any { return m["a"] }, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := &interner{strs: map[string]any{}, nums: map[string]any{}}
			var got [2]map[string]any
			for i := range got {
				d := jsonDecoder{data: []byte(c.data), in: in}
				v := d.value(0)
				if d.bad {
					t.Fatalf("%s: not decoded", c.data)
				}
				got[i] = v.(map[string]any)
				var want any
				if err := json.Unmarshal([]byte(c.data), &want); err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(v, want) {
					t.Fatalf("got %#v, want %#v", v, want)
				}
			}
			a, b := c.get(got[0]), c.get(got[1])
			if same := sameBox(a, b); same != c.shared {
				t.Errorf("shared %v, want %v", same, c.shared)
			}
		})
	}
	t.Run("full", func(t *testing.T) {
		in := &interner{strs: map[string]any{}, nums: map[string]any{}}
		for i := range maxInterned + 10 {
			if s := in.key([]byte(fmt.Sprint("k", i))); s != fmt.Sprint("k", i) {
				t.Fatalf("key %d: %q", i, s)
			}
			if v, ok := in.num([]byte(fmt.Sprint(i))); !ok || v != float64(i) {
				t.Fatalf("number %d: %v %v", i, v, ok)
			}
		}
		if len(in.strs) != maxInterned || len(in.nums) != maxInterned {
			t.Errorf("interned %d strings, %d numbers; want at most %d", len(in.strs), len(in.nums), maxInterned)
		}
	})
}

// sameBox says whether two values are the same copy: strings with the same
// bytes in memory, or the same boxed value.
func sameBox(a, b any) bool {
	if s, ok := a.(string); ok {
		return unsafe.StringData(s) == unsafe.StringData(b.(string))
	}
	type eface struct{ typ, data unsafe.Pointer }
	return (*eface)(unsafe.Pointer(&a)).data == (*eface)(unsafe.Pointer(&b)).data
}
