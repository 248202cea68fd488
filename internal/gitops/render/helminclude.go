package render

import (
	"reflect"
	"sync"
	"text/template"
	"text/template/parse"
	"unsafe"

	"helm.sh/helm/v3/pkg/chartutil"
)

// include's results, kept for one rendering of a chart.
//
// Charts include the same helper with the same data many times (labels,
// selectors, metadata in every object). An include result is kept, and
// given again without executing the template, only where it is provably
// what executing it again would give:
//
//   - the template set is pure (includeRules): every function it calls
//     anywhere is deterministic and changes none of its arguments
//     (pureFuncs: no set, unset, merge, tpl, rand*, now, keys, ...), and
//     include and template name only constant templates, with no cycle
//     among them (so include's recursion count never nears its limit, and
//     a result does not depend on the includes around it). Then nothing a
//     template reaches changes during a rendering, except what the engine
//     itself sets: .Template of a chart's top-level data, before each file;
//   - the data is the same: a map or list by identity (the entry holds it,
//     so its address is not reused), a scalar by value and type;
//   - for data that is a chart's top-level data (whose .Template changes
//     from file to file), the template never observes .Template
//     (rootBlind): it reads that data only through .Values, .Release,
//     .Chart, .Capabilities or .Files, tests it in if or with, or passes it
//     on to include or template of a template that does the same; it never
//     prints it, ranges over it, or gives it to a function. Any other data
//     reaches no top-level data, or is a value the templates made during
//     the current file (a dict holding $), which no later file can name.
//
// A result is kept only when the include succeeded; a hit charges the
// run's output count with what the execution wrote, so the budget stops a
// template at the same total.

// pureFuncs are the functions of Helm's map (and text/template's builtins)
// that are deterministic and modify none of their arguments. A template
// set calling any other keeps no include results.
var pureFuncs = map[string]bool{}

func init() {
	for _, name := range []string{
		// text/template builtins (call excepted)
		"and", "or", "not", "len", "index", "slice", "eq", "ne", "lt", "le", "gt", "ge", "print", "printf", "println", "html", "js", "urlquery",
		// Helm
		"include", "required", "fail", "toYaml", "toYamlPretty", "fromYaml", "fromYamlArray", "toJson", "fromJson", "fromJsonArray", "toToml", "fromToml", "lookup", "getHostByName",
		// strings
		"trim", "trimAll", "trimall", "trimPrefix", "trimSuffix", "upper", "lower", "title", "untitle", "substr", "repeat", "nospace", "trunc", "abbrev", "abbrevboth",
		"initials", "wrap", "wrapWith", "contains", "hasPrefix", "hasSuffix", "quote", "squote", "cat", "indent", "nindent", "replace", "plural", "snakecase", "camelcase",
		"kebabcase", "toString", "toStrings", "b64enc", "b64dec", "b32enc", "b32dec", "sha1sum", "sha256sum", "adler32sum", "split", "splitList", "splitn", "join",
		"regexMatch", "mustRegexMatch", "regexFind", "mustRegexFind", "regexFindAll", "mustRegexFindAll", "regexReplaceAll", "mustRegexReplaceAll",
		"regexReplaceAllLiteral", "mustRegexReplaceAllLiteral", "regexSplit", "mustRegexSplit", "regexQuoteMeta",
		// conversions and types
		"atoi", "int", "int64", "float64", "toDecimal", "toPrettyJson", "toRawJson", "mustToJson", "mustToPrettyJson", "mustToRawJson", "mustFromJson",
		"typeOf", "typeIs", "typeIsLike", "kindOf", "kindIs", "deepEqual",
		// defaults and logic
		"default", "empty", "coalesce", "all", "any", "ternary",
		// math
		"add", "add1", "sub", "div", "mod", "mul", "max", "min", "biggest", "floor", "ceil", "round", "addf", "add1f", "subf", "divf", "mulf", "maxf", "minf",
		"until", "untilStep", "seq",
		// lists and dicts: new values, the arguments untouched
		"list", "tuple", "first", "mustFirst", "rest", "mustRest", "last", "mustLast", "initial", "mustInitial", "append", "mustAppend", "push", "mustPush",
		"prepend", "mustPrepend", "concat", "reverse", "mustReverse", "uniq", "mustUniq", "without", "mustWithout", "has", "mustHas", "compact", "mustCompact",
		"chunk", "mustChunk", "dict", "get", "hasKey", "pluck", "dig", "pick", "omit", "deepCopy", "mustDeepCopy",
		// these change data in place: bindMutators drops the results kept
		// when they are called
		"set", "unset", "merge", "mergeOverwrite", "mustMerge", "mustMergeOverwrite", "sortAlpha",
		// paths
		"base", "dir", "clean", "ext", "isAbs", "osBase", "osDir", "osClean", "osExt", "osIsAbs",
	} {
		pureFuncs[name] = true
	}
}

