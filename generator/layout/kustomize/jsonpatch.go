package kustomize

import (
	"reflect"
	"slices"
	"strings"
)

// patchOp is one RFC 6902 JSON patch operation.
type patchOp struct {
	Op    string `json:"op"`
	Path  string `json:"path"`
	Value any    `json:"value,omitempty"`
}

// opsValue are ops as their JSON decodes (the tree writes such values
// directly as YAML).
func opsValue(ops []patchOp) any {
	if ops == nil {
		return nil
	}
	out := make([]any, len(ops))
	for i, op := range ops {
		v := map[string]any{"op": op.Op, "path": op.Path}
		if op.Value != nil {
			v["value"] = op.Value
		}
		out[i] = v
	}
	return out
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
	var small [16]string // most maps: no allocation
	keys := small[:0]
	for k := range a {
		keys = append(keys, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		av, inA := a[k]
		bv, inB := b[k]
		// The path is written only where something differs: most
		// values of an overlay are the base's.
		switch {
		case !inB:
			*ops = append(*ops, patchOp{Op: "remove", Path: prefix + "/" + escapePointer(k)})
		case !inA:
			*ops = append(*ops, patchOp{Op: "add", Path: prefix + "/" + escapePointer(k), Value: bv})
		default:
			am, aok := av.(map[string]any)
			bm, bok := bv.(map[string]any)
			if aok && bok {
				if !jsonEqual(am, bm) {
					diffMaps(prefix+"/"+escapePointer(k), am, bm, ops)
				}
			} else if !jsonEqual(av, bv) {
				*ops = append(*ops, patchOp{Op: "replace", Path: prefix + "/" + escapePointer(k), Value: bv})
			}
		}
	}
}

// jsonEqual is reflect.DeepEqual for decoded JSON values (maps, slices,
// strings, float64, bool, nil), without reflection; other types are left to
// reflect.DeepEqual.
func jsonEqual(a, b any) bool {
	switch av := a.(type) {
	case string:
		bv, ok := b.(string)
		return ok && av == bv
	case float64:
		bv, ok := b.(float64)
		return ok && av == bv
	case bool:
		bv, ok := b.(bool)
		return ok && av == bv
	case nil:
		return b == nil
	case map[string]any:
		bv, ok := b.(map[string]any)
		if !ok || len(av) != len(bv) || (av == nil) != (bv == nil) {
			return false
		}
		for k, ae := range av {
			be, ok := bv[k]
			if !ok || !jsonEqual(ae, be) {
				return false
			}
		}
		return true
	case []any:
		bv, ok := b.([]any)
		if !ok || len(av) != len(bv) || (av == nil) != (bv == nil) {
			return false
		}
		for i := range av {
			if !jsonEqual(av[i], bv[i]) {
				return false
			}
		}
		return true
	}
	return reflect.DeepEqual(a, b)
}

var pointerEscaper = strings.NewReplacer("~", "~0", "/", "~1")

// escapePointer escapes a key for a JSON pointer (RFC 6901).
func escapePointer(k string) string {
	if !strings.ContainsAny(k, "~/") {
		return k
	}
	return pointerEscaper.Replace(k)
}
