package schemas

import (
	"sync"

	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/parser"
	"cuelang.org/go/cue/token"
)

// Decoding a shard (shard.go) with the user's data beside it.
//
// decodeCUE looks each field of a Go struct up in the CUE struct; a field
// the platform leaves out costs a failed lookup, which builds an error value,
// and most of the fields of a service are left out. In a shard the services
// are plain data: a field of the unified value is one the user's data
// declares at that place, or one the schema declares as a regular field
// (with a default: `protocol: *"TCP" | "UDP"`), or one the removals add
// where the user's data declares it. So a field that neither the data at the
// place nor any regular field of the schema names is not there, and is not
// looked up. The package's tests compare every sharded spec with the whole
// platform's (TestMain).

// dataHint is the user's plain data at a place of a shard: every
// declaration of the value there. A nil hint knows nothing: every field is
// looked up.
type dataHint struct {
	decls  []ast.Expr
	fields map[string][]ast.Expr // the declarations' fields by name, once read
	plain  bool                  // every declaration is a struct literal
}

// read indexes the fields of the declarations, once.
func (h *dataHint) read() {
	if h.fields != nil {
		return
	}
	h.fields = map[string][]ast.Expr{}
	h.plain = true
	for _, d := range h.decls {
		s, ok := d.(*ast.StructLit)
		if !ok {
			h.plain = false // not a struct: let the lookups say
			return
		}
		for _, e := range s.Elts {
			if f, ok := e.(*ast.Field); ok {
				label, _ := staticLabel(f.Label)
				h.fields[label] = append(h.fields[label], f.Value)
			}
		}
	}
}

// absent reports whether the field name cannot be in the struct at h's
// place.
func (h *dataHint) absent(name string) bool {
	if h == nil {
		return false
	}
	regular := schemaRegularFields()
	if regular == nil || regular[name] {
		return false
	}
	h.read()
	_, declared := h.fields[name]
	return h.plain && !declared
}

// field is the hint of the field name of the struct at h's place.
func (h *dataHint) field(name string) *dataHint {
	if h == nil {
		return nil
	}
	h.read()
	if !h.plain {
		return nil
	}
	return &dataHint{decls: h.fields[name]}
}

// index is the hint of the element i of the list at h's place.
func (h *dataHint) index(i int) *dataHint {
	if h == nil {
		return nil
	}
	out := &dataHint{}
	for _, d := range h.decls {
		l, ok := d.(*ast.ListLit)
		if !ok || i >= len(l.Elts) {
			return nil
		}
		out.decls = append(out.decls, l.Elts[i])
	}
	return out
}

var (
	schemaRegularOnce sync.Once
	schemaRegularVal  map[string]bool
)

// schemaRegularFields are the names of the regular fields (neither optional
// nor required) the fast schema declares anywhere; nil when a label of the
// schema is not a plain name or pattern, so that any name could be a field.
func schemaRegularFields() map[string]bool {
	schemaRegularOnce.Do(func() {
		fs := loadFastSchema()
		if fs == nil {
			return
		}
		f, err := parser.ParseFile(schemaFile, fs.source)
		if err != nil {
			return
		}
		names := map[string]bool{}
		known := true
		ast.Walk(f, func(n ast.Node) bool {
			field, ok := n.(*ast.Field)
			if !ok || !known {
				return known
			}
			label := field.Label
			if a, ok := label.(*ast.Alias); ok {
				label, _ = a.Expr.(ast.Label)
			}
			switch label.(type) {
			case *ast.Ident, *ast.BasicLit:
				name, ok := staticLabel(label)
				if !ok {
					known = false
				}
				if field.Constraint == token.ILLEGAL {
					names[name] = true
				}
			case *ast.ListLit: // a pattern: no field of its own
			default:
				known = false
			}
			return known
		}, nil)
		if known {
			schemaRegularVal = names
		}
	})
	return schemaRegularVal
}
