package schemas

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/build"
	"cuelang.org/go/cue/cuecontext"
	cueerrors "cuelang.org/go/cue/errors"
	"cuelang.org/go/cue/parser"
	"cuelang.org/go/cue/token"

	"github.com/plinth-dev/plinth/blueprints"
	"github.com/plinth-dev/plinth/internal/fsguard"
)

//go:embed platform.cue
var schemaSource []byte

// schemaFile is the name positions inside the embedded schema carry; errors
// never point there when a user position is known.
const schemaFile = "plinth:schemas/platform.cue"

// Input limits: a platform directory is read through fsguard, so no file
// outside it is ever read (symbolic links are refused), only regular files
// are, and none larger than MaxFileSize, nor more than MaxTotalSize in all.
const (
	MaxFileSize  = 4 << 20
	MaxTotalSize = 32 << 20
)

// Load reads the platform package in dir (every .cue file, plus .yaml, .yml
// and .json data files beside them), unifies it with the schema and the
// blueprints, checks every rule and returns the resolved model. On invalid
// input the error is an Errors list holding every problem found, each located
// at a file (relative to dir), line and column, and a CUE path. A file that
// is refused (a symbolic link, a special file, over the size limits) is an
// Error of rule "input" naming the file, and nothing of it is read.
func Load(dir string) (*Model, error) {
	root, err := fsguard.Open(dir, "the platform directory", fsguard.Limits{File: MaxFileSize, Total: MaxTotalSize})
	if err != nil {
		return nil, fmt.Errorf("load platform: %w", err)
	}
	defer root.Close()
	files, err := sourceFiles(root)
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("load platform: no .cue files in %s", dir)
	}
	started := time.Now()
	srcs := make(map[string][]byte, len(files))
	var refused Errors
	size := 0
	for _, name := range files {
		b, err := root.ReadFile(name)
		var fe *fsguard.Error
		switch {
		case errors.As(err, &fe):
			// The message names the file already: show it at the file.
			msg := strings.TrimPrefix(fe.Error(), fe.Path+": ")
			refused = append(refused, &Error{Pos: Pos{File: name}, Rule: "input", Msg: msg})
			continue
		case err != nil:
			return nil, fmt.Errorf("load platform: %w", err)
		}
		srcs[name] = b
		size += len(b)
	}
	if len(refused) > 0 {
		return nil, refused.sorted()
	}
	// -v: progress through the command's logger (standard error).
	slog.Debug(fmt.Sprintf("platform: read %d files (%d bytes) from %s: %s", len(files), size, dir, strings.Join(files, ", ")))
	m, err := loadSources(files, srcs)
	var errs Errors
	switch {
	case errors.As(err, &errs):
		slog.Debug(fmt.Sprintf("platform: schema and %d rules checked in %s: %d errors", len(ruleHelp), time.Since(started).Round(time.Millisecond), len(errs)))
	case err == nil:
		slog.Debug(fmt.Sprintf("platform: schema and %d rules checked in %s: valid, %d warnings (%d clusters, %d environments, %d services)",
			len(ruleHelp), time.Since(started).Round(time.Millisecond), len(m.Warnings), len(m.Clusters), len(m.Environments), len(m.Services)))
	}
	if err != nil {
		return nil, err
	}
	m.Dir = dir
	return m, nil
}

// sourceFiles lists the platform files of the root, sorted. Hidden files and
// files starting with "_" are skipped, as cue does; so are directories.
func sourceFiles(root *fsguard.Root) ([]string, error) {
	entries, err := root.ReadDir(".")
	if err != nil {
		return nil, fmt.Errorf("load platform: %w", err)
	}
	var files []string
	hasCUE := false
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") {
			continue
		}
		switch filepath.Ext(name) {
		case ".cue":
			hasCUE = true
			files = append(files, name)
		case ".yaml", ".yml", ".json":
			files = append(files, name)
		}
	}
	if !hasCUE {
		return nil, nil
	}
	sort.Strings(files)
	return files, nil
}

