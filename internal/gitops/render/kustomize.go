package render

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"path"
	"regexp"
	"slices"
	"strings"
	"sync"

	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/api/resmap"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/yaml"

	"github.com/plinth-dev/plinth/internal/gitops/source"
)

// repoRoot is where the snapshot sits in the in-memory file system.
const repoRoot = "/repo"

var kustErrRef = regexp.MustCompile(`from '([^']+)'`)

var kustomizationNames = []string{"kustomization.yaml", "kustomization.yml", "Kustomization"}

// kustomizationFile returns the kustomization file of dir, or "".
func kustomizationFile(snap *source.Snapshot, dir string) string {
	for _, n := range kustomizationNames {
		p := path.Join(dir, n)
		if _, ok := snap.File(p); ok {
			return p
		}
	}
	return ""
}

// kfile is kustomizationFile of dir, kept for the renderer's other
// questions about dir (each is asked for every kustomization that
// includes dir, and for every build).
func (d *renderer) kfile(dir string) string {
	return memoized(&d.mu, &d.kfiles, dir, func() string { return kustomizationFile(d.snap, dir) })
}

// kustFS is the snapshot as an in-memory file system for krusty, with
// remote resources removed from every kustomization (nothing is fetched; no
// plugin runs). Origin annotations are not switched on: with many patches
// they make kustomize quadratic; objects are mapped back to their source
// files by kind and name instead (see sourceIndex).
type kustFS struct {
	fs filesys.FileSystem
}

func (d *renderer) kustomizeFS() *kustFS {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.kfs != nil {
		return d.kfs
	}
	k := &kustFS{fs: filesys.MakeFsInMemory()}
	for _, p := range d.snap.Paths() {
		f, _ := d.snap.File(p)
		if f.Err != nil {
			continue
		}
		data := f.Data
		if slices.Contains(kustomizationNames, path.Base(p)) {
			data = k.rewrite(p, data)
		}
		_ = k.fs.WriteFile(path.Join(repoRoot, p), data)
	}
	d.kfs = k
	return k
}

// rewrite drops remote resources of a kustomization.
func (k *kustFS) rewrite(p string, data []byte) []byte {
	if !bytes.Contains(data, []byte("://")) && !bytes.Contains(data, []byte("github.com/")) && !bytes.Contains(data, []byte("git@")) &&
		!bytes.Contains(data, []byte("gitlab.com/")) && !bytes.Contains(data, []byte("bitbucket.org/")) {
		return data
	}
	var m map[string]any
	if err := yaml.Unmarshal(data, &m); err != nil || m == nil {
		return data // krusty reports the error
	}
	for _, field := range []string{"resources", "bases", "components"} {
		list, ok := m[field].([]any)
		if !ok {
			continue
		}
		kept := list[:0:0]
		for _, r := range list {
			s, _ := r.(string)
			if isRemote(s) {
				continue
			}
			kept = append(kept, r)
		}
		m[field] = kept
	}
	out, err := yaml.Marshal(m)
	if err != nil {
		return data
	}
	return out
}

func isRemote(s string) bool {
	return strings.Contains(s, "://") || strings.HasPrefix(s, "github.com/") || strings.HasPrefix(s, "git@") ||
		strings.HasPrefix(s, "gitlab.com/") || strings.HasPrefix(s, "bitbucket.org/")
}

