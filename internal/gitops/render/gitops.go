package render

import (
	"fmt"
	"path"
	"slices"
	"strings"
)

// follow returns what a Flux or Argo CD object makes its controller deploy:
// entries to render, and objects the controller creates (the Applications
// of an ApplicationSet), which are followed in turn. Both carry o as their
// deployer.
func (d *renderer) follow(o Object) ([]entry, []Object, []Problem) {
	var es []entry
	var created []Object
	var ps []Problem
	group := o.Group()
	switch {
	case group == "kustomize.toolkit.fluxcd.io" && o.Kind == "Kustomization":
		es, ps = d.fluxKustomization(o)
	case group == "helm.toolkit.fluxcd.io" && o.Kind == "HelmRelease":
		es, ps = d.helmRelease(o)
	case group == "argoproj.io" && o.Kind == "Application":
		es, ps = d.argoApplication(o)
	case group == "argoproj.io" && o.Kind == "ApplicationSet":
		created, ps = d.applicationSet(o)
	default:
		return nil, nil, nil
	}
	for i := range es {
		es[i].deployer = o.DeployerID()
	}
	for i := range created {
		created[i].Deployer = o.DeployerID()
	}
	return es, created, ps
}

// isGitOps says whether an object is one follow follows.
func isGitOps(apiVersion, kind string) bool {
	switch apiGroup(apiVersion) {
	case "kustomize.toolkit.fluxcd.io":
		return kind == "Kustomization"
	case "helm.toolkit.fluxcd.io":
		return kind == "HelmRelease"
	case "argoproj.io":
		return kind == "Application" || kind == "ApplicationSet"
	}
	return false
}

// notEvaluated is what o deploys left out, with its reason (Reason*).
func (d *renderer) notEvaluated(o Object, reason, format string, args ...any) Problem {
	return Problem{Cluster: o.Cluster, File: o.File, Line: o.Line, Message: o.ID() + ": " + fmt.Sprintf(format, args...),
		NotEvaluated: true, Reason: reason, Of: ofObject(o), Format: msgFormat("%s: " + format), Args: msgArgs("%s: "+format, append([]any{o.ID()}, args...))}
}

