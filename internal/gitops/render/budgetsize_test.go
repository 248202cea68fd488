package render

import (
	"reflect"
	"testing"

	"helm.sh/helm/v3/pkg/chartutil"
)

// TestValueSizeTyped: valueSize's walk without reflection sums exactly as
// the reflective walk, and stops past the same limits, on the values
// templates pass (decoded values, Helm's, structs, pointers, bytes).
func TestValueSizeTyped(t *testing.T) {
	type meta struct {
		Name   string
		Labels map[string]any
		hidden string
	}
	deep := map[string]any{}
	cur := deep
	for range 6000 {
		next := map[string]any{}
		cur["a"] = next
		cur = next
	}
	values := []any{
		nil, "", "abc", 1, int64(-2), uint64(3), 1.5, true,
		map[string]any{}, map[string]any(nil), []any{}, []any(nil), []byte("xyz"),
		map[string]any{"a": 1, "b": "two", "c": nil, "d": []any{1, "x", nil, map[string]any{"e": false}}, "f": map[string]any(nil)},
		chartutil.Values{"Values": map[string]any{"name": "svc", "labels": map[string]any{"app": "x"}}, "Release": map[string]any{"Name": "r"}},
		[]any{chartutil.Values{"a": "b"}, &meta{Name: "n", hidden: "h"}, meta{Labels: map[string]any{"k": "v"}}, []string{"p", "q"}, map[string]string{"x": "y"}},
		map[string]any{"m": meta{Name: "n"}, "p": (*meta)(nil), "bytes": []byte("abcd"), "ints": []int{1, 2}},
		deep,
	}
	for i, v := range values {
		rv := argOf(v)
		total := valueSizeOf(rv, MaxTemplateOutput*8, false)
		if got := valueSizeOf(rv, MaxTemplateOutput*8, true); got != total {
			t.Errorf("value %d: typed %d, reflective %d", i, got, total)
		}
		for limit := int64(0); limit <= total+2 && limit < 200; limit++ {
			want := valueSizeOf(rv, limit, false)
			got := valueSizeOf(rv, limit, true)
			if (want > limit) != (got > limit) || want <= limit && got != want {
				t.Errorf("value %d, limit %d: typed %d, reflective %d", i, limit, got, want)
			}
		}
	}
	if n := valueSize(reflect.ValueOf(map[string]any{"a": "b"}), 100); n != 2+3+3+2 {
		t.Errorf("valueSize of {a: b} = %d", n)
	}
}
