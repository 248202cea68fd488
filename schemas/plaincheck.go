package schemas

import (
	"bytes"
	"encoding/json"
	"reflect"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"unicode/utf8"

	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/literal"
	"cuelang.org/go/cue/parser"
	"cuelang.org/go/cue/token"
	"github.com/cockroachdb/apd/v3"
)

// Plain-data services checked without CUE.
//
// A shard's services are plain data (shard.go): struct, list and scalar
// literals. Unifying such a value with #Service needs no evaluation of
// expressions, only the schema's own few constructs: closed structs of
// regular, optional and required fields, embedded definitions, `...`,
// `[string]: T`, `[...T]`, the basic types, literals, bounds, and
// disjunctions with defaults. plainSchema compiles #Service from the
// schema's syntax into those constructs (nothing at all when the schema
// holds anything else), and checkPlain unifies a service's declarations
// with it in Go, giving the service's value with the schema's defaults as
// CUE gives it.
//
// checkPlain only ever says "valid, and this is the value" or "not sure":
// a value it cannot prove valid (an error, a conflict between two
// declarations, a disjunction CUE might leave ambiguous, a literal it does
// not read exactly as CUE does) goes to the shard's CUE unification, and an
// error to the whole platform's, whose errors are the ones reported. The
// value is decoded as json.Unmarshal decodes its JSON (plaindecode.go),
// which is what decodeCUE stands for. The package's tests compare every
// sharded spec with the whole platform's (TestMain), and checkPlain with
// CUE on service values of every kind the schema takes, valid or not
// (plaincheck_test.go).

// plainOp is what a schema node checks.
type plainOp uint8

const (
	plainAny    plainOp = iota // _
	plainString                // string
	plainInt                   // int
	plainNumber                // number
	plainBool                  // bool
	plainLit                   // a literal: "TCP", 70, true, null
	plainStruct                // a closed (or open: ...) struct
	plainList                  // [...T]
	plainOr                    // a disjunction, with default marks
	plainAnd                   // a conjunction of scalar constraints
	plainBound                 // <, <=, >, >= a number; != a literal; =~, !~ a regexp
)

// plainNode is a compiled schema expression.
type plainNode struct {
	op      plainOp
	lit     *plainValue           // plainLit; the operand of != too
	fields  map[string]plainField // plainStruct
	order   []string              // plainStruct: the fields in declaration order
	pattern *plainNode            // plainStruct: [string]: T (then no fields)
	open    bool                  // plainStruct: ...
	elem    *plainNode            // plainList
	alts    []*plainNode          // plainOr, plainAnd
	dflt    []bool                // plainOr: the alternatives marked *
	bound   token.Token           // plainBound
	num     apd.Decimal           // plainBound: the number compared with
	re      *regexp.Regexp        // plainBound: =~ and !~
}

// plainField is a field of a struct node: its constraint (token.ILLEGAL for
// a regular field, token.OPTION, token.NOT) and its value.
type plainField struct {
	constraint token.Token
	node       *plainNode
}

// plainValue is a concrete value: what a service's data unified with the
// schema comes to.
type plainValue struct {
	kind   plainKind
	isInt  bool          // a number: of kind int (else float)
	text   string        // a string's value; a number as CUE writes it in JSON
	b      bool          // a bool
	fields []plainMember // a struct, in order of declaration
	elems  []*plainValue // a list
}

type plainMember struct {
	name  string
	value *plainValue
}

type plainKind uint8

const (
	kindNull plainKind = iota
	kindBool
	kindNumber
	kindString
	kindStruct
	kindList
)

// plainStatus is what a check found: the value is valid; or anything else
// (a missing required field, a value not concrete, what this does not
// read: the value goes to CUE); or it is not valid for certain (a kind, a
// literal or a bound that does not fit, a field a closed struct does not
// allow), which CUE too never takes back, so that a disjunction drops such
// an alternative, as CUE does, whatever else it holds.
type plainStatus uint8

