package checks

import (
	"reflect"
	"slices"

	"github.com/plinth-dev/plinth/internal/gitops/render"
	"github.com/plinth-dev/plinth/reports"
)

// A history report evaluates two states of a repository that mostly hold
// the same objects. The controls below judge a workload by what it holds
// alone: each finding they make of a workload is a function of
//
//   - the workload object: its value (pod spec, pod metadata, containers),
//     apiVersion, kind, name, generateName, namespace, whether it is
//     cluster-scoped, cluster, deployer, file and line;
//   - the text of its file (Result.FieldLine and PodFieldLine read the
//     lines of its document);
//   - the environment its namespace belongs to (the finding's Environment);
//   - the control, and for PLN-SEC-018 the trusted registries and the file
//     they were configured in.
//
// They read no other object (no Service, ServiceAccount, autoscaler or
// PodDisruptionBudget: the controls that do are not listed) and no cluster
// state beyond the environment. When all of that is equal in the two
// states, the findings of the first state are those of the second, texts
// included; EvaluateReusing copies them instead of making them again.
var workloadLocal = map[string]bool{
	"PLN-SEC-006": true, // checkPrivileged: container securityContext
	"PLN-SEC-007": true, // checkNonRoot: pod and container securityContext, PodFieldLine
	"PLN-SEC-008": true, // checkPrivilegeEscalation
	"PLN-SEC-009": true, // checkCapabilities
	"PLN-SEC-010": true, // checkReadOnlyRoot
	"PLN-SEC-011": true, // checkSeccomp: pod and container securityContext
	"PLN-SEC-012": true, // checkHostAccess: pod spec, FieldLine
	"PLN-SEC-018": true, // checkTrustedRegistry: images, trusted registries (compared as a whole)
	"PLN-SEC-019": true, // checkPinnedImage
	"PLN-SEC-022": true, // checkDefaultNamespace: the namespace
	"PLN-RES-001": true, // checkResources("requests")
	"PLN-RES-002": true, // checkResources("limits")
	"PLN-SEC-031": true, // checkDefaultServiceAccount: the pod spec's service account name
	"PLN-SEC-032": true, // checkHostPort
	"PLN-SEC-033": true, // checkSecretEnv
	"PLN-SEC-034": true, // checkKernelIsolation: pod spec, pod annotations
	"PLN-SEC-035": true, // checkPullPolicy
	"PLN-HA-011":  true, // checkBarePod: the kind
	"PLN-HA-014":  true, // checkIdenticalProbes: the containers' probes
}

// Kept is what an evaluation leaves to the evaluation of another state of
// the same repository (EvaluateKeeping, EvaluateReusing): the findings the
// workload-local controls made of each workload, with what they read.
type Kept struct {
	trusted []string
	regFile string
	// byKey finds a workload by what names it; -1 when two workloads of
	// the state have the same key (neither is reused).
	byKey     map[workloadKey]int
	workloads []keptWorkload
	// findings holds, per control, the findings of each workload
	// (findings[control][workload]), texts set.
	findings map[string][][]reports.Finding
}

type keptWorkload struct {
	value         map[string]any
	clusterScoped bool
	env           any // the repo.EnvState of its namespace
}

// workloadKey names a workload object in a state, with its place.
type workloadKey struct {
	apiVersion, kind, name, generateName, namespace string
	cluster, deployer, file                         string
	line                                            int
}

func keyOf(o *render.Object) workloadKey {
	return workloadKey{apiVersion: o.APIVersion, kind: o.Kind, name: o.Name, generateName: o.GenerateName, namespace: o.Namespace,
		cluster: o.Cluster, deployer: o.Deployer, file: o.File, line: o.Line}
}

// reuse is an evaluation's side of keeping and reusing findings.
type reuse struct {
	keep    bool
	control string // of a control evaluator
	// prior is the other state's; match[i] is the index in prior of the
	// workload of index i of this state whose findings are reused, -1 for
	// none.
	prior *Kept
	match []int
	n     int // workloads of this state
	// starts, when keeping, is where the findings of each workload start in
	// the findings of the control being evaluated (one slice per control
	// evaluator); copied marks the findings that were copied (texts set).
	starts  []int
	visited int
	copied  []bool

	sameFileFn func(path string) bool
}

// EvaluateKeeping is Evaluate that also returns what EvaluateReusing needs
// to evaluate another state of the repository.
func EvaluateKeeping(in *Input) ([]reports.Finding, *Kept) {
	return evaluate(in, &reuse{keep: true})
}

// EvaluateReusing is Evaluate of a state of the repository of which
// another state was evaluated with EvaluateKeeping (prior): the findings
// of the workload-local controls for a workload whose inputs are equal in
// the two states are copied from prior. sameFile says whether a file has
// the same content in the two states (or is missing or unreadable in both).
// The findings are those Evaluate returns.
func EvaluateReusing(in *Input, prior *Kept, sameFile func(path string) bool) []reports.Finding {
	fs, _ := evaluate(in, &reuse{prior: prior, sameFileFn: sameFile})
	return fs
}

