package render

import (
	"fmt"
	"path"
	"regexp"
	"strings"
	"text/template"

	"github.com/Masterminds/sprig/v3"
	"gopkg.in/yaml.v3"
)

// follow returns what a Flux or Argo CD object makes its controller deploy:
// entries to render, and objects the controller creates (the Applications
// of an ApplicationSet), which are followed in turn.
func (d *renderer) follow(o Object) ([]entry, []Object, []Problem) {
	group := o.APIVersion
	if i := strings.IndexByte(group, '/'); i >= 0 {
		group = group[:i]
	}
	switch {
	case group == "kustomize.toolkit.fluxcd.io" && o.Kind == "Kustomization":
		es, ps := d.fluxKustomization(o)
		return es, nil, ps
	case group == "helm.toolkit.fluxcd.io" && o.Kind == "HelmRelease":
		es, ps := d.helmRelease(o)
		return es, nil, ps
	case group == "argoproj.io" && o.Kind == "Application":
		es, ps := d.argoApplication(o)
		return es, nil, ps
	case group == "argoproj.io" && o.Kind == "ApplicationSet":
		apps, ps := d.applicationSet(o)
		return nil, apps, ps
	}
	return nil, nil, nil
}

func (d *renderer) notEvaluated(o Object, format string, args ...any) Problem {
	return Problem{Cluster: o.Cluster, File: o.File, Line: o.Line, Message: o.ID() + ": " + fmt.Sprintf(format, args...), NotEvaluated: true}
}

func (d *renderer) badRef(o Object, format string, args ...any) Problem {
	return Problem{Cluster: o.Cluster, File: o.File, Line: o.Line, Message: o.ID() + ": " + fmt.Sprintf(format, args...)}
}

// repoPath cleans a repository-relative path from a Flux or Argo CD object
// ("./apps", "/apps", "apps/"); ok is false when it leaves the repository.
func repoPath(p string) (string, bool) {
	c := path.Clean(strings.TrimLeft(strings.TrimSpace(p), "/"))
	if c == ".." || strings.HasPrefix(c, "../") {
		return "", false
	}
	return c, true
}

func (d *renderer) fluxKustomization(o Object) ([]entry, []Problem) {
	spec := mapAt(o.Value, "spec")
	if kind := str(spec, "sourceRef", "kind"); kind != "" && kind != "GitRepository" {
		return nil, []Problem{d.notEvaluated(o, "source %s/%s is not this Git repository; its objects are not evaluated", kind, str(spec, "sourceRef", "name"))}
	}
	p, ok := repoPath(str(spec, "path"))
	if !ok {
		return nil, []Problem{d.badRef(o, "spec.path %q points outside the repository", str(spec, "path"))}
	}
	e := entry{cluster: o.Cluster, kind: "dir", path: p, namespace: str(spec, "targetNamespace"), from: o.File, fromLine: o.Line, recurse: true}
	if sub := mapAt(spec, "postBuild", "substitute"); len(sub) > 0 {
		e.subst = map[string]string{}
		for k, v := range sub {
			e.subst[k] = fmt.Sprint(v)
		}
	}
	return []entry{e}, nil
}

func (d *renderer) helmRelease(o Object) ([]entry, []Problem) {
	spec := mapAt(o.Value, "spec")
	ns := str(spec, "targetNamespace")
	if ns == "" {
		ns = o.Namespace
	}
	release := str(spec, "releaseName")
	if release == "" {
		release = o.Name
		if t := str(spec, "targetNamespace"); t != "" {
			release = t + "-" + o.Name
		}
	}
	if ref := mapAt(spec, "chartRef"); ref != nil {
		return nil, []Problem{d.notEvaluated(o, "chart from %s/%s is not rendered offline; its objects are not evaluated", str(ref, "kind"), str(ref, "name"))}
	}
	cs := mapAt(spec, "chart", "spec")
	srcKind := str(cs, "sourceRef", "kind")
	if srcKind != "GitRepository" {
		return nil, []Problem{d.notEvaluated(o, "remote chart %q from %s/%s is not fetched (no network); its objects are not evaluated",
			str(cs, "chart"), srcKind, str(cs, "sourceRef", "name"))}
	}
	p, ok := repoPath(str(cs, "chart"))
	if !ok {
		return nil, []Problem{d.badRef(o, "chart path %q points outside the repository", str(cs, "chart"))}
	}
	vals, probs := d.valuesFiles(o, "", listAt(cs, "valuesFiles"))
	if len(listAt(spec, "valuesFrom")) > 0 {
		probs = append(probs, d.notEvaluated(o, "spec.valuesFrom (ConfigMaps/Secrets in the cluster) is not read; rendered with spec.values only"))
	}
	vals = mergeMaps(vals, mapAt(spec, "values"))
	return []entry{{cluster: o.Cluster, kind: "chart", path: p, values: vals, release: release, namespace: ns, from: o.File, fromLine: o.Line}}, probs
}

