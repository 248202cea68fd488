package render

import (
	"bytes"
	"errors"
	"fmt"
	"path"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"text/template"
	"text/template/parse"
	"unsafe"

	"helm.sh/helm/v3/pkg/chartutil"
)

// A compiled executor for the templates of a chart: the parse trees of a
// template set become Go closures, run without text/template's per-node
// reflection. It knows a subset of the language and of the values it
// meets, and is exact only where it finishes: a template set using
// anything outside the subset is not compiled, and a run meeting an
// unexpected value, an error of any kind, or a limit of the budget stops
// (fxBail) and the chart is rendered again from the start by text/template,
// which gives exactly what it gives today. A run changes no data that
// existed before it (set, unset and merge only on maps the run made), so
// the second rendering starts from the same data.
//
// What it does is text/template's exec.go (Go 1.26) with missingkey=zero:
// variables resolved to slots as the parser scopes them, field chains on
// maps by key (the zero of the element type when missing) and on structs
// by field, a method name stopping the run; functions called through the
// set's wrapped map (the same budget checks), and called with the
// arguments evalArg and validateType give where no conversion is needed;
// printing as printValue for plain values; truth as isTrue; range over
// lists and over maps in sorted key order; and, or, not, eq, ne, len and
// index as the builtins.

// fastExec turns the compiled executor on (tests compare both paths).
var fastExec = true

// fxStats count chart renderings: by the executor, stopped and rendered
// again, not compiled.
var fxStats struct{ fast, stopped, slow atomic.Int64 }

// fxOnStop, when set, sees why a run stopped (tests).
var fxOnStop func(any)

// fxBail stops a run of the executor: text/template renders the chart.
var fxBail = errors.New("fast executor: not exact here")

func bail() { panic(fxBail) }

type fxCtl uint8

const (
	ctlNone fxCtl = iota
	ctlBreak
	ctlContinue
)

// fxMaxDepth bounds nested includes and template calls of a run.
const fxMaxDepth = 200

type (
	fxNode func(f *fx, fr []any, dot any) fxCtl
	fxExpr func(f *fx, fr []any, dot any) any
	// fxCmd is a command; final is the value piped into it.
	fxCmd func(f *fx, fr []any, dot, final any) any
)

// fxTmpl is one compiled template.
type fxTmpl struct {
	nvars int
	body  []fxNode
}

// run runs t with dot d and returns what it wrote, a string of its own.
// The run's output is one buffer: an execution writes at its end and
// takes back what it wrote, so nested ones (include) stack on it and each
// output is allocated once, at its size.
func (t *fxTmpl) run(f *fx, d any) string {
	mark := len(f.buf)
	f.exec(t, d)
	out := string(f.buf[mark:])
	f.buf = f.buf[:mark]
	return out
}

// fxProg is a compiled template set; funcs are the function names its
// calls use, by index.
type fxProg struct {
	tmpls map[string]*fxTmpl
	funcs []string
}

// fx is one run of a program.
type fx struct {
	s     *helmSlot
	prog  *fxProg
	fns   []any  // the slot's wrapped functions, by index
	buf   []byte // the output of the executions under way (fxTmpl.run)
	args  []any  // the arguments of the calls under way (evalArgs)
	yaml  []byte // toYaml's output before it is written (toYAMLIndented)
	incl  []byte // an include's output before it is written indented (includeOut)
	depth int
	fresh map[unsafe.Pointer]bool // maps made by this run
}

// fxFuncTypes are the types of the set's functions (as bindFuncs binds
// them), for compiling calls.
var fxFuncTypes = sync.OnceValue(func() map[string]reflect.Type {
	s := &helmSlot{}
	m := map[string]reflect.Type{}
	for name, fn := range s.funcMap(nil) {
		m[name] = reflect.TypeOf(fn)
	}
	return m
})

// fxMutators change their first argument: allowed on maps the run made.
var fxMutators = map[string]bool{"set": true, "unset": true, "merge": true, "mergeOverwrite": true, "mustMerge": true, "mustMergeOverwrite": true}

// fxBuiltins are the text/template builtins the executor knows.
var fxBuiltins = map[string]bool{"and": true, "or": true, "not": true, "eq": true, "ne": true, "len": true, "index": true}

var (
	anyType    = reflect.TypeFor[any]()
	valuesType = reflect.TypeFor[chartutil.Values]()
)

// compileSet compiles the templates of rules, nil when any of them uses
// what the executor does not know.
func compileSet(rules *includeRules) (prog *fxProg) {
	defer func() {
		if recover() != nil {
			prog = nil
		}
	}()
	p := &fxProg{tmpls: map[string]*fxTmpl{}}
	for name := range rules.trees {
		p.tmpls[name] = &fxTmpl{}
	}
	c := &fxCompiler{p: p, idx: map[string]int{}}
	for name, tree := range rules.trees {
		t := p.tmpls[name]
		c.nvars, c.scope = 1, []fxVar{{"$", 0}}
		body, ok := c.list(tree.Root)
		if !ok {
			return nil
		}
		t.body, t.nvars = body, c.nvars
	}
	return p
}

type fxVar struct {
	name string
	slot int
}

type fxCompiler struct {
	p     *fxProg
	idx   map[string]int
	nvars int
	scope []fxVar
}

