package render

import (
	"fmt"
	"testing"
)

// TestEntryKeyDistinct: entries that differ in any field, or whose values
// differ in type or structure, get distinct keys, including those the old
// key (fmt's %v of every field, joined by "|") made alike; equal entries
// (maps built in any order) get equal keys.
func TestEntryKeyDistinct(t *testing.T) {
	chart := func(values map[string]any) entry {
		return entry{cluster: "c", kind: "chart", path: "charts/x", release: "r", namespace: "ns", values: values}
	}
	tenth := 0.1 // not a constant: 0.1+0.2 is not 0.3 in float64
	oldKey := func(e entry) string {
		return fmt.Sprintf("%s|%s|%s|%s|%s|%s|%v|%v|%s|%s", e.cluster, e.deployer, e.kind, e.path, e.namespace, e.release, e.values, e.subst, e.argo.key(), e.flux.key())
	}
	for _, tc := range []struct {
		name    string
		a, b    entry
		oldSame bool // the %v key made them alike
	}{
		{"string or number", chart(map[string]any{"a": "1"}), chart(map[string]any{"a": 1}), true},
		{"int or int64", chart(map[string]any{"a": 1}), chart(map[string]any{"a": int64(1)}), true},
		{"int or float", chart(map[string]any{"a": int64(1)}), chart(map[string]any{"a": 1.0}), true},
		{"string or bool", chart(map[string]any{"a": "true"}), chart(map[string]any{"a": true}), true},
		{"nil or <nil>", chart(map[string]any{"a": nil}), chart(map[string]any{"a": "<nil>"}), true},
		{"nil or absent", chart(map[string]any{"a": nil}), chart(map[string]any{}), false},
		{"list or its spelling", chart(map[string]any{"a": []any{"b", "c"}}), chart(map[string]any{"a": "[b c]"}), true},
		{"list of one string with a space", chart(map[string]any{"a": []any{"b c"}}), chart(map[string]any{"a": []any{"b", "c"}}), true},
		{"map or its spelling", chart(map[string]any{"a": map[string]any{"x": 1}}), chart(map[string]any{"a": "map[x:1]"}), true},
		{"key with a colon", chart(map[string]any{"a:b": "c"}), chart(map[string]any{"a": "b:c"}), true},
		{"keys with a space", chart(map[string]any{"a": "1 b:2"}), chart(map[string]any{"a": 1, "b": 2}), true},
		{"empty string or empty list", chart(map[string]any{"a": ""}), chart(map[string]any{"a": []any{}}), false},
		{"float bits", chart(map[string]any{"a": tenth + 2*tenth}), chart(map[string]any{"a": 0.3}), false},
		{"separator in a field", entry{cluster: "a|", deployer: "b", kind: "dir"}, entry{cluster: "a", deployer: "|b", kind: "dir"}, true},
		{"field moved", entry{cluster: "a", path: "p"}, entry{cluster: "a", namespace: "p"}, false},
		{"release", chart(nil), entry{cluster: "c", kind: "chart", path: "charts/x", release: "s", namespace: "ns"}, false},
		{"substitution", entry{kind: "flux", subst: map[string]string{"a": "b c"}}, entry{kind: "flux", subst: map[string]string{"a": "b", "c": ""}}, false},
		{"substitution spelling", entry{kind: "flux", subst: map[string]string{"a": "1 b:2"}}, entry{kind: "flux", subst: map[string]string{"a": "1", "b": "2"}}, true},
		{"argo options", entry{kind: "dir", argo: &argoSource{include: "*.yaml"}}, entry{kind: "dir", argo: &argoSource{exclude: "*.yaml"}}, false},
		{"flux edits", entry{kind: "flux", flux: &fluxBuild{namePrefix: "a-"}}, entry{kind: "flux", flux: &fluxBuild{nameSuffix: "a-"}}, false},
		{"other type", chart(map[string]any{"a": uint8(1)}), chart(map[string]any{"a": 1}), true},
		{"nested list", chart(map[string]any{"a": []any{[]any{"b"}, "c"}}), chart(map[string]any{"a": []any{"b", []any{"c"}}}), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := oldKey(tc.a) == oldKey(tc.b); got != tc.oldSame {
				t.Errorf("old keys alike: %v, want %v (%q, %q)", got, tc.oldSame, oldKey(tc.a), oldKey(tc.b))
			}
			if tc.a.key() == tc.b.key() {
				t.Errorf("same key for %q and %q", oldKey(tc.a), oldKey(tc.b))
			}
			if tc.a.key() != tc.a.key() {
				t.Error("key not deterministic")
			}
		})
	}
	// equal entries: maps built in any order, nil or empty values
	a := map[string]any{}
	b := map[string]any{}
	for i := range 50 {
		a[fmt.Sprint("k", i)] = map[string]any{"v": i, "l": []any{i, "x"}}
		b[fmt.Sprint("k", 49-i)] = map[string]any{"l": []any{49 - i, "x"}, "v": 49 - i}
	}
	if chart(a).key() != chart(b).key() {
		t.Error("equal values built in another order: keys differ")
	}
	if chart(nil).key() != chart(map[string]any{}).key() {
		t.Error("nil and empty values: keys differ (a chart renders them alike)")
	}
	sa := entry{kind: "flux", subst: map[string]string{"a": "1", "b": "2"}}
	sb := entry{kind: "flux", subst: map[string]string{"b": "2", "a": "1"}}
	if sa.key() != sb.key() || sa.key() != sa.key() {
		t.Error("equal substitutions: keys differ")
	}
}