// valuesFiles merges values files (relative to dir) in order.
func (d *renderer) valuesFiles(o Object, dir string, files []any) (map[string]any, []Problem) {
	vals := map[string]any{}
	var probs []Problem
	for _, vf := range files {
		s, _ := vf.(string)
		if strings.HasPrefix(s, "$") {
			probs = append(probs, d.notEvaluated(o, "values file %q of another source is not read", s))
			continue
		}
		vp, ok := repoPath(path.Join(dir, s))
		if !ok {
			probs = append(probs, d.badRef(o, "values file %q points outside the repository", s))
			continue
		}
		v, err := d.valuesFile(vp)
		if err != nil {
			probs = append(probs, d.badRef(o, "values file: %v", err))
			continue
		}
		vals = mergeMaps(vals, v)
	}
	return vals, probs
}

func (d *renderer) valuesFile(p string) (map[string]any, error) {
	f, ok := d.snap.File(p)
	if !ok {
		return nil, fmt.Errorf("%s: no such file in the repository", p)
	}
	if f.Err != nil {
		return nil, f.Err
	}
	var v map[string]any
	if err := yaml.Unmarshal(f.Data, &v); err != nil {
		return nil, fmt.Errorf("%s: %w", p, err)
	}
	return stringKeys(v).(map[string]any), nil
}

// mergeMaps merges b over a (deeply) into a new map.
func mergeMaps(a, b map[string]any) map[string]any {
	out := make(map[string]any, len(a)+len(b))
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		if bm, ok := v.(map[string]any); ok {
			if am, ok := out[k].(map[string]any); ok {
				out[k] = mergeMaps(am, bm)
				continue
			}
		}
		out[k] = v
	}
	return out
}

// argoApplication follows spec.source / spec.sources of an Application.
func (d *renderer) argoApplication(o Object) ([]entry, []Problem) {
	spec := mapAt(o.Value, "spec")
	ns := str(spec, "destination", "namespace")
	name := o.Name
	var sources []map[string]any
	if s := mapAt(spec, "source"); s != nil {
		sources = append(sources, s)
	}
	for _, s := range listAt(spec, "sources") {
		if m, ok := s.(map[string]any); ok {
			sources = append(sources, m)
		}
	}
	var out []entry
	var probs []Problem
	for _, src := range sources {
		if chartName := str(src, "chart"); chartName != "" {
			probs = append(probs, d.notEvaluated(o, "remote chart %q from %s is not fetched (no network); its objects are not evaluated", chartName, str(src, "repoURL")))
			continue
		}
		if str(src, "path") == "" {
			continue // a $values reference source
		}
		p, ok := repoPath(str(src, "path"))
		if !ok {
			probs = append(probs, d.badRef(o, "source path %q points outside the repository", str(src, "path")))
			continue
		}
		if !d.snap.IsDir(p) {
			probs = append(probs, d.notEvaluated(o, "source path %q (%s) is not in this repository; its objects are not evaluated", p, str(src, "repoURL")))
			continue
		}
		e := entry{cluster: o.Cluster, kind: "dir", path: p, namespace: ns, from: o.File, fromLine: o.Line,
			recurse: get(src, "directory", "recurse") == true}
		if d.isChart(p) && kustomizationFile(d.snap, p) == "" {
			e.kind = "chart"
			e.release = str(src, "helm", "releaseName")
			if e.release == "" {
				e.release = name
			}
			vals, vprobs := d.valuesFiles(o, p, listAt(src, "helm", "valueFiles"))
			probs = append(probs, vprobs...)
			if s := str(src, "helm", "values"); s != "" {
				var v map[string]any
				if err := yaml.Unmarshal([]byte(s), &v); err != nil {
					probs = append(probs, d.badRef(o, "spec.source.helm.values: %v", err))
				}
				vals = mergeMaps(vals, stringKeys(v).(map[string]any))
			}
			vals = mergeMaps(vals, mapAt(src, "helm", "valuesObject"))
			e.values = vals
		}
		out = append(out, e)
	}
	return out, probs
}

var placeholder = regexp.MustCompile(`\{\{-?\s*\.?([A-Za-z0-9_.\[\]]+)\s*-?\}\}`)

// appSetParams are the parameters one generator element gives a template:
// flat keys for fasttemplate ("path.basename") and a tree for goTemplate.
type appSetParams struct {
	flat map[string]string
	tree map[string]any
}

