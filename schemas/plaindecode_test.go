package schemas

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"reflect"
	"testing"

	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/parser"
)

// TestDecodePlain holds decodePlain to json.Unmarshal of the value's JSON
// on Go types of every kind it decodes itself or leaves to encoding/json.
func TestDecodePlain(t *testing.T) {
	type inner struct {
		N    int      `json:"n"`
		S    *string  `json:"s"`
		List []string `json:"list"`
	}
	type target struct {
		inner
		Name    string               `json:"name"`
		Ptr     *inner               `json:"ptr"`
		Map     map[string]inner     `json:"map"`
		Any     any                  `json:"any"`
		AnyMap  map[string]any       `json:"anyMap"`
		Float   float64              `json:"float"`
		Bytes   []byte               `json:"bytes"`
		Addr    netip.Addr           `json:"addr"` // a text unmarshaler
		Qty     quantity             `json:"qty"`  // a JSON unmarshaler
		Rem     removable[Autoscale] `json:"rem"`
		Small   int8                 `json:"small"`
		Flag    bool                 `json:"flag"`
		Skipped string               `json:"-"`
	}
	for _, src := range []string{
		`{name: "a", n: 1, s: "x", list: ["a", "b"], ptr: {n: 2}, map: {k: {n: 3, list: []}}}`,
		`{any: {a: [1, 2.5, "s", null, true]}, anyMap: {b: 1e3}, float: 1.50, bytes: "aGk=", addr: "10.0.0.1"}`,
		`{qty: 0.50, rem: null, small: 127, flag: true, ptr: null, map: null, list: null}`,
		`{qty: "100m", rem: {min: 1, max: 2, cpuUtilization: 70}}`,
		`{Name: "case"}`,          // no field of that exact name: encoding/json matches it
		`{unknown: 1, name: "a"}`, // encoding/json skips it
		`{small: 128}`,            // out of range: both fail
		`{name: 5}`,               // a type error: both fail
		`{n: 1.5}`,
		`{addr: "nope"}`,
	} {
		t.Run(src, func(t *testing.T) {
			e, err := parser.ParseExpr("case.cue", src)
			if err != nil {
				t.Fatal(err)
			}
			v, st := plainData([]ast.Expr{e})
			if st != plainOK {
				t.Fatalf("plainData: %v", st)
			}
			var got, want target
			gotErr := decodePlain(v, reflect.ValueOf(&got).Elem())
			wantErr := json.Unmarshal(v.appendJSON(nil), &want)
			if (gotErr == nil) != (wantErr == nil) {
				t.Fatalf("decodePlain error %v, json.Unmarshal error %v", gotErr, wantErr)
			}
			if gotErr == nil && !reflect.DeepEqual(got, want) {
				t.Errorf("decodePlain %s\njson.Unmarshal %s", fmt.Sprintf("%+v", got), fmt.Sprintf("%+v", want))
			}
		})
	}
}
