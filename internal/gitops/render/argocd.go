package render

import (
	"fmt"
	"path"
	"regexp"
	"strings"
	"text/template"

	"github.com/Masterminds/sprig/v3"
	"github.com/gobwas/glob"
	yaml "go.yaml.in/yaml/v3"
)

// Argo CD: Applications and ApplicationSets, as the application and
// ApplicationSet controllers deploy them.

// argoApplication follows spec.source / spec.sources of an Application as
// the repo-server renders each source: a chart from a Helm repository, a
// plugin or another repository's path is not evaluated (with the reason);
// a path here is rendered as the source type Argo CD would pick, its
// namespaced objects without a namespace in the destination namespace.
func (d *renderer) argoApplication(o Object) ([]entry, []Problem) {
	spec := mapAt(o.Value, "spec")
	ns := str(spec, "destination", "namespace")
	var sources []map[string]any
	if s := mapAt(spec, "source"); s != nil {
		sources = append(sources, s)
	}
	for _, s := range listAt(spec, "sources") {
		if m, ok := s.(map[string]any); ok {
			sources = append(sources, m)
		}
	}
	refs := argoRefs{}
	for _, src := range sources {
		if ref := str(src, "ref"); ref != "" {
			url := str(src, "repoURL")
			refs[ref] = struct {
				url  string
				here bool
			}{url, d.thisRepo(url, "")}
		}
	}
	var out []entry
	var probs []Problem
	for _, src := range sources {
		if str(src, "ref") != "" && str(src, "path") == "" && str(src, "chart") == "" {
			continue // only a ref for $ref value files
		}
		e, ps := d.argoSource(o, src, ns, refs)
		probs = append(probs, ps...)
		if e != nil {
			out = append(out, *e)
		}
	}
	return out, probs
}

// thisRepo says whether a source URL means this repository: the same
// repository as Options.RepoURL in any spelling; without one, any URL whose
// path p (when given) exists here.
func (d *renderer) thisRepo(url, p string) bool {
	if d.opts.RepoURL != "" {
		return sameRepo(url, d.opts.RepoURL)
	}
	return p == "" || d.snap.IsDir(p)
}

// argoSource is the entry rendering one source of an Application.
func (d *renderer) argoSource(o Object, src map[string]any, ns string, refs argoRefs) (*entry, []Problem) {
	url := str(src, "repoURL")
	if chartName := str(src, "chart"); chartName != "" {
		return nil, []Problem{d.notEvaluated(o, ReasonRemoteChart, "remote chart %q from %s is not fetched (no network); its objects are not evaluated", chartName, url)}
	}
	p, ok := repoPath(str(src, "path"))
	if !ok {
		return nil, []Problem{d.badRef(o, "source path %q points outside the repository", str(src, "path"))}
	}
	if !d.thisRepo(url, p) {
		return nil, []Problem{d.notEvaluated(o, ReasonOtherRepository, "source path %q is in other repository %s; its objects are not evaluated", p, url)}
	}
	if !d.snap.IsDir(p) {
		return nil, []Problem{d.badRef(o, "source path %q does not exist in this repository", p)}
	}
	typ, err := d.argoSourceType(src, p)
	if err != nil {
		return nil, []Problem{d.badRef(o, "source %q: %v", p, err)}
	}
	e := entry{cluster: o.Cluster, path: p, namespace: ns, from: o.File, fromLine: o.Line, argo: &argoSource{}}
	switch typ {
	case "plugin":
		name := str(src, "plugin", "name")
		if name == "" {
			name = "(discovered)"
		}
		d.claimed = append(d.claimed, p) // follow runs one object at a time
		return nil, []Problem{d.notEvaluated(o, ReasonPlugin, "plugin %s (Config Management Plugin, %s) is not run; its objects are not evaluated", name, p)}
	case "helm":
		helm := mapAt(src, "helm")
		e.kind = "chart"
		e.release = str(helm, "releaseName")
		if e.release == "" {
			e.release = o.Name
		}
		vals, probs := d.argoHelmValues(o, p, helm, refs)
		e.values = vals
		return &e, probs
	case "kustomize":
		e.kind = "kustomization"
		e.argo.kustomize = mapAt(src, "kustomize")
	default:
		e.kind = "argodir"
		argoDirectory(&e, mapAt(src, "directory"))
	}
	return &e, nil
}

