// Package render is plinth's one emulation of the Flux and Argo CD
// controllers: it finds what a GitOps repository deploys and renders it in
// process, the way the controllers would, from entry objects under
// clusters/<cluster>/ through everything they reference (Flux Kustomizations
// and HelmReleases, Argo CD Applications and ApplicationSets), built with the
// kustomize API (or its native fast path) and the Helm SDK. Without a
// clusters/ directory every kustomization root, chart and loose YAML file is
// rendered. Every object keeps the repository file and line it is defined
// at; what cannot be rendered offline is a Problem, never an error. The
// report (reports/scan) and the conformance harness (test/conformance) use
// it; it knows nothing of either.
package render

import (
	"cmp"
	"fmt"
	"path"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/sync/errgroup"

	"github.com/plinth-dev/plinth/internal/gitops/source"
)

// Object is one rendered Kubernetes object.
type Object struct {
	APIVersion string
	Kind       string
	Name       string
	Namespace  string // "" for cluster-scoped objects and objects without one
	Value      map[string]any
	File       string // repository-relative source file
	Line       int
	Cluster    string // "" without a clusters/ layout
}

// ID is "Kind/name".
func (o *Object) ID() string { return o.Kind + "/" + o.Name }

// Problem is something that could not be rendered or read.
type Problem struct {
	Cluster string
	File    string
	Line    int
	Message string
	// NotEvaluated marks things deliberately left out (remote charts and
	// sources): they are not errors of the repository.
	NotEvaluated bool
}

// Source is one thing rendered successfully (a kustomization, a chart, a file).
type Source struct {
	Cluster string
	Kind    string // "kustomization" | "chart" | "file" | "directory"
	Path    string
}

// Result is everything a repository deploys.
type Result struct {
	Clusters []string // names of clusters/<name>/ directories, sorted
	Objects  []Object
	Problems []Problem
	Sources  []Source
}

// maxEntries bounds the entries followed per repository (reference loops).
const maxEntries = 100000

// entry is something to render for a cluster.
type entry struct {
	cluster string
	kind    string // "dir" | "kustomization" | "chart" | "file"
	path    string
	// for charts
	values    map[string]any
	release   string
	namespace string // target namespace (Flux targetNamespace, Argo destination)
	// Flux postBuild substitutions
	subst map[string]string
	// referrer, for messages
	from     string
	fromLine int
	recurse  bool // plain directories: descend into subdirectories
}

func (e entry) key() string {
	return fmt.Sprintf("%s|%s|%s|%s|%s|%v|%v", e.cluster, e.kind, e.path, e.namespace, e.release, e.values, e.subst)
}

type renderer struct {
	snap *source.Snapshot
	kfs  *kustFS

	mu       sync.Mutex
	docCache map[string]docsResult
	cache    *Cache
	budget   *Budget
	hashes   map[string]string // file content hashes, for cache keys
	typed    map[string]bool   // file:line of an object: it decodes into its Kubernetes type
	charts   map[string]*loadedChart
}

type docsResult struct {
	docs []yamlDoc
	err  error
}

// Options tune Render.
type Options struct {
	// Cache shares kustomize builds and chart renderings with other calls
	// (e.g. the two states a history report compares); nil: none.
	Cache *Cache
	// Clusters limits discovery to these clusters/<name>/ entries; empty:
	// all. Without a clusters/ layout it has no effect.
	Clusters []string
	// ClustersDir is the directory holding the <name>/ entry directories
	// of the clusters, for a fleet kept below the repository root
	// ("platforms/drones/clusters"); "" is "clusters".
	ClustersDir string
	// Budget bounds template rendering (budget.go); share one between the
	// Render calls of a report. nil: a budget of DefaultRenderTimeout for
	// this call.
	Budget *Budget
}