const (
	plainOK plainStatus = iota
	plainUnsure
	plainFail
)

// worse is the status of two parts of a value together.
func worse(a, b plainStatus) plainStatus { return max(a, b) }

var (
	plainSchemaOnce sync.Once
	plainSchemaVal  *plainNode // #Service; nil: the schema is not of the shape read here
)

// plainSchema is #Service compiled from the schema, once.
func plainSchema() *plainNode {
	plainSchemaOnce.Do(func() {
		plainSchemaVal = compilePlainSchema(schemaSource)
	})
	return plainSchemaVal
}

// compilePlainSchema compiles the element of #Spec's services from the
// schema's source: nil when #Spec is not a struct of plain fields whose
// services field is `[string]: T`, or T holds anything plainSchema does
// not take.
func compilePlainSchema(src []byte) *plainNode {
	f, err := parser.ParseFile(schemaFile, src)
	if err != nil {
		return nil
	}
	c := &plainCompiler{defs: map[string]ast.Expr{}, done: map[string]*plainNode{}, busy: map[string]bool{}}
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.Package, *ast.CommentGroup:
		case *ast.Field:
			id, ok := d.Label.(*ast.Ident)
			if !ok || d.Constraint != token.ILLEGAL || len(d.Attrs) > 0 || !isDefName(id.Name) {
				return nil
			}
			if _, dup := c.defs[id.Name]; dup {
				return nil
			}
			c.defs[id.Name] = d.Value
		default:
			return nil
		}
	}
	spec, ok := c.defs["#Spec"].(*ast.StructLit)
	if !ok {
		return nil
	}
	var services ast.Expr
	for _, d := range spec.Elts {
		switch d := d.(type) {
		case *ast.CommentGroup:
		case *ast.Field:
			name, ok := staticLabel(d.Label)
			if !ok || len(d.Attrs) > 0 {
				return nil
			}
			if name == "services" {
				if services != nil || d.Constraint != token.ILLEGAL {
					return nil
				}
				services = d.Value
				continue
			}
			if names(d.Value, "services") {
				return nil // another field of #Spec could read the services
			}
		default:
			return nil // an embedding could constrain services
		}
	}
	n, ok := c.expr(services)
	if !ok || n.op != plainStruct || n.pattern == nil || len(n.fields) > 0 || n.pattern.op != plainStruct {
		return nil
	}
	return n.pattern
}

// names reports whether the syntax n names the field name anywhere: an
// identifier, a selector or a string.
func names(n ast.Node, name string) bool {
	found := false
	ast.Walk(n, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.Ident:
			found = found || n.Name == name
		case *ast.BasicLit:
			if v, ok := plainScalar(n); ok && v.kind == kindString {
				found = found || v.text == name
			}
		}
		return !found
	}, nil)
	return found
}

// plainCompiler compiles schema expressions; definitions once each.
type plainCompiler struct {
	defs map[string]ast.Expr
	done map[string]*plainNode
	busy map[string]bool
}

func (c *plainCompiler) def(name string) (*plainNode, bool) {
	if n, ok := c.done[name]; ok {
		return n, true
	}
	e, ok := c.defs[name]
	if !ok || c.busy[name] {
		return nil, false // not defined, or recursive
	}
	c.busy[name] = true
	n, ok := c.expr(e)
	c.busy[name] = false
	if ok {
		c.done[name] = n
	}
	return n, ok
}