var placeholder = regexp.MustCompile(`\{\{-?\s*\.?([A-Za-z0-9_.\[\]]+)\s*-?\}\}`)

// appSetParams are the parameters one generator element gives a template:
// flat keys for fasttemplate ("path.basename") and a tree for goTemplate.
type appSetParams struct {
	flat map[string]string
	tree map[string]any
}

// applicationSet expands an ApplicationSet's generators into the
// Applications the ApplicationSet controller creates: in the
// ApplicationSet's namespace, defined (for messages) where it is.
func (d *renderer) applicationSet(o Object) ([]Object, []Problem) {
	spec := mapAt(o.Value, "spec")
	goTemplate := get(spec, "goTemplate") == true
	var options []string
	for _, opt := range listAt(spec, "goTemplateOptions") {
		if s, ok := opt.(string); ok {
			options = append(options, s)
		}
	}
	g := appSetGen{d: d, o: o, goTemplate: goTemplate, options: options}
	var params []appSetParams
	for _, gen := range listAt(spec, "generators") {
		gm, _ := gen.(map[string]any)
		params = append(params, g.generate(gm, 0)...)
	}
	var out []Object
	for _, p := range params {
		app, err := d.budget.expand(func(run *tmplRun) (any, error) {
			return expandTemplate(mapAt(spec, "template"), p, goTemplate, run, options...)
		})
		if be, ok := IsBudget(err); ok {
			g.probs = append(g.probs, d.badRef(o, "not evaluated: %v: template", be))
			continue
		}
		if err != nil {
			g.probs = append(g.probs, d.badRef(o, "template: %s", shortMessage(err.Error())))
			continue
		}
		m, _ := app.(map[string]any)
		if m == nil {
			m = map[string]any{}
		}
		if patch := str(spec, "templatePatch"); patch != "" && goTemplate {
			if m, err = applyTemplatePatch(d.budget, m, patch, p, options); err != nil {
				g.probs = append(g.probs, d.badRef(o, "templatePatch: %v", err))
				continue
			}
		}
		meta, _ := m["metadata"].(map[string]any)
		if meta == nil {
			meta = map[string]any{}
		}
		meta["namespace"] = o.Namespace
		m["apiVersion"], m["kind"], m["metadata"] = "argoproj.io/v1alpha1", "Application", meta
		out = append(out, Object{APIVersion: "argoproj.io/v1alpha1", Kind: "Application", Name: str(meta, "name"), Namespace: o.Namespace,
			Value: m, File: o.File, Line: o.Line, Cluster: o.Cluster})
	}
	return out, g.probs
}

// applyTemplatePatch renders a goTemplate templatePatch with the
// parameters and merges the YAML it gives over the Application.
func applyTemplatePatch(b *Budget, app map[string]any, patch string, p appSetParams, options []string) (map[string]any, error) {
	s, err := b.expand(func(run *tmplRun) (any, error) { return expandTemplate(patch, p, true, run, options...) })
	if err != nil {
		return nil, err
	}
	var v map[string]any
	if err := yaml.Unmarshal([]byte(s.(string)), &v); err != nil {
		return nil, err
	}
	if v == nil {
		return app, nil
	}
	return mergeMaps(app, stringKeys(v).(map[string]any)), nil
}

// maxGeneratorDepth bounds nested matrix and merge generators (Argo CD
// allows two levels).
const maxGeneratorDepth = 3

// clusterGenerators need the Argo CD cluster or an outside service.
var clusterGenerators = []string{"clusters", "clusterDecisionResource", "pullRequest", "scmProvider", "plugin"}

// appSetGen evaluates the generators of one ApplicationSet.
type appSetGen struct {
	d          *renderer
	o          Object
	goTemplate bool
	options    []string
	probs      []Problem
}

