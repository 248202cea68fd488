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
	"errors"
	"fmt"
	"path"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"golang.org/x/sync/errgroup"

	"github.com/plinth-dev/plinth/internal/gcpolicy"
	"github.com/plinth-dev/plinth/internal/gitops/source"
)

// Object is one rendered Kubernetes object. It is identified by Cluster,
// Deployer, Group, Kind, Namespace and Name (GenerateName when it has no
// name): objects that differ in any of them are distinct, even when two
// applications deploy an object of the same kind, namespace and name.
type Object struct {
	APIVersion string
	Kind       string
	Name       string
	// GenerateName is metadata.generateName of an object without a name
	// (the API server names it: a Job created by `kubectl create`).
	GenerateName string
	Namespace    string // "" for cluster-scoped objects and objects without one
	Value        map[string]any
	File         string // repository-relative source file
	Line         int
	Cluster      string // "" without a clusters/ layout
	// Deployer is the GitOps object whose controller deploys this object,
	// as "Kind/namespace/name" ("Kustomization/flux-system/apps",
	// "Application/argocd/blog", "ApplicationSet/argocd/teams" for the
	// Applications it generates); "" for objects applied directly (the
	// files of a cluster directory, or of a repository without one).
	Deployer string
	// scope is what a CustomResourceDefinition says of the object's kind
	// (scope.go); scopeUnknown: the kind decides.
	scope int8
}

// ID is "Kind/name", or "Kind/generateName" for an object without a name
// ("Job/migrate-").
func (o *Object) ID() string {
	if o.Name == "" && o.GenerateName != "" {
		return o.Kind + "/" + o.GenerateName
	}
	return o.Kind + "/" + o.Name
}

// Group is the API group of the object ("" for the core group, "apps",
// "argoproj.io").
func (o *Object) Group() string { return apiGroup(o.APIVersion) }

// DeployerID is how an object names its deployer: "Kind/namespace/name"
// (a namespaced GitOps object without a namespace is in "default").
func (o *Object) DeployerID() string {
	ns := o.Namespace
	if ns == "" {
		ns = "default"
	}
	return o.Kind + "/" + ns + "/" + o.Name
}

// identity is the key that tells objects apart (see Object).
func (o *Object) identity() string {
	return strings.Join([]string{o.Cluster, o.Deployer, o.Group(), o.Kind, o.Namespace, o.Name, o.GenerateName}, "\x00")
}

// apiGroup is the group of an apiVersion ("apps/v1" -> "apps", "v1" -> "").
func apiGroup(apiVersion string) string {
	if i := strings.IndexByte(apiVersion, '/'); i >= 0 {
		return apiVersion[:i]
	}
	return ""
}

// Reasons a source or file is not evaluated (Problem.Reason). The first
// five leave it out; the last two render it without some input.
const (
	ReasonRemoteChart     = "remote chart"     // a chart of a Helm or OCI repository (never fetched)
	ReasonOtherRepository = "other repository" // a source or remote resource outside this repository
	ReasonPlugin          = "plugin"           // an Argo CD Config Management Plugin
	ReasonUnsupported     = "not supported"    // a generator or source kind needing the cluster
	ReasonTooLarge        = "file too large"   // a file over the size limit (never read)
	// ReasonClusterValue: a value read from the cluster (a ConfigMap or
	// Secret that is not in the repository).
	ReasonClusterValue = "value from the cluster"
	// ReasonValuesElsewhere: a values file of another source or a remote one.
	ReasonValuesElsewhere = "values outside the repository"
)

// Problem is something that could not be rendered or read.
type Problem struct {
	Cluster string
	File    string
	Line    int
	Message string
	// NotEvaluated marks things deliberately left out (remote charts and
	// sources): they are not errors of the repository.
	NotEvaluated bool
	// Reason says why something is not evaluated (ReasonRemoteChart,
	// ReasonOtherRepository, ...); every NotEvaluated problem has one.
	Reason string
	// Of is the GitOps object the problem is about ("Kind/namespace/name",
	// "Kind/name" when cluster-scoped), "" when none.
	Of string
	// Format and Args, when set, are what Message was made of: Format with
	// every verb made %s, and the arguments each formatted by its verb,
	// separated by ArgSep (see msgFormat). The reports translate a message
	// by its Format.
	Format string
	Args   string
}

