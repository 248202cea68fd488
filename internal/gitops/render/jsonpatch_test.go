package render

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	jsonpatch "gopkg.in/evanphx/json-patch.v4"
)

// oraclePatch is how the native build applied a JSON patch before
// jsonpatch.go: the object as JSON text, evanphx/json-patch (kustomize's
// library), the result decoded again. panicked: the library panicked (the
// native build recovered and declined).
func oraclePatch(text []byte, v map[string]any) (out map[string]any, panicked bool, err error) {
	defer func() {
		if p := recover(); p != nil {
			out, panicked, err = nil, true, fmt.Errorf("panic: %v", p)
		}
	}()
	patch, err := jsonpatch.DecodePatch(text)
	if err != nil {
		return nil, false, err
	}
	doc, err := json.Marshal(v)
	if err != nil {
		return nil, false, err
	}
	if doc, err = patch.Apply(doc); err != nil {
		return nil, false, err
	}
	if err := json.Unmarshal(doc, &out); err != nil {
		return nil, false, err
	}
	return out, false, nil
}

// nativePatch applies text with jsonpatch.go.
func nativePatch(text []byte, v map[string]any) (map[string]any, error) {
	p, err := decodeJSONPatch(text)
	if err != nil {
		return nil, err
	}
	return p.apply(v)
}

// comparePatch applies text to v both ways and fails t where they differ:
// in the object (number types included) or in the error. It returns the
// result, nil on an error. The native way declines (errPatchDeclined) as
// decline says; where the library panicked it must fail.
func comparePatch(t *testing.T, text string, v map[string]any, decline declining) map[string]any {
	t.Helper()
	before := deepCopy(v)
	want, panicked, wantErr := oraclePatch([]byte(text), v)
	got, err := nativePatch([]byte(text), v)
	if testing.Verbose() {
		t.Logf("%s: %v / %v", text, err, wantErr)
	}
	if !reflect.DeepEqual(before, v) && fmt.Sprintf("%#v", before) != fmt.Sprintf("%#v", v) { // NaN != NaN
		t.Fatalf("%s: the patch changed its input", text)
	}
	compareFinal(t, text, v, got, err)
	if _, derr := decodeJSONPatch([]byte(text)); derr != nil {
		// Not a JSON patch: the native build declines on any decoding
		// error (their texts name the decoders' own types).
		if wantErr == nil {
			t.Errorf("%s: decoding failed (%v), the library's did not", text, derr)
		}
		return nil
	}
	switch {
	case errors.Is(err, errPatchDeclined):
		if decline == neverDecline {
			t.Errorf("%s: declined (library: %v, %v)", text, want, wantErr)
		}
		return nil
	case decline == mustDecline:
		t.Errorf("%s: applied (%v, %v), want it declined", text, got, err)
	case panicked || errors.Is(err, errPatchNilMember):
		// The library panics where it dereferences a missing node; it may
		// also find another difference first (it walks a map's members in
		// random order).
		if err == nil || wantErr == nil {
			t.Errorf("%s: error %v, library: %v", text, err, wantErr)
		}
	case (err == nil) != (wantErr == nil) || (err != nil && err.Error() != wantErr.Error()):
		t.Errorf("%s: error %q, library %q", text, err, wantErr)
	case !reflect.DeepEqual(got, want):
		t.Errorf("%s:\n got %#v\nwant %#v", text, got, want)
	}
	return got
}

// compareFinal holds applyFinal to apply's result (got, err) on v: the
// same error, else yamlNumbers of the same object (the object itself when
// not final); v and got unchanged.
func compareFinal(t *testing.T, text string, v, got map[string]any, err error) {
	t.Helper()
	for _, once := range []bool{false, true} {
		compareFinalOnce(t, text, v, got, err, once)
	}
}

