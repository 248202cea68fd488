package schemas

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"reflect"
	"sync"
	"testing"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/cuecontext"
)

// decodeProblems collects, for TestMain, every load of the package's tests
// whose spec decodeCUE decoded otherwise than JSON would have, or did not
// decode at all.
var (
	decodeMu       sync.Mutex
	decodeProblems []string
	decodeCount    int
	fastCount      int
	shardCount     int
)

// TestMain checks every spec any test of the package decodes (valid
// platforms, invalid ones whose errors come from the Go rules, overrides,
// the examples, the synthetic platforms) against the JSON path it replaces:
// MarshalJSON of the unified value, then json.Unmarshal.
// Benchmarks run without the check, which would double what they measure.
func TestMain(m *testing.M) {
	flag.Parse()
	if f := flag.Lookup("test.bench"); f != nil && f.Value.String() != "" {
		os.Exit(m.Run())
	}
	decodeHook = func(v cue.Value, spec *rawSpec, direct bool, err error) {
		problem := checkDecode(v, spec, direct, err)
		decodeMu.Lock()
		defer decodeMu.Unlock()
		decodeCount++
		if problem != "" {
			decodeProblems = append(decodeProblems, problem)
		}
	}
	unifyHook = func(fast, exact cue.Value, err error) {
		problem := fmt.Sprint(err)
		if err == nil {
			problem = checkFastUnify(fast, exact)
		}
		decodeMu.Lock()
		defer decodeMu.Unlock()
		fastCount++
		if problem != "" {
			decodeProblems = append(decodeProblems, problem)
		}
	}
	shardHook = func(sharded, whole *rawSpec, err error) {
		problem := fmt.Sprint(err)
		if err == nil {
			problem = ""
			if !reflect.DeepEqual(sharded, whole) {
				got, _ := json.Marshal(sharded)
				want, _ := json.Marshal(whole)
				problem = fmt.Sprintf("the sharded unification differs from the whole one:\n sharded %.2000s\n whole   %.2000s", got, want)
			}
		}
		decodeMu.Lock()
		defer decodeMu.Unlock()
		shardCount++
		if problem != "" {
			decodeProblems = append(decodeProblems, problem)
		}
	}
	code := m.Run()
	decodeMu.Lock()
	if len(decodeProblems) > 0 {
		fmt.Fprintf(os.Stderr, "FAIL: %d of %d decoded specs differ from the JSON path:\n", len(decodeProblems), decodeCount)
		for _, p := range decodeProblems {
			fmt.Fprintln(os.Stderr, p)
		}
		code = 1
	}
	if code == 0 && decodeCount > 0 && fastCount == 0 {
		fmt.Fprintln(os.Stderr, "FAIL: no load took the fast unification (removal.go)")
		code = 1
	}
	if code == 0 && decodeCount > 0 && shardCount == 0 {
		fmt.Fprintln(os.Stderr, "FAIL: no load took the sharded unification (shard.go)")
		code = 1
	}
	decodeMu.Unlock()
	os.Exit(code)
}

// checkDecode compares a decoded spec with json.Unmarshal of the value's
// JSON; "" when they agree and decodeCUE decoded it itself.
func checkDecode(v cue.Value, spec *rawSpec, direct bool, err error) string {
	var want rawSpec
	b, jerr := v.MarshalJSON()
	if jerr == nil {
		jerr = json.Unmarshal(b, &want)
	}
	switch {
	case !direct && err == nil:
		return fmt.Sprintf("decodeCUE fell back to JSON on %.200s", b)
	case (err == nil) != (jerr == nil):
		return fmt.Sprintf("decode error %v, JSON path error %v", err, jerr)
	case err != nil:
		return ""
	}
	if !reflect.DeepEqual(*spec, want) {
		got, _ := json.Marshal(spec)
		exp, _ := json.Marshal(want)
		return fmt.Sprintf("decoded spec differs:\n got  %.2000s\n want %.2000s", got, exp)
	}
	return ""
}

// Small types for the decoder's cases, each with one field x.
type (
	xPtr struct {
		X *int `json:"x"`
	}
	xString struct {
		X string `json:"x"`
	}
	xList struct {
		X []string `json:"x"`
	}
	xAny struct {
		X any `json:"x"`
	}
	xQuantity struct {
		X quantity `json:"x"`
	}
)