// loadSources is Load on in-memory files (names relative to the platform dir).
func loadSources(files []string, srcs map[string][]byte) (*Model, error) {
	l := &loader{ctx: cuecontext.New(), userFiles: map[string]bool{}}
	for _, f := range files {
		l.userFiles[f] = true
	}
	go loadBuiltins() // on another CPU while the platform is built
	defer func() { l.shards.wait() }()
	user, err := l.build(files, srcs)
	if err != nil {
		return nil, err
	}
	l.user = user
	bi, err := loadBuiltins()
	if err != nil {
		return nil, err
	}
	if spec, ok := l.shardedSpec(); ok { // shard.go
		return l.model(spec, bi, files)
	}
	unified, fast := l.unifyFast(user) // removal.go
	var invalid error
	if !fast {
		spec, err := l.exactSpec()
		if err != nil {
			return nil, err
		}
		unified = spec.Unify(user)
		invalid = unified.Validate(cue.Concrete(true))
	}
	if err := invalid; err != nil {
		l.addCUE("schema", err)
		// Report the rules the schema cannot express too, on the user's
		// values as written, unless the schema already flagged the path.
		cueErrs := l.errs
		l.errs = nil
		var spec rawSpec
		if b, err := user.MarshalJSON(); err == nil {
			_ = json.Unmarshal(b, &spec) // best effort: mistyped fields stay zero
			spec.defaults()
			l.resolve(&spec, bi)
		}
		semantic := l.errs
		l.errs = cueErrs
		for _, e := range semantic {
			if !overlaps(e.Path, cueErrs) {
				l.errs = append(l.errs, e)
			}
		}
		return nil, l.errs.sorted()
	}
	var spec rawSpec
	if _, err := decodeSpec(unified, &spec); err != nil {
		l.addCUE("schema", err)
		return nil, l.errs.sorted()
	}
	return l.model(&spec, bi, files)
}

// model checks the decoded spec and builds the model.
func (l *loader) model(spec *rawSpec, bi *builtins, files []string) (*Model, error) {
	m := l.resolve(spec, bi)
	if len(l.errs) > 0 {
		return nil, l.errs.sorted()
	}
	m.Files = files
	m.Warnings = append(append(l.baselineWarnings(m), l.secretEnvWarnings(m)...), l.addonWarnings(m)...).sorted()
	return m, nil
}

// overlaps reports whether path is, contains or lies inside the path of one
// of errs.
func overlaps(path string, errs Errors) bool {
	for _, e := range errs {
		if e.Path == "" || path == e.Path ||
			strings.HasPrefix(path, e.Path+".") || strings.HasPrefix(path, e.Path+"[") ||
			strings.HasPrefix(e.Path, path+".") || strings.HasPrefix(e.Path, path+"[") {
			return true
		}
	}
	return false
}

type loader struct {
	ctx       *cue.Context
	spec      cue.Value // #Spec of the schema, once exactSpec compiled it
	user      cue.Value
	shards    *shardRun // the sharded unification of the user's files (shard.go)
	userFiles map[string]bool
	errs      Errors
	// envErrs collects per-environment errors until flushEnvErrors.
	envErrs  map[string]*envError
	envOrder []string
}

// build parses every file and builds the user's package. Syntax errors and
// package mismatches are returned as located Errors.
func (l *loader) build(files []string, srcs map[string][]byte) (cue.Value, error) {
	inst := build.NewContext().NewInstance("", nil)
	var parsed []*ast.File
	for i, r := range parseAll(files, srcs) { // parse.go: in parallel, results in file order
		name := files[i]
		if r.dataErr != nil {
			l.errs = append(l.errs, r.dataErr)
			continue
		}
		f, err := r.file, r.err
		if err != nil {
			n := len(l.errs)
			l.addCUE("syntax", err)
			l.locateIn(name, l.errs[n:])
			continue
		}
		parsed = append(parsed, f)
	}
	// A platform is one package: name the files that differ from the
	// package most files declare.
	count := map[string]int{}
	pkg := ""
	for _, f := range parsed {
		if p := f.PackageName(); p != "" {
			count[p]++
			if count[p] > count[pkg] || (count[p] == count[pkg] && p < pkg) {
				pkg = p
			}
		}
	}
	kept := parsed[:0]
	for _, f := range parsed {
		if p := f.PackageName(); p != "" && p != pkg {
			l.add("package", posOf(f.Pos()), "", "package %q differs from package %q of the other files: a platform is one CUE package", p, pkg)
			continue
		}
		kept = append(kept, f)
	}
	parsed = kept
	if len(l.errs) > 0 {
		return cue.Value{}, l.errs.sorted()
	}
	l.shards = startShards(parsed) // shard.go: under way while the instance is built
	for _, f := range parsed {
		if err := inst.AddSyntax(f); err != nil {
			l.addCUE("schema", err)
		}
	}
	if inst.Err != nil {
		l.addCUE("schema", inst.Err)
	}
	if len(l.errs) > 0 {
		return cue.Value{}, l.errs.sorted()
	}
	v := l.ctx.BuildInstance(inst)
	if err := v.Err(); err != nil {
		l.addCUE("schema", err)
		return cue.Value{}, l.errs.sorted()
	}
	return v, nil
}

