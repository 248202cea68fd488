// Package checks evaluates rendered objects and declared cluster settings
// against the manifest and declared controls of the baseline catalog. It
// produces raw findings (pass, fail, manual, n/a); waivers and scores are
// applied by the caller.
package checks

import (
	"runtime"
	"sort"

	"golang.org/x/sync/errgroup"

	"github.com/plinth-dev/plinth/internal/gitops/obj"
	"github.com/plinth-dev/plinth/internal/gitops/render"
	"github.com/plinth-dev/plinth/internal/gitops/repo"
	"github.com/plinth-dev/plinth/reports"
	"github.com/plinth-dev/plinth/reports/evidence"
)

// ClusterState is a cluster's recorded state (repo.ClusterState) as read
// from the repository.
type ClusterState struct {
	repo.ClusterState
	// File is the repository path the state was read from.
	File string `json:"-"`
	// Data is the file content (for line lookups).
	Data []byte `json:"-"`
}

// Input is what the checks evaluate.
type Input struct {
	Discovery *render.Result
	// States maps a cluster name to its recorded state (may be empty).
	States map[string]*ClusterState
	// TrustedRegistries are registry hosts (or host/path prefixes) images must come from.
	TrustedRegistries []string
	// RegistriesFile is where TrustedRegistries were configured (for messages).
	RegistriesFile string
	// Evidence is what the cloud providers say about the clusters
	// (report --evidence); nil without.
	Evidence *evidence.Set
}

// Evaluate returns one finding per control and evaluated object, namespace or
// cluster, in catalog order.
//
// The manifest controls run in parallel, each with an evaluator of its own
// over the shared indexes (built beforehand, read only), and their findings
// are joined in catalog order: the result does not depend on scheduling.
func Evaluate(in *Input) []reports.Finding {
	fs, _ := evaluate(in, nil)
	return fs
}

// evaluate is Evaluate, keeping or reusing findings with r (reuse.go).
func evaluate(in *Input, r *reuse) ([]reports.Finding, *Kept) {
	ev := newEvaluator(in)
	ev.prepare()
	r.prepare(ev)
	catalog := reports.Catalog()
	per := make([][]pending, len(catalog), len(catalog)+1)
	var manifest []int
	for i, c := range catalog {
		if ev.evaluateControl(c) {
			manifest = append(manifest, i)
		}
		per[i] = ev.findings
	}
	rs := make([]*reuse, len(catalog))
	var g errgroup.Group
	g.SetLimit(runtime.GOMAXPROCS(0))
	for _, i := range manifest {
		w := *ev
		w.control, w.findings = catalog[i], nil
		r.forControl(&w)
		g.Go(func() error {
			manifestChecks[w.control.ID](&w)
			per[i], rs[i] = w.findings, w.reuse
			return nil
		})
	}
	_ = g.Wait()
	if in.Evidence != nil {
		ev.findings = nil
		ev.unmatchedEvidence()
		per, catalog = append(per, ev.findings), append(catalog, ev.control)
	}
	fs, off := ev.expand(catalog, per)
	return fs, r.kept(ev, rs, fs, per, off)
}

// evaluateControl evaluates a manual or declared control c into
// ev.findings; true for a manifest control with a check, left to the caller.
func (ev *evaluator) evaluateControl(c reports.Control) (manifest bool) {
	ev.control, ev.findings = c, nil
	switch c.Evaluation {
	case reports.EvalManual:
		for _, cl := range ev.clusters {
			ev.add(reports.StatusManual, cl, "", "", nil, reports.M("check.attest").WithFix(c.ID))
		}
	case reports.EvalDeclared:
		ev.declared()
	default:
		_, manifest = manifestChecks[c.ID]
	}
	return manifest
}

// Implemented reports whether a manifest or declared control has an evaluation.
func Implemented(id string) bool {
	_, m := manifestChecks[id]
	_, d := declaredChecks[id]
	return m || d
}

type evaluator struct {
	in       *Input
	control  reports.Control
	clusters []string  // clusters evaluated ("" without a clusters/ layout)
	findings []pending // the findings of control, to be made (expand)
	// field, when a per-container check sets it, is the container field its
	// finding points at instead of the control's usual one (containerField).
	field string
	// podField says that field is one of the pod's securityContext (the
	// container inherits it): the finding points at the pod's field.
	podField bool

	byCluster map[string][]*render.Object
	envOf     map[string]map[string]repo.EnvState // cluster -> namespace -> env
	nsObjects map[string]map[string]*render.Object
	hpas      map[[2]string][]*render.Object // cluster, namespace -> HPAs and VPAs

	// Built on first use by the reference checks (references.go).
	index []named // the objects by cluster, namespace, kind and name (lookup)
	// line, when set by a workload check, is the line of the offending
	// field, where its failing finding points (eachWorkload).
	line int
	pods map[[2]string][]*workload // cluster, namespace -> workloads

	// Indexes of the objects (index.go).
	workloads  map[string][]*workload         // cluster -> workloads
	all        []*workload                    // every workload, in order
	nWorkloads int                            // the workloads of the clusters evaluated
	byKind     map[[2]string][]*render.Object // cluster, kind -> objects
	byNsKind   map[[3]string][]*render.Object // cluster, namespace, kind -> Services, PodDisruptionBudgets
	selectors  map[*render.Object]labelSelector
	cur        *workload // the workload eachWorkload is at
	reuse      *reuse    // an object-local control's keeping or reusing of findings (reuse.go)

	// Evidence per cluster, built on first use (declared.go).
	evidence    map[string]*evidence.Cluster
	evidenceErr map[string]error
}

