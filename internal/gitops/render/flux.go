package render

import (
	"path"
	"path/filepath"
	"sort"
	"strings"
)

// Flux: Kustomizations and HelmReleases, as kustomize-controller and
// helm-controller deploy them. Sources resolve in flux_source.go, builds
// with edits in flux_build.go, postBuild variables in flux_subst.go.

func (d *renderer) fluxKustomization(o Object) ([]entry, []Problem) {
	spec := mapAt(o.Value, "spec")
	if get(spec, "suspend") == true {
		return nil, nil
	}
	src := &fluxSource{} // no sourceRef (invalid for Flux): this repository, leniently
	if ref := mapAt(spec, "sourceRef"); ref != nil {
		var prob *Problem
		if src, prob = d.resolveSource(o, ref); prob != nil {
			return nil, []Problem{*prob}
		}
	}
	p, ok := repoPath(str(spec, "path"))
	if !ok {
		return nil, []Problem{d.badRef(o, "spec.path %q points outside the repository", str(spec, "path"))}
	}
	if prob := d.otherUnless(o, src, d.snap.IsDir(p), p); prob != nil {
		return nil, []Problem{*prob}
	}
	var probs []Problem
	if src.artifact != nil {
		rp, ok := d.artifactPath(src.artifact, p)
		if !ok {
			return nil, []Problem{d.notEvaluated(o, ReasonOtherRepository,
				"%s: path %q of the artifact is not a copy of one directory of this repository; its objects are not evaluated", src.desc, p)}
		}
		p = rp
	}
	b := &fluxBuild{namePrefix: str(spec, "namePrefix"), nameSuffix: str(spec, "nameSuffix"),
		patches: listAt(spec, "patches"), images: listAt(spec, "images")}
	for _, c := range listAt(spec, "components") {
		if s, ok := c.(string); ok {
			b.components = append(b.components, s)
		}
	}
	for _, dep := range listAt(spec, "dependsOn") {
		ns := str(dep, "namespace")
		if ns == "" {
			ns = o.Namespace
		}
		b.dependsOn = append(b.dependsOn, ns+"/"+str(dep, "name"))
	}
	kind := "dir"
	if b.edits() {
		kind = "flux"
	}
	e := entry{cluster: o.Cluster, kind: kind, path: p, namespace: str(spec, "targetNamespace"), from: o.File, fromLine: o.Line,
		recurse: true, deployer: ofObject(o), flux: b}
	if mapAt(spec, "postBuild") != nil {
		vars, vprobs := d.fluxVars(o)
		probs = append(probs, vprobs...)
		if len(vars) > 0 {
			e.subst = vars
		}
	}
	return []entry{e}, probs
}

// artifactPath maps a path of an ExternalArtifact to the directory of this
// repository it is a copy of, when the copy is whole for that directory
// and every directory its kustomizations reach (so relative references
// resolve to the same files in the artifact and in the repository).
func (d *renderer) artifactPath(a *artifact, p string) (string, bool) {
	rp, ok := a.repoDir(p)
	if !ok || !d.snap.IsDir(rp) {
		return "", false
	}
	seen := map[string]bool{}
	var check func(artDir, repoDir string) bool
	check = func(artDir, repoDir string) bool {
		if seen[repoDir] {
			return true
		}
		seen[repoDir] = true
		if r, ok := a.repoDir(artDir); !ok || r != repoDir || !d.covers(a, artDir, repoDir) {
			return false
		}
		for _, dir := range d.referencedDirs(repoDir) {
			rel, err := filepath.Rel(repoDir, dir)
			if err != nil {
				return false
			}
			ad := path.Join(artDir, filepath.ToSlash(rel))
			if ad == ".." || strings.HasPrefix(ad, "../") || !check(ad, dir) {
				return false
			}
		}
		return true
	}
	if !check(path.Clean(p), rp) {
		return "", false
	}
	return rp, true
}

