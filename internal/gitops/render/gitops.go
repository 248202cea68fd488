package render

import (
	"fmt"
	"path"
	"strings"

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
	var roots []string
	for _, dir := range kdirs {
		if !referenced[dir] {
			roots = append(roots, dir)
		}
	}
	for _, dir := range append(roots, d.cycleMembers(kdirs, roots)...) {
		out = append(out, entry{kind: "dir", path: dir, from: dir})
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