// Render renders what the repository deploys.
func Render(snap *source.Snapshot, opts Options) *Result {
	cache := opts.Cache
	d := &renderer{snap: snap, docCache: map[string]docsResult{}, cache: cache, hashes: map[string]string{}, typed: map[string]bool{},
		charts: map[string]*loadedChart{}, budget: opts.Budget}
	if d.budget == nil {
		d.budget = NewBudget(0)
	}
	res := &Result{}
	for _, p := range snap.Paths() {
		if f, _ := snap.File(p); f != nil && f.Err != nil && !hiddenPath(p) {
			res.Problems = append(res.Problems, Problem{File: p, Message: f.Err.Error()})
		}
	}
	clustersDir := "clusters"
	if opts.ClustersDir != "" {
		clustersDir = path.Clean(opts.ClustersDir)
	}
	var level []entry
	for _, c := range clusterNames(snap, clustersDir) {
		if len(opts.Clusters) > 0 && !slices.Contains(opts.Clusters, c) {
			continue
		}
		res.Clusters = append(res.Clusters, c)
		dir := path.Join(clustersDir, c)
		level = append(level, entry{cluster: c, kind: "dir", path: dir, recurse: true, from: dir})
	}
	if len(level) == 0 {
		level = d.fallbackEntries()
	}
	seen := map[string]bool{}
	objSeen := map[string]bool{}
	for len(level) > 0 && len(seen) < maxEntries {
		var todo []entry
		for _, e := range level {
			if k := e.key(); !seen[k] {
				seen[k] = true
				todo = append(todo, e)
			}
		}
		outs := make([]rendered, len(todo))
		var g errgroup.Group
		g.SetLimit(runtime.GOMAXPROCS(0))
		for i, e := range todo {
			g.Go(func() error {
				outs[i] = d.render(e)
				return nil
			})
		}
		_ = g.Wait()
		level = nil
		for i, out := range outs {
			res.Problems = append(res.Problems, out.problems...)
			level = append(level, out.more...)
			if out.ok {
				res.Sources = append(res.Sources, Source{Cluster: todo[i].cluster, Kind: out.kind, Path: todo[i].path})
			}
			follow := todo[i].cluster != "" || len(res.Clusters) > 0
			for queue := out.objects; len(queue) > 0; queue = queue[1:] {
				o := queue[0]
				k := o.Cluster + "|" + o.APIVersion + "|" + o.Kind + "|" + o.Namespace + "|" + o.Name
				if objSeen[k] {
					continue
				}
				objSeen[k] = true
				res.Objects = append(res.Objects, o)
				if follow {
					nexts, created, probs := d.follow(o)
					level = append(level, nexts...)
					queue = append(queue, created...)
					res.Problems = append(res.Problems, probs...)
				}
			}
		}
	}
	sortResult(res)
	return res
}

func sortResult(res *Result) {
	slices.SortStableFunc(res.Objects, func(a, b Object) int {
		return cmp.Or(cmp.Compare(a.Cluster, b.Cluster), cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line),
			cmp.Compare(a.Kind+"/"+a.Namespace+"/"+a.Name, b.Kind+"/"+b.Namespace+"/"+b.Name))
	})
	slices.SortStableFunc(res.Problems, func(a, b Problem) int {
		return cmp.Or(cmp.Compare(a.Cluster, b.Cluster), cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line),
			cmp.Compare(a.Message, b.Message))
	})
	res.Problems = dedupeProblems(res.Problems)
	sort.SliceStable(res.Sources, func(i, j int) bool {
		a, b := res.Sources[i], res.Sources[j]
		if a.Cluster != b.Cluster {
			return a.Cluster < b.Cluster
		}
		return a.Path < b.Path
	})
}

// ClusterNames lists the directories directly under clusters/ (the
// clusters Render follows), sorted.
func ClusterNames(snap *source.Snapshot) []string { return clusterNames(snap, "clusters") }

// clusterNames lists the directories directly under dir, sorted.
func clusterNames(snap *source.Snapshot, dir string) []string {
	set := map[string]bool{}
	for _, p := range snap.Walk(dir) {
		rest := strings.TrimPrefix(p, dir+"/")
		if i := strings.IndexByte(rest, '/'); i > 0 {
			set[rest[:i]] = true
		}
	}
	var out []string
	for c := range set {
		out = append(out, c)
	}
	sort.Strings(out)
	return out
}

// hiddenPath says whether p is inside a dot directory (.git, .github, .plinth).
func hiddenPath(p string) bool {
	for _, part := range strings.Split(p, "/") {
		if strings.HasPrefix(part, ".") {
			return true
		}
	}
	return false
}

func isYAML(p string) bool {
	return strings.HasSuffix(p, ".yaml") || strings.HasSuffix(p, ".yml")
}

// docs parses a file of the snapshot (cached).
func (d *renderer) docs(p string) ([]yamlDoc, error) {
	d.mu.Lock()
	r, ok := d.docCache[p]
	d.mu.Unlock()
	if ok {
		return r.docs, r.err
	}
	f, found := d.snap.File(p)
	switch {
	case !found:
		r.err = fmt.Errorf("%s: no such file in the repository", p)
	case f.Err != nil:
		r.err = f.Err
	default:
		r.docs, r.err = parseDocs(f.Data)
		if r.err != nil {
			r.err = fmt.Errorf("%s: %w", p, r.err)
		}
	}
	d.mu.Lock()
	d.docCache[p] = r
	d.mu.Unlock()
	return r.docs, r.err
}

// rendered is the outcome of rendering one entry.
type rendered struct {
	ok       bool
	kind     string
	objects  []Object
	problems []Problem
	// more are parts of an aggregate kustomization, rendered as entries of
	// their own (in parallel with the others).
	more []entry
}

func (r *rendered) problem(e entry, file string, line int, format string, args ...any) {
	r.problems = append(r.problems, Problem{Cluster: e.cluster, File: file, Line: line, Message: fmt.Sprintf(format, args...)})
}