func (d *renderer) renderKustomization(e entry, r *rendered) {
	kfile := d.kfile(e.path)
	remote := d.remoteResources(kfile)
	for _, rem := range remote {
		r.problems = append(r.problems, Problem{Cluster: e.cluster, File: kfile, Line: d.lineOf(kfile, rem),
			Message: fmt.Sprintf("remote resource %q is not fetched; its objects are not evaluated", rem), NotEvaluated: true, Reason: ReasonOtherRepository,
			Format: msgFormat("remote resource %q is not fetched; its objects are not evaluated"), Args: msgArgs("%q", []any{rem})})
	}
	if cycle := d.kustomizationCycle(e.path); cycle != nil {
		// kustomize fails the build ("cycle detected"); none of the
		// objects of the cycle, or of what includes it, is evaluated.
		files := make([]string, len(cycle))
		for i, dir := range cycle {
			files[i] = d.kfile(dir)
		}
		next := cycle[1%len(cycle)]
		r.problem(e, files[0], d.lineOf(files[0], path.Base(next)),
			"kustomization cycle detected: %s (kustomize refuses to build it); the objects of these kustomizations are not evaluated", shortMessage(strings.Join(files, " -> ")))
		return
	}
	if e.argo.edits() {
		d.renderArgoKustomize(e, kfile, r) // argocd_kustomize.go
		return
	}
	if children, ok := d.aggregate(kfile, e.path); ok {
		// A kustomization that only lists other kustomizations and files is
		// rendered part by part: the same objects, without kustomize's
		// quadratic accumulation of one huge resource map.
		for _, c := range children {
			ce := e
			ce.path = c
			if _, isFile := d.snap.File(c); isFile {
				d.renderFile(ce, c, r)
			} else {
				ce.kind, ce.from, ce.fromLine = "kustomization", kfile, d.lineOf(kfile, path.Base(c))
				r.more = append(r.more, ce)
			}
		}
		return
	}
	key := ""
	if len(remote) == 0 {
		key = d.buildKey(e.path)
	}
	built, ok := cacheGet(d.cache, builds, key)
	if !ok {
		if built, ok = d.nativeBuild(e.path); !ok {
			var line int
			var err error
			if built, line, err = d.krustyBuild(e.path, kfile); err != nil {
				r.problem(e, kfile, line, "kustomize build %s: %s", e.path, err)
				return
			}
		}
		cachePut(d.cache, builds, key, built)
	}
	r.objects = slices.Grow(r.objects, len(built))
	for _, b := range built {
		if o, ok := newObject(b.Value, b.File, b.Line, e.cluster); ok {
			r.objects = append(r.objects, d.finish(e, o))
		}
	}
}

// krustyBuild builds the kustomization in dir with kustomize; errors come
// with the line of kfile they refer to, when known.
func (d *renderer) krustyBuild(dir, kfile string) ([]builtObject, int, error) {
	return d.krustyBuildFS(d.kustomizeFS().fs, dir, kfile)
}

// krustyBuildFS is krustyBuild over the file system fs (the snapshot's, or
// one with an edited kustomization).
func (d *renderer) krustyBuildFS(fs filesys.FileSystem, dir, kfile string) ([]builtObject, int, error) {
	k := krusty.MakeKustomizer(krusty.MakeDefaultOptions())
	resMap, err := safe(func() (resmap.ResMap, error) { return k.Run(fs, path.Join(repoRoot, dir)) })
	if err != nil {
		msg := strings.ReplaceAll(err.Error(), repoRoot+"/", "")
		line := 0
		if m := kustErrRef.FindStringSubmatch(msg); m != nil {
			line = d.lineOf(kfile, m[1])
		}
		return nil, line, errors.New(msg)
	}
	idx := d.sourceIndex(dir)
	var built []builtObject
	for _, res := range resMap.Resources() {
		v, err := res.Map()
		if err != nil {
			return nil, 0, fmt.Errorf("output: %w", err)
		}
		file, line := idx.locate(str(v, "kind"), str(v, "metadata", "name"))
		if file == "" {
			// Generated (configMapGenerator, secretGenerator): the kustomization.
			file, line = kfile, d.lineOf(kfile, generatedName(str(v, "metadata", "name")))
		}
		built = append(built, builtObject{Value: v, File: file, Line: line})
	}
	return built, 0, nil
}

// remoteResources lists the remote resources a kustomization names.
func (d *renderer) remoteResources(kfile string) []string {
	var out []string
	for _, ref := range d.kustomizationEntries(kfile) {
		if isRemote(ref) {
			out = append(out, ref)
		}
	}
	return out
}

// kustomizationEntries lists the resources, bases and components of a
// kustomization file, in that order.
func (d *renderer) kustomizationEntries(kfile string) []string {
	docs, err := d.docs(kfile)
	if err != nil || len(docs) == 0 {
		return nil
	}
	var out []string
	for _, field := range []string{"resources", "bases", "components"} {
		for _, r := range listAt(docs[0].Value, field) {
			if ref, _ := r.(string); ref != "" {
				out = append(out, ref)
			}
		}
	}
	return out
}

// Cache keeps kustomize builds and chart renderings across Render calls. A build is keyed by
// the content of every file it can read: with load restrictions a
// kustomization reads only below its own directory and the directories of
// the kustomizations it references, so equal keys mean equal builds.
type Cache struct {
	builds memo[[]builtObject]  // kustomize builds, by buildKey
	charts memo[[]renderedFile] // chart renderings, by chartKey
	docs   memo[docsResult]     // parsed files, by path and content (docscache.go)
	native memo[nativeEntry]    // nested native builds, by buildKey (nativecache.go)
	typed  memo[bool]           // objects as read decode into their types, by file, content and line (native.go)
	keys   buildKeys            // what makes build keys, per snapshot (cachekey.go)
	sums   dataSums             // file content hashes (cachekey.go)
	intern interner             // mappings read, shared (yamlintern.go)
}