func (c *fxCompiler) declare(name string) int {
	c.scope = append(c.scope, fxVar{name, c.nvars})
	c.nvars++
	return c.nvars - 1
}

func (c *fxCompiler) lookup(name string) (int, bool) {
	for i := len(c.scope) - 1; i >= 0; i-- {
		if c.scope[i].name == name {
			return c.scope[i].slot, true
		}
	}
	return 0, false
}

func (c *fxCompiler) list(l *parse.ListNode) ([]fxNode, bool) {
	if l == nil {
		return nil, true
	}
	var out []fxNode
	for _, n := range l.Nodes {
		x, ok := c.node(n)
		if !ok {
			return nil, false
		}
		if x != nil {
			out = append(out, x)
		}
	}
	return out, true
}

func runList(f *fx, fr []any, dot any, l []fxNode) fxCtl {
	for _, n := range l {
		if ctl := n(f, fr, dot); ctl != ctlNone {
			return ctl
		}
	}
	return ctlNone
}

func (c *fxCompiler) node(n parse.Node) (fxNode, bool) {
	switch n := n.(type) {
	case *parse.TextNode:
		text := string(n.Text)
		return func(f *fx, _ []any, _ any) fxCtl { f.write(text); return ctlNone }, true
	case *parse.CommentNode:
		return nil, true
	case *parse.BreakNode:
		return func(*fx, []any, any) fxCtl { return ctlBreak }, true
	case *parse.ContinueNode:
		return func(*fx, []any, any) fxCtl { return ctlContinue }, true
	case *parse.ActionNode:
		if x, ok := c.includeOut(n.Pipe, -1, false); ok {
			return x, true
		}
		if x, ok := c.printIndented(n.Pipe); ok {
			return x, true
		}
		pipe, ok := c.pipe(n.Pipe)
		if !ok {
			return nil, false
		}
		if len(n.Pipe.Decl) > 0 {
			return func(f *fx, fr []any, dot any) fxCtl { pipe(f, fr, dot); return ctlNone }, true
		}
		return func(f *fx, fr []any, dot any) fxCtl { f.print(pipe(f, fr, dot)); return ctlNone }, true
	case *parse.IfNode:
		return c.ifWith(&n.BranchNode, false)
	case *parse.WithNode:
		return c.ifWith(&n.BranchNode, true)
	case *parse.RangeNode:
		return c.rangeNode(n)
	case *parse.TemplateNode:
		t := c.p.tmpls[n.Name]
		if t == nil {
			return nil, false
		}
		var pipe fxExpr
		if n.Pipe != nil {
			var ok bool
			if pipe, ok = c.pipe(n.Pipe); !ok {
				return nil, false
			}
		}
		return func(f *fx, fr []any, dot any) fxCtl {
			var d any
			if pipe != nil {
				d = pipe(f, fr, dot)
			}
			f.exec(t, d)
			return ctlNone
		}, true
	}
	return nil, false
}

// printIndented compiles an action printing "... | indent N" or
// "... | nindent N" (N a constant): the piped string is written indented
// straight into the output, not made into a string first; ok false for
// any other action.
func (c *fxCompiler) printIndented(p *parse.PipeNode) (fxNode, bool) {
	if len(p.Decl) > 0 || len(p.Cmds) < 2 {
		return nil, false
	}
	last := p.Cmds[len(p.Cmds)-1]
	id, isID := last.Args[0].(*parse.IdentifierNode)
	if !isID || id.Ident != "indent" && id.Ident != "nindent" || len(last.Args) != 2 {
		return nil, false
	}
	if typ := fxFuncTypes()[id.Ident]; typ != reflect.TypeFor[func(int, string) string]() {
		return nil, false
	}
	spaces, ok := constant(last.Args[1], reflect.TypeFor[int]())
	if !ok {
		return nil, false
	}
	head := *p
	head.Cmds = p.Cmds[:len(p.Cmds)-1]
	n, newline := spaces.(int), id.Ident == "nindent"
	if x, ok := c.includeOut(&head, n, newline); ok {
		return x, true
	}
	if x, ok := c.toYAMLIndented(&head, n, newline); ok {
		return x, true
	}
	pipe, ok := c.pipe(&head)
	if !ok {
		return nil, false
	}
	return func(f *fx, fr []any, dot any) fxCtl {
		s, isStr := pipe(f, fr, dot).(string)
		if !isStr {
			bail() // nil, or a string type of its own: validateType's
		}
		f.writeIndented(n, s, newline)
		return ctlNone
	}, true
}

// includeOut compiles an action printing `include NAME DATA` (spaces
// < 0), or its head when the action is "include NAME DATA | indent N" or
// "... | nindent N" (newline): the template runs straight into the output
// (fx.includeOut) instead of into a string printed after; ok false for any
// other pipeline.
func (c *fxCompiler) includeOut(p *parse.PipeNode, spaces int, newline bool) (fxNode, bool) {
	if p == nil || len(p.Decl) > 0 || len(p.Cmds) != 1 || !pureFuncs["include"] {
		return nil, false
	}
	cmd := p.Cmds[0]
	id, isID := cmd.Args[0].(*parse.IdentifierNode)
	typ := fxFuncTypes()["include"]
	if !isID || id.Ident != "include" || len(cmd.Args) != 3 || typ == nil || typ.IsVariadic() || typ.NumIn() != 2 {
		return nil, false
	}
	xs := make([]fxExpr, 2)
	for i, a := range cmd.Args[1:] {
		x, ok := c.arg(a, typ.In(i))
		if !ok {
			return nil, false
		}
		xs[i] = x
	}
	return func(f *fx, fr []any, dot any) fxCtl {
		v := evalArgs(f, fr, dot, nil, xs, false, nil)
		name, data := v[0].(string), v[1]
		f.popArgs(v)
		f.includeOut(name, data, spaces, newline)
		return ctlNone
	}, true
}

