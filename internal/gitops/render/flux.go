package render

import (
	"fmt"
	"regexp"
	"strings"
)

// Flux: Kustomizations and HelmReleases, as kustomize-controller and
// helm-controller deploy them.

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