func (c *plainCompiler) expr(e ast.Expr) (*plainNode, bool) {
	switch e := e.(type) {
	case *ast.Ident:
		switch e.Name {
		case "_":
			return &plainNode{op: plainAny}, true
		case "string":
			return &plainNode{op: plainString}, true
		case "int":
			return &plainNode{op: plainInt}, true
		case "number":
			return &plainNode{op: plainNumber}, true
		case "bool":
			return &plainNode{op: plainBool}, true
		}
		if isDefName(e.Name) {
			return c.def(e.Name)
		}
	case *ast.ParenExpr:
		return c.expr(e.X)
	case *ast.BasicLit, *ast.UnaryExpr:
		if u, isUnary := e.(*ast.UnaryExpr); isUnary && u.Op != token.SUB && u.Op != token.ADD {
			return c.bound(u)
		}
		v, ok := plainScalar(e)
		if !ok {
			return nil, false
		}
		return &plainNode{op: plainLit, lit: v}, true
	case *ast.BinaryExpr:
		switch e.Op {
		case token.OR:
			n := &plainNode{op: plainOr}
			if !c.alternatives(n, e) {
				return nil, false
			}
			return n, true
		case token.AND:
			n := &plainNode{op: plainAnd}
			for _, x := range []ast.Expr{e.X, e.Y} {
				a, ok := c.expr(x)
				if !ok {
					return nil, false
				}
				switch a.op {
				case plainAnd:
					n.alts = append(n.alts, a.alts...)
				case plainString, plainInt, plainNumber, plainBool, plainLit, plainBound:
					n.alts = append(n.alts, a)
				default:
					return nil, false // structs, lists, disjunctions: not here
				}
			}
			return n, true
		}
	case *ast.StructLit:
		return c.structLit(e)
	case *ast.ListLit:
		if len(e.Elts) != 1 {
			return nil, false
		}
		ell, ok := e.Elts[0].(*ast.Ellipsis)
		if !ok {
			return nil, false
		}
		elem := &plainNode{op: plainAny}
		if ell.Type != nil {
			if elem, ok = c.expr(ell.Type); !ok {
				return nil, false
			}
		}
		return &plainNode{op: plainList, elem: elem}, true
	}
	return nil, false
}

// alternatives adds the alternatives of a disjunction to n, as CUE's
// compiler reads them: a | b | c, each maybe marked *.
func (c *plainCompiler) alternatives(n *plainNode, e ast.Expr) bool {
	mark := false
	switch x := e.(type) {
	case *ast.BinaryExpr:
		if x.Op == token.OR {
			return c.alternatives(n, x.X) && c.alternatives(n, x.Y)
		}
	case *ast.UnaryExpr:
		if x.Op == token.MUL {
			mark, e = true, x.X
		}
	}
	a, ok := c.expr(e)
	if !ok || a.op == plainOr {
		return false // a nested disjunction: its defaults are not read here
	}
	n.alts = append(n.alts, a)
	n.dflt = append(n.dflt, mark)
	return true
}

// bound compiles <, <=, >, >= of a number, != of a literal, =~ and !~ of
// a string.
func (c *plainCompiler) bound(u *ast.UnaryExpr) (*plainNode, bool) {
	v, ok := plainScalar(u.X)
	if !ok {
		return nil, false
	}
	n := &plainNode{op: plainBound, bound: u.Op}
	switch u.Op {
	case token.LSS, token.LEQ, token.GTR, token.GEQ:
		if v.kind != kindNumber {
			return nil, false
		}
		if _, _, err := n.num.SetString(v.text); err != nil {
			return nil, false
		}
	case token.NEQ:
		n.lit = v
	case token.MAT, token.NMAT:
		if v.kind != kindString {
			return nil, false
		}
		re, err := regexp.Compile(v.text)
		if err != nil {
			return nil, false
		}
		n.re = re
	default:
		return nil, false
	}
	return n, true
}