// exprFile wraps a JSON document (which must be an object) in a file.
func exprFile(name string, expr ast.Expr) (*ast.File, error) {
	s, ok := expr.(*ast.StructLit)
	if !ok {
		return nil, cueerrors.Newf(expr.Pos(), "%s: a data file must hold an object", name)
	}
	return &ast.File{Filename: name, Decls: s.Elts}, nil
}

// add records a located error.
func (l *loader) add(rule string, pos Pos, path, format string, args ...any) {
	l.errs = append(l.errs, &Error{Pos: pos, Path: path, Rule: rule, Msg: fmt.Sprintf(format, args...)})
}

// addCUE records every error of a CUE error list, located in a user file.
func (l *loader) addCUE(rule string, err error) {
	var list []cueerrors.Error
	var ce cueerrors.Error
	if errors.As(err, &ce) {
		list = cueerrors.Errors(err)
	}
	if len(list) == 0 {
		l.add("load", Pos{}, "", "%v", err)
		return
	}
	// An enum mismatch comes as "N errors in empty disjunction" followed by
	// one conflict per allowed value: merge them into one message.
	type enumConflict struct {
		pos     Pos
		others  []Pos // further user positions of the conflicting values
		got     string
		allowed []string
	}
	enums := map[string]*enumConflict{}
	var order []string
	explained := explainedPaths(list)
	for _, e := range list {
		cpath := specPath(e)
		path := pathString(cpath)
		pos, ok := l.userPos(e)
		if !ok {
			pos = l.pathPos(cpath)
		}
		format, args := e.Msg()
		msg := fmt.Sprintf(format, args...)
		if strings.HasSuffix(format, "errors in empty disjunction:") {
			continue
		}
		if strings.HasPrefix(format, "conflicting values %s and %s (mismatched types") && len(args) == 4 {
			if nullBranch(format, args) && explained[path] {
				// The null of a field an override may remove: the
				// other alternative's errors say what is wrong.
				continue
			}
			a, b := fmt.Sprint(args[0]), fmt.Sprint(args[1])
			if isTypeName(a) && !isTypeName(b) {
				a, b = b, a
			}
			if a == "null" {
				if msg := nullMisuse(cpath, b); msg != "" {
					l.add(rule, pos, path, "%s", msg)
					continue
				}
			}
			l.add(rule, pos, path, "got %s, want a value of type %s", shortValue(a), shortValue(b))
			continue
		}
		if format == "conflicting values %s and %s" && len(args) == 2 {
			a, b := fmt.Sprint(args[0]), fmt.Sprint(args[1])
			ec := enums[path]
			if ec == nil {
				ec = &enumConflict{pos: pos, allowed: []string{a, b}}
				enums[path] = ec
				order = append(order, path)
			} else {
				ec.allowed = append(ec.allowed, a, b)
			}
			for _, p := range l.userPositions(e) {
				if p != ec.pos && !slices.Contains(ec.others, p) {
					ec.others = append(ec.others, p)
				}
			}
			continue
		}
		msg = plainCUEMessage(msg)
		if format == "field not allowed" && len(cpath) > 0 {
			if alt := l.suggest(cpath[:len(cpath)-1], cpath[len(cpath)-1]); alt != "" {
				msg = fmt.Sprintf("unknown field: did you mean %q? (structs are closed)", alt)
			}
		}
		l.add(rule, pos, path, "%s", msg)
	}
	for _, path := range order {
		ec := enums[path]
		// The user's value is the one every conflict shares.
		count := map[string]int{}
		for _, v := range ec.allowed {
			count[v]++
		}
		pairs := len(ec.allowed) / 2
		var got string
		var allowed []string
		for _, v := range ec.allowed {
			if count[v] == pairs && got == "" && pairs > 1 {
				got = v
			}
		}
		if got == "" {
			a, b := ec.allowed[0], ec.allowed[1]
			if isTypeName(a) && !isTypeName(b) {
				a, b = b, a
			}
			if isTypeName(b) {
				l.add(rule, ec.pos, path, "got %s, want a value of type %s", shortValue(a), shortValue(b))
			} else {
				also := ""
				if len(ec.others) > 0 {
					shown := make([]string, len(ec.others))
					for i, p := range ec.others {
						shown[i] = p.String()
					}
					also = "; also set at " + strings.Join(shown, ", ")
				}
				l.add(rule, ec.pos, path, "conflicting values %s and %s: a field has one value (check for a duplicate declaration)%s", a, b, also)
			}
			continue
		}
		seen := map[string]bool{}
		for _, v := range ec.allowed {
			if v != got && !seen[v] {
				seen[v] = true
				allowed = append(allowed, v)
			}
		}
		sort.Strings(allowed)
		l.add(rule, ec.pos, path, "%s is not allowed: use one of %s", got, strings.Join(allowed, ", "))
	}
}

