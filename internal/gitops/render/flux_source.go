package render

import (
	"fmt"
	"net/url"
	"path"
	"sort"
	"strings"
)

// Flux sources: which GitRepository is this repository, what an
// ExternalArtifact of an ArtifactGenerator holds, and everything else as not
// evaluated with its reason.

// fluxIndex holds the rendered objects Flux references resolve against
// (sources, ArtifactGenerators, ConfigMaps and Secrets). Render adds to it
// and follows objects from one goroutine only.
type fluxIndex struct {
	byKey map[string]Object // cluster|Kind|namespace|name
	// kustomizations and generators per cluster, in the order rendered
	kustomizations map[string][]Object
	generators     map[string][]Object
}

func fluxKey(cluster, kind, ns, name string) string {
	return cluster + "|" + kind + "|" + ns + "|" + name
}

func (x *fluxIndex) add(o Object) {
	switch o.Kind {
	case "GitRepository", "OCIRepository", "Bucket", "HelmRepository", "HelmChart", "ExternalArtifact",
		"ConfigMap", "Secret":
	case "Kustomization":
		if !strings.HasPrefix(o.APIVersion, "kustomize.toolkit.fluxcd.io/") {
			return
		}
		if x.kustomizations == nil {
			x.kustomizations = map[string][]Object{}
		}
		x.kustomizations[o.Cluster] = append(x.kustomizations[o.Cluster], o)
	case "ArtifactGenerator":
		if x.generators == nil {
			x.generators = map[string][]Object{}
		}
		x.generators[o.Cluster] = append(x.generators[o.Cluster], o)
	default:
		return
	}
	if x.byKey == nil {
		x.byKey = map[string]Object{}
	}
	k := fluxKey(o.Cluster, o.Kind, o.Namespace, o.Name)
	if _, dup := x.byKey[k]; !dup {
		x.byKey[k] = o
	}
}

func (x *fluxIndex) get(cluster, kind, ns, name string) (Object, bool) {
	o, ok := x.byKey[fluxKey(cluster, kind, ns, name)]
	return o, ok
}

// objectRef is "Kind/namespace/name" ("Kind/name" without a namespace).
func objectRef(kind, ns, name string) string {
	if ns == "" {
		return kind + "/" + name
	}
	return kind + "/" + ns + "/" + name
}

// ofObject is objectRef of o.
func ofObject(o Object) string { return objectRef(o.Kind, o.Namespace, o.Name) }

// normalizeRepoURL reduces a Git URL to host/path for comparison: scheme,
// user, default ports, a trailing ".git" and slashes dropped, the host in
// lower case. https://github.com/org/repo, ssh://git@github.com/org/repo.git,
// git@github.com:org/repo and HTTPS://GitHub.com/org/repo/ are all
// "github.com/org/repo". A local path stays a cleaned path. "" for "".
func normalizeRepoURL(u string) string {
	u = strings.TrimSpace(u)
	if u == "" {
		return ""
	}
	var host, p string
	switch {
	case strings.Contains(u, "://"):
		pu, err := url.Parse(u)
		if err != nil {
			return strings.ToLower(u)
		}
		host = strings.ToLower(pu.Hostname())
		if port := pu.Port(); port != "" && !(port == "22" || port == "443" || port == "80" || port == "9418") {
			host += ":" + port
		}
		p = pu.Path
		if pu.Scheme == "file" {
			host = ""
		}
	case scpURL(u):
		at := strings.IndexByte(u, '@')
		rest := u[at+1:]
		colon := strings.IndexByte(rest, ':')
		host, p = strings.ToLower(rest[:colon]), rest[colon+1:]
	default:
		return path.Clean(strings.TrimSuffix(strings.TrimRight(u, "/"), ".git"))
	}
	p = strings.Trim(p, "/")
	p = strings.TrimSuffix(p, ".git")
	p = strings.Trim(p, "/")
	if host == "" {
		return path.Clean("/" + p)
	}
	return host + "/" + p
}

// scpURL says whether u is scp-like: user@host:path.
func scpURL(u string) bool {
	at := strings.IndexByte(u, '@')
	if at <= 0 {
		return false
	}
	rest := u[at+1:]
	colon := strings.IndexByte(rest, ':')
	return colon > 0 && !strings.ContainsAny(u[:at], "/:") && !strings.Contains(rest[:colon], "/")
}