// structLit compiles a struct of a definition: closed unless it holds ...
func (c *plainCompiler) structLit(s *ast.StructLit) (*plainNode, bool) {
	n := &plainNode{op: plainStruct, fields: map[string]plainField{}}
	add := func(name string, f plainField) bool {
		if prev, dup := n.fields[name]; dup {
			merged, ok := unifyFields(prev, f)
			n.fields[name] = merged
			return ok
		}
		n.fields[name] = f
		n.order = append(n.order, name)
		return true
	}
	for _, d := range s.Elts {
		switch d := d.(type) {
		case *ast.CommentGroup:
		case *ast.Ellipsis:
			if d.Type != nil {
				return nil, false
			}
			n.open = true
		case *ast.EmbedDecl:
			id, ok := d.Expr.(*ast.Ident)
			if !ok || !isDefName(id.Name) {
				return nil, false
			}
			em, ok := c.def(id.Name)
			if !ok || em.op != plainStruct || em.pattern != nil {
				return nil, false
			}
			for _, name := range em.order {
				if !add(name, em.fields[name]) {
					return nil, false
				}
			}
			n.open = n.open || em.open
		case *ast.Field:
			if len(d.Attrs) > 0 || d.Alias != nil {
				return nil, false
			}
			v, ok := c.expr(d.Value)
			if !ok {
				return nil, false
			}
			if l, isList := d.Label.(*ast.ListLit); isList {
				// [string]: T
				if len(l.Elts) != 1 || d.Constraint != token.ILLEGAL || n.pattern != nil {
					return nil, false
				}
				if id, ok := l.Elts[0].(*ast.Ident); !ok || id.Name != "string" {
					return nil, false
				}
				n.pattern = v
				continue
			}
			name, ok := plainLabel(d.Label)
			if !ok {
				return nil, false
			}
			switch d.Constraint {
			case token.ILLEGAL, token.OPTION, token.NOT:
			default:
				return nil, false
			}
			if !add(name, plainField{constraint: d.Constraint, node: v}) {
				return nil, false
			}
		default:
			return nil, false
		}
	}
	if n.pattern != nil && len(n.fields) > 0 {
		return nil, false // a pattern applies to the fields too: not here
	}
	return n, true
}

// isDefName reports whether an identifier names a definition.
func isDefName(name string) bool {
	return strings.HasPrefix(name, "#") || strings.HasPrefix(name, "_#")
}

// unifyFields is a field declared twice in a struct of the schema (an
// embedded definition's `image?: string` and the struct's own `image!:
// string`): the stronger constraint, and both values.
func unifyFields(a, b plainField) (plainField, bool) {
	c := a.constraint
	switch {
	case a.constraint == b.constraint:
	case a.constraint == token.OPTION:
		c = b.constraint
	case b.constraint == token.OPTION:
	default:
		return plainField{}, false // required and regular
	}
	n, ok := unifyNodes(a.node, b.node)
	return plainField{constraint: c, node: n}, ok
}

// unifyNodes is the unification of two schema nodes, where it is one that
// checkPlain reads: one node twice, two closed structs of the same fields,
// two scalar constraints.
func unifyNodes(a, b *plainNode) (*plainNode, bool) {
	if a == b {
		return a, true
	}
	scalar := func(n *plainNode) bool {
		switch n.op {
		case plainString, plainInt, plainNumber, plainBool, plainLit, plainBound, plainAnd:
			return true
		}
		return false
	}
	switch {
	case a.op == plainStruct && b.op == plainStruct:
		if a.open || b.open || a.pattern != nil || b.pattern != nil || len(a.fields) != len(b.fields) {
			return nil, false
		}
		n := &plainNode{op: plainStruct, fields: map[string]plainField{}, order: a.order}
		for _, name := range a.order {
			fb, ok := b.fields[name]
			if !ok {
				return nil, false // closed: only the fields both allow
			}
			f, ok := unifyFields(a.fields[name], fb)
			if !ok {
				return nil, false
			}
			n.fields[name] = f
		}
		return n, true
	case scalar(a) && scalar(b):
		if a.op == b.op && a.op != plainLit && a.op != plainBound && a.op != plainAnd {
			return a, true // string & string
		}
		n := &plainNode{op: plainAnd}
		for _, x := range []*plainNode{a, b} {
			if x.op == plainAnd {
				n.alts = append(n.alts, x.alts...)
			} else {
				n.alts = append(n.alts, x)
			}
		}
		return n, true
	}
	return nil, false
}