// toYAMLIndented compiles "toYaml X | nindent N" (p is "toYaml X" or
// "... | toYaml"): the YAML is made in a buffer of the run and written
// indented from it, with the checks of both functions (typedWrap); ok
// false for any other pipeline.
func (c *fxCompiler) toYAMLIndented(p *parse.PipeNode, spaces int, newline bool) (fxNode, bool) {
	last := p.Cmds[len(p.Cmds)-1]
	id, isID := last.Args[0].(*parse.IdentifierNode)
	piped := len(p.Cmds) > 1
	if !isID || id.Ident != "toYaml" || piped && len(last.Args) != 1 || !piped && len(last.Args) != 2 {
		return nil, false
	}
	if typ := fxFuncTypes()[id.Ident]; typ != reflect.TypeFor[func(any) string]() {
		return nil, false
	}
	var arg fxExpr
	if piped {
		head := *p
		head.Cmds = p.Cmds[:len(p.Cmds)-1]
		pipe, ok := c.pipe(&head)
		if !ok {
			return nil, false
		}
		arg = pipe
	} else {
		x, ok := c.arg(last.Args[1], anyType)
		if !ok {
			return nil, false
		}
		arg = x
	}
	return func(f *fx, fr []any, dot any) fxCtl {
		v := arg(f, fr, dot)
		r := f.s.c.r
		if r.check() != nil || argsSize([]reflect.Value{argOf(v)}) > MaxTemplateOutput {
			bail() // what toYaml's wrapper refuses
		}
		b, ok := appendYAML(f.yaml[:0], v, 0, false, 0)
		if !ok {
			f.writeIndented(spaces, helmToYAML(v), newline)
			return ctlNone
		}
		f.yaml = b[:0]
		b = bytes.TrimSuffix(b, []byte("\n"))
		if len(b) > MaxTemplateOutput {
			bail()
		}
		f.writeIndented(spaces, unsafe.String(unsafe.SliceData(b), len(b)), newline)
		return ctlNone
	}, true
}

// writeIndented writes what sprig's indent (nindent: newline) gives for
// spaces and s, with the checks of the wrapped function (typedWrap) and of
// writing its result.
func (f *fx) writeIndented(spaces int, s string, newline bool) {
	r := f.s.c.r
	if r.check() != nil || spaces < 0 || spaces > MaxTemplateOutput {
		bail() // an error of the budget, or of strings.Repeat
	}
	size := spaces*(strings.Count(s, "\n")+1) + len(s)
	if newline {
		size++
	}
	if size > MaxTemplateOutput || r.charge(size) != nil {
		bail()
	}
	if newline {
		f.buf = append(f.buf, '\n')
	}
	f.buf = appendIndent(f.buf, spaces)
	for {
		i := strings.IndexByte(s, '\n')
		if i < 0 {
			f.buf = append(f.buf, s...)
			return
		}
		f.buf = append(f.buf, s[:i+1]...)
		f.buf = appendIndent(f.buf, spaces)
		s = s[i+1:]
	}
}

func (c *fxCompiler) ifWith(b *parse.BranchNode, with bool) (fxNode, bool) {
	mark := len(c.scope)
	defer func() { c.scope = c.scope[:mark] }()
	pipe, ok := c.pipe(b.Pipe)
	if !ok {
		return nil, false
	}
	inner := len(c.scope)
	list, ok := c.list(b.List)
	if !ok {
		return nil, false
	}
	c.scope = c.scope[:inner] // the list's variables are not the else list's
	elseList, ok := c.list(b.ElseList)
	if !ok {
		return nil, false
	}
	return func(f *fx, fr []any, dot any) fxCtl {
		v := pipe(f, fr, dot)
		if truth(v) {
			if with {
				return runList(f, fr, v, list)
			}
			return runList(f, fr, dot, list)
		}
		return runList(f, fr, dot, elseList)
	}, true
}