func newEvaluator(in *Input) *evaluator {
	ev := &evaluator{in: in, byCluster: map[string][]*render.Object{}, envOf: map[string]map[string]repo.EnvState{},
		nsObjects: map[string]map[string]*render.Object{}, hpas: map[[2]string][]*render.Object{}}
	set := map[string]bool{}
	for _, c := range in.Discovery.Clusters {
		set[c] = true
	}
	for c := range in.States {
		set[c] = true
	}
	for c := range set {
		ev.clusters = append(ev.clusters, c)
	}
	sort.Strings(ev.clusters)
	if len(ev.clusters) == 0 {
		ev.clusters = []string{""}
	}
	for i := range in.Discovery.Objects {
		o := &in.Discovery.Objects[i]
		ev.byCluster[o.Cluster] = append(ev.byCluster[o.Cluster], o)
		if o.Kind == "Namespace" && o.APIVersion == "v1" {
			if ev.nsObjects[o.Cluster] == nil {
				ev.nsObjects[o.Cluster] = map[string]*render.Object{}
			}
			ev.nsObjects[o.Cluster][o.Name] = o
		}
		if o.Kind == "HorizontalPodAutoscaler" || o.Kind == "VerticalPodAutoscaler" {
			k := [2]string{o.Cluster, namespaceOf(o)}
			ev.hpas[k] = append(ev.hpas[k], o)
		}
	}
	for c, st := range in.States {
		m := map[string]repo.EnvState{}
		for _, e := range st.Environments {
			for _, ns := range e.Namespaces {
				m[ns] = e
			}
		}
		ev.envOf[c] = m
	}
	ev.buildIndex()
	return ev
}

// env returns the environment a namespace of a cluster belongs to.
func (ev *evaluator) env(cluster, ns string) repo.EnvState {
	return ev.envOf[cluster][ns]
}

func (ev *evaluator) add(status, cluster, namespace, object string, at *render.Object, msg reports.Msg) {
	ev.addIn(ev.env(cluster, namespace).Name, status, cluster, namespace, object, at, msg)
}

// addIn is add of a finding in environment env (ev.env(cluster, namespace).Name).
func (ev *evaluator) addIn(env, status, cluster, namespace, object string, at *render.Object, msg reports.Msg) {
	f := &reports.Finding{
		Control: ev.control.ID, Title: ev.control.Title, Category: ev.control.Category, Severity: ev.control.Severity,
		Status: status, Cluster: cluster, Namespace: namespace, Object: object, Environment: env,
	}
	f.Msg = msg // its texts: expand, once all are made
	if at != nil {
		f.File, f.Line, f.Deployer = at.File, at.Line, at.Deployer
	}
	ev.findings = append(ev.findings, pending{of: f})
}

// addObj adds a finding about object o.
func (ev *evaluator) addObj(o *render.Object, status string, msg reports.Msg) {
	if ev.pend(pending{of: o}, status, msg) {
		return
	}
	ns := ""
	if !o.ClusterScoped() {
		ns = namespaceOf(o)
	}
	ev.add(status, o.Cluster, ns, o.ID(), o, msg)
}

// addWorkload adds a finding about workload w: addObj of w.o, with what
// it reads of w.o read once.
func (ev *evaluator) addWorkload(w *workload, status string, msg reports.Msg) {
	if ev.pend(pending{of: w}, status, msg) {
		return
	}
	ev.addIn(w.env, status, w.o.Cluster, w.at, w.id, w.o, msg)
}

func (ev *evaluator) addAt(status, cluster, namespace, object, file string, line int, msg reports.Msg) {
	ev.add(status, cluster, namespace, object, nil, msg)
	f := ev.full()
	f.File, f.Line = file, line
}

// full is the finding added last, made in full (add).
func (ev *evaluator) full() *reports.Finding {
	return ev.findings[len(ev.findings)-1].of.(*reports.Finding)
}

// addSource adds a finding about source s, rendered: at its path, in the
// environment of its cluster.
func (ev *evaluator) addSource(s *render.Source, status string, msg reports.Msg) {
	if !ev.pend(pending{of: s}, status, msg) {
		ev.addAt(status, s.Cluster, "", "", s.Path, 0, msg)
	}
}

func namespaceOf(o *render.Object) string {
	if o.Namespace == "" && !o.ClusterScoped() {
		return "default"
	}
	return o.Namespace
}

func isSystemNamespace(ns string) bool {
	return ns == "kube-system" || ns == "kube-public" || ns == "kube-node-lease"
}

// ---- helpers over unstructured values

// Functions, not variables holding obj's: a call through a variable
// cannot be inlined, and the path it is given then goes to the heap.

func get(v any, path ...string) any              { return obj.Get(v, path...) }
func str(v any, path ...string) string           { return obj.Str(v, path...) }
func mapAt(v any, path ...string) map[string]any { return obj.Map(v, path...) }
func listAt(v any, path ...string) []any         { return obj.List(v, path...) }

func boolAt(v any, path ...string) (value, set bool) {
	b, ok := get(v, path...).(bool)
	return b, ok
}

func intAt(v any, path ...string) (int, bool) {
	switch n := get(v, path...).(type) {
	case int:
		return n, true
	case int64:
		return int(n), true
	case float64:
		return int(n), true
	case uint64:
		return int(n), true
	}
	return 0, false
}