// plainLabel is the name of a regular field's label: an identifier that is
// neither hidden nor a definition, or a double-quoted string.
func plainLabel(l ast.Label) (string, bool) {
	switch l := l.(type) {
	case *ast.Ident:
		if l.Name == "" || l.Name[0] == '_' || l.Name[0] == '#' {
			return "", false
		}
		return l.Name, true
	case *ast.BasicLit:
		if l.Kind != token.STRING {
			return "", false
		}
		v, ok := plainScalar(l)
		if !ok || v.kind != kindString {
			return "", false
		}
		return v.text, true
	}
	return "", false
}

// plainScalar reads a literal as CUE's compiler does (the same parsing of
// strings and numbers; a number written as CUE's JSON writes it). Bytes,
// strings that are not UTF-8 and what is not a literal are not read.
func plainScalar(e ast.Expr) (*plainValue, bool) {
	neg := false
	if u, ok := e.(*ast.UnaryExpr); ok {
		lit, isLit := u.X.(*ast.BasicLit)
		if !isLit || (lit.Kind != token.INT && lit.Kind != token.FLOAT) || (u.Op != token.SUB && u.Op != token.ADD) {
			return nil, false
		}
		neg, e = u.Op == token.SUB, lit
	}
	lit, ok := e.(*ast.BasicLit)
	if !ok || lit.Value == "" {
		return nil, false
	}
	switch lit.Kind {
	case token.STRING:
		q, n, _, err := literal.ParseQuotes(lit.Value, lit.Value)
		if err != nil || !q.IsDouble() {
			return nil, false
		}
		s, err := q.Unquote(lit.Value[n:])
		if err != nil || !utf8.ValidString(s) {
			return nil, false
		}
		return &plainValue{kind: kindString, text: s}, true
	case token.INT, token.FLOAT:
		var info literal.NumInfo
		if err := literal.ParseNum(lit.Value, &info); err != nil {
			return nil, false
		}
		var d apd.Decimal
		if err := info.Decimal(&d); err != nil {
			return nil, false
		}
		if neg {
			d.Neg(&d)
		}
		return &plainValue{kind: kindNumber, isInt: info.IsInt(), text: string(d.Append(nil, 'G'))}, true
	case token.TRUE, token.FALSE:
		return &plainValue{kind: kindBool, b: lit.Kind == token.TRUE}, true
	case token.NULL:
		return &plainValue{kind: kindNull}, true
	}
	return nil, false
}

// checkPlain unifies the declarations of a value (plain data, every one a
// part of the same value) with the schema node n.
func checkPlain(n *plainNode, decls []ast.Expr) (*plainValue, plainStatus) {
	switch n.op {
	case plainAny:
		return plainData(decls)
	case plainStruct:
		return checkStruct(n, decls)
	case plainList:
		return checkList(n, decls)
	case plainOr:
		return checkOr(n, decls)
	}
	v, st := plainData(decls)
	if st != plainOK {
		return nil, st
	}
	return v, scalarFits(n, v)
}

// scalarFits checks a concrete value against a scalar node.
func scalarFits(n *plainNode, v *plainValue) plainStatus {
	switch n.op {
	case plainString:
		return when(v.kind == kindString)
	case plainInt:
		return when(v.kind == kindNumber && v.isInt)
	case plainNumber:
		return when(v.kind == kindNumber)
	case plainBool:
		return when(v.kind == kindBool)
	case plainLit:
		return sameScalar(n.lit, v)
	case plainAnd:
		st := plainOK
		for _, a := range n.alts {
			st = worse(st, scalarFits(a, v))
		}
		return st
	case plainBound:
		switch n.bound {
		case token.NEQ:
			if v.kind != n.lit.kind {
				return plainUnsure // != of another kind: not decided here
			}
			switch sameScalar(n.lit, v) {
			case plainOK:
				return plainFail
			case plainFail:
				return plainOK
			}
			return plainUnsure
		case token.MAT, token.NMAT:
			if v.kind != kindString {
				return plainFail
			}
			return when(n.re.MatchString(v.text) == (n.bound == token.MAT))
		}
		if v.kind != kindNumber {
			return plainFail
		}
		var d apd.Decimal
		if _, _, err := d.SetString(v.text); err != nil {
			return plainUnsure
		}
		c := d.Cmp(&n.num)
		switch n.bound {
		case token.LSS:
			return when(c < 0)
		case token.LEQ:
			return when(c <= 0)
		case token.GTR:
			return when(c > 0)
		default: // token.GEQ
			return when(c >= 0)
		}
	}
	return plainFail // a struct or list node against a scalar... or a scalar against one
}