// checkFastUnify compares the fast unification (removal.go) with the
// exact one: the exact one must be valid too, with the same JSON.
func checkFastUnify(fast, exact cue.Value) string {
	if err := exact.Validate(cue.Concrete(true)); err != nil {
		return fmt.Sprintf("the fast unification is valid, the exact one is not: %v", err)
	}
	var values [2]any
	var texts [2][]byte
	for i, v := range []cue.Value{fast, exact} {
		b, err := v.MarshalJSON()
		if err == nil {
			err = json.Unmarshal(b, &values[i])
		}
		if err != nil {
			return fmt.Sprintf("export: %v", err)
		}
		texts[i] = b
	}
	if !reflect.DeepEqual(values[0], values[1]) {
		return fmt.Sprintf("the fast unification differs from the exact one:\n fast  %.3000s\n exact %.3000s", texts[0], texts[1])
	}
	return ""
}

func TestDecodeCUE(t *testing.T) {
	ctx := cuecontext.New()
	for _, tc := range []struct {
		name     string
		src      string
		into     any
		want     any
		asJSONOK bool // the JSON path, decoding into a zero value, gives want too
	}{
		{"null clears a pointer", `x: null`, &xPtr{X: new(int)}, &xPtr{}, true},
		{"null keeps a string", `x: null`, &xString{X: "a"}, &xString{X: "a"}, false},
		{"empty list", `x: []`, &xList{}, &xList{X: []string{}}, true},
		{"default", `x: *"a" | "b"`, &xString{}, &xString{X: "a"}, true},
		{"optional field absent", `x?: 1`, &xPtr{}, &xPtr{}, true},
		{"hidden and definition fields", `_x: 1, #x: 2, y: 3`, &map[string]int{}, &map[string]int{"y": 3}, true},
		{"untyped", `x: {a: [1, "b"]}`, &xAny{}, &xAny{X: map[string]any{"a": []any{1.0, "b"}}}, true},
		{"quantity number", `x: 1.5`, &xQuantity{}, &xQuantity{X: "1.5"}, true},
		{"embedded", `team: "t", image: "i"`, &rawService{}, &rawService{Team: "t", rawWorkload: rawWorkload{Image: ptr("i")}}, true},
		{"removable null", `ingress: null`, &rawWorkload{}, &rawWorkload{Ingress: removable[Ingress]{Null: true}}, true},
		{"probe shorthand", `liveness: "/healthz"`, &rawProbes{}, &rawProbes{Liveness: &rawProbe{Path: ptr("/healthz")}}, true},
		// Left to the JSON path (want nil: decodeCUE returns an error).
		{"kind mismatch", `x: 1`, &xString{}, nil, false},
		{"float into int", `x: 1.5`, &xInt{}, nil, false},
		{"overflow", `x: 300`, &xInt8{}, nil, false},
		{"string option", `x: "1"`, &xIntString{}, nil, false},
		{"two fields of one name", `X: 1`, &xTwo{}, nil, false},
		{"struct for a JSON decoder", `x: {a: 1}`, &xQuantity{}, nil, false},
		{"env values", `a: "x", b: {secret: "s"}`, &map[string]rawEnvValue{}, &map[string]rawEnvValue{"a": {Literal: ptr("x")}, "b": {Secret: ptr("s")}}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := ctx.CompileString(tc.src)
			err := decodeCUE(v, tc.into)
			if tc.want == nil {
				if err == nil {
					t.Errorf("decoded %+v, want an error", tc.into)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(tc.into, tc.want) {
				t.Errorf("got %+v, want %+v", tc.into, tc.want)
			}
			if !tc.asJSONOK {
				return
			}
			b, err := v.MarshalJSON()
			if err != nil {
				t.Fatal(err)
			}
			viaJSON := reflect.New(reflect.TypeOf(tc.want).Elem())
			if err := json.Unmarshal(b, viaJSON.Interface()); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(viaJSON.Interface(), tc.want) {
				t.Errorf("JSON path gives %+v, want %+v", viaJSON.Interface(), tc.want)
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }

// Types decodeCUE refuses.
type (
	xInt struct {
		X int `json:"x"`
	}
	xInt8 struct {
		X int8 `json:"x"`
	}
	xIntString struct {
		X int `json:"x,string"`
	}
	xTwo struct {
		xInt
		X int `json:"x"`
	}
)