func (c *fxCompiler) rangeNode(r *parse.RangeNode) (fxNode, bool) {
	mark := len(c.scope)
	defer func() { c.scope = c.scope[:mark] }()
	if len(r.Pipe.Decl) > 2 {
		return nil, false
	}
	pipe, ok := c.pipe(r.Pipe)
	if !ok {
		return nil, false
	}
	// the slots pipe set: index and element, or the element
	slots := make([]int, len(r.Pipe.Decl))
	for i, v := range r.Pipe.Decl {
		slots[i], _ = c.lookup(v.Ident[0])
	}
	inner := len(c.scope)
	list, ok := c.list(r.List)
	if !ok {
		return nil, false
	}
	c.scope = c.scope[:inner]
	elseList, ok := c.list(r.ElseList)
	if !ok {
		return nil, false
	}
	one := func(f *fx, fr []any, key, elem any) fxCtl {
		switch len(slots) {
		case 1:
			fr[slots[0]] = elem
		case 2:
			fr[slots[0]], fr[slots[1]] = key, elem
		}
		return runList(f, fr, elem, list)
	}
	return func(f *fx, fr []any, dot any) fxCtl {
		v := pipe(f, fr, dot)
		n := 0
		switch x := v.(type) {
		case nil:
		case []any:
			for i := 0; i < len(x); i++ {
				n++
				if one(f, fr, i, x[i]) == ctlBreak {
					break
				}
			}
		case map[string]any:
			n = rangeMap(f, fr, x, one)
		case chartutil.Values:
			n = rangeMap(f, fr, x, one)
		default:
			rv := reflect.ValueOf(v)
			switch rv.Kind() {
			case reflect.Slice, reflect.Array:
				for i := 0; i < rv.Len(); i++ {
					n++
					if one(f, fr, i, rv.Index(i).Interface()) == ctlBreak {
						break
					}
				}
			case reflect.Map:
				if rv.Type().Key().Kind() != reflect.String {
					bail()
				}
				keys := rv.MapKeys()
				slices.SortFunc(keys, func(a, b reflect.Value) int { return strings.Compare(a.String(), b.String()) })
				elems := make([]any, len(keys))
				for i, k := range keys {
					elems[i] = rv.MapIndex(k).Interface()
				}
				for i, k := range keys {
					n++
					if one(f, fr, k.Interface(), elems[i]) == ctlBreak {
						break
					}
				}
			default:
				bail()
			}
		}
		if n == 0 {
			return runList(f, fr, dot, elseList)
		}
		return ctlNone
	}, true
}

// rangeMap ranges over m in sorted key order, its entries as they were
// when the range started (fmtsort); it returns the entries visited.
func rangeMap(f *fx, fr []any, m map[string]any, one func(f *fx, fr []any, key, elem any) fxCtl) int {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	elems := make([]any, len(keys))
	for i, k := range keys {
		elems[i] = m[k]
	}
	for i, k := range keys {
		if one(f, fr, k, elems[i]) == ctlBreak {
			return i + 1
		}
	}
	return len(keys)
}

// pipe compiles a pipeline; its variables are declared or assigned.
func (c *fxCompiler) pipe(p *parse.PipeNode) (fxExpr, bool) {
	if p == nil || len(p.Cmds) == 0 {
		return nil, false
	}
	cmds := make([]fxCmd, len(p.Cmds))
	for i, cmd := range p.Cmds {
		x, ok := c.command(cmd, i > 0)
		if !ok {
			return nil, false
		}
		cmds[i] = x
	}
	slots := make([]int, len(p.Decl))
	for i, v := range p.Decl {
		if p.IsAssign {
			s, ok := c.lookup(v.Ident[0])
			if !ok {
				return nil, false
			}
			slots[i] = s
		} else {
			slots[i] = -1
		}
	}
	// declared after the commands: they do not see the new variables
	for i, v := range p.Decl {
		if slots[i] < 0 {
			slots[i] = c.declare(v.Ident[0])
		}
	}
	if len(cmds) == 1 && len(slots) == 0 {
		cmd := cmds[0]
		return func(f *fx, fr []any, dot any) any { return cmd(f, fr, dot, nil) }, true
	}
	return func(f *fx, fr []any, dot any) any {
		var v any
		for _, cmd := range cmds {
			v = cmd(f, fr, dot, v)
		}
		for _, s := range slots {
			fr[s] = v
		}
		return v
	}, true
}

// command compiles a command; piped: a value is piped into it.
func (c *fxCompiler) command(cmd *parse.CommandNode, piped bool) (fxCmd, bool) {
	if id, ok := cmd.Args[0].(*parse.IdentifierNode); ok {
		return c.call(id.Ident, cmd.Args[1:], piped)
	}
	if piped || len(cmd.Args) > 1 {
		return nil, false // an error, or a method call
	}
	x, ok := c.operand(cmd.Args[0])
	if !ok {
		return nil, false
	}
	return func(f *fx, fr []any, dot, _ any) any { return x(f, fr, dot) }, true
}

// operand compiles an argument or a command's only word, its value as
// evalArg gives it to an interface{} parameter.
func (c *fxCompiler) operand(n parse.Node) (fxExpr, bool) {
	switch n := n.(type) {
	case *parse.DotNode:
		return func(_ *fx, _ []any, dot any) any { return dot }, true
	case *parse.StringNode, *parse.NumberNode, *parse.BoolNode:
		v, ok := constant(n, anyType)
		return func(*fx, []any, any) any { return v }, ok
	case *parse.FieldNode:
		return c.fields(func(_ *fx, _ []any, dot any) any { return dot }, n.Ident)
	case *parse.VariableNode:
		s, ok := c.lookup(n.Ident[0])
		if !ok {
			return nil, false
		}
		return c.fields(func(_ *fx, fr []any, _ any) any { return fr[s] }, n.Ident[1:])
	case *parse.ChainNode:
		if _, isNil := n.Node.(*parse.NilNode); isNil {
			return nil, false
		}
		x, ok := c.operand(n.Node)
		if !ok {
			return nil, false
		}
		return c.fields(x, n.Field)
	case *parse.PipeNode:
		return c.pipe(n)
	case *parse.IdentifierNode:
		call, ok := c.call(n.Ident, nil, false)
		if !ok {
			return nil, false
		}
		return func(f *fx, fr []any, dot any) any { return call(f, fr, dot, nil) }, true
	}
	return nil, false
}