func when(ok bool) plainStatus {
	if ok {
		return plainOK
	}
	return plainFail
}

// sameScalar compares two scalars: unsure for an int and a float, whose
// unification this does not decide.
func sameScalar(a, b *plainValue) plainStatus {
	switch {
	case a.kind != b.kind:
		return plainFail
	case a.kind == kindNumber && a.isInt != b.isInt:
		return plainUnsure
	case a.kind == kindStruct || a.kind == kindList:
		return plainUnsure
	}
	return when(a.text == b.text && a.b == b.b)
}

// dataShape is what the declarations of a value are: all structs, all
// lists or all scalars; ok false for a mix (a conflict) or none.
func dataShape(decls []ast.Expr) (kind plainKind, ok bool) {
	for i, d := range decls {
		k := kindNull // a scalar
		switch d.(type) {
		case *ast.StructLit:
			k = kindStruct
		case *ast.ListLit:
			k = kindList
		}
		if i > 0 && k != kind {
			return 0, false
		}
		kind = k
	}
	return kind, len(decls) > 0
}

// plainData is the value of the declarations with no schema: their
// unification as plain data.
func plainData(decls []ast.Expr) (*plainValue, plainStatus) {
	kind, ok := dataShape(decls)
	if !ok {
		return nil, plainUnsure
	}
	switch kind {
	case kindStruct:
		return checkStruct(&plainNode{op: plainStruct, open: true}, decls)
	case kindList:
		return checkList(&plainNode{op: plainList, elem: &plainNode{op: plainAny}}, decls)
	}
	var out *plainValue
	for _, d := range decls {
		v, ok := plainScalar(d)
		if !ok {
			return nil, plainUnsure
		}
		if out != nil && sameScalar(out, v) != plainOK {
			return nil, plainUnsure // a conflict: an error of the data itself
		}
		out = v
	}
	return out, plainOK
}

