package schemas

import (
	"errors"
	"reflect"
	"sync"
	"unicode/utf8"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/build"
	"cuelang.org/go/cue/cuecontext"
	"cuelang.org/go/cue/parser"
	"cuelang.org/go/cue/token"
)

// Sharded unification: the services of a platform checked on every CPU.
//
// #Spec takes services as `services: [string]: #Service`: each service is
// unified with #Service alone, nothing in the schema relates two services.
// When the services are plain data (struct, list and scalar literals, no
// reference, no definition, no optional field) and nothing else in the
// platform declares or reads `services`, the value of a service is its
// declarations and nothing else: the services can be split into shards, each
// compiled and unified with the fast schema (removal.go) in a CUE context of
// its own on its own goroutine (a cue.Context is not safe for concurrent
// use), while the loader's context unifies the rest of the platform, its
// "core" (every file without its plain `services` fields), with #Spec.
//
// The shards and the core together are the platform: the core holds no
// `services` field, no embedding, comprehension or pattern at the top level
// that could add one, and no reference to it (the core alone would not
// compile); shards hold literals only. So when every part is valid, the
// unification of the whole with the fast schema is valid too and its decoded
// services are the shards' (the package's tests compare both on every load:
// TestMain). Anything else, and any error or value the direct decoder does
// not take in any part, sends the load to the whole unification, whose
// errors are the ones reported: errors never come from shards.

// shardField is the field of the shard in a copy of the schema's file.
const shardField = "shard"

// shardMin is the fewest services per shard: below it a shard's own schema
// compilation costs more than its share of the work saves.
const shardMin = 32

// shardPlan is a platform split for the sharded unification: the core files
// for the loader's context and the services' declarations in shards.
type shardPlan struct {
	core   []*ast.File
	shards []shard
	count  int // services
}

// shard is a part of the services: their declarations as one struct
// literal, and the removable fields their overrides set to a struct.
type shard struct {
	services *ast.StructLit // {"name": decl, "name": decl, ...}
	names    []string       // the services, in order
	decls    map[string][]ast.Expr
	removals []removal
}

// planShards splits the platform's parsed files (in file order); ok is false
// when the platform is not of the shape described above.
func planShards(files []*ast.File, workers int) (plan *shardPlan, ok bool) {
	plan = &shardPlan{}
	decls := map[string][]ast.Expr{} // service -> its declarations, in file order
	var names []string               // in order of first declaration
	for _, f := range files {
		core := &ast.File{Filename: f.Filename}
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.Package, *ast.ImportDecl, *ast.CommentGroup:
				core.Decls = append(core.Decls, d)
			case *ast.Field:
				name, ok := staticLabel(d.Label)
				switch {
				case !ok:
					return nil, false // an alias, a pattern or a computed label
				case name != "services":
					core.Decls = append(core.Decls, d)
					continue
				case d.Constraint != token.ILLEGAL || len(d.Attrs) > 0 || d.Alias != nil:
					return nil, false
				}
				s, ok := d.Value.(*ast.StructLit)
				if !ok {
					return nil, false
				}
				for _, e := range s.Elts {
					switch e := e.(type) {
					case *ast.CommentGroup:
					case *ast.Field:
						svc, ok := dataLabel(e)
						if !ok || !isData(e.Value) {
							return nil, false
						}
						if _, seen := decls[svc]; !seen {
							names = append(names, svc)
						}
						decls[svc] = append(decls[svc], e.Value)
					default:
						return nil, false
					}
				}
			default:
				// An embedding, a comprehension or `...` could add
				// services; a let clause is left to the whole path too.
				return nil, false
			}
		}
		plan.core = append(plan.core, core)
	}
	plan.count = len(names)
	if len(names) == 0 {
		return plan, true
	}
	workers = max(1, min(workers, len(names)/shardMin))
	for w := range workers {
		// The services checkPlain does not take are made a shard of
		// CUE syntax (makeShard) by checkShard.
		plan.shards = append(plan.shards, shard{names: names[w*len(names)/workers : (w+1)*len(names)/workers], decls: decls})
	}
	return plan, true
}

// makeShard is the shard of the services names, declared as decls says.
func makeShard(names []string, decls map[string][]ast.Expr) (shard, bool) {
	sh := shard{services: &ast.StructLit{}, names: names, decls: decls}
	for _, svc := range sh.names {
		for _, v := range decls[svc] {
			sh.services.Elts = append(sh.services.Elts, &ast.Field{Label: ast.NewString(svc), Value: v})
		}
		r, ok := dataRemovals(svc, decls[svc])
		if !ok {
			return shard{}, false
		}
		sh.removals = append(sh.removals, r...)
	}
	return sh, true
}

