package render

import (
	"bytes"
	"fmt"
	"path"
	"regexp"
	"strings"

	"github.com/gobwas/glob"
	"helm.sh/helm/v3/pkg/strvals"
)

// Argo CD sources as the repo-server renders them
// (reposerver/repository/repository.go): source type detection, directory
// sources (recurse, include, exclude, .json, jsonnet) and Helm values.

// argoSource is what an entry of an Argo CD source carries beyond the
// path: directory options or kustomize edits. A non-nil argoSource also
// marks the entry as Argo CD's: the destination namespace only fills in
// objects without one.
type argoSource struct {
	include, exclude string
	jsonnet          argoJsonnet
	// kustomize is the source's kustomize block: the edits Argo CD makes
	// to the kustomization before building it (argocd_kustomize.go).
	kustomize map[string]any
}

// argoJsonnet are a directory source's jsonnet options.
type argoJsonnet struct {
	extVars, tlas []jsonnetArg
	libs          []string // repository paths
}

type jsonnetArg struct {
	name, value string
	code        bool
}

// key identifies the options for entry deduplication ("" for none).
func (s *argoSource) key() string {
	if s == nil {
		return ""
	}
	return fmt.Sprintf("argo{%q %q %v %v}", s.include, s.exclude, s.jsonnet, s.kustomize)
}

// argoSourceTypes are the explicit source types of an Argo CD source.
var argoSourceTypes = []string{"helm", "kustomize", "directory", "plugin"}

// argoSourceType is the type Argo CD renders a source with: the one
// explicit type given (a non-empty helm, kustomize, directory or plugin
// block; plugin: {} counts), else discovered from the directory: a
// kustomization before a Chart.yaml, else a directory.
func (d *renderer) argoSourceType(src map[string]any, dir string) (string, error) {
	var explicit []string
	for _, t := range argoSourceTypes {
		v, ok := src[t]
		if !ok || v == nil {
			continue
		}
		if m, isMap := v.(map[string]any); isMap && len(m) == 0 && t != "plugin" {
			continue
		}
		explicit = append(explicit, t)
	}
	switch {
	case len(explicit) > 1:
		return "", fmt.Errorf("more than one source type (%s)", strings.Join(explicit, ", "))
	case len(explicit) == 1:
		return explicit[0], nil
	case d.kfile(dir) != "":
		return "kustomize", nil
	case d.isChart(dir):
		return "helm", nil
	}
	return "directory", nil
}

// argoDirectory reads a source's directory block into an entry.
func argoDirectory(e *entry, dir map[string]any) {
	e.recurse = get(dir, "recurse") == true
	a := &argoSource{include: str(dir, "include"), exclude: str(dir, "exclude")}
	args := func(field string) []jsonnetArg {
		var out []jsonnetArg
		for _, v := range listAt(dir, "jsonnet", field) {
			out = append(out, jsonnetArg{name: str(v, "name"), value: fmt.Sprint(get(v, "value")), code: get(v, "code") == true})
		}
		return out
	}
	a.jsonnet.extVars, a.jsonnet.tlas = args("extVars"), args("tlas")
	for _, l := range listAt(dir, "jsonnet", "libs") {
		if s, ok := l.(string); ok {
			a.jsonnet.libs = append(a.jsonnet.libs, s)
		}
	}
	e.argo = a
}

// argoManifestFile is the repo-server's manifestFile: the files a directory
// source reads.
var argoManifestFile = regexp.MustCompile(`^.*\.(yaml|yml|json|jsonnet)$`)

// renderArgoDir renders a directory source as findManifests does: the
// .yaml, .yml, .json and .jsonnet files of e.path (of its subdirectories
// with recurse), without those matching exclude, only those matching
// include (globs over the path relative to e.path, '*' crossing '/').
// Files that do not parse and do not look like manifests are ignored.
func (d *renderer) renderArgoDir(e entry, r *rendered) {
	if !d.snap.IsDir(e.path) {
		r.problem(e, e.from, e.fromLine, "path %q does not exist in the repository", e.path)
		return
	}
	var include, exclude glob.Glob
	var err error
	if e.argo.include != "" {
		if include, err = glob.Compile(e.argo.include); err != nil {
			r.problem(e, e.from, e.fromLine, "directory include %q: %v", e.argo.include, err)
			return
		}
	}
	if e.argo.exclude != "" {
		if exclude, err = glob.Compile(e.argo.exclude); err != nil {
			r.problem(e, e.from, e.fromLine, "directory exclude %q: %v", e.argo.exclude, err)
			return
		}
	}
	for _, p := range d.snap.Walk(e.path) {
		rel := p
		if e.path != "" && e.path != "." {
			rel = strings.TrimPrefix(p, e.path+"/")
		}
		if !e.recurse && strings.Contains(rel, "/") || !argoManifestFile.MatchString(path.Base(p)) {
			continue
		}
		if exclude != nil && exclude.Match(rel) || include != nil && !include.Match(rel) {
			continue
		}
		if strings.HasSuffix(p, ".jsonnet") {
			d.renderJsonnet(e, p, r)
			continue
		}
		if _, err := d.docs(p); err != nil && !d.looksLikeManifest(p) {
			continue
		}
		d.renderFile(e, p, r)
	}
}