// checkStruct unifies struct declarations with a struct node: every field
// declared must be allowed, every required one declared, and a regular one
// the data leaves out takes its default.
func checkStruct(n *plainNode, decls []ast.Expr) (*plainValue, plainStatus) {
	if kind, ok := dataShape(decls); ok && kind != kindStruct {
		return nil, plainFail
	} else if !ok && len(decls) > 0 {
		return nil, plainUnsure
	}
	type member struct {
		name  string
		decls []ast.Expr
	}
	size := 0
	for _, d := range decls {
		size += len(d.(*ast.StructLit).Elts)
	}
	members := make([]member, 0, size)
	var index map[string]int // past a few members
	find := func(name string) (int, bool) {
		if index != nil {
			i, ok := index[name]
			return i, ok
		}
		for i, m := range members {
			if m.name == name {
				return i, true
			}
		}
		return 0, false
	}
	for _, d := range decls {
		for _, e := range d.(*ast.StructLit).Elts {
			f, ok := e.(*ast.Field)
			if !ok {
				if _, isComment := e.(*ast.CommentGroup); isComment {
					continue
				}
				return nil, plainUnsure
			}
			name, ok := plainLabel(f.Label)
			if !ok || f.Constraint != token.ILLEGAL || len(f.Attrs) > 0 || f.Alias != nil {
				return nil, plainUnsure
			}
			i, seen := find(name)
			if !seen {
				i = len(members)
				members = append(members, member{name: name})
				if index != nil {
					index[name] = i
				} else if len(members) > 16 {
					index = make(map[string]int, size)
					for j, m := range members {
						index[m.name] = j
					}
				}
			}
			members[i].decls = append(members[i].decls, f.Value)
		}
	}
	out := &plainValue{kind: kindStruct, fields: make([]plainMember, 0, len(members)+len(n.order))}
	st := plainOK
	for _, m := range members {
		var v *plainValue
		var fst plainStatus
		if f, declared := n.fields[m.name]; declared {
			v, fst = checkPlain(f.node, m.decls)
		} else if n.pattern != nil {
			v, fst = checkPlain(n.pattern, m.decls)
		} else if n.open {
			v, fst = plainData(m.decls)
		} else {
			fst = plainFail // field not allowed
		}
		st = worse(st, fst)
		if st == plainOK {
			out.fields = append(out.fields, plainMember{m.name, v})
		}
	}
	for _, name := range n.order {
		if _, declared := find(name); declared {
			continue
		}
		f := n.fields[name]
		switch f.constraint {
		case token.NOT:
			st = worse(st, plainUnsure) // required: missing
		case token.ILLEGAL:
			v, fst := plainDefault(f.node)
			st = worse(st, fst)
			if st == plainOK {
				out.fields = append(out.fields, plainMember{name, v})
			}
		}
	}
	if st != plainOK {
		return nil, st
	}
	return out, plainOK
}

// plainDefault is the value of a regular field the data leaves out: the
// literal of its one default, or its struct with its own defaults.
func plainDefault(n *plainNode) (*plainValue, plainStatus) {
	switch n.op {
	case plainLit:
		return n.lit, plainOK
	case plainStruct:
		return checkStruct(n, nil)
	case plainOr:
		var d *plainNode
		for i, a := range n.alts {
			if n.dflt[i] {
				if d != nil {
					return nil, plainUnsure
				}
				d = a
			}
		}
		if d != nil && d.op == plainLit {
			return d.lit, plainOK
		}
	}
	return nil, plainUnsure // not concrete
}

// checkList unifies list declarations, all of one length, with [...T].
func checkList(n *plainNode, decls []ast.Expr) (*plainValue, plainStatus) {
	if kind, ok := dataShape(decls); !ok {
		return nil, plainUnsure
	} else if kind != kindList {
		return nil, plainFail
	}
	size := len(decls[0].(*ast.ListLit).Elts)
	for _, d := range decls[1:] {
		if len(d.(*ast.ListLit).Elts) != size {
			return nil, plainUnsure // a conflict of the data
		}
	}
	out := &plainValue{kind: kindList, elems: make([]*plainValue, size)}
	st := plainOK
	for i := range size {
		elem := make([]ast.Expr, len(decls))
		for j, d := range decls {
			elem[j] = d.(*ast.ListLit).Elts[i]
		}
		v, est := checkPlain(n.elem, elem)
		st = worse(st, est)
		out.elems[i] = v
	}
	if st != plainOK {
		return nil, st
	}
	return out, plainOK
}

// checkOr unifies the declarations with a disjunction: the alternatives
// that fail for certain drop out, and those left must all be valid and
// give one value (CUE then takes it, marked as a default or not). A value
// the data leaves out is plainDefault's.
func checkOr(n *plainNode, decls []ast.Expr) (*plainValue, plainStatus) {
	var out *plainValue
	for _, a := range n.alts {
		v, st := checkPlain(a, decls)
		switch st {
		case plainFail:
			continue
		case plainUnsure:
			return nil, plainUnsure
		}
		if out != nil && !equalPlain(out, v) {
			return nil, plainUnsure // two values: the defaults would choose
		}
		out = v
	}
	if out == nil {
		return nil, plainFail
	}
	return out, plainOK
}