// Source is one thing rendered successfully (a kustomization, a chart, a file).
type Source struct {
	Cluster string
	Kind    string // "kustomization" | "chart" | "file" | "directory"
	Path    string
	// Deployer is the GitOps object that rendered it ("Kind/namespace/name"), "" for an entry point.
	Deployer string
	// DependsOn are the Flux Kustomizations ("namespace/name") applied
	// before it: order of application only.
	DependsOn []string
}

// Result is everything a repository deploys.
type Result struct {
	Clusters []string // names of clusters/<name>/ directories, sorted
	Objects  []Object
	Problems []Problem
	Sources  []Source

	snap  *source.Snapshot // for FieldLine
	index *lineIndex
}

// maxEntries bounds the entries followed per repository (reference loops).
const maxEntries = 100000

// entry is something to render for a cluster.
type entry struct {
	cluster string
	kind    string // "dir" | "kustomization" | "chart" | "file" | "flux"
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
	// deployer is the GitOps object the entry comes from, Kind/namespace/name
	// (Object.Deployer, Problem.Of).
	deployer string
	// argo holds an Argo CD source's options (argocd_source.go); nil for
	// everything else.
	argo *argoSource
	// flux holds what a Flux Kustomization changes in the build (flux_build.go).
	flux *fluxBuild
}

func (e entry) key() string {
	return e.hashKey() // helmkey.go
}

type renderer struct {
	snap *source.Snapshot
	kfs  *kustFS
	// claimed are paths a GitOps object deploys in a way that is not
	// evaluated (a Config Management Plugin): the fallback pass leaves
	// them alone instead of rendering them as plain manifests.
	claimed []string

	mu       sync.Mutex
	docCache map[string]docsResult
	cache    *Cache
	budget   *Budget
	values   map[string]map[string]any // values files as read, by path (gitops.go)
	typed    map[string]bool           // file:line of an object: it decodes into its Kubernetes type
	charts   map[string]*loadedChart
	// localDeps maps <chart>/charts/<name> to the chart directory of a
	// file:// dependency (helm.go)
	localDeps map[string]string
	// chartSums holds chartFiles' hashes, by the directories hashed.
	chartSums map[string]string
	opts      Options
	fluxIdx   fluxIndex           // rendered objects Flux references resolve against (flux_source.go)
	parsed    parsedTemplates     // parsed chart templates, by their texts (helmparse.go)
	kfiles    map[string]string   // kustomization file of a directory (kfile, kustomize.go)
	dirRefs   map[string][]string // kustomizationDirRefs (kustomize.go)
	natives   memo[nativeEntry]   // nested native builds by directory, without a Cache (nativecache.go)
	intern    interner            // without a Cache (yamlintern.go)
	texts     textArena           // chart templates' outputs (textarena.go)
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
	// RepoURL is the URL of this repository (--repo, the clone's origin);
	// "" is the snapshot's Remote. A Flux or Argo CD source naming it in any
	// spelling (https, ssh, scp-like, with or without .git) is this
	// repository; when unknown, an Argo CD source path that exists here is
	// taken for this repository.
	RepoURL string
	// Budget bounds template rendering (budget.go); share one between the
	// Render calls of a report. nil: a budget of DefaultRenderTimeout for
	// this call.
	Budget *Budget
}

