package kustomize

import (
	"reflect"
	"sort"
	"strings"
)

// patchOp is one RFC 6902 JSON patch operation.
type patchOp struct {
	Op    string `json:"op"`
	Path  string `json:"path"`
	Value any    `json:"value,omitempty"`
}

// diffJSON returns the RFC 6902 operations that turn a into b. Maps are
// compared key by key; any other differing value (lists included) is
// replaced whole, which keeps overlays exact and readable.
func diffJSON(a, b map[string]any) []patchOp {
	var ops []patchOp
	diffMaps("", a, b, &ops)
	return ops
}

func diffMaps(prefix string, a, b map[string]any, ops *[]patchOp) {
	keys := make([]string, 0, len(a)+len(b))
	for k := range a {
		keys = append(keys, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		path := prefix + "/" + escapePointer(k)
		av, inA := a[k]
		bv, inB := b[k]
		switch {
		case !inB:
			*ops = append(*ops, patchOp{Op: "remove", Path: path})
		case !inA:
			*ops = append(*ops, patchOp{Op: "add", Path: path, Value: bv})
		default:
			am, aok := av.(map[string]any)
			bm, bok := bv.(map[string]any)
			if aok && bok {
				diffMaps(path, am, bm, ops)
			} else if !reflect.DeepEqual(av, bv) {
				*ops = append(*ops, patchOp{Op: "replace", Path: path, Value: bv})
			}
		}
	}
}

var pointerEscaper = strings.NewReplacer("~", "~0", "/", "~1")

// escapePointer escapes a key for a JSON pointer (RFC 6901).
func escapePointer(k string) string {
	if !strings.ContainsAny(k, "~/") {
		return k
	}
	return pointerEscaper.Replace(k)
}