func (d *renderer) badRef(o Object, format string, args ...any) Problem {
	return Problem{Cluster: o.Cluster, File: o.File, Line: o.Line, Message: o.ID() + ": " + fmt.Sprintf(format, args...),
		Format: msgFormat("%s: " + format), Args: msgArgs("%s: "+format, append([]any{o.ID()}, args...))}
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

// valuesFiles merges values files (relative to dir) in order. What it
// returns may share maps and lists with the values files as read (kept
// for every release, valuesFile): callers copy it before changing it.
func (d *renderer) valuesFiles(o Object, dir string, files []any) (map[string]any, []Problem) {
	var vals map[string]any // the first file's own values, until a second one
	var probs []Problem
	for _, vf := range files {
		s, _ := vf.(string)
		if strings.HasPrefix(s, "$") {
			probs = append(probs, d.notEvaluated(o, ReasonValuesElsewhere, "values file %q of another source is not read", s))
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
		if vals == nil {
			vals = v
		} else {
			vals = mergeMaps(vals, v)
		}
	}
	if vals == nil {
		vals = map[string]any{}
	}
	return vals, probs
}

// valuesFile reads the values file p. A chart's default values file is
// named by every release of the chart: it is parsed once per Render and
// shared by its callers, who never change it (renderValues copies the
// values it gives a chart; Argo CD's parameters are set into a copy).
func (d *renderer) valuesFile(p string) (map[string]any, error) {
	d.mu.Lock()
	kept, ok := d.values[p]
	d.mu.Unlock()
	if ok {
		return kept, nil
	}
	v, err := d.readValuesFile(p)
	if err != nil {
		return nil, err
	}
	d.mu.Lock()
	if d.values == nil {
		d.values = map[string]map[string]any{}
	}
	if _, ok := d.values[p]; !ok {
		d.values[p] = v
	}
	v = d.values[p]
	d.mu.Unlock()
	return v, nil
}

func (d *renderer) readValuesFile(p string) (map[string]any, error) {
	f, ok := d.snap.File(p)
	if !ok {
		return nil, fmt.Errorf("%s: no such file in the repository", p)
	}
	if f.Err != nil {
		return nil, f.Err
	}
	v, err := helmValuesShared(f.Data, d.interner())
	if err != nil {
		return nil, fmt.Errorf("%s: %w", p, err)
	}
	return v, nil
}

// mergeMaps merges b over a (deeply) into a new map.
func mergeMaps(a, b map[string]any) map[string]any {
	out := tableCopy(a, b)
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

// layout is how a repository without clusters/ is cut into things to apply:
// kustomization roots (kustomizations no other kustomization names), charts
// outside kustomizations (not subcharts), and YAML files no kustomization
// names (loose files, and files a kustomization's directory holds without
// listing them: `kubectl apply -f` applies those).
type layout struct {
	kroots []string
	charts []string
	files  []string
	// closure maps a kustomization root to the files and directories its
	// kustomizations name, transitively.
	closure map[string][]string
}

func (d *renderer) layout() *layout {
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
	refs := map[string][]string{}
	listed := map[string]bool{}
	for _, dir := range kdirs {
		refs[dir] = d.kustomizationRefs(dir)
		for _, r := range refs[dir] {
			listed[r] = true
		}
	}
	inside := func(p string, dirs []string) bool {
		for _, dir := range dirs {
			if dir == "." || p == dir || strings.HasPrefix(p, dir+"/") {
				return true
			}
		}
		return false
	}
	l := &layout{closure: map[string][]string{}}
	for _, dir := range kdirs {
		// A kustomize Component only builds as part of a kustomization
		// listing it under components: never on its own.
		if !listed[dir] && !d.isComponent(dir) {
			l.kroots = append(l.kroots, dir)
		}
	}
	// Kustomizations only a cycle references are roots too, so the cycle
	// is reported (kustomize.go).
	l.kroots = append(l.kroots, d.cycleMembers(kdirs, l.kroots)...)
	for _, dir := range l.kroots {
		seen := map[string]bool{dir: true}
		for queue := []string{dir}; len(queue) > 0; queue = queue[1:] {
			for _, r := range refs[queue[0]] {
				if !seen[r] {
					seen[r] = true
					l.closure[dir] = append(l.closure[dir], r)
					if _, ok := refs[r]; ok {
						queue = append(queue, r)
					}
				}
			}
		}
	}
	for _, c := range charts {
		if !inside(c, l.charts) && !inside(c, kdirs) && !listed[c] {
			l.charts = append(l.charts, c)
		}
	}
	for _, p := range d.snap.Paths() {
		if !isYAML(p) || hiddenPath(p) || listed[p] || inside(p, l.charts) || inside(p, charts) || slices.Contains(kustomizationNames, path.Base(p)) {
			continue
		}
		l.files = append(l.files, p)
	}
	return l
}

// isComponent says whether the kustomization in dir is a kustomize
// Component (kind: Component).
func (d *renderer) isComponent(dir string) bool {
	docs, err := d.docs(kustomizationFile(d.snap, dir))
	return err == nil && len(docs) > 0 && str(docs[0].Value, "kind") == "Component"
}

// kustomizationRefs lists the files and directories of the repository that
// the kustomization in dir names anywhere (resources, components, patches,
// generators' files, chart homes), relative to dir.
func (d *renderer) kustomizationRefs(dir string) []string {
	docs, err := d.docs(kustomizationFile(d.snap, dir))
	if err != nil || len(docs) == 0 {
		return nil
	}
	set := map[string]bool{}
	var walk func(v any)
	walk = func(v any) {
		switch t := v.(type) {
		case map[string]any:
			for _, e := range t {
				walk(e)
			}
		case []any:
			for _, e := range t {
				walk(e)
			}
		case string:
			if t == "" || len(t) > 4096 || strings.ContainsAny(t, "\n*") || isRemote(t) {
				return
			}
			if i := strings.IndexByte(t, '='); i >= 0 {
				t = t[i+1:] // configMapGenerator files: key=path
			}
			p, ok := repoPath(path.Join(dir, t))
			if !ok || p == dir {
				return
			}
			if _, isFile := d.snap.File(p); isFile || d.snap.IsDir(p) {
				set[p] = true
			}
		}
	}
	for _, field := range kustomizationFileFields {
		walk(docs[0].Value[field])
	}
	out := make([]string, 0, len(set))
	for p := range set {
		out = append(out, p)
	}
	sortStrings(out)
	return out
}

// kustomizationFileFields are the fields of a kustomization that name
// files or directories.
var kustomizationFileFields = []string{"resources", "bases", "components", "patches", "patchesStrategicMerge", "patchesJson6902",
	"configMapGenerator", "secretGenerator", "helmGlobals", "helmCharts", "crds", "openapi", "replacements", "transformers",
	"generators", "validators", "configurations"}

// holdsGitOps says whether a file holds a Flux Kustomization or HelmRelease
// or an Argo CD Application or ApplicationSet (a file that does not parse
// holds none).
func (d *renderer) holdsGitOps(p string) bool {
	docs, err := d.docs(p)
	if err != nil {
		return false
	}
	for _, doc := range docs {
		if isGitOps(str(doc.Value, "apiVersion"), str(doc.Value, "kind")) {
			return true
		}
	}
	return false
}

// rootEntries are the roots of a repository without clusters/: the
// kustomization roots and YAML files that hold GitOps objects (applied by
// hand, they make the controllers deploy the rest).
func (d *renderer) rootEntries() []entry {
	l := d.layout()
	var out []entry
	for _, dir := range l.kroots {
		for _, p := range append([]string{kustomizationFile(d.snap, dir)}, l.closure[dir]...) {
			if _, isFile := d.snap.File(p); isFile && isYAML(p) && d.holdsGitOps(p) {
				out = append(out, entry{kind: "dir", path: dir, from: dir})
				break
			}
		}
	}
	for _, p := range l.files {
		if d.holdsGitOps(p) {
			out = append(out, entry{kind: "file", path: p, from: p})
		}
	}
	return out
}

// fallbackEntries is what to render without a clusters/ directory once the
// roots are followed: every kustomization root, chart and YAML file of the
// layout that nothing rendered so far reached.
func (d *renderer) fallbackEntries(reached *reach) []entry {
	l := d.layout()
	var out []entry
	for _, dir := range l.kroots {
		if !reached.has(dir) {
			out = append(out, entry{kind: "dir", path: dir, from: dir})
		}
	}
	for _, c := range l.charts {
		if !reached.has(c) {
			out = append(out, entry{kind: "chart", path: c, release: path.Base(c), from: c})
		}
	}
	for _, p := range l.files {
		if !reached.has(p) {
			out = append(out, entry{kind: "file", path: p, from: p})
		}
	}
	return out
}
