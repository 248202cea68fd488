package schemas

import (
	"bytes"
	"fmt"
	"regexp"
	"slices"
	"sync"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/token"
)

// Removals without a disjunction.
//
// #Override (platform.cue) lets an override set a removable field to null:
// `route?: #Route | null`. CUE evaluates such a disjunction by evaluating
// the user's value against every alternative, a quarter of the work of
// unifying a platform whose overrides set removable fields (most do: an
// autoscaler or an ingress per environment). The fast path unifies with the
// schema whose #Override takes any value there (`route?: _`) and adds
// `route: #Route` at each override whose value, in the user's platform
// evaluated alone, is a struct: where it is null nothing is added, and null
// is what the exact schema gives too. A struct unified with `#Route | null`
// is that struct unified with #Route, so the unified value is the same.
//
// Anything else at a removable field (a value not yet concrete, a
// disjunction of the user's own, another kind), an optional or required
// service, override or field, or any error of the fast unification sends
// the load to the exact schema, whose errors are the ones reported.

// fastSchema is the schema with the removable fields of #Override taking
// any value, and the definitions they take otherwise (field -> "#Route").
type fastSchema struct {
	source []byte
	defs   map[string]string
}

var (
	fastSchemaOnce sync.Once
	fastSchemaVal  *fastSchema // nil: the schema's #Override is not of the expected shape
)

// overrideBlockRE finds #Override's block and removableRE its removable
// fields in it ("\tautoscale?: #Autoscale | null").
var (
	overrideBlockRE = regexp.MustCompile(`(?m)^#Override: \{\n(?:.*\n)*?\}\n`)
	removableRE     = regexp.MustCompile(`(?m)^(\t(\w+)\?:\s*)(#\w+) \| null$`)
)

// loadFastSchema derives the fast schema from platform.cue, once. Only
// #Override's removable lines change, each within its line, so every
// other position stays where it is.
func loadFastSchema() *fastSchema {
	fastSchemaOnce.Do(func() {
		fastSchemaVal = deriveFastSchema(schemaSource)
	})
	return fastSchemaVal
}

func deriveFastSchema(src []byte) *fastSchema {
	loc := overrideBlockRE.FindIndex(src)
	if loc == nil {
		return nil
	}
	block := src[loc[0]:loc[1]]
	defs := map[string]string{}
	var names []string
	fast := removableRE.ReplaceAllFunc(block, func(line []byte) []byte {
		m := removableRE.FindSubmatch(line)
		defs[string(m[2])] = string(m[3])
		names = append(names, string(m[2]))
		return append(append([]byte(nil), m[1]...), '_')
	})
	slices.Sort(names)
	want := slices.Sorted(slices.Values(removableFields))
	if !slices.Equal(names, want) {
		return nil // the schema changed: the exact path only, until this follows
	}
	var out bytes.Buffer
	out.Write(src[:loc[0]])
	out.Write(fast)
	out.Write(src[loc[1]:])
	return &fastSchema{source: out.Bytes(), defs: defs}
}

// removal is a removable field of an override set to a struct: it takes
// the field's definition.
type removal struct {
	service, env, field string
}

// structRemovables lists, in the user's platform evaluated alone, the
// removable fields of overrides that are structs. ok is false when the
// platform has anything the fast path does not take.
func structRemovables(user cue.Value) (out []removal, ok bool) {
	services, ok := regularField(user, "services")
	if !ok || !services.Exists() {
		return nil, ok
	}
	svcs, err := services.Fields(cue.Optional(true))
	if err != nil {
		return nil, false
	}
	for svcs.Next() {
		if svcs.FieldType() != cue.StringLabel {
			return nil, false
		}
		overrides, ok := regularField(svcs.Value(), "overrides")
		if !ok {
			return nil, false
		}
		if !overrides.Exists() {
			continue
		}
		envs, err := overrides.Fields(cue.Optional(true))
		if err != nil {
			return nil, false
		}
		for envs.Next() {
			if envs.FieldType() != cue.StringLabel {
				return nil, false
			}
			for _, f := range removableFields {
				v, ok := regularField(envs.Value(), f)
				if !ok {
					return nil, false
				}
				if !v.Exists() {
					continue
				}
				if _, isDefault := v.Default(); isDefault {
					return nil, false
				}
				switch k := v.Kind(); {
				case k != v.IncompleteKind():
					return nil, false
				case k == cue.StructKind:
					out = append(out, removal{svcs.Selector().Unquoted(), envs.Selector().Unquoted(), f})
				case k != cue.NullKind:
					return nil, false
				}
			}
		}
	}
	return out, true
}