func (d *renderer) render(e entry) rendered {
	var r rendered
	switch e.kind {
	case "file":
		r.kind = "file"
		d.renderFile(e, e.path, &r)
	case "chart":
		r.kind = "chart"
		d.renderChart(e, &r)
	case "kustomization":
		r.kind = "kustomization"
		d.renderKustomization(e, &r)
	default:
		switch {
		case !d.snap.IsDir(e.path):
			r.problem(e, e.from, e.fromLine, "path %q does not exist in the repository", e.path)
		case kustomizationFile(d.snap, e.path) != "":
			r.kind = "kustomization"
			d.renderKustomization(e, &r)
		case d.isChart(e.path):
			r.kind = "chart"
			d.renderChart(e, &r)
		default:
			r.kind = "directory"
			d.renderPlainDir(e, &r)
		}
	}
	if len(r.problems) == 0 {
		r.ok = true
	}
	return r
}

func (d *renderer) isChart(dir string) bool {
	_, ok := d.snap.File(path.Join(dir, "Chart.yaml"))
	return ok
}

// renderPlainDir renders the YAML files of a directory the way Flux does
// without a kustomization.yaml: every file, and subdirectories (kustomization
// roots built as such) when recursing.
func (d *renderer) renderPlainDir(e entry, r *rendered) {
	var subdirs []string
	seenSub := map[string]bool{}
	for _, p := range d.snap.Walk(e.path) {
		rel := strings.TrimPrefix(p, e.path+"/")
		if e.path == "" || e.path == "." {
			rel = p
		}
		if i := strings.IndexByte(rel, '/'); i >= 0 {
			sub := path.Join(e.path, rel[:i])
			if !seenSub[sub] {
				seenSub[sub] = true
				subdirs = append(subdirs, sub)
			}
			continue
		}
		if isYAML(p) {
			d.renderFile(e, p, r)
		}
	}
	if !e.recurse {
		return
	}
	for _, sub := range subdirs {
		if hiddenPath(path.Base(sub)) {
			continue
		}
		se := e
		se.path = sub
		switch {
		case kustomizationFile(d.snap, sub) != "":
			d.renderKustomization(se, r)
		case d.isChart(sub):
			// Flux does not render charts found in a directory; skip.
		default:
			d.renderPlainDir(se, r)
		}
	}
}

// renderFile adds the Kubernetes objects of one YAML file.
func (d *renderer) renderFile(e entry, p string, r *rendered) {
	docs, err := d.docs(p)
	if err != nil {
		r.problem(e, p, yamlErrLine(err.Error()), "%v", err)
	}
	for _, doc := range docs {
		o, ok := newObject(doc.Value, p, doc.Line, e.cluster)
		if !ok {
			continue
		}
		r.objects = append(r.objects, d.finish(e, o))
	}
}

// finish applies the entry's namespace and substitutions to an object.
func (d *renderer) finish(e entry, o Object) Object {
	if len(e.subst) > 0 {
		o.Value = substitute(o.Value, e.subst).(map[string]any)
		o.Name, o.Namespace = str(o.Value, "metadata", "name"), str(o.Value, "metadata", "namespace")
	}
	if e.namespace != "" && !ClusterScoped(o.Kind) && (o.Namespace == "" || e.kind != "chart") {
		o.Namespace = e.namespace
	}
	return o
}

func newObject(v map[string]any, file string, line int, cluster string) (Object, bool) {
	kind, apiVersion := str(v, "kind"), str(v, "apiVersion")
	if kind == "" || apiVersion == "" {
		return Object{}, false
	}
	if strings.HasSuffix(kind, "List") {
		// v1 List objects are rare in Git; their items are not expanded.
		return Object{}, false
	}
	return Object{
		APIVersion: apiVersion, Kind: kind,
		Name: str(v, "metadata", "name"), Namespace: str(v, "metadata", "namespace"),
		Value: v, File: file, Line: line, Cluster: cluster,
	}, true
}

var clusterScoped = map[string]bool{
	"Namespace": true, "ClusterRole": true, "ClusterRoleBinding": true, "CustomResourceDefinition": true,
	"PersistentVolume": true, "StorageClass": true, "PriorityClass": true, "IngressClass": true,
	"ValidatingWebhookConfiguration": true, "MutatingWebhookConfiguration": true, "APIService": true,
	"Node": true, "RuntimeClass": true, "CSIDriver": true, "VolumeSnapshotClass": true,
	"ClusterIssuer": true, "GatewayClass": true, "ValidatingAdmissionPolicy": true,
	"ValidatingAdmissionPolicyBinding": true, "ClusterSecretStore": true,
}

// ClusterScoped says whether objects of kind have no namespace.
func ClusterScoped(kind string) bool { return clusterScoped[kind] }

func sortStrings(s []string) { sort.Strings(s) }

var yamlLine = regexp.MustCompile(`line (\d+)`)

// yamlErrLine returns the line a YAML error message names, or 0.
func yamlErrLine(msg string) int {
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		n, _ := strconv.Atoi(m[1])
		return n
	}
	return 0
}