// equalPlain reports whether two values are the same (struct fields in any
// order).
func equalPlain(a, b *plainValue) bool {
	if a.kind != b.kind || a.isInt != b.isInt || a.text != b.text || a.b != b.b ||
		len(a.fields) != len(b.fields) || len(a.elems) != len(b.elems) {
		return false
	}
	for i := range a.elems {
		if !equalPlain(a.elems[i], b.elems[i]) {
			return false
		}
	}
	for _, fa := range a.fields {
		found := false
		for _, fb := range b.fields {
			if fa.name == fb.name {
				found = equalPlain(fa.value, fb.value)
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// appendJSON writes the value as JSON (fields in their order: decoding into
// Go types does not depend on it).
func (v *plainValue) appendJSON(b []byte) []byte {
	switch v.kind {
	case kindNull:
		return append(b, "null"...)
	case kindBool:
		if v.b {
			return append(b, "true"...)
		}
		return append(b, "false"...)
	case kindNumber:
		return append(b, v.text...)
	case kindString:
		return appendJSONString(b, v.text)
	case kindList:
		b = append(b, '[')
		for i, e := range v.elems {
			if i > 0 {
				b = append(b, ',')
			}
			b = e.appendJSON(b)
		}
		return append(b, ']')
	}
	b = append(b, '{')
	for i, f := range v.fields {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, f.name)
		b = append(b, ':')
		b = f.value.appendJSON(b)
	}
	return append(b, '}')
}

// appendJSONString writes s as CUE's JSON does (encoding/json without
// HTML escaping: the text matters where a quantity keeps it): printable
// ASCII as it is, anything else through encoding/json itself.
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' {
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false)
			_ = enc.Encode(s) // a string always encodes
			return append(b, bytes.TrimSuffix(buf.Bytes(), []byte("\n"))...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// plainService is a service's declarations checked and decoded without
// CUE: plainOK with the service; plainFail when the service is not valid
// for certain; plainUnsure when checkPlain is not sure, or the schema is not
// one plainSchema reads.
func plainService(decls []ast.Expr) (rawService, plainStatus) {
	n := plainSchema()
	if n == nil {
		return rawService{}, plainUnsure
	}
	v, st := checkPlain(n, decls)
	if st != plainOK {
		return rawService{}, st
	}
	var svc rawService
	if err := decodePlain(v, reflect.ValueOf(&svc).Elem()); err != nil { // plaindecode.go
		return rawService{}, plainUnsure
	}
	return svc, plainOK
}

// checkShard checks the services of a shard in Go where checkPlain is sure
// (on the goroutine of the shard: the loader builds the platform on
// another meanwhile), and unifies those it is not sure of with CUE
// (unifyShard) in shards of their own, on every CPU. A service that is not
// valid for certain ends the shard at once: the whole platform's
// unification reports the errors.
func checkShard(fs *fastSchema, sh shard) shardResult {
	services := make(map[string]rawService, len(sh.names))
	var rest []string
	for _, name := range sh.names {
		svc, st := plainService(sh.decls[name])
		switch {
		case st == plainFail:
			return shardResult{}
		case st == plainOK && utf8.ValidString(name):
			services[name] = svc
		default:
			rest = append(rest, name)
		}
	}
	workers := max(1, min(runtime.GOMAXPROCS(0), len(rest)/shardMin))
	results := make([]shardResult, workers)
	var wg sync.WaitGroup
	for w := range workers {
		part := rest[w*len(rest)/workers : (w+1)*len(rest)/workers]
		if len(part) == 0 {
			results[w].ok = true
			continue
		}
		wg.Go(func() {
			if sub, ok := makeShard(part, sh.decls); ok {
				results[w] = unifyShard(fs, sub)
			}
		})
	}
	wg.Wait()
	for _, res := range results {
		if !res.ok {
			return shardResult{}
		}
		for name, svc := range res.services {
			services[name] = svc
		}
	}
	return shardResult{services: services, ok: true}
}