// constant is a constant node as evalArg gives it to a parameter of type
// typ (interface{}: idealConstant); ok false where that is an error or a
// type this does not know.
func constant(n parse.Node, typ reflect.Type) (any, bool) {
	switch n := n.(type) {
	case *parse.StringNode:
		if typ == anyType || typ.Kind() == reflect.String && typ.PkgPath() == "" {
			return n.Text, true
		}
	case *parse.BoolNode:
		if typ == anyType || typ.Kind() == reflect.Bool && typ.PkgPath() == "" {
			return n.True, true
		}
	case *parse.NumberNode:
		switch {
		case typ == anyType:
			t := n.Text
			isHex := len(t) > 2 && t[0] == '0' && (t[1] == 'x' || t[1] == 'X') && !strings.ContainsAny(t, "pP")
			if n.IsComplex {
				return nil, false
			}
			if n.IsFloat && !isHex && !(len(t) > 0 && t[0] == '\'') && strings.ContainsAny(t, ".eEpP") {
				return n.Float64, true
			}
			if n.IsInt && int64(int(n.Int64)) == n.Int64 {
				return int(n.Int64), true
			}
		case typ == reflect.TypeFor[int]() && n.IsInt:
			return int(n.Int64), true
		case typ == reflect.TypeFor[int64]() && n.IsInt:
			return n.Int64, true
		case typ == reflect.TypeFor[float64]() && n.IsFloat:
			return n.Float64, true
		}
	}
	return nil, false
}

// fields compiles field names read from x's value.
func (c *fxCompiler) fields(x fxExpr, idents []string) (fxExpr, bool) {
	for _, name := range idents {
		prev, name, method := x, name, valuesMethod(name)
		x = func(f *fx, fr []any, dot any) any { return field(prev(f, fr, dot), name, method) }
	}
	return x, true
}

// valuesMethod says whether name is a method of chartutil.Values (a field
// of that name calls it).
func valuesMethod(name string) bool {
	_, ok := reflect.PointerTo(valuesType).MethodByName(name)
	return ok
}

// field is evalField for a field without arguments.
func field(x any, name string, valuesMethod bool) any {
	switch m := x.(type) {
	case map[string]any:
		return m[name]
	case chartutil.Values:
		if valuesMethod {
			bail()
		}
		return m[name]
	case nil:
		bail() // text/template: zero or an error, by how the nil came
	}
	v := reflect.ValueOf(x)
	for v.Kind() == reflect.Pointer {
		if v.IsNil() {
			bail()
		}
		v = v.Elem()
	}
	t := v.Type()
	if _, ok := reflect.PointerTo(t).MethodByName(name); ok {
		bail()
	}
	switch v.Kind() {
	case reflect.Struct:
		sf, ok := t.FieldByName(name)
		if !ok || !sf.IsExported() {
			bail()
		}
		fv, err := v.FieldByIndexErr(sf.Index)
		if err != nil {
			bail()
		}
		return fv.Interface()
	case reflect.Map:
		if t.Key() != reflect.TypeFor[string]() {
			bail()
		}
		r := v.MapIndex(reflect.ValueOf(name))
		if !r.IsValid() {
			r = reflect.Zero(t.Elem())
		}
		return r.Interface()
	}
	bail()
	return nil
}

// arg compiles an argument for a parameter of type typ: validateType's
// value where no conversion is needed.
func (c *fxCompiler) arg(n parse.Node, typ reflect.Type) (fxExpr, bool) {
	switch n.(type) {
	case *parse.StringNode, *parse.NumberNode, *parse.BoolNode:
		v, ok := constant(n, typ)
		return func(*fx, []any, any) any { return v }, ok
	case *parse.NilNode:
		if typ != anyType {
			return nil, false
		}
		return func(*fx, []any, any) any { return nil }, true
	}
	x, ok := c.operand(n)
	if !ok || typ == anyType {
		return x, ok
	}
	return func(f *fx, fr []any, dot any) any { return convert(x(f, fr, dot), typ) }, true
}

// convert is validateType(v, typ) where v is assignable to typ.
func convert(v any, typ reflect.Type) any {
	if typ == anyType {
		return v
	}
	if v == nil {
		bail() // Zero(typ) or an error, by how the nil came
	}
	if m, ok := v.(chartutil.Values); ok && typ == reflect.TypeFor[map[string]any]() {
		return map[string]any(m)
	}
	if reflect.TypeOf(v) != typ {
		bail()
	}
	return v
}