// generate returns the parameter sets of one generator.
func (g *appSetGen) generate(gm map[string]any, depth int) []appSetParams {
	d, o := g.d, g.o
	if depth > maxGeneratorDepth {
		g.probs = append(g.probs, d.badRef(o, "generators nested more than %d deep", maxGeneratorDepth))
		return nil
	}
	for _, name := range clusterGenerators {
		if _, ok := gm[name]; ok {
			g.probs = append(g.probs, d.notEvaluated(o, ReasonUnsupported, "generator %s needs the Argo CD cluster or a remote service; its applications are not evaluated", name))
			return nil
		}
	}
	switch {
	case mapAt(gm, "git") != nil:
		git := mapAt(gm, "git")
		if url := str(git, "repoURL"); !g.d.thisRepo(url, "") {
			g.probs = append(g.probs, d.notEvaluated(o, ReasonOtherRepository, "git generator of other repository %s; its applications are not evaluated", url))
			return nil
		}
		if listAt(git, "files") != nil {
			return g.gitFiles(git)
		}
		return g.gitDirectories(git)
	case mapAt(gm, "list") != nil:
		return g.list(mapAt(gm, "list"))
	case mapAt(gm, "matrix") != nil:
		return g.matrix(listAt(gm, "matrix", "generators"), depth)
	case mapAt(gm, "merge") != nil:
		return g.merge(listAt(gm, "merge", "generators"), listAt(gm, "merge", "mergeKeys"), depth)
	}
	g.probs = append(g.probs, d.notEvaluated(o, ReasonUnsupported, "generator %v is not supported offline; its applications are not evaluated", keys(gm)))
	return nil
}

func (g *appSetGen) gitDirectories(git map[string]any) []appSetParams {
	var excludes, includes []string
	for _, dir := range listAt(git, "directories") {
		pat := str(dir, "path")
		if get(dir, "exclude") == true {
			excludes = append(excludes, pat)
		} else {
			includes = append(includes, pat)
		}
	}
	var out []appSetParams
	for _, dir := range g.d.allDirs() {
		if !matchAny(includes, dir) || matchAny(excludes, dir) {
			continue
		}
		out = append(out, gitDirectoryParams(dir))
	}
	return out
}

// gitFiles is the git files generator: one parameter set per matching JSON
// or YAML file (per element when the file holds a list), its keys flattened
// with dots in the classic form ({{team.namespace}}), as a tree with
// goTemplate, plus the path parameters of the file.
func (g *appSetGen) gitFiles(git map[string]any) []appSetParams {
	var out []appSetParams
	for _, f := range listAt(git, "files") {
		pat := str(f, "path")
		gl, err := glob.Compile(pat, '/')
		if err != nil {
			g.probs = append(g.probs, g.d.badRef(g.o, "git files path %q: %v", pat, err))
			continue
		}
		for _, p := range g.d.snap.Paths() {
			if !gl.Match(p) {
				continue
			}
			file, _ := g.d.snap.File(p)
			if file.Err != nil {
				g.probs = append(g.probs, g.d.badRef(g.o, "git files: %v", file.Err))
				continue
			}
			items, err := objectList(file.Data)
			if err != nil {
				g.probs = append(g.probs, g.d.badRef(g.o, "git files: %s: %v", p, err))
				continue
			}
			for _, it := range items {
				m, _ := it.(map[string]any)
				out = append(out, gitFileParams(p, m))
			}
		}
	}
	return out
}

// gitFileParams are the parameters of one object of a git files generator
// file: its keys, then path, path.basename, path.basenameNormalized,
// path.filename, path.filenameNormalized and path[n] (the file's directory)
// in the classic form, and .path.{path,basename,basenameNormalized,
// filename,filenameNormalized,segments} with goTemplate.
func gitFileParams(file string, m map[string]any) appSetParams {
	p := appSetParams{flat: map[string]string{}, tree: map[string]any{}}
	flatten("", m, p.flat)
	for k, v := range m {
		p.tree[k] = v
	}
	dir := path.Dir(file)
	base, name := path.Base(dir), path.Base(file)
	p.flat["path"], p.flat["path.basename"], p.flat["path.basenameNormalized"] = dir, base, sanitizeName(base)
	p.flat["path.filename"], p.flat["path.filenameNormalized"] = name, sanitizeName(name)
	parts := strings.Split(dir, "/")
	segs := make([]any, len(parts))
	for i, part := range parts {
		p.flat[fmt.Sprintf("path[%d]", i)] = part
		segs[i] = part
	}
	p.tree["path"] = map[string]any{"path": dir, "basename": base, "basenameNormalized": sanitizeName(base),
		"filename": name, "filenameNormalized": sanitizeName(name), "segments": segs}
	return p
}