// rootFields are the fields of a chart's top-level data that never lead
// back to top-level data (unlike .Template and .Subcharts).
var rootFields = map[string]bool{"Values": true, "Release": true, "Chart": true, "Capabilities": true, "Files": true}

// includeRules say which include results a template set may keep.
type includeRules struct {
	trees map[string]*parse.Tree
	// pure: the set calls only pureFuncs, includes constant names, and
	// its includes have no cycle.
	pure bool
	// blind[name]: with a chart's top-level data, the template does not
	// observe .Template (computed for every defined template when pure).
	blind map[string]bool
	// prog is the set compiled (helmexec.go), once.
	progOnce sync.Once
	prog     *fxProg
}

// newIncludeRules analyses a parsed template set (its trees are shared by
// its clones and never modified by execution).
func newIncludeRules(t *template.Template) *includeRules {
	r := &includeRules{trees: map[string]*parse.Tree{}, blind: map[string]bool{}}
	for _, tt := range t.Templates() {
		if tt.Tree != nil && tt.Tree.Root != nil {
			r.trees[tt.Name()] = tt.Tree
		}
	}
	r.pure = r.checkPure()
	if r.pure {
		for name := range r.trees {
			a := &rootWalk{rules: r, onStack: map[string]bool{}}
			r.blind[name] = a.template(name)
		}
	}
	return r
}

// checkPure checks every node of every template of the set.
func (r *includeRules) checkPure() bool {
	edges := map[string][]string{}
	for name, tree := range r.trees {
		ok := true
		walkNodes(tree.Root, func(n parse.Node) {
			switch n := n.(type) {
			case *parse.IdentifierNode:
				if !pureFuncs[n.Ident] {
					ok = false
				}
			case *parse.TemplateNode:
				edges[name] = append(edges[name], n.Name)
			case *parse.CommandNode:
				if id, isID := n.Args[0].(*parse.IdentifierNode); isID && id.Ident == "include" {
					if len(n.Args) < 2 {
						ok = false
					} else if s, isStr := n.Args[1].(*parse.StringNode); !isStr {
						ok = false
					} else {
						edges[name] = append(edges[name], s.Text)
					}
				}
			case *parse.ChainNode, *parse.FieldNode, *parse.VariableNode, *parse.DotNode, *parse.NilNode, *parse.BoolNode,
				*parse.NumberNode, *parse.StringNode, *parse.TextNode, *parse.CommentNode, *parse.ListNode, *parse.ActionNode,
				*parse.PipeNode, *parse.IfNode, *parse.WithNode, *parse.RangeNode, *parse.BreakNode, *parse.ContinueNode:
			default:
				ok = false // a node this analysis does not know
			}
		})
		if !ok {
			return false
		}
	}
	// no cycle: depth-first, colouring names on the stack
	state := map[string]int{} // 1 on the stack, 2 done
	var visit func(string) bool
	visit = func(n string) bool {
		switch state[n] {
		case 1:
			return false
		case 2:
			return true
		}
		state[n] = 1
		for _, m := range edges[n] {
			if !visit(m) {
				return false
			}
		}
		state[n] = 2
		return true
	}
	for n := range edges {
		if !visit(n) {
			return false
		}
	}
	return true
}

// walkNodes calls f on n and every node below it.
func walkNodes(n parse.Node, f func(parse.Node)) {
	if n == nil || reflect.ValueOf(n).IsNil() {
		return
	}
	f(n)
	switch n := n.(type) {
	case *parse.ListNode:
		walkEach(n.Nodes, f)
	case *parse.ActionNode:
		walkNodes(n.Pipe, f)
	case *parse.PipeNode:
		walkEach(n.Decl, f)
		walkEach(n.Cmds, f)
	case *parse.CommandNode:
		walkEach(n.Args, f)
	case *parse.ChainNode:
		walkNodes(n.Node, f)
	case *parse.IfNode:
		walkBranch(&n.BranchNode, f)
	case *parse.WithNode:
		walkBranch(&n.BranchNode, f)
	case *parse.RangeNode:
		walkBranch(&n.BranchNode, f)
	case *parse.TemplateNode:
		walkNodes(n.Pipe, f)
	}
}