// call compiles a call of function name with args, and the piped value
// last when piped.
func (c *fxCompiler) call(name string, args []parse.Node, piped bool) (fxCmd, bool) {
	typ := fxFuncTypes()[name]
	if typ == nil {
		if !fxBuiltins[name] {
			return nil, false
		}
		return c.builtin(name, args, piped)
	}
	if !pureFuncs[name] {
		return nil, false
	}
	n := len(args)
	if piped {
		n++
	}
	if typ.IsVariadic() && n < typ.NumIn()-1 || !typ.IsVariadic() && n != typ.NumIn() {
		return nil, false
	}
	if typ.NumOut() == 2 && typ.Out(1) != reflect.TypeFor[error]() || typ.NumOut() == 0 || typ.NumOut() > 2 {
		return nil, false
	}
	in := func(i int) reflect.Type {
		if typ.IsVariadic() && i >= typ.NumIn()-1 {
			return typ.In(typ.NumIn() - 1).Elem()
		}
		return typ.In(i)
	}
	xs := make([]fxExpr, len(args))
	for i, a := range args {
		x, ok := c.arg(a, in(i))
		if !ok {
			return nil, false
		}
		xs[i] = x
	}
	var finalType reflect.Type
	if piped {
		finalType = in(n - 1)
	}
	if name == "include" {
		return func(f *fx, fr []any, dot, final any) any {
			v := evalArgs(f, fr, dot, final, xs, piped, finalType)
			name, data := v[0].(string), v[1]
			f.popArgs(v)
			return f.include(name, data)
		}, true
	}
	idx, ok := c.idx[name]
	if !ok {
		idx = len(c.p.funcs)
		c.idx[name] = idx
		c.p.funcs = append(c.p.funcs, name)
	}
	fresh := name == "dict" || name == "deepCopy" || name == "mustDeepCopy"
	mutator := fxMutators[name]
	merge := mutator && strings.Contains(name, "erge")
	return func(f *fx, fr []any, dot, final any) any {
		v := evalArgs(f, fr, dot, final, xs, piped, finalType)
		if mutator {
			f.mayChange(v, merge)
		}
		if name == "sortAlpha" && isStrings(v[0]) {
			bail() // sorts its argument
		}
		out := f.invoke(f.fns[idx], typ, v)
		f.popArgs(v)
		if fresh {
			f.made(out)
		}
		return out
	}, true
}

// evalArgs evaluates a call's arguments onto the run's argument stack
// (the functions invoke calls keep no argument list: sprig's variadic
// functions it calls directly copy what they keep, the others are called
// by reflection, which copies); popArgs takes them off after the call.
func evalArgs(f *fx, fr []any, dot, final any, xs []fxExpr, piped bool, finalType reflect.Type) []any {
	start := len(f.args)
	for _, x := range xs {
		a := x(f, fr, dot) // what it pushes, it pops
		f.args = append(f.args, a)
	}
	if piped {
		f.args = append(f.args, convert(final, finalType))
	}
	return f.args[start:len(f.args):len(f.args)]
}

// popArgs takes v, the last arguments evalArgs gave, off the stack.
func (f *fx) popArgs(v []any) {
	n := len(f.args) - len(v)
	clear(f.args[n:])
	f.args = f.args[:n]
}

// invoke calls fn, of type typ, with the arguments v (of its parameters'
// types); an error stops the run.
func (f *fx) invoke(fn any, typ reflect.Type, v []any) any {
	switch fn := fn.(type) {
	case func(string) string:
		return fn(v[0].(string))
	case func(int, string) string:
		return fn(v[0].(int), v[1].(string))
	case func(any) string:
		return fn(v[0])
	case func(...any) string:
		return fn(v...)
	case func(string, ...any) string:
		return fn(v[0].(string), v[1:]...)
	case func(any) int64:
		return fn(v[0])
	case func(any) bool:
		return fn(v[0])
	case func(map[string]any, string) bool:
		return fn(v[0].(map[string]any), v[1].(string))
	case func(any, ...any) any:
		return fn(v[0], v[1:]...)
	case func(...any) map[string]any:
		return fn(v...)
	}
	in := make([]reflect.Value, len(v))
	for i, a := range v {
		if a == nil {
			in[i] = reflect.Zero(anyType)
		} else {
			in[i] = reflect.ValueOf(a)
		}
	}
	out := reflect.ValueOf(fn).Call(in)
	if len(out) == 2 && !out[1].IsNil() {
		bail()
	}
	return out[0].Interface()
}

func isStrings(v any) bool {
	_, ok := v.([]string)
	return ok
}

// made notes a map the run made: it may change it.
func (f *fx) made(v any) {
	if p := mapPointer(v); p != nil {
		if f.fresh == nil {
			f.fresh = map[unsafe.Pointer]bool{}
		}
		f.fresh[p] = true
	}
}

func mapPointer(v any) unsafe.Pointer {
	switch m := v.(type) {
	case map[string]any:
		return *(*unsafe.Pointer)(unsafe.Pointer(&m))
	case chartutil.Values:
		return *(*unsafe.Pointer)(unsafe.Pointer(&m))
	}
	return nil
}

// mayChange stops the run before a change to a map the run did not make,
// and before a merge that would merge into nested maps (which may be
// anyone's).
func (f *fx) mayChange(v []any, merge bool) {
	if p := mapPointer(v[0]); p == nil || !f.fresh[p] {
		bail()
	}
	if merge {
		for _, src := range v[1:] {
			m, _ := src.(map[string]any)
			for _, e := range m {
				switch e.(type) {
				case nil, string, bool, int, int64, float64, []any:
				default:
					bail() // mergo merges into maps, structs, pointers
				}
			}
		}
	}
}