// sameRepo says whether two Git URLs name the same repository.
func sameRepo(a, b string) bool {
	na, nb := normalizeRepoURL(a), normalizeRepoURL(b)
	return na != "" && na == nb
}

// fluxSource is a resolved sourceRef: the repository directory its paths
// start from, or a virtual tree (an ExternalArtifact).
type fluxSource struct {
	desc     string    // "GitRepository flux-system/flux-system", for messages
	artifact *artifact // nil: this repository itself
	// weak: a GitRepository taken for this repository although its URL
	// differs from the repository's; a path missing here means it is
	// another repository after all.
	weak bool
	url  string
}

// otherUnless turns a weak source whose path p does not exist here into
// another repository.
func (d *renderer) otherUnless(o Object, src *fluxSource, exists bool, p string) *Problem {
	if !src.weak || exists {
		return nil
	}
	prob := d.notEvaluated(o, ReasonOtherRepository, "source %s (%s) is another repository or revision (%s is not in this one); its objects are not evaluated", src.desc, src.url, p)
	return &prob
}

// resolveSource resolves the sourceRef of the Flux object o (a Kustomization
// or a HelmRelease chart): this Git repository, an ExternalArtifact copied
// from it, or a problem (not evaluated: another repository; or a reference
// to nothing).
func (d *renderer) resolveSource(o Object, ref map[string]any) (*fluxSource, *Problem) {
	kind, name := str(ref, "kind"), str(ref, "name")
	ns := str(ref, "namespace")
	if ns == "" {
		ns = o.Namespace
	}
	desc := kind + " " + ns + "/" + name
	src, found := d.fluxIdx.get(o.Cluster, kind, ns, name)
	switch kind {
	case "GitRepository":
		if !found {
			if ns == "flux-system" && name == "flux-system" {
				// flux bootstrap's source of this repository, kept out of it
				return &fluxSource{desc: desc}, nil
			}
			p := d.notEvaluated(o, ReasonOtherRepository, "source %s is not in this repository (another repository?); its objects are not evaluated", desc)
			return nil, &p
		}
		if this, weak := d.isThisRepo(src); this {
			fs := &fluxSource{desc: desc, weak: weak, url: str(src.Value, "spec", "url")}
			for _, k := range []string{"branch", "tag", "semver", "name", "commit"} {
				if v := str(src.Value, "spec", "ref", k); v != "" {
					fs.url += " " + k + " " + v
					break
				}
			}
			return fs, nil
		}
		hint := ""
		if d.opts.RepoURL == "" {
			hint = "; the repository's own URL is unknown (give --repo URL or set the clone's origin)"
		}
		p := d.notEvaluated(o, ReasonOtherRepository, "source %s (%s) is another repository; its objects are not evaluated%s", desc, str(src.Value, "spec", "url"), hint)
		return nil, &p
	case "ExternalArtifact":
		art, probs := d.externalArtifact(o, ns, name)
		if art == nil {
			if len(probs) == 0 {
				p := d.notEvaluated(o, ReasonOtherRepository, "source %s is produced by no ArtifactGenerator of this repository; its objects are not evaluated", desc)
				return nil, &p
			}
			return nil, &probs[0]
		}
		return &fluxSource{desc: desc, artifact: art}, nil
	}
	detail := ""
	if found {
		detail = " (" + str(src.Value, "spec", "url") + ")"
		if detail == " ()" {
			detail = ""
		}
	}
	p := d.notEvaluated(o, ReasonOtherRepository, "source %s%s is not this Git repository; its objects are not evaluated", desc, detail)
	return nil, &p
}

// isThisRepo says whether a GitRepository is this repository: its URL is
// the repository's (Options.RepoURL, the snapshot's remote), or it is the
// bootstrap source, which a Flux Kustomization of the same cluster reads
// the cluster's own directory (clusters/<cluster>) from. A GitRepository
// defined in the cluster's directory (where plinth and flux bootstrap
// write the source of the repository itself) is taken for this repository
// too, weakly when the repository's URL is known and differs (a mirror, a
// fork): then only paths that exist here are read from it. A URL match is
// weak as well (the ref may be another branch); the bootstrap source is not.
func (d *renderer) isThisRepo(gitRepo Object) (this, weak bool) {
	// a URL match is weak too: spec.ref may name another branch than the one read
	urlMatch := sameRepo(str(gitRepo.Value, "spec", "url"), d.opts.RepoURL)
	if gitRepo.Cluster == "" {
		return urlMatch, urlMatch
	}
	clusterDir := path.Join(d.opts.ClustersDir, gitRepo.Cluster)
	for _, k := range d.fluxIdx.kustomizations[gitRepo.Cluster] {
		spec := mapAt(k.Value, "spec")
		if str(spec, "sourceRef", "kind") != "GitRepository" || str(spec, "sourceRef", "name") != gitRepo.Name {
			continue
		}
		ns := str(spec, "sourceRef", "namespace")
		if ns == "" {
			ns = k.Namespace
		}
		if p, ok := repoPath(str(spec, "path")); ok && ns == gitRepo.Namespace && p == clusterDir {
			return true, false
		}
	}
	if urlMatch {
		return true, true
	}
	if strings.HasPrefix(gitRepo.File, clusterDir+"/") {
		return true, d.opts.RepoURL != ""
	}
	return false, false
}