// dataRemovals is structRemovables (removal.go) of a service declared as
// plain data: the removable fields its overrides set to a struct, in the
// order of the environments' first declarations. ok is false where
// structRemovables would say so: a service, its overrides or one of them not
// a struct, a removable field neither a struct nor null.
func dataRemovals(svc string, decls []ast.Expr) (out []removal, ok bool) {
	overrides, ok := dataFields(decls, "overrides")
	if !ok {
		return nil, false
	}
	envs := map[string][]ast.Expr{}
	var names []string
	for _, o := range overrides {
		s, isStruct := o.(*ast.StructLit)
		if !isStruct {
			return nil, false
		}
		for _, d := range s.Elts {
			if f, isField := d.(*ast.Field); isField {
				env, _ := staticLabel(f.Label) // data: a static label
				if _, seen := envs[env]; !seen {
					names = append(names, env)
				}
				envs[env] = append(envs[env], f.Value)
			}
		}
	}
	for _, env := range names {
		for _, field := range removableFields {
			values, ok := dataFields(envs[env], field)
			if !ok {
				return nil, false
			}
			isStruct := false
			for _, v := range values {
				switch v := v.(type) {
				case *ast.StructLit:
					isStruct = true
				case *ast.BasicLit:
					if v.Kind != token.NULL {
						return nil, false
					}
				default:
					return nil, false
				}
			}
			if isStruct {
				out = append(out, removal{svc, env, field})
			}
		}
	}
	return out, true
}

// dataFields are the values of the field name in the declarations of a
// struct (plain data); ok is false when one of them is not a struct.
func dataFields(decls []ast.Expr, name string) (values []ast.Expr, ok bool) {
	for _, d := range decls {
		s, isStruct := d.(*ast.StructLit)
		if !isStruct {
			return nil, false
		}
		for _, e := range s.Elts {
			if f, isField := e.(*ast.Field); isField {
				if label, _ := staticLabel(f.Label); label == name {
					values = append(values, f.Value)
				}
			}
		}
	}
	return values, true
}

// staticLabel is the name of a field's label when it is an identifier or a
// string literal.
func staticLabel(l ast.Label) (string, bool) {
	switch l.(type) {
	case *ast.Ident, *ast.BasicLit:
		name, _, err := ast.LabelName(l)
		return name, err == nil
	}
	return "", false
}

// dataLabel is the name of a regular field of plain data: not hidden, not a
// definition, no constraint, alias or attribute.
func dataLabel(f *ast.Field) (string, bool) {
	name, ok := staticLabel(f.Label)
	if !ok || f.Constraint != token.ILLEGAL || len(f.Attrs) > 0 || f.Alias != nil {
		return "", false
	}
	if id, isIdent := f.Label.(*ast.Ident); isIdent && (len(id.Name) > 0 && (id.Name[0] == '_' || id.Name[0] == '#')) {
		return "", false
	}
	return name, true
}

// isData reports whether e is plain data: struct and list literals of
// regular fields, scalar literals and signed numbers. Such a value is the
// same wherever it is compiled, and holds no identifier that resolving
// references would write to.
func isData(e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.BasicLit:
		return true
	case *ast.UnaryExpr:
		lit, ok := e.X.(*ast.BasicLit)
		return ok && (e.Op == token.SUB || e.Op == token.ADD) && (lit.Kind == token.INT || lit.Kind == token.FLOAT)
	case *ast.ListLit:
		for _, x := range e.Elts {
			if !isData(x) {
				return false
			}
		}
		return true
	case *ast.StructLit:
		for _, d := range e.Elts {
			switch d := d.(type) {
			case *ast.CommentGroup:
			case *ast.Field:
				if _, ok := dataLabel(d); !ok || !isData(d.Value) {
					return false
				}
			default:
				return false
			}
		}
		return true
	}
	return false
}

// shardResult is one shard's decoded services, or ok false.
type shardResult struct {
	services map[string]rawService
	ok       bool
}

// shardRun is the sharded unification under way: the plan, and the
// shards' results once wait returns.
type shardRun struct {
	plan    *shardPlan
	results []shardResult
	done    chan int // the index of each shard as it finishes
	wg      sync.WaitGroup
}

// startShards plans the sharded unification of the parsed files and starts
// the shards, each on a goroutine of its own; nil when it does not apply.
// It is called before the user's instance is built, which the shards do not
// wait for: the loader's context reads the same syntax trees meanwhile, but
// only the data in them, which neither side writes.
func startShards(files []*ast.File) *shardRun {
	fs := loadFastSchema()
	if fs == nil {
		return nil
	}
	// One shard: checkShard checks the services in Go on one CPU while the
	// loader builds the platform on another, and spreads those it leaves
	// to CUE over every CPU.
	plan, ok := planShards(files, 1)
	if !ok {
		return nil
	}
	r := &shardRun{plan: plan, results: make([]shardResult, len(plan.shards)), done: make(chan int, len(plan.shards))}
	for i, sh := range plan.shards {
		r.wg.Go(func() {
			r.results[i] = checkShard(fs, sh) // plaincheck.go
			r.done <- i
		})
	}
	return r
}