// builtin compiles the text/template builtins the executor knows.
func (c *fxCompiler) builtin(name string, args []parse.Node, piped bool) (fxCmd, bool) {
	xs := make([]fxExpr, len(args))
	for i, a := range args {
		var ok bool
		if _, isNil := a.(*parse.NilNode); isNil {
			xs[i], ok = func(*fx, []any, any) any { return nil }, true
		} else {
			xs[i], ok = c.operand(a)
		}
		if !ok {
			return nil, false
		}
	}
	n := len(xs)
	if piped {
		n++
	}
	switch name {
	case "and", "or":
		if n == 0 {
			return nil, false
		}
		or := name == "or"
		return func(f *fx, fr []any, dot, final any) any {
			var v any
			for _, x := range xs {
				if v = x(f, fr, dot); truth(v) == or {
					return v
				}
			}
			if piped {
				v = final
			}
			return v
		}, true
	case "not", "len":
		if n != 1 {
			return nil, false
		}
		not := name == "not"
		return func(f *fx, fr []any, dot, final any) any {
			v := final
			if !piped {
				v = xs[0](f, fr, dot)
			}
			if not {
				return !truth(v)
			}
			return length(v)
		}, true
	case "eq", "ne":
		if n < 2 || name == "ne" && n != 2 {
			return nil, false
		}
		ne := name == "ne"
		return func(f *fx, fr []any, dot, final any) any {
			v := evalArgs(f, fr, dot, final, xs, piped, anyType)
			same := eq(v[0], v[1:])
			f.popArgs(v)
			return same != ne
		}, true
	case "index":
		if n == 0 {
			return nil, false
		}
		return func(f *fx, fr []any, dot, final any) any {
			v := evalArgs(f, fr, dot, final, xs, piped, anyType)
			defer f.popArgs(v)
			item := v[0]
			if item == nil {
				bail()
			}
			for _, k := range v[1:] {
				key, ok := k.(string)
				if !ok {
					bail()
				}
				switch m := item.(type) {
				case map[string]any:
					item = m[key]
				case chartutil.Values:
					item = m[key]
				default:
					bail()
				}
			}
			return item
		}, true
	}
	return nil, false
}

func length(v any) int {
	switch x := v.(type) {
	case string:
		return len(x)
	case []any:
		return len(x)
	case map[string]any:
		return len(x)
	case chartutil.Values:
		return len(x)
	case nil:
		bail()
	}
	switch rv := reflect.ValueOf(v); rv.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return rv.Len()
	}
	bail()
	return 0
}

// truth is isTrue; a value without truth stops the run.
func truth(v any) bool {
	switch x := v.(type) {
	case nil:
		return false
	case string:
		return x != ""
	case bool:
		return x
	case map[string]any:
		return len(x) > 0
	case chartutil.Values:
		return len(x) > 0
	case []any:
		return len(x) > 0
	case int:
		return x != 0
	case int64:
		return x != 0
	case float64:
		return x != 0
	}
	t, ok := template.IsTrue(v)
	if !ok {
		bail()
	}
	return t
}

// basic is basicKind: 0 for what is not a bool, number or string.
func basic(v any) reflect.Kind {
	switch v.(type) {
	case string:
		return reflect.String
	case bool:
		return reflect.Bool
	case int, int64:
		return reflect.Int
	case float64:
		return reflect.Float64
	case nil:
		return reflect.Invalid
	}
	switch k := reflect.ValueOf(v).Kind(); k {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return reflect.Int
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return reflect.Uint
	case reflect.Float32, reflect.Float64:
		return reflect.Float64
	case reflect.Bool, reflect.String:
		return k
	}
	return reflect.UnsafePointer // not basic
}

// eq is the builtin eq for nil and basic kinds; anything else stops the
// run.
func eq(a any, bs []any) bool {
	ka := basic(a)
	for _, b := range bs {
		kb := basic(b)
		switch {
		case ka == reflect.UnsafePointer || kb == reflect.UnsafePointer:
			bail()
		case ka == reflect.Invalid && kb == reflect.Invalid:
			return true
		case ka == reflect.Invalid || kb == reflect.Invalid:
			// false: a nil against a value
		case ka != kb:
			bail() // compared across kinds: int and uint, or an error
		default:
			va, vb := reflect.ValueOf(a), reflect.ValueOf(b)
			var same bool
			switch ka {
			case reflect.String:
				same = va.String() == vb.String()
			case reflect.Bool:
				same = va.Bool() == vb.Bool()
			case reflect.Int:
				same = va.Int() == vb.Int()
			case reflect.Uint:
				same = va.Uint() == vb.Uint()
			case reflect.Float64:
				same = va.Float() == vb.Float()
			}
			if same {
				return true
			}
		}
	}
	return false
}

// write writes s to the run's output, under the budget.
func (f *fx) write(s string) {
	if f.s.c.r.charge(len(s)) != nil {
		bail()
	}
	f.buf = append(f.buf, s...)
}

// print is printValue for plain values.
func (f *fx) print(v any) {
	switch x := v.(type) {
	case nil:
		f.write("<no value>")
	case string:
		f.write(x)
	case bool:
		f.write(strconv.FormatBool(x))
	case int:
		f.write(strconv.Itoa(x))
	case int64:
		f.write(strconv.FormatInt(x, 10))
	case float64, map[string]any, []any, chartutil.Values, []string:
		f.write(fmt.Sprint(x))
	default:
		bail()
	}
}