func walkEach[N parse.Node](nodes []N, f func(parse.Node)) {
	for _, n := range nodes {
		walkNodes(n, f)
	}
}

func walkBranch(b *parse.BranchNode, f func(parse.Node)) {
	walkNodes(b.Pipe, f)
	walkNodes(b.List, f)
	walkNodes(b.ElseList, f)
}

// rootWalk checks that a template given a chart's top-level data as dot
// does not observe its .Template (see the file comment). Its kinds are
// booleans: true is "is the top-level data itself" (dot, $, a variable
// holding either); false is anything else, which can never lead back to
// it.
type rootWalk struct {
	rules   *includeRules
	onStack map[string]bool
	vars    map[string]bool // variables that may hold the top-level data
	changed bool
	bad     bool
}

// template checks template name, its dot the top-level data.
func (a *rootWalk) template(name string) bool {
	if ok, done := a.rules.blind[name]; done {
		return ok
	}
	tree := a.rules.trees[name]
	if tree == nil || a.onStack[name] {
		return false
	}
	a.onStack[name] = true
	defer delete(a.onStack, name)
	sub := &rootWalk{rules: a.rules, onStack: a.onStack, vars: map[string]bool{"$": true}}
	// Variables only ever become "top-level": walk until none changes
	// (a variable set late in a range body is read early in it).
	for i := 0; i < 8; i++ {
		sub.changed = false
		sub.list(tree.Root, true)
		if !sub.changed {
			break
		}
	}
	ok := !sub.bad && !sub.changed
	a.rules.blind[name] = ok
	return ok
}

func (a *rootWalk) list(l *parse.ListNode, dot bool) {
	if l == nil {
		return
	}
	for _, n := range l.Nodes {
		a.node(n, dot)
	}
}

func (a *rootWalk) node(n parse.Node, dot bool) {
	switch n := n.(type) {
	case *parse.TextNode, *parse.CommentNode, *parse.BreakNode, *parse.ContinueNode:
	case *parse.ActionNode:
		if a.pipe(n.Pipe, dot) && len(n.Pipe.Decl) == 0 {
			a.bad = true // printed
		}
	case *parse.IfNode:
		a.pipe(n.Pipe, dot) // its truth does not depend on .Template
		a.list(n.List, dot)
		a.list(n.ElseList, dot)
	case *parse.WithNode:
		a.list(n.List, a.pipe(n.Pipe, dot))
		a.list(n.ElseList, dot)
	case *parse.RangeNode:
		if a.pipeRange(n.Pipe, dot) {
			a.bad = true // its keys include Template
		}
		a.list(n.List, false)
		a.list(n.ElseList, dot)
	case *parse.TemplateNode:
		if n.Pipe != nil && a.pipe(n.Pipe, dot) && !a.template(n.Name) {
			a.bad = true
		}
	default:
		a.bad = true
	}
}

// pipe is the kind of a pipeline's value; its variables take it.
func (a *rootWalk) pipe(p *parse.PipeNode, dot bool) bool {
	if p == nil {
		return false
	}
	k := a.cmds(p, dot)
	for _, v := range p.Decl {
		a.set(v.Ident[0], k)
	}
	return k
}

// pipeRange is pipe for range, whose variables take keys and elements.
func (a *rootWalk) pipeRange(p *parse.PipeNode, dot bool) bool {
	return a.cmds(p, dot)
}

func (a *rootWalk) set(name string, k bool) {
	if k && !a.vars[name] {
		a.vars[name] = true
		a.changed = true
	}
}

func (a *rootWalk) cmds(p *parse.PipeNode, dot bool) bool {
	k, piped := false, false
	for _, c := range p.Cmds {
		k = a.command(c, dot, k, piped)
		piped = true
	}
	return k
}

