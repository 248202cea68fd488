package schemas

import (
	"encoding/json"
	"slices"
	"testing"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/cuecontext"
)

// TestRemovableFields checks that removableFields, which the loader's
// messages name, are exactly the fields #Override lets an override set to
// null, and that a service's own fields (#WorkloadFields) take null nowhere.
func TestRemovableFields(t *testing.T) {
	ctx := cuecontext.New()
	schema := ctx.CompileBytes(schemaSource, cue.Filename(schemaFile))
	if err := schema.Err(); err != nil {
		t.Fatal(err)
	}
	null := ctx.CompileString("null")
	nullable := func(def string) []string {
		it, err := schema.LookupPath(cue.ParsePath(def)).Fields(cue.Optional(true))
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for it.Next() {
			if it.Value().Unify(null).Err() == nil {
				out = append(out, it.Selector().Unquoted())
			}
		}
		slices.Sort(out)
		return out
	}
	if got := nullable("#Override"); !slices.Equal(got, removableFields) {
		t.Errorf("#Override takes null for %v; removableFields is %v", got, removableFields)
	}
	if got := nullable("#WorkloadFields"); len(got) > 0 {
		t.Errorf("#WorkloadFields takes null for %v, want none", got)
	}
}

// TestRemovableDecode checks the three states of a removable field.
func TestRemovableDecode(t *testing.T) {
	tests := []struct {
		json     string
		wantSet  bool
		wantNull bool
		wantHost string
	}{
		{json: `{}`},
		{json: `{"ingress": null}`, wantNull: true},
		{json: `{"ingress": {"host": "a.example.com"}}`, wantSet: true, wantHost: "a.example.com"},
		// A mistyped value decodes as far as it can, like a plain field.
		{json: `{"ingress": {"host": 5, "path": "/x"}}`, wantSet: true},
		{json: `{"ingress": 3}`, wantSet: true},
	}
	for _, tc := range tests {
		var w rawWorkload
		err := json.Unmarshal([]byte(tc.json), &w)
		if err != nil {
			t.Errorf("%s: %v", tc.json, err)
		}
		if (w.Ingress.V != nil) != tc.wantSet || w.Ingress.Null != tc.wantNull {
			t.Errorf("%s: set %v null %v, want %v %v", tc.json, w.Ingress.V != nil, w.Ingress.Null, tc.wantSet, tc.wantNull)
		}
		if w.Ingress.V != nil && w.Ingress.V.Host != tc.wantHost {
			t.Errorf("%s: host %q, want %q", tc.json, w.Ingress.V.Host, tc.wantHost)
		}
	}
}