// specPath is the path of a CUE error in the user's value: unquoted,
// without the leading #Spec.
func specPath(e cueerrors.Error) []string {
	cpath := unquoteAll(e.Path())
	if len(cpath) > 0 && cpath[0] == "#Spec" {
		cpath = cpath[1:]
	}
	return cpath
}

// nullBranch reports whether a type conflict is with null: the user's
// value against null, or null against a type.
func nullBranch(format string, args []any) bool {
	return strings.HasPrefix(format, "conflicting values %s and %s (mismatched types") && len(args) == 4 &&
		(fmt.Sprint(args[2]) == "null" || fmt.Sprint(args[3]) == "null")
}

// explainedPaths are the paths (as pathString) at or under which an error
// other than a conflict with null lies. A value of a field that is an object
// or null (overrides.<env>.ingress and the like) conflicts with both: the
// conflict with null adds nothing to the other error there or inside it.
func explainedPaths(list []cueerrors.Error) map[string]bool {
	out := map[string]bool{}
	for _, e := range list {
		format, args := e.Msg()
		if strings.HasSuffix(format, "errors in empty disjunction:") || nullBranch(format, args) {
			continue
		}
		cpath := specPath(e)
		for n := len(cpath); n > 0; n-- {
			out[pathString(cpath[:n])] = true
		}
	}
	return out
}

// removableFields are the fields #Override (platform.cue) lets an override
// set to null, removing the service's value in that environment.
var removableFields = []string{"autoscale", "identity", "ingress", "metrics", "route", "secrets"}

// nullMisuse explains a null the schema rejects at path, where want is the
// type the schema takes: "" when null is no special case there.
func nullMisuse(path []string, want string) string {
	if len(path) < 3 || path[0] != "services" {
		return ""
	}
	field := path[len(path)-1]
	switch {
	case len(path) == 3 && slices.Contains(removableFields, field):
		return fmt.Sprintf("null is allowed only under overrides.<env>, where it removes %s in that environment: on the service itself leave %s out", field, field)
	case len(path) == 5 && path[2] == "overrides":
		return fmt.Sprintf("got null, want a value of type %s: null in an override removes only %s", want, orList(removableFields))
	}
	return ""
}