// Render renders what the repository deploys.
//
// With a clusters/ directory, each clusters/<name>/ is applied as it is and
// every GitOps object it holds is followed. Without one, the roots are the
// files holding Flux Kustomizations and HelmReleases and Argo CD
// Applications and ApplicationSets anywhere in the repository; then every
// kustomization root, chart and YAML manifest no root reached is rendered
// as it is (kubectl apply), and the GitOps objects these produce are
// followed too. An object applied directly that a GitOps object also
// deploys (a bootstrap Kustomization deploying its own directory, an
// Application of an app-of-apps directory) is kept once, with its deployer.
func Render(snap *source.Snapshot, opts Options) *Result {
	d := newRenderer(snap, opts)
	res := &Result{snap: snap, index: &lineIndex{}}
	for _, p := range snap.Paths() {
		if !isYAML(p) || hiddenPath(p) {
			continue // not a manifest: never read, never a failure
		}
		if f, _ := snap.File(p); f != nil && f.Err != nil {
			res.Problems = append(res.Problems, fileProblem(p, f.Err))
		}
	}
	clustersDir := "clusters"
	if opts.ClustersDir != "" {
		clustersDir = path.Clean(opts.ClustersDir)
	}
	d.opts.ClustersDir = clustersDir
	var level []entry
	for _, c := range clusterNames(snap, clustersDir) {
		if len(opts.Clusters) > 0 && !slices.Contains(opts.Clusters, c) {
			continue
		}
		res.Clusters = append(res.Clusters, c)
		dir := path.Join(clustersDir, c)
		level = append(level, entry{cluster: c, kind: "dir", path: dir, recurse: true, from: dir})
	}
	w := &walk{d: d, res: res, seen: map[string]bool{}, objSeen: map[string]bool{}, reached: &reach{files: map[string]bool{}, trees: map[string]bool{}}}
	if len(level) > 0 {
		w.run(level)
		w.refollow()
	} else {
		w.run(d.rootEntries())
		for _, p := range d.claimed {
			w.reached.trees[p] = true
		}
		w.run(d.fallbackEntries(w.reached))
		// An app-of-apps found in the fallback pass may claim (for a plugin)
		// what that same pass rendered as plain manifests: drop those.
		res.dropClaimed(d.claimed)
		// A HelmRelease or Kustomization of the roots may name a source
		// defined in a file of the fallback pass: follow it now, and drop
		// the direct rendering of what it deploys.
		res.dropClaimed(w.refollow())
	}
	d.applyScopes(res)
	res.Objects = dropTwins(res.Objects)
	sortResult(res)
	res.Problems = slices.Compact(res.Problems)
	res.Sources = slices.CompactFunc(res.Sources, func(a, b Source) bool {
		return a.Cluster == b.Cluster && a.Kind == b.Kind && a.Path == b.Path && a.Deployer == b.Deployer && slices.Equal(a.DependsOn, b.DependsOn)
	})
	return res
}

// dropClaimed removes what was rendered directly (no deployer) from below
// the claimed paths.
func (res *Result) dropClaimed(claimed []string) {
	if len(claimed) == 0 {
		return
	}
	r := &reach{trees: map[string]bool{}, files: map[string]bool{}}
	for _, p := range claimed {
		r.trees[p] = true
	}
	res.Objects = slices.DeleteFunc(res.Objects, func(o Object) bool { return o.Deployer == "" && r.has(o.File) })
	res.Problems = slices.DeleteFunc(res.Problems, func(p Problem) bool { return p.Of == "" && p.File != "" && r.has(p.File) })
	res.Sources = slices.DeleteFunc(res.Sources, func(s Source) bool { return s.Deployer == "" && r.has(s.Path) })
}

// newRenderer renders from snap with opts (Render, Builder).
func newRenderer(snap *source.Snapshot, opts Options) *renderer {
	d := &renderer{snap: snap, docCache: map[string]docsResult{}, cache: opts.Cache, typed: map[string]bool{},
		charts: map[string]*loadedChart{}, opts: opts, budget: opts.Budget}
	if d.opts.RepoURL == "" {
		d.opts.RepoURL = snap.Remote
	}
	if d.budget == nil {
		d.budget = NewBudget(0)
	}
	return d
}

// walk renders entries level by level, following the GitOps objects they
// produce, until nothing new is left.
type walk struct {
	d       *renderer
	res     *Result
	seen    map[string]bool // entry keys
	objSeen map[string]bool // object identities
	reached *reach
	failed  []followed // objects whose following produced only problems (refollow)
}