// artifact is an ExternalArtifact's content: artifact path -> repository
// file it was copied from.
type artifact struct {
	files map[string]string
}

// externalArtifact builds the ExternalArtifact ns/name from the
// ArtifactGenerator of the same cluster and namespace that declares it,
// copying from the sources that are this repository; copies from other
// sources are not evaluated.
func (d *renderer) externalArtifact(o Object, ns, name string) (*artifact, []Problem) {
	for _, g := range d.fluxIdx.generators[o.Cluster] {
		if g.Namespace != ns {
			continue
		}
		spec := mapAt(g.Value, "spec")
		for _, a := range listAt(spec, "artifacts") {
			if str(a, "name") != name {
				continue
			}
			aliases := map[string]*Problem{} // alias -> nil when this repository
			for _, s := range listAt(spec, "sources") {
				sns := str(s, "namespace")
				if sns == "" {
					sns = g.Namespace
				}
				ref := map[string]any{"kind": str(s, "kind"), "name": str(s, "name"), "namespace": sns}
				_, prob := d.resolveSource(g, ref)
				aliases[str(s, "alias")] = prob
			}
			art := &artifact{files: map[string]string{}}
			var probs []Problem
			for _, c := range listAt(a, "copy") {
				from, to := str(c, "from"), str(c, "to")
				alias, pattern, ok := strings.Cut(strings.TrimPrefix(from, "@"), "/")
				prob, known := aliases[alias]
				switch {
				case !strings.HasPrefix(from, "@") || !ok || !known:
					probs = append(probs, d.badRef(g, "copy from %q: no such source alias", from))
					continue
				case prob != nil:
					p := d.notEvaluated(o, ReasonOtherRepository, "ExternalArtifact %s/%s: copy from %s: %s", ns, name, from, prob.Message)
					probs = append(probs, p)
					continue
				}
				var excludes []string
				for _, x := range listAt(c, "exclude") {
					if s, ok := x.(string); ok {
						excludes = append(excludes, s)
					}
				}
				if err := d.artifactCopy(art, pattern, to, excludes); err != nil {
					probs = append(probs, d.badRef(g, "copy from %q to %q: %v", from, to, err))
				}
			}
			return art, probs
		}
	}
	return nil, nil
}