// looksLikeManifest is the repo-server's test for a file that does not
// parse: an error only when it has apiVersion:, kind: and metadata:.
func (d *renderer) looksLikeManifest(p string) bool {
	f, ok := d.snap.File(p)
	if !ok || f.Err != nil {
		return ok
	}
	return bytes.Contains(f.Data, []byte("apiVersion:")) && bytes.Contains(f.Data, []byte("kind:")) && bytes.Contains(f.Data, []byte("metadata:"))
}

// argoRefs are the ref sources of a multi-source Application: name ->
// repository URL, and whether it is this repository.
type argoRefs map[string]struct {
	url  string
	here bool
}

// argoHelmValues composes a Helm source's values as Argo CD passes them to
// helm template: valueFiles in order (relative to the chart, or $ref/path
// of a ref source), then valuesObject, or values when there is no
// valuesObject (Argo CD's ValuesYAML), then parameters (--set, --set-string
// with forceString) and fileParameters (--set-file).
func (d *renderer) argoHelmValues(o Object, chartDir string, helm map[string]any, refs argoRefs) (map[string]any, []Problem) {
	vals := map[string]any{}
	var probs []Problem
	ignoreMissing := get(helm, "ignoreMissingValueFiles") == true
	for _, vf := range listAt(helm, "valueFiles") {
		s, _ := vf.(string)
		var vp string
		switch {
		case strings.HasPrefix(s, "$"):
			name, rest, _ := strings.Cut(s[1:], "/")
			ref, ok := refs[name]
			if !ok {
				probs = append(probs, d.badRef(o, "values file %q: no source has ref %q", s, name))
				continue
			}
			if !ref.here {
				probs = append(probs, d.notEvaluated(o, ReasonValuesElsewhere, "values file %q is in other repository %s: not read", s, ref.url))
				continue
			}
			vp = rest
		case strings.Contains(s, "://"):
			probs = append(probs, d.notEvaluated(o, ReasonValuesElsewhere, "values file %q is remote: not fetched (no network)", s))
			continue
		default:
			vp = path.Join(chartDir, s)
		}
		if _, found := d.snap.File(vp); !found && ignoreMissing {
			continue
		}
		v, ps := d.valuesFiles(o, "", []any{vp})
		probs = append(probs, ps...)
		vals = mergeMaps(vals, v)
	}
	if obj := mapAt(helm, "valuesObject"); obj != nil {
		vals = mergeMaps(vals, jsonNumbers(deepCopy(obj)).(map[string]any)) // JSON in the Application, a values file to helm
	} else if s := str(helm, "values"); s != "" {
		v, err := helmValuesYAML([]byte(s))
		if err != nil {
			probs = append(probs, d.badRef(o, "helm.values: %v", err))
		} else if v != nil {
			vals = mergeMaps(vals, v)
		}
	}
	if len(listAt(helm, "parameters")) > 0 || len(listAt(helm, "fileParameters")) > 0 {
		vals = ownValues(vals) // set in place, and shared with the values files as read
	}
	for _, p := range listAt(helm, "parameters") {
		name, value := str(p, "name"), fmt.Sprint(get(p, "value"))
		if get(p, "value") == nil {
			value = ""
		}
		set := strvals.ParseInto
		if get(p, "forceString") == true {
			set = strvals.ParseIntoString
		}
		// Argo CD escapes commas so a value is one value, not a list of --set pairs.
		if err := set(name+"="+escapeSetValue(value), vals); err != nil {
			probs = append(probs, d.badRef(o, "helm parameter %q: %v", name, err))
		}
	}
	for _, p := range listAt(helm, "fileParameters") {
		name := str(p, "name")
		fp, ok := repoPath(path.Join(chartDir, str(p, "path")))
		f, found := d.snap.File(fp)
		if !ok || !found || f.Err != nil {
			probs = append(probs, d.badRef(o, "helm fileParameter %q: file %q not in the repository", name, str(p, "path")))
			continue
		}
		if err := strvals.ParseIntoString(name+"="+escapeSetValue(string(f.Data)), vals); err != nil {
			probs = append(probs, d.badRef(o, "helm fileParameter %q: %v", name, err))
		}
	}
	return vals, probs
}

// escapeSetValue escapes the commas of a --set value that are not escaped
// yet, as Argo CD's helm template call does.
func escapeSetValue(v string) string {
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		if v[i] == '\\' && i+1 < len(v) {
			b.WriteByte(v[i])
			b.WriteByte(v[i+1])
			i++
			continue
		}
		if v[i] == ',' {
			b.WriteByte('\\')
		}
		b.WriteByte(v[i])
	}
	return b.String()
}