// referencedDirs lists the directories outside dir that the kustomizations
// in dir and below it reference (resources, bases, components).
func (d *renderer) referencedDirs(dir string) []string {
	set := map[string]bool{}
	for _, f := range d.snap.Walk(dir) {
		if d.kfile(path.Dir(f)) != f {
			continue
		}
		for _, t := range d.localRefs(path.Dir(f)) {
			if !d.snap.IsDir(t) {
				t = path.Dir(t)
			}
			if t != dir && !strings.HasPrefix(t, dir+"/") {
				set[t] = true
			}
		}
	}
	out := make([]string, 0, len(set))
	for s := range set {
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

// localRefs lists the local resources, bases and components of the
// kustomization in dir, as cleaned repository paths (remote ones left out).
func (d *renderer) localRefs(dir string) []string {
	docs, err := d.docs(d.kfile(dir))
	if err != nil || len(docs) == 0 {
		return nil
	}
	var out []string
	for _, field := range []string{"resources", "bases", "components"} {
		for _, r := range listAt(docs[0].Value, field) {
			if s, _ := r.(string); s != "" && !isRemote(s) {
				out = append(out, path.Clean(path.Join(dir, s)))
			}
		}
	}
	return out
}

// helmRelease follows a HelmRelease: a chart of this repository (from a
// GitRepository, a HelmChart of one, or an ExternalArtifact copied from
// it) with its values; charts from Helm and OCI repositories are not
// fetched.
func (d *renderer) helmRelease(o Object) ([]entry, []Problem) {
	spec := mapAt(o.Value, "spec")
	if get(spec, "suspend") == true {
		return nil, nil
	}
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
	chartPath, valuesFiles, prob := d.helmChartSource(o, spec)
	if prob != nil {
		return nil, []Problem{*prob}
	}
	vals, probs := d.valuesFiles(o, "", valuesFiles)
	from, fprobs := d.valuesFrom(o, listAt(spec, "valuesFrom"))
	probs = append(probs, fprobs...)
	if len(from) > 0 {
		vals = mergeMaps(vals, from)
	}
	if sv := mapAt(spec, "values"); sv != nil {
		vals = mergeMaps(vals, jsonNumbers(deepCopy(sv)).(map[string]any)) // as helm-controller decodes it from the API server
	}
	return []entry{{cluster: o.Cluster, kind: "chart", path: chartPath, values: vals, release: release, namespace: ns,
		from: o.File, fromLine: o.Line, deployer: ofObject(o)}}, probs
}

// helmChartSource resolves a HelmRelease's chart to a chart directory of
// this repository and its valuesFiles.
func (d *renderer) helmChartSource(o Object, spec map[string]any) (string, []any, *Problem) {
	remote := func(format string, args ...any) (string, []any, *Problem) {
		p := d.notEvaluated(o, ReasonRemoteChart, format, args...)
		return "", nil, &p
	}
	var chart string
	var valuesFiles []any
	var src *fluxSource
	if ref := mapAt(spec, "chartRef"); ref != nil {
		kind, name, ns := str(ref, "kind"), str(ref, "name"), str(ref, "namespace")
		if ns == "" {
			ns = o.Namespace
		}
		srcObj, found := d.fluxIdx.get(o.Cluster, kind, ns, name)
		switch kind {
		case "OCIRepository":
			url := ""
			if found {
				url = " (" + str(srcObj.Value, "spec", "url") + ")"
			}
			return remote("remote chart from chartRef OCIRepository %s/%s%s is not fetched (no network); its objects are not evaluated", ns, name, url)
		case "HelmChart":
			if !found {
				p := d.notEvaluated(o, ReasonOtherRepository, "chartRef HelmChart %s/%s is not in this repository; its objects are not evaluated", ns, name)
				return "", nil, &p
			}
			hs := mapAt(srcObj.Value, "spec")
			if k := str(hs, "sourceRef", "kind"); k == "HelmRepository" {
				return remote("remote chart %q from HelmChart %s/%s (HelmRepository %s) is not fetched (no network); its objects are not evaluated",
					str(hs, "chart"), ns, name, str(hs, "sourceRef", "name"))
			}
			var prob *Problem
			if src, prob = d.resolveSource(srcObj, mapAt(hs, "sourceRef")); prob != nil {
				p := *prob
				p.Cluster, p.File, p.Line, p.Of = o.Cluster, o.File, o.Line, ofObject(o)
				p.Message = o.ID() + ": chartRef HelmChart " + ns + "/" + name + ": " + p.Message
				return "", nil, &p
			}
			chart, valuesFiles = str(hs, "chart"), listAt(hs, "valuesFiles")
			if vf := str(hs, "valuesFile"); vf != "" && len(valuesFiles) == 0 {
				valuesFiles = []any{vf}
			}
		case "ExternalArtifact":
			var prob *Problem
			if src, prob = d.resolveSource(o, ref); prob != nil {
				return "", nil, prob
			}
			chart = "."
		default:
			p := d.notEvaluated(o, ReasonOtherRepository, "chartRef %s %s/%s is not rendered offline; its objects are not evaluated", kind, ns, name)
			return "", nil, &p
		}
	} else {
		cs := mapAt(spec, "chart", "spec")
		ref := mapAt(cs, "sourceRef")
		kind, name, ns := str(ref, "kind"), str(ref, "name"), str(ref, "namespace")
		if ns == "" {
			ns = o.Namespace
		}
		if kind == "HelmRepository" || kind == "" {
			url := ""
			if repo, found := d.fluxIdx.get(o.Cluster, "HelmRepository", ns, name); found {
				url = " (" + str(repo.Value, "spec", "url") + ")"
			}
			return remote("remote chart %q from HelmRepository %s/%s%s is not fetched (no network); its objects are not evaluated",
				str(cs, "chart"), ns, name, url)
		}
		var prob *Problem
		if src, prob = d.resolveSource(o, ref); prob != nil {
			return "", nil, prob
		}
		chart, valuesFiles = str(cs, "chart"), listAt(cs, "valuesFiles")
		if vf := str(cs, "valuesFile"); vf != "" && len(valuesFiles) == 0 {
			valuesFiles = []any{vf}
		}
	}
	p, ok := repoPath(chart)
	if !ok {
		b := d.badRef(o, "chart path %q points outside the repository", chart)
		return "", nil, &b
	}
	if prob := d.otherUnless(o, src, d.isChart(p), p); prob != nil {
		return "", nil, prob
	}
	if src.artifact != nil {
		rp, ok := d.artifactPath(src.artifact, p)
		if !ok {
			b := d.notEvaluated(o, ReasonOtherRepository, "%s: chart %q of the artifact is not a copy of one directory of this repository; its objects are not evaluated", src.desc, p)
			return "", nil, &b
		}
		// values files are relative to the artifact root, like the chart
		var mapped []any
		for _, vf := range valuesFiles {
			s, _ := vf.(string)
			vp, ok := repoPath(s)
			if f, in := src.artifact.files[vp]; ok && in {
				mapped = append(mapped, f)
			} else {
				mapped = append(mapped, s)
			}
		}
		p, valuesFiles = rp, mapped
	}
	return p, valuesFiles, nil
}

// valuesFrom reads a HelmRelease's spec.valuesFrom from the ConfigMaps and
// Secrets of the repository in its namespace, merged in order: the
// valuesKey (default values.yaml) as YAML, or with targetPath its value
// at that dotted path. A missing reference that is not optional is not
// evaluated (made in the cluster?).
func (d *renderer) valuesFrom(o Object, refs []any) (map[string]any, []Problem) {
	vals := map[string]any{}
	var probs []Problem
	for _, ref := range refs {
		kind, name, key := str(ref, "kind"), str(ref, "name"), str(ref, "valuesKey")
		if key == "" {
			key = "values.yaml"
		}
		if kind != "ConfigMap" && kind != "Secret" {
			probs = append(probs, d.badRef(o, "spec.valuesFrom: kind %q is not ConfigMap or Secret", kind))
			continue
		}
		src, ok := d.fluxIdx.get(o.Cluster, kind, o.Namespace, name)
		var data map[string]string
		var err error
		if ok {
			data, err = configData(src)
			if err != nil {
				probs = append(probs, d.badRef(o, "spec.valuesFrom: %v", err))
				continue
			}
		}
		text, has := data[key]
		if !ok || !has {
			if get(ref, "optional") != true {
				what := kind + " " + o.Namespace + "/" + name
				if ok {
					what += " key " + key
				}
				probs = append(probs, d.notEvaluated(o, ReasonClusterValue,
					"spec.valuesFrom %s is not in this repository (made in the cluster?); rendered without it", what))
			}
			continue
		}
		if tp := str(ref, "targetPath"); tp != "" {
			vals = mergeMaps(vals, atPath(tp, text))
			continue
		}
		v, err := helmValuesYAML([]byte(text))
		if err != nil {
			probs = append(probs, d.badRef(o, "spec.valuesFrom %s %s key %s: %v", kind, name, key, err))
			continue
		}
		if v != nil {
			vals = mergeMaps(vals, v)
		}
	}
	return vals, probs
}

// atPath nests value under a dotted path ("a.b.c"), as helm --set-string
// does for valuesFrom targetPath (escaped dots and list indexes are not
// supported: the key is taken as it is).
func atPath(p, value string) map[string]any {
	parts := strings.Split(p, ".")
	var v any = value
	for i := len(parts) - 1; i >= 0; i-- {
		v = map[string]any{parts[i]: v}
	}
	m, _ := v.(map[string]any)
	return m
}
