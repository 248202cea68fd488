package checks

import (
	"encoding/json"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// TestPlainSelector: a selector read without the JSON round trip is the
// one the round trip gives, and anything else is left to it.
func TestPlainSelector(t *testing.T) {
	tests := []struct {
		name  string
		m     map[string]any
		plain bool
	}{
		{"empty", map[string]any{}, true},
		{"labels", map[string]any{"matchLabels": map[string]any{"app": "a", "app.kubernetes.io/name": "b"}}, true},
		{"no labels", map[string]any{"matchLabels": map[string]any{}}, true},
		{"number value", map[string]any{"matchLabels": map[string]any{"v": 1}}, false},
		{"null labels", map[string]any{"matchLabels": nil}, false},
		{"expressions", map[string]any{"matchExpressions": []any{map[string]any{"key": "a", "operator": "Exists"}}}, false},
		{"other spelling", map[string]any{"MatchLabels": map[string]any{"a": "b"}}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ls, ok := plainSelector(tc.m)
			if ok != tc.plain {
				t.Fatalf("plain: %v, want %v", ok, tc.plain)
			}
			if !ok {
				return
			}
			data, err := json.Marshal(tc.m)
			if err != nil {
				t.Fatal(err)
			}
			var want metav1.LabelSelector
			if err := json.Unmarshal(data, &want); err != nil {
				t.Fatal(err)
			}
			a, errA := metav1.LabelSelectorAsSelector(ls)
			b, errB := metav1.LabelSelectorAsSelector(&want)
			if (errA == nil) != (errB == nil) || errA == nil && a.String() != b.String() {
				t.Errorf("got %v %v, want %v %v", a, errA, b, errB)
			}
		})
	}
}