func (w *walk) run(level []entry) {
	d, res := w.d, w.res
	for len(level) > 0 && len(w.seen) < maxEntries {
		var todo []entry
		for _, e := range level {
			if k := e.key(); !w.seen[k] {
				w.seen[k] = true
				todo = append(todo, e)
			}
		}
		// One worker per core takes the entries in turn (a goroutine per
		// entry grew a fresh stack for each); each result has its place.
		outs := make([]rendered, len(todo))
		var g errgroup.Group
		var next atomic.Int64
		for range min(runtime.GOMAXPROCS(0), len(todo)) {
			g.Go(func() error {
				gcpolicy.GrowStack() // parsers and renders go deep
				for i := int(next.Add(1) - 1); i < len(todo); i = int(next.Add(1) - 1) {
					outs[i] = d.render(todo[i])
				}
				return nil
			})
		}
		_ = g.Wait()
		level = nil
		// Objects are followed once the whole level is known: a Flux
		// object's source, ArtifactGenerator or substituteFrom ConfigMap
		// may come after it.
		var toFollow []Object
		n := 0
		for _, out := range outs {
			n += len(out.objects)
		}
		res.Objects = slices.Grow(res.Objects, n)
		for i, out := range outs {
			e := todo[i]
			w.reached.add(e, out.kind)
			if out.kind == "chart" {
				for _, dir := range d.chartDirs(e.path) {
					w.reached.trees[dir] = true // its file:// dependencies
				}
			}
			res.Problems = append(res.Problems, out.problems...)
			level = append(level, out.more...)
			if out.ok {
				res.Sources = append(res.Sources, Source{Cluster: e.cluster, Kind: out.kind, Path: e.path,
					Deployer: e.deployer, DependsOn: e.flux.deps()})
			}
			for j := range out.objects {
				out.objects[j].Deployer = e.deployer
			}
			for queue := out.objects; len(queue) > 0; queue = queue[1:] {
				o := queue[0]
				w.reached.files[o.File] = true
				if k := o.identity(); w.objSeen[k] {
					continue
				} else {
					w.objSeen[k] = true
				}
				res.Objects = append(res.Objects, o)
				d.fluxIdx.add(o)
				if isGitOps(o.APIVersion, o.Kind) {
					toFollow = append(toFollow, o) // follow follows nothing else
				}
			}
		}
		level = append(level, w.followAll(toFollow)...)
	}
}

// followAll follows objects and the objects their controllers create,
// returning the entries to render. An object whose following produced only
// problems is kept for refollow: what it references (its GitRepository, a
// ConfigMap) may come later, from another level or pass.
func (w *walk) followAll(toFollow []Object) []entry {
	d, res := w.d, w.res
	var level []entry
	for ; len(toFollow) > 0; toFollow = toFollow[1:] {
		nexts, created, probs := d.follow(toFollow[0])
		if len(nexts) == 0 && len(created) == 0 && len(probs) > 0 {
			w.failed = append(w.failed, followed{o: toFollow[0], probs: probs})
		}
		level = append(level, nexts...)
		res.Problems = append(res.Problems, probs...)
		toFollow = append(toFollow, w.adopt(created)...)
	}
	return level
}

// adopt adds created objects not seen yet to the result and returns them.
func (w *walk) adopt(created []Object) []Object {
	var out []Object
	for _, o := range created {
		if k := o.identity(); !w.objSeen[k] {
			w.objSeen[k] = true
			w.res.Objects = append(w.res.Objects, o)
			w.d.fluxIdx.add(o)
			out = append(out, o)
		}
	}
	return out
}

// followed is an object whose following produced only problems.
type followed struct {
	o     Object
	probs []Problem
}

// refollow follows again, once everything is rendered, the objects whose
// following produced only problems (a HelmRelease followed before the
// GitRepository it names, defined in a file of a later pass, was known).
// Where the outcome differs, their problems are replaced and what they
// deploy is rendered; it returns the trees (kustomizations, charts with
// their file:// dependencies, directories) these renderings reached.
func (w *walk) refollow() []string {
	failed := w.failed
	w.failed = nil
	saved := w.reached
	w.reached = &reach{files: map[string]bool{}, trees: map[string]bool{}}
	for _, f := range failed {
		nexts, created, probs := w.d.follow(f.o)
		if len(nexts) == 0 && len(created) == 0 && slices.Equal(probs, f.probs) {
			continue
		}
		w.res.Problems = slices.DeleteFunc(w.res.Problems, func(p Problem) bool { return slices.Contains(f.probs, p) })
		w.res.Problems = append(w.res.Problems, probs...)
		w.run(append(nexts, w.followAll(w.adopt(created))...))
	}
	var trees []string
	for t := range w.reached.trees {
		trees = append(trees, t)
		saved.trees[t] = true
	}
	for f := range w.reached.files {
		saved.files[f] = true
	}
	w.reached = saved
	sort.Strings(trees)
	return trees
}