// command is the kind of a command's value; prev is the value piped into
// it, if piped.
func (a *rootWalk) command(c *parse.CommandNode, dot, prev, piped bool) bool {
	if id, ok := c.Args[0].(*parse.IdentifierNode); ok {
		var kinds []bool
		for _, arg := range c.Args[1:] {
			kinds = append(kinds, a.operand(arg, dot))
		}
		if piped {
			kinds = append(kinds, prev)
		}
		if id.Ident == "include" && len(kinds) == 2 {
			name := c.Args[1].(*parse.StringNode).Text // checkPure
			if kinds[1] && !a.template(name) {
				a.bad = true
			}
			return false
		}
		for _, k := range kinds {
			if k {
				a.bad = true // the top-level data given to a function
			}
		}
		return false
	}
	// a value, or a method called with the arguments
	for _, arg := range c.Args[1:] {
		if a.operand(arg, dot) {
			a.bad = true
		}
	}
	if piped && prev {
		a.bad = true
	}
	return a.operand(c.Args[0], dot)
}

// operand is the kind of an argument's value.
func (a *rootWalk) operand(n parse.Node, dot bool) bool {
	switch n := n.(type) {
	case *parse.DotNode:
		return dot
	case *parse.VariableNode:
		return a.fields(a.vars[n.Ident[0]], n.Ident[1:])
	case *parse.FieldNode:
		return a.fields(dot, n.Ident)
	case *parse.ChainNode:
		return a.fields(a.operand(n.Node, dot), n.Field)
	case *parse.PipeNode:
		return a.pipe(n, dot)
	case *parse.IdentifierNode:
		return false // a function called without arguments
	case *parse.StringNode, *parse.NumberNode, *parse.BoolNode, *parse.NilNode:
		return false
	}
	a.bad = true
	return false
}

// fields is the kind of fields read from a value of kind k.
func (a *rootWalk) fields(k bool, idents []string) bool {
	if !k || len(idents) == 0 {
		return k
	}
	if !rootFields[idents[0]] {
		a.bad = true
	}
	return false
}

// includeKey identifies an include's template and data.
type includeKey struct {
	name   string
	typ    reflect.Type
	ptr    unsafe.Pointer // a map or list's (the entry keeps it alive)
	n      int            // a list's length
	scalar any            // a string, bool or number, else nil
}

type includeResult struct {
	out     string
	written int64 // what the execution charged the run's output count
	data    any   // the data, held so its address is not reused
}

// includeCache is the include results of one rendering.
type includeCache struct {
	rules *includeRules
	roots map[unsafe.Pointer]bool // the charts' top-level data
	m     map[includeKey]includeResult
	// gen counts the drops: a result is kept only if no drop happened
	// while its template executed.
	gen int
	// off: a change stored a value leading to top-level data; no results
	// are kept for the rest of the rendering.
	off bool
}

// drop forgets every result: a function changed data in place. The map
// is kept for the results to come.
func (c *includeCache) drop() {
	clear(c.m)
	c.gen++
}

// maxKeptResults bounds the map of results a template set keeps between
// its runs (emptied).
const maxKeptResults = 256

// reset is a new cache, with c's map emptied when it is small: what the
// results held is not kept.
func (c *includeCache) reset() includeCache {
	m := c.m
	if len(m) > maxKeptResults {
		m = nil
	}
	clear(m)
	clear(c.roots)
	return includeCache{m: m, roots: c.roots}
}

// bindMutators replaces in fm the functions that change data in place
// with ones that first drop the results kept: set, unset, the merges (which
// change their first argument, and nested maps of the others), and
// sortAlpha (which sorts a []string argument in place, a list of .Chart or
// .Capabilities or one a function made). A value they store that leads to
// a chart's top-level data (dict "ctx" $) keeps no more results in this
// rendering: a later file could reach its .Template through data
// rootBlind takes for plain values.
func (s *helmSlot) bindMutators(fm template.FuncMap) {
	c := &s.cache
	if f, ok := fm["set"].(func(map[string]any, string, any) map[string]any); ok {
		fm["set"] = func(d map[string]any, key string, value any) map[string]any {
			c.changed(value)
			return f(d, key, value)
		}
	}
	if f, ok := fm["unset"].(func(map[string]any, string) map[string]any); ok {
		fm["unset"] = func(d map[string]any, key string) map[string]any {
			c.changed()
			return f(d, key)
		}
	}
	for _, name := range []string{"merge", "mergeOverwrite"} {
		if f, ok := fm[name].(func(map[string]any, ...map[string]any) any); ok {
			fm[name] = func(dst map[string]any, srcs ...map[string]any) any {
				c.changed(mapsOf(srcs)...)
				return f(dst, srcs...)
			}
		}
	}
	for _, name := range []string{"mustMerge", "mustMergeOverwrite"} {
		if f, ok := fm[name].(func(map[string]any, ...map[string]any) (any, error)); ok {
			fm[name] = func(dst map[string]any, srcs ...map[string]any) (any, error) {
				c.changed(mapsOf(srcs)...)
				return f(dst, srcs...)
			}
		}
	}
	if f, ok := fm["sortAlpha"].(func(any) []string); ok {
		fm["sortAlpha"] = func(list any) []string {
			if _, inPlace := list.([]string); inPlace {
				c.changed()
			}
			return f(list)
		}
	}
}