// applicationSet expands git directory and list generators into the
// Applications the ApplicationSet controller creates: in the
// ApplicationSet's namespace, defined (for messages) where it is.
func (d *renderer) applicationSet(o Object) ([]Object, []Problem) {
	spec := mapAt(o.Value, "spec")
	var params []appSetParams
	var probs []Problem
	for _, g := range listAt(spec, "generators") {
		gm, _ := g.(map[string]any)
		switch {
		case mapAt(gm, "git") != nil:
			var excludes []string
			var includes []string
			for _, dir := range listAt(gm, "git", "directories") {
				pat := str(dir, "path")
				if get(dir, "exclude") == true {
					excludes = append(excludes, pat)
				} else {
					includes = append(includes, pat)
				}
			}
			for _, dir := range d.allDirs() {
				if !matchAny(includes, dir) || matchAny(excludes, dir) {
					continue
				}
				params = append(params, gitDirectoryParams(dir))
			}
		case listAt(gm, "list", "elements") != nil:
			for _, el := range listAt(gm, "list", "elements") {
				p := appSetParams{flat: map[string]string{}, tree: map[string]any{}}
				if m, ok := el.(map[string]any); ok {
					for k, v := range m {
						p.flat[k] = fmt.Sprint(v)
						p.tree[k] = v
					}
				}
				params = append(params, p)
			}
		default:
			probs = append(probs, d.notEvaluated(o, "generator %v is not supported offline; its applications are not evaluated", keys(gm)))
		}
	}
	goTemplate := get(spec, "goTemplate") == true
	var out []Object
	for _, p := range params {
		app, err := expandTemplate(mapAt(spec, "template"), p, goTemplate)
		if err != nil {
			probs = append(probs, d.badRef(o, "template: %v", err))
			continue
		}
		m, _ := app.(map[string]any)
		if m == nil {
			m = map[string]any{}
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
	return out, probs
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
func expandTemplate(v any, p appSetParams, goTemplate bool) (any, error) {
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
		tpl, err := template.New("applicationset").Funcs(templateFuncs).Option("missingkey=error").Parse(t)
		if err != nil {
			return nil, err
		}
		var b strings.Builder
		if err := tpl.Execute(&b, p.tree); err != nil {
			return nil, err
		}
		return b.String(), nil
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, e := range t {
			x, err := expandTemplate(e, p, goTemplate)
			if err != nil {
				return nil, err
			}
			out[k] = x
		}
		return out, nil
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			x, err := expandTemplate(e, p, goTemplate)
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

// allDirs lists every directory of the snapshot.
func (d *renderer) allDirs() []string {
	set := map[string]bool{}
	for _, p := range d.snap.Paths() {
		for dir := path.Dir(p); dir != "." && !set[dir]; dir = path.Dir(dir) {
			set[dir] = true
		}
	}
	out := make([]string, 0, len(set))
	for dir := range set {
		out = append(out, dir)
	}
	sortStrings(out)
	return out
}

var varRef = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)(?::=([^}]*))?\}`)

// substitute applies Flux postBuild variable substitution to string values.
func substitute(v any, vars map[string]string) any {
	switch t := v.(type) {
	case string:
		return varRef.ReplaceAllStringFunc(t, func(m string) string {
			sm := varRef.FindStringSubmatch(m)
			if val, ok := vars[sm[1]]; ok {
				return val
			}
			if strings.Contains(m, ":=") {
				return sm[2]
			}
			return m
		})
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, e := range t {
			out[k] = substitute(e, vars)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = substitute(e, vars)
		}
		return out
	}
	return v
}

// fallbackEntries is what to render without a clusters/ directory: every
// kustomization root (not referenced by another kustomization), every chart
// (not a subchart) and every YAML file outside them.
func (d *renderer) fallbackEntries() []entry {
	var kdirs, charts []string
	for _, dir := range append([]string{"."}, d.allDirs()...) {
		if hiddenPath(dir) {
			continue
		}
		if kustomizationFile(d.snap, dir) != "" {
			kdirs = append(kdirs, dir)
		} else if d.isChart(dir) {
			charts = append(charts, dir)
		}
	}
	referenced := map[string]bool{}
	for _, dir := range kdirs {
		docs, err := d.docs(kustomizationFile(d.snap, dir))
		if err != nil || len(docs) == 0 {
			continue
		}
		for _, field := range []string{"resources", "bases", "components"} {
			for _, r := range listAt(docs[0].Value, field) {
				s, _ := r.(string)
				if s == "" || isRemote(s) {
					continue
				}
				referenced[path.Clean(path.Join(dir, s))] = true
			}
		}
	}
	var out []entry
	inside := func(p string, dirs []string) bool {
		for _, dir := range dirs {
			if dir == "." || p == dir || strings.HasPrefix(p, dir+"/") {
				return true
			}
		}
		return false
	}
	for _, dir := range kdirs {
		if !referenced[dir] {
			out = append(out, entry{kind: "dir", path: dir, from: dir})
		}
	}
	var topCharts []string
	for _, c := range charts {
		if !inside(c, topCharts) && !inside(c, kdirs) {
			topCharts = append(topCharts, c)
			out = append(out, entry{kind: "chart", path: c, release: path.Base(c), from: c})
		}
	}
	for _, p := range d.snap.Paths() {
		if !isYAML(p) || hiddenPath(p) || referenced[p] || inside(p, kdirs) || inside(p, topCharts) {
			continue
		}
		out = append(out, entry{kind: "file", path: p, from: p})
	}
	return out
}