// orList joins names as "a, b or c".
func orList(names []string) string {
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// userPos picks the first position of a CUE error that lies in a user file.
func (l *loader) userPos(e cueerrors.Error) (Pos, bool) {
	cands := append([]token.Pos{e.Position()}, e.InputPositions()...)
	for _, p := range cands {
		if p.IsValid() && l.userFiles[p.Filename()] {
			return posOf(p), true
		}
	}
	return Pos{}, false
}

// userPositions are the positions of a CUE error that lie in user files,
// in the order CUE gives them, without repeats.
func (l *loader) userPositions(e cueerrors.Error) []Pos {
	var out []Pos
	for _, p := range append([]token.Pos{e.Position()}, e.InputPositions()...) {
		if p.IsValid() && l.userFiles[p.Filename()] && !slices.Contains(out, posOf(p)) {
			out = append(out, posOf(p))
		}
	}
	return out
}

// pathPos locates a CUE path in the user's value, walking up to the nearest
// declared ancestor when the path itself is not declared.
func (l *loader) pathPos(path []string) Pos {
	if !l.user.Exists() {
		return Pos{}
	}
	for n := len(path); n >= 0; n-- {
		sels := make([]cue.Selector, n)
		for i, s := range path[:n] {
			sels[i] = selector(s)
		}
		v := l.user.LookupPath(cue.MakePath(sels...))
		if v.Exists() {
			if p := posOf(v.Pos()); p.File != "" {
				return p
			}
		}
	}
	return Pos{}
}

func selector(s string) cue.Selector {
	if strings.HasPrefix(s, "#") {
		return cue.Def(s)
	}
	// An index is a number (a field name seldom starts like one: Atoi's
	// error for it would cost an allocation).
	if len(s) > 0 && (s[0] == '-' || '0' <= s[0] && s[0] <= '9') {
		if i, err := strconv.Atoi(s); err == nil && strconv.Itoa(i) == s {
			return cue.Index(i)
		}
	}
	return cue.Str(s)
}

func posOf(p token.Pos) Pos {
	if !p.IsValid() {
		return Pos{}
	}
	return Pos{File: p.Filename(), Line: p.Line(), Column: p.Column()}
}

// pathString renders a CUE path as dotted selectors ("services.cart.image",
// "platform.registries[0]").
func pathString(path []string) string {
	var b strings.Builder
	for _, s := range path {
		if u, err := strconv.Unquote(s); err == nil {
			s = u
		}
		if s == "" {
			continue
		}
		isIndex := strings.Trim(s, "0123456789") == ""
		switch {
		case isIndex:
			fmt.Fprintf(&b, "[%s]", s)
		default:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			if strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-#") != "" {
				s = strconv.Quote(s)
			}
			b.WriteString(s)
		}
	}
	return b.String()
}

// plainCUEMessage rewrites CUE's messages into what the user should do.
func plainCUEMessage(msg string) string {
	switch {
	case msg == "field not allowed":
		return "unknown field (structs are closed: check the spelling against the schema in README)"
	case strings.HasPrefix(msg, "field is required but not present"):
		return "required field is missing"
	case strings.Contains(msg, "imported but not defined"):
		return strings.SplitN(msg, " imported", 2)[0] + " cannot be imported: a platform is one package and may import only the CUE standard library"
	case strings.HasPrefix(msg, "incomplete value "):
		return "needs a concrete value, got only the type " + strings.TrimPrefix(msg, "incomplete value ")
	}
	return msg
}

// The built-in blueprints never change, so they are decoded once.
var (
	builtinsOnce sync.Once
	builtinsVal  *builtins
	builtinsErr  error
)

func loadBuiltins() (*builtins, error) {
	builtinsOnce.Do(func() {
		builtinsVal, builtinsErr = decodeBuiltins()
	})
	return builtinsVal, builtinsErr
}

func decodeBuiltins() (*builtins, error) {
	ctx := cuecontext.New()
	inst := build.NewContext().NewInstance("", nil)
	err := fs.WalkDir(blueprints.FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		src, err := blueprints.FS.ReadFile(path)
		if err != nil {
			return err
		}
		f, err := parser.ParseFile("plinth:blueprints/"+path, src, parser.ParseComments)
		if err != nil {
			return err
		}
		return inst.AddSyntax(f)
	})
	if err != nil {
		return nil, fmt.Errorf("embedded blueprints: %w", err)
	}
	v := ctx.BuildInstance(inst)
	if err := v.Validate(cue.Concrete(true)); err != nil {
		return nil, fmt.Errorf("embedded blueprints: %w", err)
	}
	b, err := v.MarshalJSON()
	if err != nil {
		return nil, fmt.Errorf("embedded blueprints: %w", err)
	}
	var bi builtins
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&bi); err != nil {
		return nil, fmt.Errorf("embedded blueprints: %w", err)
	}
	return &bi, nil
}

