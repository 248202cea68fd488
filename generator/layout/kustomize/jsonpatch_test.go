package kustomize

import (
	"encoding/json"
	"reflect"
	"testing"

	jsonpatch "github.com/evanphx/json-patch"
)

// TestDiffJSON applies the computed RFC 6902 patch with an independent
// implementation and checks it yields the target.
func TestDiffJSON(t *testing.T) {
	tests := []struct {
		name string
		a, b string
		ops  int
	}{
		{"equal", `{"a":1,"b":{"c":[1,2]}}`, `{"a":1,"b":{"c":[1,2]}}`, 0},
		{"replace scalar", `{"spec":{"replicas":2}}`, `{"spec":{"replicas":3}}`, 1},
		{"add and remove", `{"spec":{"replicas":2}}`, `{"spec":{"paused":true}}`, 2},
		{"escaped keys", `{"metadata":{"labels":{"app.kubernetes.io/name":"a","x~y":"1"}}}`,
			`{"metadata":{"labels":{"app.kubernetes.io/name":"b","azure.workload.identity/use":"true"}}}`, 3},
		{"list replaced whole", `{"l":[{"a":1},{"b":2}]}`, `{"l":[{"a":1}]}`, 1},
		{"map to scalar", `{"v":{"a":1}}`, `{"v":"x"}`, 1},
		{"false and zero values", `{"a":true,"n":1}`, `{"a":false,"n":0}`, 2},
		{"empty values", `{"a":{"b":1}}`, `{"a":{"b":{}},"c":[],"d":""}`, 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var a, b map[string]any
			if err := json.Unmarshal([]byte(tc.a), &a); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal([]byte(tc.b), &b); err != nil {
				t.Fatal(err)
			}
			ops := diffJSON(a, b)
			if len(ops) != tc.ops {
				t.Errorf("%d ops, want %d: %+v", len(ops), tc.ops, ops)
			}
			raw, err := json.Marshal(ops)
			if err != nil {
				t.Fatal(err)
			}
			// What the tree writes: the same JSON.
			if vraw, err := json.Marshal(opsValue(ops)); err != nil || string(vraw) != string(raw) {
				t.Errorf("opsValue encodes as %s (%v), want %s", vraw, err, raw)
			}
			p, err := jsonpatch.DecodePatch(raw)
			if err != nil {
				t.Fatal(err)
			}
			got, err := p.Apply([]byte(tc.a))
			if err != nil {
				t.Fatalf("apply %s: %v", raw, err)
			}
			var gm map[string]any
			if err := json.Unmarshal(got, &gm); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(gm, b) {
				t.Errorf("patched = %s, want %s", got, tc.b)
			}
		})
	}
}

// TestJSONEqual: jsonEqual is reflect.DeepEqual on decoded JSON values.
func TestJSONEqual(t *testing.T) {
	values := []any{nil, "a", "b", "", 1.0, 2.0, 0.0, true, false,
		map[string]any{}, map[string]any(nil), map[string]any{"a": 1.0}, map[string]any{"a": 2.0}, map[string]any{"b": 1.0},
		map[string]any{"a": nil}, map[string]any{"a": []any{}}, []any{}, []any(nil), []any{1.0}, []any{1.0, "a"}, []any{"a", 1.0},
		[]any{map[string]any{"x": []any{true}}}, []any{map[string]any{"x": []any{false}}}, []string{"a"}, map[string]string{"a": "b"}, 1}
	for _, a := range values {
		for _, b := range values {
			if got, want := jsonEqual(a, b), reflect.DeepEqual(a, b); got != want {
				t.Errorf("jsonEqual(%#v, %#v) = %v, want %v", a, b, got, want)
			}
		}
	}
}
