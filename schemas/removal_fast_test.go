package schemas

import (
	"bytes"
	"fmt"
	"regexp"
	"testing"

	"cuelang.org/go/cue/cuecontext"
)

func TestFastSchema(t *testing.T) {
	fs := loadFastSchema()
	if fs == nil {
		t.Fatal("no fast schema: #Override's removable fields are not `name?: #Def | null` lines (removal.go)")
	}
	for _, f := range removableFields {
		if fs.defs[f] == "" {
			t.Errorf("removable field %s has no definition", f)
		}
		if !regexp.MustCompile(`\n\t` + f + `\?:\s*_\n`).Match(fs.source) {
			t.Errorf("fast schema does not take any value at %s", f)
		}
	}
	if bytes.Count(fs.source, []byte("\n")) != bytes.Count(schemaSource, []byte("\n")) {
		t.Error("the fast schema has other lines than the schema")
	}
	if deriveFastSchema(bytes.Replace(schemaSource, []byte("\troute?:     #Route | null\n"), nil, 1)) != nil {
		t.Error("a schema whose #Override lacks a removable field got a fast schema")
	}
}

func TestStructRemovables(t *testing.T) {
	ctx := cuecontext.New()
	for _, tc := range []struct {
		name string
		src  string
		want string // the removals, or "exact" when the fast path does not apply
	}{
		{"no services", `platform: name: "p"`, "[]"},
		{"no overrides", `services: a: image: "x"`, "[]"},
		{"struct and null", `services: a: overrides: {dev: {route: null, autoscale: {min: 1}}, prod: ingress: {host: "h"}}`,
			"[{a dev autoscale} {a prod ingress}]"},
		{"other fields", `services: a: overrides: dev: replicas: 2`, "[]"},
		{"optional service", `services: a?: overrides: dev: route: {}`, "exact"},
		{"optional override", `services: a: overrides: dev?: route: {}`, "exact"},
		{"optional field", `services: a: overrides: dev: route?: {}`, "exact"},
		{"a default of the user's", `services: a: overrides: dev: route: *null | {}`, "exact"},
		{"not concrete", `services: a: overrides: dev: route: _`, "exact"},
		{"another kind", `services: a: overrides: dev: route: 5`, "exact"},
		{"overrides not a struct", `services: a: overrides: 5`, "exact"},
		{"services not a struct", `services: 5`, "exact"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := ctx.CompileString(tc.src)
			if err := v.Err(); err != nil {
				t.Fatal(err)
			}
			got, ok := structRemovables(v)
			s := "exact"
			if ok {
				s = fmt.Sprint(got)
				if got == nil {
					s = "[]"
				}
			}
			if s != tc.want {
				t.Errorf("got %s, want %s", s, tc.want)
			}
		})
	}
}