func mapsOf(ms []map[string]any) []any {
	out := make([]any, len(ms))
	for i, m := range ms {
		out[i] = m
	}
	return out
}

// changed drops the results kept: data changes; stored is what the change
// stores into data.
func (c *includeCache) changed(stored ...any) {
	c.drop()
	n := maxReachWalk
	seen := map[unsafe.Pointer]bool{}
	for _, v := range stored {
		if c.reaches(reflect.ValueOf(v), seen, &n) {
			c.off = true
		}
	}
}

// maxReachWalk bounds the values reaches visits; past it, a value counts
// as leading to top-level data.
const maxReachWalk = 1 << 16

// reaches says whether v is or leads to a chart's top-level data.
func (c *includeCache) reaches(v reflect.Value, seen map[unsafe.Pointer]bool, n *int) bool {
	if *n--; *n < 0 {
		return true
	}
	switch v.Kind() {
	case reflect.Interface, reflect.Pointer:
		if v.IsNil() {
			return false
		}
		if v.Kind() == reflect.Pointer {
			if seen[v.UnsafePointer()] {
				return false
			}
			seen[v.UnsafePointer()] = true
		}
		return c.reaches(v.Elem(), seen, n)
	case reflect.Map:
		if v.IsNil() {
			return false
		}
		p := v.UnsafePointer()
		if c.roots[p] {
			return true
		}
		if seen[p] {
			return false
		}
		seen[p] = true
		for it := v.MapRange(); it.Next(); {
			if c.reaches(it.Key(), seen, n) || c.reaches(it.Value(), seen, n) {
				return true
			}
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			if c.reaches(v.Index(i), seen, n) {
				return true
			}
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if c.reaches(v.Field(i), seen, n) {
				return true
			}
		}
	}
	return false
}

// key is the key of include name with data, ok false where the result may
// not be kept.
func (c *includeCache) key(name string, data any) (includeKey, bool) {
	if c.rules == nil || !c.rules.pure || c.off {
		return includeKey{}, false
	}
	k := includeKey{name: name}
	switch d := data.(type) {
	case nil:
		return k, true
	case string, bool, int, int64, float64:
		k.scalar = d
		return k, true
	case []any:
		if len(d) == 0 {
			return k, false
		}
		k.typ, k.ptr, k.n = reflect.TypeOf(d), unsafe.Pointer(&d[0]), len(d)
		return k, true
	}
	v := reflect.ValueOf(data)
	if v.Kind() != reflect.Map || v.Type().Key().Kind() != reflect.String || v.IsNil() {
		return k, false
	}
	k.typ, k.ptr = v.Type(), v.UnsafePointer()
	if c.roots[k.ptr] && !c.rules.blind[name] {
		return k, false
	}
	return k, true
}

// start starts a rendering of tpls with rules: no results kept yet; the
// templates' data (root for those without) are the charts' top-level
// data.
func (c *includeCache) start(rules *includeRules, tpls map[string]helmRenderable, root chartutil.Values) {
	c.rules, c.off = rules, false
	c.drop()
	if c.roots == nil {
		c.roots = map[unsafe.Pointer]bool{}
	}
	clear(c.roots)
	for _, t := range tpls {
		if t.vals != nil {
			c.roots[reflect.ValueOf(t.vals).UnsafePointer()] = true
		}
	}
	if root != nil {
		c.roots[reflect.ValueOf(root).UnsafePointer()] = true
	}
}

func (c *includeCache) get(k includeKey) (includeResult, bool) {
	r, ok := c.m[k]
	return r, ok
}

func (c *includeCache) put(k includeKey, r includeResult) {
	if c.m == nil {
		c.m = map[includeKey]includeResult{}
	}
	c.m[k] = r
}