// index numbers ev's workloads in their order (cluster, then object) and,
// with a prior state, finds those whose findings are reused.
func (r *reuse) index(ev *evaluator) {
	if r == nil {
		return
	}
	for _, c := range ev.clusters {
		for _, w := range ev.workloads[c] {
			w.idx = r.n
			r.n++
		}
	}
	p := r.prior
	if p == nil || !slices.Equal(p.trusted, ev.in.TrustedRegistries) || p.regFile != ev.in.RegistriesFile {
		r.prior = nil
		return
	}
	r.match = make([]int, r.n)
	same := map[string]bool{}
	for _, c := range ev.clusters {
		for _, w := range ev.workloads[c] {
			r.match[w.idx] = -1
			o := w.o
			i, ok := p.byKey[keyOf(o)]
			if !ok || i < 0 {
				continue
			}
			k := p.workloads[i]
			if k.clusterScoped != o.ClusterScoped() || !reflect.DeepEqual(k.env, any(ev.env(o.Cluster, namespaceOf(o)))) {
				continue
			}
			sf, seen := same[o.File]
			if !seen {
				sf = o.File == "" || r.sameFileFn(o.File)
				same[o.File] = sf
			}
			// DeepEqual is quick for the values the render cache shares
			// between the states (the same map).
			if sf && reflect.DeepEqual(k.value, o.Value) {
				r.match[w.idx] = i
			}
		}
	}
}

// forControl readies a control evaluator (a copy of the evaluator) to keep
// or reuse the findings of a workload-local control.
func (r *reuse) forControl(ev *evaluator) {
	if r == nil || !workloadLocal[ev.control.ID] {
		ev.reuse = nil
		return
	}
	c := *r
	c.control, c.starts, c.copied = ev.control.ID, nil, nil
	if r.keep {
		c.starts = make([]int, r.n+1)
	}
	ev.reuse = &c
}

// reused is called by eachWorkload before it evaluates workload w: it
// notes where w's findings start and, when they are reused, appends them
// and returns true.
func (ev *evaluator) reused(w *workload) bool {
	r := ev.reuse
	if r == nil {
		return false
	}
	if r.starts != nil {
		r.starts[w.idx] = len(ev.findings)
		r.visited++
	}
	if r.prior == nil || r.match[w.idx] < 0 {
		return false
	}
	kept := r.prior.findings[ev.control.ID]
	if kept == nil {
		return false
	}
	fs := kept[r.match[w.idx]]
	r.copied = append(r.copied, make([]bool, len(ev.findings)-len(r.copied))...)
	for range fs {
		r.copied = append(r.copied, true)
	}
	ev.findings = append(ev.findings, fs...)
	return true
}

// keptFindings splits the findings of a control evaluated while keeping by
// workload, copies made (a caller changes the findings it gets); nil unless
// the control visited each workload once, making findings of workloads
// alone.
func (r *reuse) keptFindings(fs []reports.Finding) [][]reports.Finding {
	if r.visited != r.n || r.n > 0 && r.starts[0] != 0 {
		return nil
	}
	out := make([][]reports.Finding, r.n)
	r.starts[r.n] = len(fs)
	for i := range r.n {
		out[i] = slices.Clone(fs[r.starts[i]:r.starts[i+1]])
	}
	return out
}

// copiedAt appends to copied, the marks of the findings of all controls
// so far, those of a control whose findings start at off.
func (r *reuse) copiedAt(copied []bool, off int) []bool {
	if r == nil || len(r.copied) == 0 {
		return copied
	}
	copied = append(copied, make([]bool, off-len(copied))...)
	return append(copied, r.copied...)
}

// kept is what a keeping evaluation leaves: its workloads and, per
// workload-local control, the findings of each (per[i] are the findings of
// control i, at off[i] in ev.findings with their texts; rs[i] its reuse).
func (r *reuse) kept(ev *evaluator, rs []*reuse, per [][]reports.Finding, off []int) *Kept {
	if r == nil || !r.keep {
		return nil
	}
	k := &Kept{trusted: slices.Clone(ev.in.TrustedRegistries), regFile: ev.in.RegistriesFile,
		byKey: map[workloadKey]int{}, workloads: make([]keptWorkload, r.n), findings: map[string][][]reports.Finding{}}
	for _, c := range ev.clusters {
		for _, w := range ev.workloads[c] {
			o := w.o
			key := keyOf(o)
			if _, dup := k.byKey[key]; dup {
				k.byKey[key] = -1
			} else {
				k.byKey[key] = w.idx
			}
			k.workloads[w.idx] = keptWorkload{value: o.Value, clusterScoped: o.ClusterScoped(), env: ev.env(o.Cluster, namespaceOf(o))}
		}
	}
	for i, cr := range rs {
		if cr != nil && cr.starts != nil {
			if fs := cr.keptFindings(ev.findings[off[i] : off[i]+len(per[i])]); fs != nil {
				k.findings[cr.control] = fs
			}
		}
	}
	return k
}