// regularField looks up a regular field of v; ok is false when v has the
// field as an optional or required one instead, or v is not a struct.
func regularField(v cue.Value, name string) (field cue.Value, ok bool) {
	if v.IncompleteKind() != cue.StructKind {
		return cue.Value{}, false
	}
	if f := v.LookupPath(cue.MakePath(cue.Str(name))); f.Exists() {
		return f, true
	}
	if v.LookupPath(cue.MakePath(cue.Str(name).Optional())).Exists() {
		return cue.Value{}, false
	}
	return cue.Value{}, true
}

// unifyFast unifies the user's platform with the fast schema; ok is false
// when the fast path does not apply or the result is not valid (the caller
// then unifies with the exact schema).
func (l *loader) unifyFast(user cue.Value) (cue.Value, bool) {
	fs := loadFastSchema()
	if fs == nil {
		return cue.Value{}, false
	}
	removals, ok := structRemovables(user)
	if !ok {
		return cue.Value{}, false
	}
	schema := l.ctx.CompileBytes(fs.source, cue.Filename(schemaFile))
	if schema.Err() != nil {
		return cue.Value{}, false
	}
	expr := removalsExpr(fs, removals)
	spec := l.ctx.BuildExpr(expr, cue.Scope(schema))
	if spec.Err() != nil {
		return cue.Value{}, false
	}
	unified := spec.Unify(user)
	if unified.Validate(cue.Concrete(true)) != nil {
		return cue.Value{}, false
	}
	if unifyHook != nil {
		exact, err := l.exactSpec()
		if err == nil {
			exact = exact.Unify(user)
		}
		unifyHook(unified, exact, err)
	}
	return unified, true
}

// removalsExpr is #Spec with each removal's definition added:
// #Spec & {services: {"svc": {overrides: {"env": {"route": #Route}}}}}.
func removalsExpr(fs *fastSchema, removals []removal) ast.Expr {
	services := &ast.StructLit{}
	var svc, env *ast.StructLit
	for i, r := range removals {
		if i == 0 || r.service != removals[i-1].service {
			svc = &ast.StructLit{}
			env = nil
			overrides := &ast.StructLit{}
			svc.Elts = append(svc.Elts, &ast.Field{Label: ast.NewIdent("overrides"), Value: overrides})
			services.Elts = append(services.Elts, &ast.Field{Label: ast.NewString(r.service), Value: svc})
		}
		if env == nil || r.env != removals[i-1].env {
			env = &ast.StructLit{}
			overrides := svc.Elts[0].(*ast.Field).Value.(*ast.StructLit)
			overrides.Elts = append(overrides.Elts, &ast.Field{Label: ast.NewString(r.env), Value: env})
		}
		env.Elts = append(env.Elts, &ast.Field{Label: ast.NewString(r.field), Value: ast.NewIdent(fs.defs[r.field])})
	}
	return &ast.BinaryExpr{X: ast.NewIdent("#Spec"), Op: token.AND,
		Y: &ast.StructLit{Elts: []ast.Decl{&ast.Field{Label: ast.NewIdent("services"), Value: services}}}}
}

// unifyHook, set by the package's tests, sees the fast unification of every
// platform it applies to beside the exact one.
var unifyHook func(fast, exact cue.Value, err error)

// exactSpec compiles the schema and returns its #Spec, once per load: only
// a load the fast path does not take needs it.
func (l *loader) exactSpec() (cue.Value, error) {
	if !l.spec.Exists() {
		schema := l.ctx.CompileBytes(schemaSource, cue.Filename(schemaFile))
		if err := schema.Err(); err != nil {
			return cue.Value{}, fmt.Errorf("load platform: embedded schema: %w", err)
		}
		l.spec = schema.LookupPath(cue.ParsePath("#Spec"))
	}
	return l.spec, nil
}