// exec runs t with dot d, writing to the current output.
func (f *fx) exec(t *fxTmpl, d any) {
	if f.depth++; f.depth > fxMaxDepth {
		bail()
	}
	fr := make([]any, t.nvars)
	fr[0] = d
	runList(f, fr, d, t.body)
	f.depth--
}

// include is include under the budget (typedWrap's checks), its results
// kept as includeFun keeps them.
func (f *fx) include(name string, data any) string {
	k, keep := f.s.cache.key(name, data)
	return f.includeKept(name, data, k, keep)
}

// includeKept is include of name with data, whose key is k (keep: its
// result may be kept).
func (f *fx) includeKept(name string, data any, k includeKey, keep bool) string {
	r := f.s.c.r
	if r.check() != nil {
		bail()
	}
	cache := &f.s.cache
	if keep {
		if res, ok := cache.get(k); ok {
			if r.charge(int(res.written)) != nil {
				bail()
			}
			return res.out
		}
	}
	t := f.template(name)
	before, gen := r.written.Load(), cache.gen
	out := t.run(f, data)
	if len(out) > MaxTemplateOutput {
		bail()
	}
	if keep && cache.gen == gen {
		cache.put(k, includeResult{out: out, written: r.written.Load() - before, data: data})
	}
	return out
}

// template is the program's template name; the run stops without one.
func (f *fx) template(name string) *fxTmpl {
	t := f.prog.tmpls[name]
	if t == nil {
		bail()
	}
	return t
}

// includeOut writes include name with data to the output as printing its
// result would (spaces < 0), or writing it indented by spaces (indent, or
// nindent with newline): under the same checks and charges, but a result
// not kept for other calls is rendered where it is printed, or indented
// from a buffer of the run, without a string made of it.
func (f *fx) includeOut(name string, data any, spaces int, newline bool) {
	if k, keep := f.s.cache.key(name, data); keep {
		out := f.includeKept(name, data, k, true)
		if spaces < 0 {
			f.write(out)
		} else {
			f.writeIndented(spaces, out, newline)
		}
		return
	}
	r := f.s.c.r
	if r.check() != nil {
		bail()
	}
	t := f.template(name)
	mark := len(f.buf)
	f.exec(t, data)
	n := len(f.buf) - mark
	if n > MaxTemplateOutput {
		bail()
	}
	if spaces < 0 {
		// Printed where it was rendered: print's charge, not its copy.
		if r.charge(n) != nil {
			bail()
		}
		return
	}
	f.incl = append(f.incl[:0], f.buf[mark:]...)
	f.buf = f.buf[:mark]
	f.writeIndented(spaces, unsafe.String(unsafe.SliceData(f.incl), len(f.incl)), newline)
}

// fastRender renders the templates keys of tpls with the compiled
// program, ok false where the run stopped (nothing it did then counts).
func (c *helmChartRun) fastRender(set *helmSet, prog *fxProg, tpls map[string]helmRenderable, keys []string) (rendered map[string]string, ok bool) {
	defer func() {
		if p := recover(); p != nil {
			if fxOnStop != nil {
				fxOnStop(p)
			}
			rendered, ok = nil, false
		}
	}()
	f := &fx{s: set.slot, prog: prog, fns: set.slot.fxFuncs(prog), buf: set.slot.fxBuf[:0]}
	defer func() {
		if cap(f.buf) <= maxKeptBuf {
			set.slot.fxBuf = f.buf[:0] // for the set's next run
		}
	}()
	rendered = make(map[string]string, len(keys))
	for _, filename := range keys {
		if strings.HasPrefix(path.Base(filename), "_") {
			continue
		}
		t := prog.tmpls[filename]
		if t == nil {
			return nil, false
		}
		c.setCurrent(filename)
		c.r.written.Store(0)
		tpl := tpls[filename]
		vals := c.valsOf(tpl)
		if tpl.template != nil {
			vals["Template"] = tpl.template // the executor changes none of it
		} else {
			vals["Template"] = chartutil.Values{"Name": filename, "BasePath": tpl.basePath}
		}
		mark := len(f.buf)
		f.exec(t, vals)
		if out := f.buf[mark:]; bytes.Contains(out, []byte("<no value>")) {
			rendered[filename] = strings.ReplaceAll(string(out), "<no value>", "")
		} else {
			rendered[filename] = c.texts.text(out)
		}
		f.buf = f.buf[:mark]
	}
	return rendered, true
}

// maxKeptBuf bounds the output buffer a template set keeps between runs.
const maxKeptBuf = 1 << 20

// fxFuncs are the slot's wrapped functions in prog's order.
func (s *helmSlot) fxFuncs(prog *fxProg) []any {
	if s.fxProg != prog {
		s.fxFns = make([]any, len(prog.funcs))
		for i, name := range prog.funcs {
			s.fxFns[i] = s.wrapped[name]
		}
		s.fxProg = prog
	}
	return s.fxFns
}

// program is the compiled program of the rules' set, nil when it uses
// what the executor does not know.
func (r *includeRules) program() *fxProg {
	r.progOnce.Do(func() { r.prog = compileSet(r) })
	return r.prog
}