// flatten writes the leaves of v under dotted keys (lists by index), as
// the classic git files generator does.
func flatten(prefix string, v any, out map[string]string) {
	join := func(k string) string {
		if prefix == "" {
			return k
		}
		return prefix + "." + k
	}
	switch t := v.(type) {
	case map[string]any:
		for k, e := range t {
			flatten(join(k), e, out)
		}
	case []any:
		for i, e := range t {
			flatten(join(fmt.Sprint(i)), e, out)
		}
	case nil:
		if prefix != "" {
			out[prefix] = ""
		}
	default:
		out[prefix] = fmt.Sprint(t)
	}
}

func (g *appSetGen) list(l map[string]any) []appSetParams {
	var out []appSetParams
	for _, el := range listAt(l, "elements") {
		p := appSetParams{flat: map[string]string{}, tree: map[string]any{}}
		if m, ok := el.(map[string]any); ok {
			for k, v := range m {
				if vm, isMap := v.(map[string]any); isMap && k == "values" {
					flatten("values", vm, p.flat)
				} else {
					p.flat[k] = fmt.Sprint(v)
				}
				p.tree[k] = v
			}
		}
		out = append(out, p)
	}
	if listAt(l, "elements") == nil && str(l, "elementsYaml") != "" {
		g.probs = append(g.probs, g.d.notEvaluated(g.o, ReasonUnsupported, "list generator elementsYaml is not supported offline; its applications are not evaluated"))
	}
	return out
}

// matrix combines every parameter set of the first generator with those of
// the second, which may use the first's parameters in its own fields.
func (g *appSetGen) matrix(gens []any, depth int) []appSetParams {
	if len(gens) != 2 {
		g.probs = append(g.probs, g.d.badRef(g.o, "matrix generator needs exactly two generators, has %d", len(gens)))
		return nil
	}
	first, _ := gens[0].(map[string]any)
	var out []appSetParams
	for _, a := range g.generate(first, depth+1) {
		second, err := g.d.budget.expand(func(run *tmplRun) (any, error) {
			return expandTemplate(gens[1], a, g.goTemplate, run, g.options...)
		})
		if err != nil {
			g.probs = append(g.probs, g.d.badRef(g.o, "matrix generator: %v", err))
			continue
		}
		sm, _ := second.(map[string]any)
		for _, b := range g.generate(sm, depth+1) {
			out = append(out, combineParams(a, b))
		}
	}
	return out
}

// merge takes the parameter sets of the first generator and, for each
// later generator, merges over them the sets with the same values of the
// merge keys.
func (g *appSetGen) merge(gens, mergeKeys []any, depth int) []appSetParams {
	if len(gens) == 0 {
		return nil
	}
	var names []string
	for _, k := range mergeKeys {
		if s, ok := k.(string); ok {
			names = append(names, s)
		}
	}
	keyOf := func(p appSetParams) string {
		var b strings.Builder
		for _, n := range names {
			v, ok := p.flat[n]
			if g.goTemplate {
				x := lookupDotted(p.tree, n)
				v, ok = fmt.Sprint(x), x != nil
			}
			if !ok {
				return ""
			}
			fmt.Fprintf(&b, "%q;", v)
		}
		return b.String()
	}
	first, _ := gens[0].(map[string]any)
	base := g.generate(first, depth+1)
	for _, gen := range gens[1:] {
		gm, _ := gen.(map[string]any)
		over := map[string]appSetParams{}
		for _, p := range g.generate(gm, depth+1) {
			if k := keyOf(p); k != "" {
				if _, dup := over[k]; !dup {
					over[k] = p
				}
			}
		}
		for i, p := range base {
			if o, ok := over[keyOf(p)]; ok && keyOf(p) != "" {
				base[i] = combineParams(p, o)
			}
		}
	}
	return base
}