// compareFinalOnce is compareFinal with applyFinal's once.
func compareFinalOnce(t *testing.T, text string, v, got map[string]any, err error, once bool) {
	t.Helper()
	p, derr := decodeJSONPatch([]byte(text))
	if derr != nil {
		return
	}
	before, gotBefore := fmt.Sprintf("%#v", v), fmt.Sprintf("%#v", got)
	fin, final, ferr := p.applyFinal(v, once)
	if s := fmt.Sprintf("%#v", v); s != before {
		t.Fatalf("%s: applyFinal changed its input", text)
	}
	switch {
	case (err == nil) != (ferr == nil) || (err != nil && err.Error() != ferr.Error()):
		t.Errorf("%s: applyFinal error %v, apply %v", text, ferr, err)
	case err != nil:
	case final:
		want := yamlNumbers(deepCopy(got))
		if !reflect.DeepEqual(fin, want) {
			t.Errorf("%s: applyFinal\n got %#v\nwant %#v", text, fin, want)
		}
	case !reflect.DeepEqual(fin, got) && fmt.Sprintf("%#v", fin) != gotBefore:
		t.Errorf("%s: applyFinal (not final)\n got %#v\nwant %#v", text, fin, got)
	}
}

// declining says whether the native way may leave a patch to kustomize.
type declining int

const (
	neverDecline declining = iota
	mustDecline
	mayDecline
)

// patchDocYAML is the object of the table: numbers as YAML decodes them
// (int, float64), keys needing escapes, nulls, nested arrays.
const patchDocYAML = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web, a/b: slash, m~n: tilde, "": empty}
  annotations: {}
spec:
  replicas: 2
  big: 9007199254740993
  float: 1.5
  whole: 3.0
  negzero: -0.0
  huge: 1e300
  million: 1000000
  list: [1, "two", null, {k: v}, [a]]
  nulls: [null]
  empty: {}
  none: null
  html: "a<b&c"
  when: 2001-12-14t21:59:43.10-05:00
  bin: !!binary /w==