// wait waits for the shards (a nil run has none).
func (r *shardRun) wait() {
	if r != nil {
		r.wg.Wait()
	}
}

// unifySharded unifies the core of the platform while the shards run and
// decodes both into spec; false when the caller must unify the whole
// platform instead (spec is then to be discarded).
func (l *loader) unifySharded(r *shardRun, spec *rawSpec) bool {
	if r == nil {
		return false
	}
	// On the first part that is not valid the whole unification starts,
	// while the other shards finish (the loader waits for them before it
	// returns).
	if !l.unifyCore(r.plan.core, spec) {
		return false
	}
	n := 0
	for range r.results {
		res := r.results[<-r.done]
		if !res.ok {
			return false
		}
		n += len(res.services)
	}
	if n != r.plan.count {
		return false
	}
	if spec.Services == nil {
		spec.Services = make(map[string]rawService, n)
	}
	for _, res := range r.results {
		for name, svc := range res.services {
			spec.Services[name] = svc
		}
	}
	return true
}

// unifyCore unifies the core files with the fast schema in the loader's
// context and decodes them into spec.
func (l *loader) unifyCore(files []*ast.File, spec *rawSpec) bool {
	inst := build.NewContext().NewInstance("", nil)
	for _, f := range files {
		if err := inst.AddSyntax(f); err != nil {
			return false
		}
	}
	if inst.Err != nil {
		return false
	}
	core := l.ctx.BuildInstance(inst)
	if core.Err() != nil {
		return false
	}
	unified, ok := l.unifyFast(core)
	if !ok {
		return false
	}
	direct, err := decodeSpec(unified, spec)
	return err == nil && direct
}

// unifyShard unifies a shard's services with #Spec in a context of its own,
// as unifyFast unifies the whole platform, and checks and decodes them. The
// shard is a field of a copy of the fast schema's file, so that the
// services are evaluated once with the schema:
//
//	shard: #Spec & {services: removals} & {services: {"name": decl, ...}}
//
// The other fields #Spec requires are the core's. (#Spec taken from a scope
// in an expression built on its own would not close the struct literals
// unified with it: it is referred to from within the file.)
func unifyShard(fs *fastSchema, sh shard) shardResult {
	f, err := parser.ParseFile(schemaFile, fs.source)
	if err != nil {
		return shardResult{}
	}
	user := &ast.StructLit{Elts: []ast.Decl{&ast.Field{Label: ast.NewIdent("services"), Value: sh.services}}}
	f.Decls = append(f.Decls, &ast.Field{Label: ast.NewIdent(shardField),
		Value: &ast.BinaryExpr{X: removalsExpr(fs, sh.removals), Op: token.AND, Y: user}})
	v := cuecontext.New().BuildFile(f)
	if v.Err() != nil {
		return shardResult{}
	}
	unified := v.LookupPath(cue.MakePath(cue.Str(shardField), cue.Str("services")))
	if unified.Validate(cue.Concrete(true)) != nil {
		return shardResult{}
	}
	// The services' struct holds the shard's services and nothing else
	// (#Spec's services has no field of its own): each is decoded as
	// decodeCUE decodes a map's element, with the user's data beside it
	// (datahint.go), and without iterating the struct, which sorts it.
	services := make(map[string]rawService, len(sh.names))
	for _, name := range sh.names {
		v := unified.LookupPath(cue.MakePath(cue.Str(name)))
		var svc rawService
		if !utf8.ValidString(name) || !v.Exists() || decodeAt(v, reflect.ValueOf(&svc).Elem(), &dataHint{decls: sh.decls[name]}) != nil {
			return shardResult{}
		}
		services[name] = svc
	}
	return shardResult{services: services, ok: true}
}

// shardedSpec is the platform's spec from the sharded unification, when it
// applies.
func (l *loader) shardedSpec() (*rawSpec, bool) {
	spec := &rawSpec{}
	if !l.unifySharded(l.shards, spec) {
		return nil, false
	}
	if shardHook != nil {
		whole := &rawSpec{}
		unified, ok := l.unifyFast(l.user)
		err := errors.New("the whole platform's fast unification is not valid")
		if ok {
			_, err = decodeSpec(unified, whole)
		}
		shardHook(spec, whole, err)
	}
	return spec, true
}

// shardHook, set by the package's tests, sees the spec of every sharded
// unification beside the one of the whole platform.
var shardHook func(sharded, whole *rawSpec, err error)