// NewCache returns an empty cache.
func NewCache() *Cache { return &Cache{} }

// builtObject is one object of a kustomize build with its source location.
// Values are shared between the calls using a cache: never modified.
type builtObject struct {
	Value map[string]any
	File  string
	Line  int
}

// memo is a map safe for concurrent use.
type memo[V any] struct {
	mu sync.Mutex
	m  map[string]V
}

func (m *memo[V]) get(key string) (V, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	v, ok := m.m[key]
	return v, ok
}

func (m *memo[V]) put(key string, v V) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.m == nil {
		m.m = map[string]V{}
	}
	m.m[key] = v
}

// cacheGet and cachePut do nothing without a cache (c nil) or a key.
func cacheGet[V any](c *Cache, of func(*Cache) *memo[V], key string) (V, bool) {
	if c == nil || key == "" {
		var zero V
		return zero, false
	}
	return of(c).get(key)
}

func cachePut[V any](c *Cache, of func(*Cache) *memo[V], key string, v V) {
	if c != nil && key != "" {
		of(c).put(key, v)
	}
}

func builds(c *Cache) *memo[[]builtObject]  { return &c.builds }
func charts(c *Cache) *memo[[]renderedFile] { return &c.charts }

// buildKey hashes the path and the files below every directory a build of
// the kustomization in dir can read; "" when there is no cache
// (sharedBuildKey, cachekey.go).
func (d *renderer) buildKey(dir string) string { return d.sharedBuildKey(dir) }

// fileHash is the hex SHA-256 of the content of file p, "error" when it
// cannot be read (kept by the Cache's dataSums).
func (d *renderer) fileHash(p string) string {
	f, _ := d.snap.File(p)
	switch {
	case f == nil || f.Err != nil:
		return "error"
	case d.cache != nil:
		return d.cache.sums.sum(f.Data)
	}
	b := sha256.Sum256(f.Data)
	return hex.EncodeToString(b[:])
}

// aggregate returns the resources of a kustomization that has nothing but
// resources (files, or directories holding a kustomization); ok is false
// for any other kustomization.
func (d *renderer) aggregate(kfile, dir string) ([]string, bool) {
	docs, err := d.docs(kfile)
	if err != nil || len(docs) != 1 {
		return nil, false
	}
	for k := range docs[0].Value {
		if k != "apiVersion" && k != "kind" && k != "resources" {
			return nil, false
		}
	}
	var out []string
	for _, r := range listAt(docs[0].Value, "resources") {
		ref, _ := r.(string)
		p := path.Clean(path.Join(dir, ref))
		switch {
		case ref == "" || isRemote(ref) || p == ".." || strings.HasPrefix(p, "../"):
			return nil, false
		case d.kfile(p) != "":
		default:
			if f, ok := d.snap.File(p); !ok || f.Err != nil {
				return nil, false // let kustomize report it
			}
		}
		out = append(out, p)
	}
	return out, len(out) > 0
}

// sourceDoc is one object of a resource file of a kustomization.
type sourceDoc struct {
	kind, name, file string
	line             int
}

// sourceIndex lists the objects of the resource files a kustomization
// reaches (resources, bases and components, recursively), in order.
type sourceIndex []sourceDoc

func (d *renderer) sourceIndex(dir string) sourceIndex {
	var idx sourceIndex
	seen := map[string]bool{}
	var visit func(dir string)
	visit = func(dir string) {
		kfile := d.kfile(dir)
		if kfile == "" || seen[dir] {
			return
		}
		seen[dir] = true
		docs, err := d.docs(kfile)
		if err != nil || len(docs) == 0 {
			return
		}
		for _, field := range []string{"resources", "bases", "components"} {
			for _, r := range listAt(docs[0].Value, field) {
				ref, _ := r.(string)
				if ref == "" || isRemote(ref) {
					continue
				}
				p := path.Clean(path.Join(dir, ref))
				if _, ok := d.snap.File(p); ok {
					if seen[p] {
						continue
					}
					seen[p] = true
					fdocs, _ := d.docs(p)
					for _, fd := range fdocs {
						idx = append(idx, sourceDoc{kind: str(fd.Value, "kind"), name: str(fd.Value, "metadata", "name"), file: p, line: fd.Line})
					}
				} else if d.snap.IsDir(p) {
					visit(p)
				}
			}
		}
	}
	visit(dir)
	return idx
}