// reach is what the rendered entries reached: files, and directories
// rendered as a whole (kustomizations, charts, recursive directories).
type reach struct {
	files map[string]bool
	trees map[string]bool
}

func (r *reach) add(e entry, kind string) {
	switch {
	case e.kind == "file":
		r.files[e.path] = true
	case kind == "kustomization" || kind == "chart" || e.recurse:
		r.trees[e.path] = true
	}
}

// has says whether p (a file or directory) was reached: it or a directory
// above it was rendered as a whole, or (a file) objects came from it.
func (r *reach) has(p string) bool {
	if r.files[p] {
		return true
	}
	for dir := p; ; dir = path.Dir(dir) {
		if r.trees[dir] {
			return true
		}
		if dir == "." || dir == "/" || dir == "" {
			return false
		}
	}
}

// dropTwins removes objects applied directly (no deployer) that a GitOps
// object deploys too: the same kind from the same file and line of the
// same cluster.
func dropTwins(objs []Object) []Object {
	deployed := map[string]bool{}
	key := func(o *Object) string {
		return o.Cluster + "\x00" + o.File + "\x00" + strconv.Itoa(o.Line) + "\x00" + o.Kind
	}
	for i := range objs {
		if objs[i].Deployer != "" {
			deployed[key(&objs[i])] = true
		}
	}
	if len(deployed) == 0 {
		return objs
	}
	return slices.DeleteFunc(objs, func(o Object) bool { return o.Deployer == "" && deployed[key(&o)] })
}