`

func patchObject(t testing.TB) map[string]any {
	t.Helper()
	docs, err := parseDocs([]byte(patchDocYAML))
	if err != nil || len(docs) != 1 {
		t.Fatalf("test object: %v", err)
	}
	return docs[0].Value
}

// stablePatchObject is the object without the members that are not
// jsonStable: applyFinal patches it without the round trip.
func stablePatchObject(t testing.TB) map[string]any {
	t.Helper()
	v := patchObject(t)
	spec := v["spec"].(map[string]any)
	for _, k := range []string{"big", "whole", "negzero", "million", "when", "bin"} {
		delete(spec, k)
	}
	if !jsonStable(v) {
		t.Fatalf("not stable: %#v", v)
	}
	return v
}

// jsonPatchCases are patches (JSON text) for the object above; declined:
// the native way leaves them to kustomize.
var jsonPatchCases = []struct {
	patch   string
	decline declining
}{
	// add
	{patch: `[{"op":"add","path":"/spec/x","value":1}]`},
	{patch: `[{"op":"add","path":"/spec/x","value":{"a":[1,2.5,"3",true,null,{"b":1e21}]}}]`},
	{patch: `[{"op":"add","path":"/spec/x"}]`},
	{patch: `[{"op":"add","path":"/spec/x","value":null}]`},
	{patch: `[{"op":"add","path":"/spec/replicas","value":"3"}]`},
	{patch: `[{"op":"add","path":"/spec/list/-","value":6}]`},
	{patch: `[{"op":"add","path":"/spec/list/0","value":0}]`},
	{patch: `[{"op":"add","path":"/spec/list/5","value":5}]`},
	{patch: `[{"op":"add","path":"/spec/list/6","value":6}]`},
	{patch: `[{"op":"add","path":"/spec/list/-1","value":"m1"}]`},
	{patch: `[{"op":"add","path":"/spec/list/-6","value":"m6"}]`},
	{patch: `[{"op":"add","path":"/spec/list/-7","value":"m7"}]`},
	{patch: `[{"op":"add","path":"/spec/list/01","value":"01"}]`},
	{patch: `[{"op":"add","path":"/spec/list/+1","value":"+1"}]`},
	{patch: `[{"op":"add","path":"/spec/list/x","value":"x"}]`},
	{patch: `[{"op":"add","path":"/spec/list/3/k2","value":"v2"}]`},
	{patch: `[{"op":"add","path":"/spec/list/4/-","value":"b"}]`},
	{patch: `[{"op":"add","path":"/spec/list/1/x","value":1}]`},
	{patch: `[{"op":"add","path":"/spec/none/x","value":1}]`},
	{patch: `[{"op":"add","path":"/spec/missing/x","value":1}]`},
	{patch: `[{"op":"add","path":"/spec/empty/a","value":{}}]`},
	{patch: `[{"op":"add","path":"/metadata/labels/a~1b","value":"new"}]`},
	{patch: `[{"op":"add","path":"/metadata/labels/m~0n","value":"new"}]`},
	{patch: `[{"op":"add","path":"/metadata/labels/~01","value":"~1"}]`},
	{patch: `[{"op":"add","path":"/metadata/labels/","value":"new"}]`},
	{patch: `[{"op":"add","path":"spec/x","value":1}]`},
	{patch: `[{"op":"add","path":"x","value":1}]`},
	{patch: `[{"op":"add","path":"/spec/x","value":1e400}]`, decline: mustDecline},
	{patch: `[{"op":"add","path":"/spec/x","value":1e400},{"op":"remove","path":"/spec/x"}]`, decline: mustDecline},
	{patch: `[{"op":"add","path":"/spec/x","value":"a\u0000\ud800b"}]`},
	{patch: `[{"op":"add","path":"/spec/x","value":{"a":1,"a":2}}]`},
	{patch: `[{"op":"add","path":"/spec/x","value":{"a":{}}},{"op":"add","path":"/spec/x/a/b","value":[]},{"op":"add","path":"/spec/x/a/b/0","value":1}]`},
	// remove
	{patch: `[{"op":"remove","path":"/spec/list/4"}]`},
	{patch: `[{"op":"remove","path":"/spec/list/5"}]`},
	{patch: `[{"op":"remove","path":"/spec/list/-1"}]`},
	{patch: `[{"op":"remove","path":"/spec/list/-5"}]`},
	{patch: `[{"op":"remove","path":"/spec/list/-6"}]`},
	{patch: `[{"op":"remove","path":"/spec/list/-"}]`},
	{patch: `[{"op":"remove","path":"/spec/missing"}]`},
	{patch: `[{"op":"remove","path":"/spec/none"}]`},
	{patch: `[{"op":"remove","path":"/spec/nulls/0"}]`},
	{patch: `[{"op":"remove","path":"/metadata/annotations/x"}]`},
	{patch: `[{"op":"remove"}]`},
	{patch: `[{"op":"remove","path":3}]`},
	{patch: `[{"op":"remove","path":null}]`},
	// replace
	{patch: `[{"op":"replace","path":"/spec/replicas","value":3}]`},
	{patch: `[{"op":"replace","path":"/spec/missing","value":3}]`},
	{patch: `[{"op":"replace","path":"/spec/list/4","value":[]}]`},
	{patch: `[{"op":"replace","path":"/spec/list/5","value":5}]`},
	{patch: `[{"op":"replace","path":"/spec/list/-","value":5}]`},
	{patch: `[{"op":"replace","path":"/spec/list/-1","value":"last"}]`},
	{patch: `[{"op":"replace","path":"/spec/list/-6","value":"m6"}]`},
	{patch: `[{"op":"replace","path":"/spec/none","value":{"a":1}}]`},
	{patch: `[{"op":"replace","path":"/spec/replicas"}]`},
	{patch: `[{"op":"replace","path":"","value":{"apiVersion":"v1","kind":"ConfigMap"}}]`},
	{patch: `[{"op":"replace","path":"","value":[1]}]`},
	{patch: `[{"op":"replace","path":"","value":1}]`},
	{patch: `[{"op":"replace","path":"","value":null}]`},
	{patch: `[{"op":"replace","path":""}]`},
	// move
	{patch: `[{"op":"move","from":"/spec/list/0","path":"/spec/y"}]`},
	{patch: `[{"op":"move","from":"/spec/list/0","path":"/spec/list/-"}]`},
	{patch: `[{"op":"move","from":"/spec/list/4","path":"/spec/list/0"}]`},
	{patch: `[{"op":"move","from":"/spec/list","path":"/spec/list/0"}]`},
	{patch: `[{"op":"move","from":"/spec/missing","path":"/spec/y"}]`},
	{patch: `[{"op":"move","from":"/spec/missing/x","path":"/spec/y"}]`},
	{patch: `[{"op":"move","from":"/spec/list/9","path":"/spec/y"}]`},
	{patch: `[{"op":"move","from":"/spec/none","path":"/spec/y"}]`},
	{patch: `[{"op":"move","from":"/spec/float","path":"/spec/missing/y"}]`},
	{patch: `[{"op":"move","from":"/spec/float","path":"/spec/list/9"}]`},
	{patch: `[{"op":"move","from":"/spec/float"}]`},
	{patch: `[{"op":"move","path":"/spec/y"}]`},
	{patch: `[{"op":"move","from":"/spec/replicas","path":"/spec/replicas"}]`},
	// copy
	{patch: `[{"op":"copy","from":"/spec/list","path":"/spec/list2"}]`},
	{patch: `[{"op":"copy","from":"/spec/list","path":"/spec/list2"},{"op":"add","path":"/spec/list2/3/k","value":"changed"}]`},
	{patch: `[{"op":"copy","from":"/spec/list","path":"/spec/list/1"}]`},
	{patch: `[{"op":"copy","from":"/spec/none","path":"/spec/y"}]`},
	{patch: `[{"op":"copy","from":"/spec/missing","path":"/spec/y"}]`},
	{patch: `[{"op":"copy","from":"/spec/list/7","path":"/spec/y"}]`},
	{patch: `[{"op":"copy","from":"/spec/big","path":"/spec/missing/y"}]`},
	{patch: `[{"op":"copy","from":"/spec/big","path":"/spec/list/x"}]`},
	{patch: `[{"op":"copy","path":"/spec/y"}]`},
	{patch: `[{"op":"copy","from":"/spec/big"}]`},
	{patch: `[{"op":"add","path":"/spec/n","value":null},{"op":"copy","from":"/spec/n","path":"/spec/c"}]`},
	{patch: `[{"op":"add","path":"/spec/n","value":null},{"op":"copy","from":"/spec/n","path":"/spec/c"},{"op":"add","path":"/spec/c/x","value":1}]`},
	{patch: `[{"op":"add","path":"/spec/n","value":null},{"op":"copy","from":"/spec/n","path":"/spec/c"},{"op":"remove","path":"/spec/c/x"}]`},
	{patch: `[{"op":"add","path":"/spec/n","value":null},{"op":"copy","from":"/spec/n","path":"/spec/c"},{"op":"replace","path":"/spec/c/x","value":1}]`},
	{patch: `[{"op":"add","path":"/spec/n","value":null},{"op":"copy","from":"/spec/n","path":"/spec/c"},{"op":"add","path":"/spec/c/x/y","value":1}]`},
	{patch: `[{"op":"add","path":"/spec/n","value":null},{"op":"copy","from":"/spec/n","path":"/spec/c"},{"op":"copy","from":"/spec/c","path":"/spec/d"},{"op":"remove","path":"/spec/d/x"}]`},
	{patch: `[{"op":"add","path":"/spec/n","value":null},{"op":"add","path":"/spec/n/x","value":1}]`},
	{patch: `[{"op":"add","path":"/spec/o","value":{}},{"op":"add","path":"/spec/o/n","value":null},{"op":"copy","from":"/spec/o","path":"/spec/c"},{"op":"add","path":"/spec/c/n/x","value":1}]`},
	// test, before any change
	{patch: `[{"op":"test","path":"/spec/replicas","value":2}]`},
	{patch: `[{"op":"test","path":"/spec/replicas","value":2.0}]`},
	{patch: `[{"op":"test","path":"/spec/replicas","value":"2"}]`},
	{patch: `[{"op":"test","path":"/spec/replicas","value": 2 }]`},
	{patch: `[{"op":"test","path":"/spec/big","value":9007199254740993}]`},
	{patch: `[{"op":"test","path":"/spec/big","value":9007199254740992}]`},
	{patch: `[{"op":"test","path":"/spec/whole","value":3}]`},
	{patch: `[{"op":"test","path":"/spec/huge","value":1e300}]`},
	{patch: `[{"op":"test","path":"/spec/huge","value":1e+300}]`},
	{patch: `[{"op":"test","path":"/spec/html","value":"a<b&c"}]`},
	{patch: `[{"op":"test","path":"/spec/html","value":"a\u003cb\u0026c"}]`},
	{patch: `[{"op":"test","path":"/spec/list/3","value":{"k":"v"}}]`},
	{patch: `[{"op":"test","path":"/spec/list/3","value":{ "k" : "v" }}]`},
	{patch: `[{"op":"test","path":"/spec/list/3","value":{"k":"w"}}]`},
	{patch: `[{"op":"test","path":"/spec/list/3","value":{"k":"v","l":1}}]`},
	{patch: `[{"op":"test","path":"/spec/list/3","value":[1]}]`},
	{patch: `[{"op":"test","path":"/spec/list/4","value":["a"]}]`},
	{patch: `[{"op":"test","path":"/spec/list/4","value":{"0":"a"}}]`},
	{patch: `[{"op":"test","path":"/spec/list/4","value":["b"]}]`},
	{patch: `[{"op":"test","path":"/spec/list/4","value":["a","b"]}]`},
	{patch: `[{"op":"test","path":"/spec/list","value":[1,"two",null,{"k":"v"},["a"]]}]`},
	{patch: `[{"op":"test","path":"/spec/list","value":[2,"two",null,{"k":"v"},["a"]]}]`},
	{patch: `[{"op":"test","path":"/spec/nulls","value":[null]}]`},
	{patch: `[{"op":"test","path":"/spec/list/-1","value":["a"]}]`},
	{patch: `[{"op":"test","path":"/spec/list/5","value":1}]`},
	{patch: `[{"op":"test","path":"/spec/list/x","value":1}]`},
	{patch: `[{"op":"test","path":"/spec/none","value":null}]`},
	{patch: `[{"op":"test","path":"/spec/none"}]`},
	{patch: `[{"op":"test","path":"/spec/none","value":1}]`},
	{patch: `[{"op":"test","path":"/spec/missing","value":null}]`},
	{patch: `[{"op":"test","path":"/spec/replicas"}]`},
	{patch: `[{"op":"test","path":"/spec/replicas","value":null}]`},
	{patch: `[{"op":"test","path":"/spec/empty","value":{}}]`},
	{patch: `[{"op":"test","path":"/spec/empty","value":null}]`},
	{patch: `[{"op":"test","path":"/spec/missing/x","value":1}]`},
	{patch: `[{"op":"test","path":"/spec/html/x","value":1}]`},
	{patch: `[{"op":"test","path":"/metadata/labels/a~1b","value":"slash"}]`},
	{patch: `[{"op":"test","path":"/metadata/labels/","value":"empty"}]`},
	{patch: `[{"op":"test","path":"/spec/when","value":"2001-12-14t21:59:43.10-05:00"}]`},
	{patch: `[{"op":"test","path":"/spec/negzero","value":-0}]`},
	{patch: `[{"op":"test","path":"/spec/negzero","value":0}]`},
	{patch: `[{"op":"test","path":"","value":{}}]`},
	{patch: `[{"op":"test","path":""}]`},
	{patch: `[{"op":"test"}]`},
	{patch: `[{"op":"test","path":"/spec/replicas","value":2},{"op":"replace","path":"/spec/replicas","value":3}]`},
	{patch: `[{"op":"test","path":"/spec/replicas","value":3},{"op":"replace","path":"/spec/replicas","value":3}]`},
	// test after a change: left to kustomize
	{patch: `[{"op":"replace","path":"/spec/replicas","value":3},{"op":"test","path":"/spec/replicas","value":3}]`, decline: mustDecline},
	// kinds
	{patch: `[{"op":"frobnicate","path":"/spec/x"}]`},
	{patch: `[{"path":"/spec/x"}]`},
	{patch: `[{"op":null,"path":"/spec/x"}]`},
	{patch: `[{"op":1,"path":"/spec/x"}]`},
	{patch: `[null]`},
	{patch: `[]`},
	// several operations: the later ones see the earlier ones' changes
	{patch: `[{"op":"add","path":"/spec/list/-","value":6},{"op":"remove","path":"/spec/list/0"},{"op":"move","from":"/spec/list/0","path":"/spec/list/-"},{"op":"copy","from":"/spec/list/-1","path":"/spec/z"}]`},
	{patch: `[{"op":"remove","path":"/spec/list/2"},{"op":"replace","path":"/spec/list/2/k","value":1}]`},
}

// TestJSONPatchMatchesLibrary: on every case, jsonpatch.go gives what
// marshalling, evanphx/json-patch and unmarshalling gave: the object with
// its number types, or the error with its message.
func TestJSONPatchMatchesLibrary(t *testing.T) {
	for _, tc := range jsonPatchCases {
		comparePatch(t, tc.patch, patchObject(t), tc.decline)
		comparePatch(t, tc.patch, stablePatchObject(t), tc.decline)
	}
}

// TestJSONPatchChained: a second patch works on the first one's result
// (numbers already float64), as the native build chains the patches of a
// kustomization; a test after a change is declined.
func TestJSONPatchChained(t *testing.T) {
	first := comparePatch(t, `[{"op":"replace","path":"/spec/replicas","value":3}]`, patchObject(t), neverDecline)
	if first == nil {
		t.Fatal("first patch failed")
	}
	for _, tc := range jsonPatchCases {
		comparePatch(t, tc.patch, first, tc.decline)
	}
}

// TestJSONPatchUnencodable: an object JSON cannot hold fails either way.
func TestJSONPatchUnencodable(t *testing.T) {
	for _, bad := range []any{math.NaN(), math.Inf(1), math.Inf(-1)} {
		for _, patch := range []string{
			`[{"op":"add","path":"/x","value":1}]`,
			`[{"op":"test","path":"/kind","value":"A"}]`,
			`[{"op":"test","path":"/kind","value":"B"}]`,
		} {
			v := map[string]any{"kind": "A", "bad": map[string]any{"f": bad}}
			if _, err := nativePatch([]byte(patch), v); err == nil {
				t.Errorf("%v, %s: no error", bad, patch)
			}
			comparePatch(t, patch, v, neverDecline)
		}
	}
}

// TestJSONRoundTrip: jsonRoundTrip is json.Unmarshal of json.Marshal on the
// values YAML decoding gives (and others, which it decodes from JSON).
func TestJSONRoundTrip(t *testing.T) {
	type named struct{ A int }
	for _, v := range []any{
		patchObject(t),
		map[string]any{"a": int8(-3), "b": uint32(7), "c": float32(0.1), "d": json.Number("12.50"), "e": []byte("x"), "f": named{A: 1}},
		map[string]any{"\xffa": 1, "\xfea": 2, "k": "\xff\xfe"},
		map[string]any{"i": math.MaxInt64, "u": uint64(math.MaxUint64), "n": math.MinInt64},
		map[string]any{"m": map[string]any(nil), "l": []any(nil)},
	} {
		text, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		var want any
		if err := json.Unmarshal(text, &want); err != nil {
			t.Fatal(err)
		}
		got, err := jsonRoundTrip(v)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("jsonRoundTrip(%#v):\n got %#v\nwant %#v", v, got, want)
		}
	}
}

// FuzzJSONPatch: any patch on any object gives the library's object or
// its error; declining is allowed (it leaves the build to kustomize).
func FuzzJSONPatch(f *testing.F) {
	for _, tc := range jsonPatchCases {
		f.Add(patchDocYAML, tc.patch)
	}
	f.Add("a: [[], {}]\nb: {c: [1, null]}\n", `[{"op":"test","path":"/b","value":{"c":[1,null]}}]`)
	f.Fuzz(func(t *testing.T, doc, patch string) {
		docs, err := parseDocs([]byte(doc))
		if err != nil || len(docs) != 1 || strings.Contains(doc, "<<") {
			return
		}
		v := docs[0].Value
		if _, pErr := jsonpatch.DecodePatch([]byte(patch)); (pErr == nil) != (func() bool { _, err := decodeJSONPatch([]byte(patch)); return err == nil })() {
			t.Fatalf("%s: decoding differs from the library's (%v)", patch, pErr)
		}
		comparePatch(t, patch, v, mayDecline)
		if first, err := nativePatch([]byte(patch), v); err == nil {
			comparePatch(t, patch, first, mayDecline) // again, on the result
		}
	})
}

// TestJSONPatchRandom: patches of one to four operations drawn from
// paths and values that reach the library's corners (negative and "-"
// indices, nulls with and without text, members below scalars, escapes),
// on the table's object and on the result of a patch.
func TestJSONPatchRandom(t *testing.T) {
	paths := []string{"/spec/list/0", "/spec/list/-", "/spec/list/-1", "/spec/list/-5", "/spec/list/9", "/spec/list/3/k",
		"/spec/list/4/0", "/spec/none", "/spec/none/x", "/spec/missing", "/spec/x", "/spec/x/y", "/spec/x/0", "/spec/empty/a",
		"/metadata/labels/a~1b", "/metadata/labels/m~0n", "", "x", "spec/replicas", "/spec/replicas", "/spec/n", "/spec/n/x",
		"/spec/c", "/spec/c/x", "/spec/nulls/0", "/spec/nulls/-", "/spec/big", "/spec/html", "/spec/html/x", "/spec"}
	values := []string{``, `,"value":null`, `,"value":1`, `,"value":2`, `,"value":"s"`, `,"value":{}`, `,"value":[]`,
		`,"value":{"a":[1,null]}`, `,"value":[null]`, `,"value":2.0`, `,"value":"a<b"`, `,"value":9007199254740993`, `,"value":{"k":"v"}`}
	kinds := []string{"add", "remove", "replace", "move", "copy", "test", "add", "copy", "bogus"}
	rng := rand.New(rand.NewPCG(15, 6902))
	pick := func(list []string) string { return list[rng.IntN(len(list))] }
	first := comparePatch(t, `[{"op":"add","path":"/spec/x","value":{"y":[1,{"z":null}]}}]`, patchObject(t), neverDecline)
	for i := 0; i < 3000; i++ {
		var ops []string
		decline, changed := neverDecline, false
		for n := 1 + rng.IntN(4); n > 0; n-- {
			kind := pick(kinds)
			if kind == "test" && changed {
				decline = mayDecline // a test after a change
			}
			changed = changed || kind != "test"
			op := fmt.Sprintf(`{"op":%q,"path":%q`, kind, pick(paths))
			if rng.IntN(3) > 0 {
				op += fmt.Sprintf(`,"from":%q`, pick(paths))
			}
			ops = append(ops, op+pick(values)+"}")
		}
		patch := "[" + strings.Join(ops, ",") + "]"
		v := patchObject(t)
		switch i % 3 {
		case 1:
			v = first
		case 2:
			v = stablePatchObject(t)
		}
		comparePatch(t, patch, v, decline)
	}
}

// TestJSONPatchFinal: applyFinal copies only the containers on the paths
// it changes, gives numbers as yamlNumbers makes them, and leaves to apply
// what it cannot tell without the round trip.
func TestJSONPatchFinal(t *testing.T) {
	v := stablePatchObject(t)
	p, err := decodeJSONPatch([]byte(`[{"op":"replace","path":"/spec/list/3/k","value":{"n":2,"f":2.5,"m":1000000}},{"op":"remove","path":"/spec/float"}]`))
	if err != nil {
		t.Fatal(err)
	}
	got, final, err := p.applyFinal(v, false)
	if err != nil || !final {
		t.Fatalf("final %v, %v", final, err)
	}
	same := func(a, b any) bool { return reflect.ValueOf(a).UnsafePointer() == reflect.ValueOf(b).UnsafePointer() }
	if !same(got["metadata"], v["metadata"]) || same(got["spec"], v["spec"]) || same(got, v) {
		t.Error("metadata copied, or spec or the root shared")
	}
	want := map[string]any{"n": 2, "f": 2.5, "m": 1e6}
	if k := got["spec"].(map[string]any)["list"].([]any)[3].(map[string]any)["k"]; !reflect.DeepEqual(k, want) {
		t.Errorf("value %#v, want %#v", k, want)
	}
	if _, ok := v["spec"].(map[string]any)["float"]; !ok {
		t.Error("the input changed")
	}
	for _, tc := range []struct {
		patch string
		v     map[string]any
	}{
		{`[{"op":"replace","path":"/spec/replicas","value":1}]`, patchObject(t)},                     // not stable
		{`[{"op":"move","from":"/spec/float","path":"/spec/x"}]`, stablePatchObject(t)},              // move
		{`[{"op":"add","path":"/spec/x","value":null}]`, stablePatchObject(t)},                       // a null value
		{`[{"op":"replace","path":"/spec/replicas","value":1}]`, map[string]any{"spec": []any(nil)}}, // a nil list
	} {
		p, err := decodeJSONPatch([]byte(tc.patch))
		if err != nil {
			t.Fatal(err)
		}
		if _, final, _ := p.applyFinal(tc.v, true); final {
			t.Errorf("%s: final", tc.patch)
		}
	}
}
