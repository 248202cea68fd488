package checks

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/api/validate/content"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/validation"
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

// TestSelectorForDifferential holds selectorFor (labels matched as they
// are) to selector over random selectors, valid or not, and label sets.
func TestSelectorForDifferential(t *testing.T) {
	keys := []string{"app", "tier", "app.kubernetes.io/name", "example.com/a", "bad key", "-x", "a/b/c", "", "x/", strings.Repeat("k", 64), "Ab_c.d-e"}
	values := []any{"a", "web", "", "bad value!", strings.Repeat("v", 64), "-a", "A.b_c", 1, true, nil, 2.5}
	for seed := range uint64(5000) {
		r := rand.New(rand.NewPCG(seed, 4))
		labelMap := func() map[string]any {
			m := map[string]any{}
			for range r.IntN(4) {
				m[keys[r.IntN(len(keys))]] = values[r.IntN(len(values))]
			}
			return m
		}
		var m map[string]any
		switch r.IntN(6) {
		case 0:
			m = nil
		case 1:
			m = map[string]any{}
		case 2:
			m = map[string]any{"matchLabels": labelMap(), "matchExpressions": []any{map[string]any{"key": "app", "operator": "Exists"}}}
		case 3:
			m = map[string]any{"matchLabels": nil}
		default:
			m = map[string]any{"matchLabels": labelMap()}
		}
		got, want := selectorFor(m), selector(m)
		if (got == nil) != (want == nil) {
			t.Fatalf("seed %d: selectorFor(%v) = %v, selector %v", seed, m, got, want)
		}
		if got == nil {
			continue
		}
		if got.Empty() != want.Empty() || got.String() != want.String() {
			t.Fatalf("seed %d: %v: empty %v %q, want %v %q", seed, m, got.Empty(), got.String(), want.Empty(), want.String())
		}
		for range 8 {
			set, raw := labels.Set{}, podLabelSet{} // raw: the values as a pod template has them
			for range r.IntN(4) {
				k, v := keys[r.IntN(len(keys))], values[r.IntN(len(values))]
				set[k], raw[k] = fmt.Sprint(v), v
			}
			if ml, ok := m["matchLabels"].(map[string]any); ok && r.IntN(2) == 0 {
				for k, v := range ml {
					set[k], raw[k] = fmt.Sprint(v), v // matches, unless changed below
				}
				if r.IntN(3) == 0 {
					k := keys[r.IntN(len(keys))]
					set[k], raw[k] = "changed", "changed"
				}
			}
			if got.Matches(set) != want.Matches(set) || got.Matches(raw) != want.Matches(set) || want.Matches(raw) != want.Matches(set) {
				t.Fatalf("seed %d: %v matches %v: %v (%v as a pod's), want %v", seed, m, set, got.Matches(set), got.Matches(raw), want.Matches(set))
			}
		}
	}
}

// TestSimpleLabel: what simpleLabel takes, the validators take as a label
// key and as a label value.
func TestSimpleLabel(t *testing.T) {
	alphabet := []string{"a", "Z", "0", "9", "-", "_", ".", "/", " ", "!", "é", "\x00", "app"}
	taken := 0
	for seed := range uint64(20000) {
		r := rand.New(rand.NewPCG(seed, 6))
		var b strings.Builder
		for range r.IntN(70) {
			b.WriteString(alphabet[r.IntN(len(alphabet))])
		}
		s := b.String()
		if !simpleLabel(s) {
			continue
		}
		taken++
		if errs := content.IsLabelKey(s); len(errs) > 0 {
			t.Fatalf("%q: taken, not a label key: %v", s, errs)
		}
		if errs := validation.IsValidLabelValue(s); len(errs) > 0 {
			t.Fatalf("%q: taken, not a label value: %v", s, errs)
		}
	}
	for _, s := range []string{"app", "web-1", "A.b_c", strings.Repeat("a", 63)} {
		if !simpleLabel(s) {
			t.Errorf("%q not taken", s)
		}
	}
	if taken < 100 {
		t.Errorf("%d taken", taken)
	}
}
