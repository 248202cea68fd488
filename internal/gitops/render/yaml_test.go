package render

import (
	"reflect"
	"testing"
)

// TestParseDocsKeys checks that keys the YAML decoder does not take for
// strings (numbers, booleans, null) are kept, spelled as Kubernetes spells
// them, at any depth.
func TestParseDocsKeys(t *testing.T) {
	tests := []struct {
		name, yaml string
		want       map[string]any
	}{
		{"numeric data key", "kind: Secret\ndata: {123: cGFzcw==}\n",
			map[string]any{"kind": "Secret", "data": map[string]any{"123": "cGFzcw=="}}},
		{"bool, float and null keys", "a: {true: 1, 1.5: 2, null: 3, x: 4}\n",
			map[string]any{"a": map[string]any{"true": 1, "1.5": 2, "null": 3, "x": 4}}},
		{"inside a list", "l: [{0: a}]\n",
			map[string]any{"l": []any{map[string]any{"0": "a"}}}},
		{"keys spelled the same: one kept, always the same", "m: {1: int, 1.0: float}\n",
			map[string]any{"m": map[string]any{"1": "float"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			docs, err := parseDocs([]byte(tc.yaml))
			if err != nil || len(docs) != 1 {
				t.Fatalf("ParseDocs: %v, %d documents", err, len(docs))
			}
			if !reflect.DeepEqual(docs[0].Value, tc.want) {
				t.Errorf("got %#v\nwant %#v", docs[0].Value, tc.want)
			}
		})
	}
}

// noAnyMaps fails when v holds a map with keys that are not strings.
func noAnyMaps(t *testing.T, v any) {
	switch v := v.(type) {
	case map[any]any:
		t.Fatalf("map[any]any left in a document: %#v", v)
	case map[string]any:
		for _, e := range v {
			noAnyMaps(t, e)
		}
	case []any:
		for _, e := range v {
			noAnyMaps(t, e)
		}
	}
}