// combineParams is a's parameters with b's over them.
func combineParams(a, b appSetParams) appSetParams {
	out := appSetParams{flat: map[string]string{}, tree: mergeMaps(a.tree, b.tree)}
	for k, v := range a.flat {
		out.flat[k] = v
	}
	for k, v := range b.flat {
		out.flat[k] = v
	}
	return out
}

// lookupDotted finds "a.b" in a tree, or nil.
func lookupDotted(tree map[string]any, key string) any {
	var cur any = tree
	for _, part := range strings.Split(key, ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = m[part]
	}
	return cur
}

// gitDirectoryParams are the parameters Argo CD's git directory generator
// gives the template for the directory dir: path, path.basename,
// path.basenameNormalized and path[n] (one per non-empty segment) in the
// classic form; .path.path, .path.basename, .path.basenameNormalized and
// .path.segments with goTemplate (applicationset/generators/git.go,
// generateParamsFromApps).
func gitDirectoryParams(dir string) appSetParams {
	base := path.Base(dir)
	flat := map[string]string{"path": dir, "path.basename": base, "path.basenameNormalized": sanitizeName(base)}
	parts := strings.Split(dir, "/")
	segs := make([]any, len(parts))
	for i, part := range parts {
		if part != "" {
			flat[fmt.Sprintf("path[%d]", i)] = part
		}
		segs[i] = part
	}
	tree := map[string]any{"path": map[string]any{"path": dir, "basename": base, "basenameNormalized": sanitizeName(base), "segments": segs}}
	return appSetParams{flat: flat, tree: tree}
}

// invalidDNSNameChars and maxDNSNameLength are those of Argo CD's
// SanitizeName (applicationset/utils): every character but a-z, 0-9, '-'
// and '.' becomes '-', one for one.
var invalidDNSNameChars = regexp.MustCompile(`[^-a-z0-9.]`)

const maxDNSNameLength = 253

// sanitizeName is Argo CD's SanitizeName, which makes path.basenameNormalized:
// lower case, invalid characters replaced, at most 253 characters, leading
// and trailing '-' and '.' removed ("My_App" -> "my-app", "a.b" -> "a.b").
func sanitizeName(name string) string {
	name = invalidDNSNameChars.ReplaceAllString(strings.ToLower(name), "-")
	if len(name) > maxDNSNameLength {
		name = name[:maxDNSNameLength]
	}
	return strings.Trim(name, "-.")
}

// templateFuncs are the sprig functions minus those reading the environment.
var templateFuncs = func() template.FuncMap {
	f := sprig.TxtFuncMap()
	delete(f, "env")
	delete(f, "expandenv")
	return f
}()

// expandTemplate substitutes the parameters into every string of v.
// With goTemplate it runs Go templates with sprig and the
// goTemplateOptions given (missingkey=error) under the render budget of
// run; else it replaces the classic {{key}} placeholders, leaving unknown
// ones as written.
func expandTemplate(v any, p appSetParams, goTemplate bool, run *tmplRun, options ...string) (any, error) {
	switch t := v.(type) {
	case string:
		if !strings.Contains(t, "{{") {
			return t, nil
		}
		if !goTemplate {
			return placeholder.ReplaceAllStringFunc(t, func(m string) string {
				if val, ok := p.flat[placeholder.FindStringSubmatch(m)[1]]; ok {
					return val
				}
				return m
			}), nil
		}
		tpl, err := safe(func() (*template.Template, error) {
			return template.New("applicationset").Funcs(run.appSetFuncs()).Option(options...).Parse(t)
		})
		if err != nil {
			return nil, err
		}
		b := run.writer()
		if err := tpl.Execute(b, p.tree); err != nil {
			return nil, err
		}
		return b.String(), nil
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, e := range t {
			x, err := expandTemplate(e, p, goTemplate, run, options...)
			if err != nil {
				return nil, err
			}
			out[k] = x
		}
		return out, nil
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			x, err := expandTemplate(e, p, goTemplate, run, options...)
			if err != nil {
				return nil, err
			}
			out[i] = x
		}
		return out, nil
	}
	return v, nil
}

func keys(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func matchAny(patterns []string, dir string) bool {
	for _, pat := range patterns {
		if ok, _ := path.Match(strings.TrimSuffix(pat, "/"), dir); ok {
			return true
		}
	}
	return false
}
