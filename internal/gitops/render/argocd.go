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

// Argo CD: Applications and ApplicationSets, as the application and
// ApplicationSet controllers deploy them.

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
		app, err := d.budget.expand(func(run *tmplRun) (any, error) { return expandTemplate(mapAt(spec, "template"), p, goTemplate, run) })
		if be, ok := IsBudget(err); ok {
			probs = append(probs, d.badRef(o, "not evaluated: %v: template", be))
			continue
		}
		if err != nil {
			probs = append(probs, d.badRef(o, "template: %s", shortMessage(err.Error())))
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
// A Go template runs under the render budget of run.
func expandTemplate(v any, p appSetParams, goTemplate bool, run *tmplRun) (any, error) {
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
		tpl, err := template.New("applicationset").Funcs(run.appSetFuncs()).Option("missingkey=error").Parse(t)
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
			x, err := expandTemplate(e, p, goTemplate, run)
			if err != nil {
				return nil, err
			}
			out[k] = x
		}
		return out, nil
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			x, err := expandTemplate(e, p, goTemplate, run)
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
