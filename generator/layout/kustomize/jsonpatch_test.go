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