// artifactCopy applies one copy operation of an ArtifactGenerator from this
// repository, as source-watcher does: a pattern without glob characters
// copies that file (to dest/<name> when dest ends with "/") or that
// directory (to dest/<name>/); a glob matches entries one path segment per
// pattern segment (fs.Glob: "**" is "*"), each copied to dest/<its path>,
// or to dest/<path below dir> for "dir/**"; matched directories are copied
// whole. Later copies overwrite earlier ones.
func (d *renderer) artifactCopy(art *artifact, pattern, to string, excludes []string) error {
	dest, ok := strings.CutPrefix(to, "@artifact/")
	if !ok {
		return fmt.Errorf("destination must start with @artifact/")
	}
	destDir := strings.HasSuffix(to, "/")
	dest = path.Clean("/" + dest)[1:] // "" is the artifact root
	src := path.Clean(pattern)
	if src == ".." || strings.HasPrefix(src, "../") || strings.HasPrefix(pattern, "/") {
		return fmt.Errorf("source path leaves the source")
	}
	put := func(repoFile, artPath string, base string) {
		rel := strings.TrimPrefix(strings.TrimPrefix(repoFile, base), "/")
		if base == "." {
			rel = repoFile
		}
		if excluded(rel, excludes) {
			return
		}
		art.files[strings.TrimPrefix(path.Join(dest, artPath), "/")] = repoFile
	}
	copyDir := func(dir, to string) {
		for _, f := range d.snap.Walk(dir) {
			put(f, path.Join(to, strings.TrimPrefix(f, dir+"/")), dir)
		}
	}
	if !strings.ContainsAny(pattern, "*?[]") {
		if _, isFile := d.snap.File(src); isFile {
			switch {
			case destDir:
				put(src, path.Base(src), ".")
			default:
				if excluded(src, excludes) {
					return nil
				}
				art.files[dest] = src
			}
			return nil
		}
		if src != "." && d.snap.IsDir(src) {
			copyDir(src, path.Base(src))
			return nil
		}
		return fmt.Errorf("%s does not exist in the repository", src)
	}
	dirPrefix, recursive := strings.CutSuffix(pattern, "/**")
	var matches []string
	for _, e := range d.entries() {
		if m, err := path.Match(pattern, e); err != nil {
			return fmt.Errorf("invalid glob %q: %w", pattern, err)
		} else if m {
			matches = append(matches, e)
		}
	}
	if len(matches) == 0 {
		return fmt.Errorf("no files match %q", pattern)
	}
	for _, m := range matches {
		rel := m
		if r, ok := strings.CutPrefix(m, dirPrefix+"/"); recursive && ok {
			rel = r
		}
		if _, isFile := d.snap.File(m); isFile {
			put(m, rel, sourceRoot(pattern))
		} else {
			copyDir(m, rel)
		}
	}
	return nil
}

// sourceRoot is the literal part of a pattern before its first glob segment.
func sourceRoot(pattern string) string {
	var parts []string
	for _, p := range strings.Split(path.Clean(pattern), "/") {
		if strings.ContainsAny(p, "*?[]") {
			break
		}
		parts = append(parts, p)
	}
	if len(parts) == 0 {
		return "."
	}
	return path.Join(parts...)
}

// excluded says whether rel matches one of the exclude patterns ("**"
// spanning directories).
func excluded(rel string, excludes []string) bool {
	for _, x := range excludes {
		if globMatch(strings.Split(x, "/"), strings.Split(rel, "/")) {
			return true
		}
	}
	return false
}

// globMatch matches path segments against pattern segments, "**" matching
// any number of segments.
func globMatch(pat, segs []string) bool {
	for len(pat) > 0 {
		if pat[0] == "**" {
			for i := 0; i <= len(segs); i++ {
				if globMatch(pat[1:], segs[i:]) {
					return true
				}
			}
			return false
		}
		if len(segs) == 0 {
			return false
		}
		if ok, err := path.Match(pat[0], segs[0]); err != nil || !ok {
			return false
		}
		pat, segs = pat[1:], segs[1:]
	}
	return len(segs) == 0
}

// entries lists every file and directory of the snapshot, sorted.
func (d *renderer) entries() []string {
	out := append(d.allDirs(), d.snap.Paths()...)
	sort.Strings(out)
	return out
}

// repoDir maps a directory of the artifact to the repository directory
// whose copy it is: every file of the artifact below dir comes from the
// same relative place below the repository directory, and every file there
// is copied. ok is false when the artifact is not such a copy (files from
// several places, left out or renamed).
func (a *artifact) repoDir(dir string) (string, bool) {
	dir = strings.TrimPrefix(path.Clean("/"+dir), "/")
	prefix := dir + "/"
	if dir == "" {
		prefix = ""
	}
	repo := ""
	found := false
	for ap, rp := range a.files {
		rel, ok := strings.CutPrefix(ap, prefix)
		if !ok {
			continue
		}
		base, ok := strings.CutSuffix(rp, rel)
		if !ok || base != "" && !strings.HasSuffix(base, "/") {
			return "", false
		}
		base = strings.TrimSuffix(base, "/")
		if found && base != repo {
			return "", false
		}
		repo, found = base, true
	}
	if repo == "" {
		repo = "."
	}
	return repo, found
}

// covers says whether every repository file below repoDir is in the
// artifact below artDir (the copy is whole).
func (d *renderer) covers(a *artifact, artDir, repoDir string) bool {
	for _, f := range d.snap.Walk(repoDir) {
		rel := strings.TrimPrefix(f, repoDir+"/")
		if repoDir == "." || repoDir == "" {
			rel = f
		}
		if a.files[strings.TrimPrefix(path.Join(artDir, rel), "/")] != f {
			return false
		}
	}
	return true
}