func sortResult(res *Result) {
	slices.SortStableFunc(res.Objects, func(a, b Object) int {
		return cmp.Or(cmp.Compare(a.Cluster, b.Cluster), cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line),
			compareJoined([3]string{a.Kind, a.Namespace, a.Name}, [3]string{b.Kind, b.Namespace, b.Name}),
			cmp.Compare(a.GenerateName, b.GenerateName), cmp.Compare(a.Deployer, b.Deployer), cmp.Compare(a.APIVersion, b.APIVersion))
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

// compareJoined is cmp.Compare of the parts of a and of b joined with
// "/", without joining them.
func compareJoined(a, b [3]string) int {
	pa := [5]string{a[0], "/", a[1], "/", a[2]}
	pb := [5]string{b[0], "/", b[1], "/", b[2]}
	ai, bi := 0, 0 // the part being read
	as, bs := pa[0], pb[0]
	for {
		for as == "" && ai < len(pa)-1 {
			ai++
			as = pa[ai]
		}
		for bs == "" && bi < len(pb)-1 {
			bi++
			bs = pb[bi]
		}
		if as == "" || bs == "" {
			return cmp.Compare(len(as), len(bs))
		}
		n := min(len(as), len(bs))
		if c := strings.Compare(as[:n], bs[:n]); c != 0 {
			return c
		}
		as, bs = as[n:], bs[n:]
	}
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
	return strings.HasPrefix(p, ".") || strings.Contains(p, "/.")
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
	if r, ok := d.sharedDocs(p); ok {
		d.mu.Lock()
		d.docCache[p] = r
		d.mu.Unlock()
		return r.docs, r.err
	}
	f, found := d.snap.File(p)
	switch {
	case !found:
		r.err = fmt.Errorf("%s: no such file in the repository", p)
	case f.Err != nil:
		r.err = f.Err
	default:
		r.docs, r.err = parseDocsShared(f.Data, d.interner())
		if r.err != nil {
			r.err = fmt.Errorf("%s: %w", p, r.err)
		}
	}
	d.mu.Lock()
	d.docCache[p] = r
	d.mu.Unlock()
	d.shareDocs(p, r)
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
	r.problems = append(r.problems, Problem{Cluster: e.cluster, File: file, Line: line, Message: fmt.Sprintf(format, args...), Of: e.deployer,
		Format: msgFormat(format), Args: msgArgs(format, args)})
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
	case "argodir":
		r.kind = "directory"
		d.renderArgoDir(e, &r)
	case "flux":
		r.kind = "kustomization"
		d.renderFluxBuild(e, &r)
	default:
		switch {
		case !d.snap.IsDir(e.path):
			r.problem(e, e.from, e.fromLine, "path %q does not exist in the repository", e.path)
		case d.kfile(e.path) != "":
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
		case d.kfile(sub) != "":
			d.renderKustomization(se, r)
		case d.isChart(sub):
			// Flux does not render charts found in a directory; skip.
		default:
			d.renderPlainDir(se, r)
		}
	}
}

// fileProblem is a file of the snapshot that could not be read: not
// evaluated when it is too large, else an error of the repository.
func fileProblem(p string, err error) Problem {
	prob := Problem{File: p, Message: err.Error()}
	if errors.Is(err, source.ErrTooLarge) {
		prob.NotEvaluated, prob.Reason = true, ReasonTooLarge
	}
	return prob
}

// renderFile adds the Kubernetes objects of one YAML file.
func (d *renderer) renderFile(e entry, p string, r *rendered) {
	docs, err := d.docs(p)
	if err != nil {
		r.problem(e, p, yamlErrLine(err.Error()), "%v", err)
		if errors.Is(err, source.ErrTooLarge) {
			last := &r.problems[len(r.problems)-1]
			last.NotEvaluated, last.Reason = true, ReasonTooLarge
		}
	}
	for _, doc := range docs {
		o, ok := newObject(doc.Value, p, doc.Line, e.cluster)
		if !ok || !KubernetesAPIVersion(o.APIVersion) {
			continue // not a Kubernetes object: a tool's configuration
		}
		r.objects = append(r.objects, d.finish(e, o))
	}
}

// finish applies the entry's namespace and substitutions to an object.
func (d *renderer) finish(e entry, o Object) Object {
	if len(e.subst) > 0 {
		o = substituteObject(o, e.subst)
	}
	// Flux's targetNamespace replaces the namespace of every namespaced
	// object but a chart's; Argo CD's destination only fills in a missing one.
	if e.namespace != "" && !ClusterScoped(o.Kind) && (o.Namespace == "" || e.kind != "chart" && e.argo == nil) {
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
		Name: str(v, "metadata", "name"), GenerateName: str(v, "metadata", "generateName"), Namespace: str(v, "metadata", "namespace"),
		Value: v, File: file, Line: line, Cluster: cluster,
	}, true
}

// builtinGroups are the API groups of Kubernetes whose names have no dot.
var builtinGroups = map[string]bool{"": true, "apps": true, "batch": true, "autoscaling": true, "policy": true, "extensions": true}

var apiVersionPart = regexp.MustCompile(`^v[1-9][0-9]*((alpha|beta)[1-9][0-9]*)?$`)

// KubernetesAPIVersion says whether apiVersion can name a Kubernetes API:
// a version ("v1", "v2beta1") of the core group, of a built-in group
// without a dot (apps, batch, autoscaling, policy, extensions) or of any
// group with a dot (every CustomResourceDefinition's group has one). A YAML
// file whose documents have another apiVersion ("skaffold/v4beta6") is a
// tool's configuration, not a manifest: it is ignored, like a file
// without apiVersion and kind.
func KubernetesAPIVersion(apiVersion string) bool {
	group, version := "", apiVersion
	if i := strings.IndexByte(apiVersion, '/'); i >= 0 {
		group, version = apiVersion[:i], apiVersion[i+1:]
	}
	return apiVersionPart.MatchString(version) && (builtinGroups[group] || strings.Contains(group, "."))
}

// clusterScoped are the kinds ClusterScoped knows to have no namespace.
var clusterScoped = map[string]bool{
	"Namespace": true, "ClusterRole": true, "ClusterRoleBinding": true, "CustomResourceDefinition": true,
	"PersistentVolume": true, "StorageClass": true, "PriorityClass": true, "IngressClass": true,
	"ValidatingWebhookConfiguration": true, "MutatingWebhookConfiguration": true, "APIService": true,
	"Node": true, "RuntimeClass": true, "CSIDriver": true, "VolumeSnapshotClass": true,
	"ClusterIssuer": true, "GatewayClass": true, "ValidatingAdmissionPolicy": true,
	"ValidatingAdmissionPolicyBinding": true, "ClusterSecretStore": true,
}

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