func makePath(path []string) cue.Path {
	sels := make([]cue.Selector, len(path))
	for i, s := range path {
		sels[i] = selector(s)
	}
	return cue.MakePath(sels...)
}

// unquoteAll removes CUE's quotes from path elements ("drone-scheduler").
func unquoteAll(path []string) []string {
	out := make([]string, len(path))
	for i, s := range path {
		if u, err := strconv.Unquote(s); err == nil {
			s = u
		}
		out[i] = s
	}
	return out
}

// shortValue cuts a long value CUE quotes in a message (CUE prints structs
// whole: a misplaced value could dump the entire platform) to its type when
// it is a struct or list, else to its start.
func shortValue(v string) string {
	const most = 80
	switch {
	case len(v) <= most:
		return v
	case strings.HasPrefix(v, "{"):
		return "struct"
	case strings.HasPrefix(v, "["):
		return "list"
	}
	r := []rune(v)
	if len(r) <= most {
		return v
	}
	return string(r[:most-3]) + "..."
}

// isTypeName reports whether a CUE value in a message is a bare type.
func isTypeName(v string) bool {
	switch v {
	case "int", "string", "bool", "number", "float", "bytes", "null", "{...}", "[...]":
		return true
	}
	return strings.HasPrefix(v, "{") || strings.HasPrefix(v, "[")
}

// parseErrRE splits "file:line[:col]: message" out of errors that carry
// their position only in the text (YAML parse errors).
var parseErrRE = regexp.MustCompile(`^(?:[^:]*:)?(\d+)(?::(\d+))?:\s*(.*)$`)

// locateIn gives errors of file name that have no position the file, and
// the line found in their message.
func (l *loader) locateIn(name string, errs Errors) {
	for _, e := range errs {
		if e.Pos.File != "" {
			continue
		}
		e.Pos.File = name
		msg := strings.TrimPrefix(e.Msg, name+":")
		if m := parseErrRE.FindStringSubmatch(msg); m != nil {
			e.Pos.Line, _ = strconv.Atoi(m[1])
			e.Pos.Column, _ = strconv.Atoi(m[2])
			e.Msg = m[3]
		}
		e.Pos.Line = max(e.Pos.Line, 1)
		e.Pos.Column = max(e.Pos.Column, 1)
		e.Rule = "syntax"
	}
}

// suggest returns the schema field under parent closest to a misspelled
// field name, or "" when none is close.
func (l *loader) suggest(parent []string, field string) string {
	v := l.spec
	if !v.Exists() {
		return ""
	}
	for _, p := range parent {
		next := v.LookupPath(cue.MakePath(cue.Str(p)))
		if !next.Exists() {
			next = v.LookupPath(cue.MakePath(cue.Str(p).Optional()))
		}
		if !next.Exists() {
			next = v.LookupPath(cue.MakePath(cue.AnyString))
		}
		if !next.Exists() {
			return ""
		}
		v = structAlternative(next)
	}
	it, err := v.Fields(cue.Optional(true))
	if err != nil {
		return ""
	}
	limit := 2 // the most edits a suggestion may be away
	if len(field) <= 4 {
		limit = 1
	}
	best, bestD := "", limit+1
	for it.Next() {
		name := it.Selector().Unquoted()
		if d := editDistance(strings.ToLower(field), strings.ToLower(name)); d < bestD {
			best, bestD = name, d
		}
	}
	return best
}

// structAlternative is the struct of a disjunction such as `#Ingress | null`
// (a field an override may remove), or v itself.
func structAlternative(v cue.Value) cue.Value {
	if op, alts := v.Expr(); op == cue.OrOp {
		for _, a := range alts {
			if a.IncompleteKind() == cue.StructKind {
				return a
			}
		}
	}
	return v
}

// editDistance is the optimal string alignment distance of a and b: the
// Levenshtein distance with adjacent transpositions counting as one edit.
func editDistance(a, b string) int {
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(a)][len(b)]
}