// locate finds the source of a rendered kind/name: the object of that kind
// with the same name, else the longest source name contained in it
// (namePrefix/nameSuffix), else the only object of that kind.
func (idx sourceIndex) locate(kind, name string) (string, int) {
	var best *sourceDoc
	var only *sourceDoc
	n := 0
	for i := range idx {
		sd := &idx[i]
		if sd.kind != kind {
			continue
		}
		n++
		only = sd
		if sd.name == name {
			return sd.file, sd.line
		}
		if sd.name != "" && strings.Contains(name, sd.name) && (best == nil || len(sd.name) > len(best.name)) {
			best = sd
		}
	}
	switch {
	case best != nil:
		return best.file, best.line
	case n == 1:
		return only.file, only.line
	}
	return "", 0
}

var hashSuffix = regexp.MustCompile(`-[a-z0-9]{10}$`)

// generatedName strips the content hash kustomize appends to generated names.
func generatedName(name string) string { return hashSuffix.ReplaceAllString(name, "") }

// lineOf returns the first line of file containing s, or 0.
func (d *renderer) lineOf(file, s string) int {
	f, ok := d.snap.File(file)
	if !ok || f.Err != nil {
		return 0
	}
	for i, l := range strings.Split(string(f.Data), "\n") {
		if strings.Contains(l, s) {
			return i + 1
		}
	}
	return 0
}

// maxKustomizationRefs bounds the references kustomizationCycle follows.
const maxKustomizationRefs = 100000

// kustomizationCycle returns a cycle of kustomization directories reachable
// from dir through resources, bases and components (kustomize refuses to
// build it: "cycle detected"), as the directories of the cycle starting at
// the smallest and ending with it again; nil without a cycle. The same
// cycle is named the same way from wherever it is reached.
func (d *renderer) kustomizationCycle(dir string) []string {
	const (
		unvisited = iota
		active
		done
	)
	state := map[string]int{}
	var stack []string
	var cycle []string
	steps := 0
	var visit func(dir string) bool
	visit = func(dir string) bool {
		switch state[dir] {
		case active:
			i := slices.Index(stack, dir)
			cycle = slices.Clone(stack[i:])
			return true
		case done:
			return false
		}
		state[dir] = active
		stack = append(stack, dir)
		defer func() { stack = stack[:len(stack)-1] }()
		for _, next := range d.kustomizationDirRefs(dir) {
			if steps++; steps > maxKustomizationRefs {
				return false
			}
			if visit(next) {
				return true
			}
		}
		state[dir] = done
		return false
	}
	if !visit(dir) {
		return nil
	}
	start := 0
	for i, c := range cycle {
		if c < cycle[start] {
			start = i
		}
	}
	out := append(slices.Clone(cycle[start:]), cycle[:start]...)
	return append(out, out[0])
}

// kustomizationDirRefs lists the kustomization directories the
// kustomization in dir references, in order (kept: the list is shared,
// never to be modified).
func (d *renderer) kustomizationDirRefs(dir string) []string {
	return memoized(&d.mu, &d.dirRefs, dir, func() []string { return d.readDirRefs(dir) })
}

// readDirRefs is kustomizationDirRefs without the memo.
func (d *renderer) readDirRefs(dir string) []string {
	kfile := d.kfile(dir)
	if kfile == "" {
		return nil
	}
	var out []string
	for _, ref := range d.kustomizationEntries(kfile) {
		if isRemote(ref) {
			continue
		}
		p := path.Clean(path.Join(dir, ref))
		if p != ".." && !strings.HasPrefix(p, "../") && d.kfile(p) != "" {
			out = append(out, p)
		}
	}
	return out
}

// cycleMembers returns the kustomization directories of kdirs that no root
// reaches and that are part of a cycle: without a clusters/ layout nothing
// would build them, and their cycle would go unnoticed.
func (d *renderer) cycleMembers(kdirs, roots []string) []string {
	reached := map[string]bool{}
	queue := slices.Clone(roots)
	for steps := 0; len(queue) > 0 && steps < maxKustomizationRefs; steps++ {
		dir := queue[0]
		queue = queue[1:]
		if reached[dir] {
			continue
		}
		reached[dir] = true
		queue = append(queue, d.kustomizationDirRefs(dir)...)
	}
	var out []string
	for _, dir := range kdirs {
		if !reached[dir] && slices.Contains(d.kustomizationCycle(dir), dir) {
			out = append(out, dir)
		}
	}
	return out
}
