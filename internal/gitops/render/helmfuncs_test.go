package render

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
)

// callWrapped calls a wrapped function with args as text/template does
// and returns its results, or the panic it raised.
func callWrapped(fn any, args ...any) (out []any, panicked string) {
	defer func() {
		if p := recover(); p != nil {
			panicked = fmt.Sprint(p)
		}
	}()
	v := reflect.ValueOf(fn)
	t := v.Type()
	in := make([]reflect.Value, len(args))
	for i, a := range args {
		pt := t.In(min(i, t.NumIn()-1))
		if t.IsVariadic() && i >= t.NumIn()-1 {
			pt = pt.Elem()
		}
		if a == nil {
			in[i] = reflect.Zero(pt)
		} else {
			in[i] = reflect.ValueOf(a).Convert(pt)
		}
	}
	for _, r := range v.Call(in) {
		out = append(out, r.Interface())
	}
	return out, ""
}

// TestTypedWrapSameAsReflection: every function typedWrap knows gives,
// wrapped without reflection, the results and the refusals (deadline,
// preChecks, results too large) the reflective wrapper gives.
func TestTypedWrapSameAsReflection(t *testing.T) {
	fm := helmFuncMap()
	fm["printf"] = fmt.Sprintf
	fm["print"] = fmt.Sprint
	fm["include"] = func(name string, _ any) (string, error) {
		if name == "big" {
			return strings.Repeat("x", MaxTemplateOutput+1), nil
		}
		return "", fmt.Errorf("no template %q", name)
	}
	fm["bigdict"] = func(...any) map[string]any {
		m := map[string]any{}
		for i := range maxListLen + 1 {
			m[fmt.Sprint(i)] = i
		}
		return m
	}
	big := strings.Repeat("y\n", MaxTemplateOutput/2)
	refused := 0
	for _, tc := range []struct {
		name string
		args []any
	}{
		{"trim", []any{"  a  "}}, {"trim", []any{big + big}},
		{"nindent", []any{4, "a\nb"}}, {"nindent", []any{1 << 20, "a\nb\nc\nd\ne\nf\ng\nh\ni"}},
		{"repeat", []any{3, "ab"}}, {"repeat", []any{1 << 22, "ab"}},
		{"toYaml", []any{map[string]any{"a": []any{1, "b"}}}}, {"toYaml", []any{nil}}, {"toYaml", []any{big + big}},
		{"quote", []any{"a", 1, nil}}, {"quote", []any{}}, {"quote", []any{big, big}}, {"quote", []any{"a", "b"}},
		{"quote", []any{big[:MaxTemplateOutput-5]}}, {"quote", []any{big[:MaxTemplateOutput-4]}}, {"quote", []any{big, "x"}},
		{"toYaml", []any{"s"}}, {"toYaml", []any{big[:MaxTemplateOutput-2]}}, {"toYaml", []any{big[:MaxTemplateOutput-1]}},
		{"printf", []any{"%s-%d", "a", 1}}, {"printf", []any{"%9999999d", 1}},
		{"print", []any{"a", 2}},
		{"int64", []any{"12"}}, {"int64", []any{3.7}},
		{"empty", []any{""}}, {"empty", []any{map[string]any{"a": 1}}},
		{"hasKey", []any{map[string]any{"a": 1}, "a"}},
		{"default", []any{"d", nil}}, {"default", []any{"d", "given"}}, {"default", []any{"d"}},
		{"dict", []any{"a", 1, "b"}}, {"bigdict", []any{}},
		{"include", []any{"x", nil}}, {"include", []any{"big", nil}},
	} {
		fn := fm[tc.name]
		b := NewBudget(time.Hour)
		for _, expired := range []bool{false, true} {
			r := b.run()
			// Both wrappers see the same deadline whatever the machine's
			// load: past, or far enough that only the size limits refuse.
			r.setDeadline(time.Now().Add(time.Hour))
			if expired {
				r.setDeadline(time.Now().Add(-time.Second))
			}
			cur := func() *tmplRun { return r }
			typed := typedWrap(cur, tc.name, fn, preChecks[tc.name])
			if typed == nil {
				t.Fatalf("%s: typedWrap does not know %T", tc.name, fn)
			}
			slow := wrapReflect(cur, tc.name, reflect.ValueOf(fn), preChecks[tc.name])
			got, gotPanic := callWrapped(typed, tc.args...)
			want, wantPanic := callWrapped(slow, tc.args...)
			if expired && wantPanic == "" {
				t.Errorf("%s%v: not refused past the deadline", tc.name, tc.args)
			}
			if !expired && wantPanic != "" {
				refused++
			}
			if gotPanic != wantPanic || !reflect.DeepEqual(got, want) {
				t.Errorf("%s%v (expired %v): typed gives %.200v (panic %q), reflection %.200v (panic %q)", tc.name, tc.args, expired, got, gotPanic, want, wantPanic)
			}
		}
	}
	if refused < 7 {
		t.Errorf("only %d calls refused within the deadline", refused)
	}
}
