package checks

import (
	"reflect"
	"slices"

	"github.com/plinth-dev/plinth/internal/gitops/render"
	"github.com/plinth-dev/plinth/internal/gitops/repo"
	"github.com/plinth-dev/plinth/reports"
)

// A history report evaluates two states of a repository that mostly hold
// the same objects. The controls below judge the objects they visit
// (eachWorkload: workloads; forKind: the objects of a kind) one at a time,
// and each finding they make of an object is a function of
//
//   - the object: its value, apiVersion, kind, name, generateName,
//     namespace, whether it is cluster-scoped, cluster, deployer, file and
//     line;
//   - the text of its file (Result.FieldLine and PodFieldLine read the
//     lines of its document);
//   - the environment its namespace belongs to (repo.EnvState: the
//     finding's Environment, the tier PLN-HA-009 reads);
//   - the control, and for PLN-SEC-018 the trusted registries and the file
//     they were configured in;
//   - for the controls marked nsContext, the objects of its namespace they
//     read besides it (contextKinds: Services, PodDisruptionBudgets,
//     autoscalers, ServiceAccounts, in order) and whether its cluster's
//     recorded state lists two zones or more (PLN-HA-005);
//   - for the controls marked nsObjects, every object of its namespace, in
//     order (the workloads a selector selects, their autoscalers, the
//     object a reference names in the namespace).
//
// When all of that is equal in the two states, the findings of the first
// state are those of the second, texts included; EvaluateReusing copies
// them instead of making them again. The controls not listed read other
// objects (selectors, references, namespaces, addons) and run in full.
var objectLocal = map[string]reuseScope{
	// eachWorkload: the workload alone.
	"PLN-SEC-006": objectOnly, // checkPrivileged: container securityContext
	"PLN-SEC-007": objectOnly, // checkNonRoot: pod and container securityContext, PodFieldLine
	"PLN-SEC-008": objectOnly, // checkPrivilegeEscalation
	"PLN-SEC-009": objectOnly, // checkCapabilities
	"PLN-SEC-010": objectOnly, // checkReadOnlyRoot
	"PLN-SEC-011": objectOnly, // checkSeccomp: pod and container securityContext
	"PLN-SEC-012": objectOnly, // checkHostAccess: pod spec, FieldLine
	"PLN-SEC-018": objectOnly, // checkTrustedRegistry: images, trusted registries (compared as a whole)
	"PLN-SEC-019": objectOnly, // checkPinnedImage
	"PLN-SEC-022": objectOnly, // checkDefaultNamespace: the namespace
	"PLN-RES-001": objectOnly, // checkResources("requests")
	"PLN-RES-002": objectOnly, // checkResources("limits")
	"PLN-SEC-031": objectOnly, // checkDefaultServiceAccount: the pod spec's service account name
	"PLN-SEC-032": objectOnly, // checkHostPort
	"PLN-SEC-033": objectOnly, // checkSecretEnv
	"PLN-SEC-034": objectOnly, // checkKernelIsolation: pod spec, pod annotations
	"PLN-SEC-035": objectOnly, // checkPullPolicy
	"PLN-HA-011":  objectOnly, // checkBarePod: the kind
	"PLN-HA-014":  objectOnly, // checkIdenticalProbes: the containers' probes
	// eachWorkload: the workload and its namespace's objects.
	"PLN-HA-003":  nsContext, // checkPDB: replicas (autoscalers), the namespace's PodDisruptionBudgets
	"PLN-HA-004":  nsContext, // checkAntiAffinity: replicas (autoscalers)
	"PLN-HA-005":  nsContext, // checkZoneSpread: replicas (autoscalers), the cluster's zones
	"PLN-HA-006":  nsContext, // checkProbe: the namespace's Services
	"PLN-HA-007":  nsContext, // checkProbe: the namespace's Services
	"PLN-HA-009":  nsContext, // checkReplicas: replicas (autoscalers), the environment's tier
	"PLN-RES-005": nsContext, // checkAutoscaled: the namespace's autoscalers
	"PLN-SEC-030": nsContext, // checkAutomountToken: the namespace's ServiceAccounts (lookup)
	// forKind: the object and every object of its namespace.
	"PLN-HA-012":  nsObjects, // checkPDBDisruptions: the workloads selected, their replicas
	"PLN-HA-013":  nsObjects, // checkSelects("PodDisruptionBudget"): the namespace's pod templates
	"PLN-NET-011": nsObjects, // checkSelects("Service")
	"PLN-NET-012": nsObjects, // checkSelects("NetworkPolicy")
	"PLN-RES-007": nsObjects, // checkHPATarget: the target, looked up in the namespace
	// forKind: the object alone.
	"PLN-SEC-021": objectOnly, // checkIngressTLS
	"PLN-NET-003": objectOnly, // checkIngressClass
	"PLN-NET-006": objectOnly, // checkLoadBalancers
	"PLN-NET-007": objectOnly, // checkOpenEgress
	"PLN-NET-008": objectOnly, // checkExternalIPs
	"PLN-NET-009": objectOnly, // checkNodePorts
}

type reuseScope int8

const (
	objectOnly reuseScope = iota + 1
	nsContext
	nsObjects
)

// contextKinds are the kinds of the objects of a workload's namespace the
// nsContext controls read.
var contextKinds = map[string]bool{"Service": true, "PodDisruptionBudget": true, "HorizontalPodAutoscaler": true,
	"VerticalPodAutoscaler": true, "ServiceAccount": true}

// Kept is what an evaluation leaves to the evaluation of another state of
// the same repository (EvaluateKeeping, EvaluateReusing): its objects, and
// the findings the object-local controls made of each object they visited.
type Kept struct {
	trusted []string
	regFile string
	// byKey finds an object by what names it; -1 when two objects of the
	// state have the same key (neither is reused).
	byKey   map[stateKey]int
	objects []keptObject
	// context lists, per cluster and namespace, the indexes of the
	// objects of contextKinds, in order.
	context map[[2]string][]int
	// inNs lists, per cluster and namespace, the indexes of its objects.
	inNs  map[[2]string][]int
	zones map[string]bool // cluster -> its state lists two zones or more (or none is recorded)
	// findings holds, per control, the findings of each object visited,
	// by index, texts set; counts the number of the control's findings.
	findings map[string]map[int][]reports.Finding
	counts   map[string]int
}

type keptObject struct {
	value         map[string]any
	clusterScoped bool
	env           repo.EnvState
}

// stateKey names an object in a state, with its place.
type stateKey struct {
	apiVersion, kind, name, generateName, namespace string
	cluster, deployer, file                         string
	line                                            int
}

func keyOf(o *render.Object) stateKey {
	return stateKey{apiVersion: o.APIVersion, kind: o.Kind, name: o.Name, generateName: o.GenerateName, namespace: o.Namespace,
		cluster: o.Cluster, deployer: o.Deployer, file: o.File, line: o.Line}
}

// reuse is an evaluation's side of keeping and reusing findings.
type reuse struct {
	keep     bool
	prior    *Kept
	sameFile func(path string) bool
	index    map[*render.Object]int // an object's index in Discovery.Objects
	// match[i] is the index in prior of object i of this state when their
	// inputs are equal, else -1; ctx[i] says the same of the objects of
	// its namespace and its cluster's zones (nsContext).
	match []int
	ctx   []bool
	all   []bool // every object of its namespace is matched, in order (nsObjects)

	// Of a control evaluator: its control, the objects visited with where
	// their findings start (keeping).
	control string
	scope   reuseScope
	visits  []visit
}

type visit struct{ object, start int }

// EvaluateKeeping is Evaluate that also returns what EvaluateReusing needs
// to evaluate another state of the repository.
func EvaluateKeeping(in *Input) ([]reports.Finding, *Kept) {
	return evaluate(in, &reuse{keep: true})
}

// EvaluateReusing is Evaluate of a state of the repository of which
// another state was evaluated with EvaluateKeeping (prior): the findings
// of the object-local controls for an object whose inputs are equal in
// the two states are copied from prior. sameFile says whether a file has
// the same content in the two states (or is missing or unreadable in both).
// The findings are those Evaluate returns.
func EvaluateReusing(in *Input, prior *Kept, sameFile func(path string) bool) []reports.Finding {
	fs, _ := evaluate(in, &reuse{prior: prior, sameFile: sameFile})
	return fs
}

func nsOf(o *render.Object) [2]string { return [2]string{o.Cluster, namespaceOf(o)} }

// zonesOf is what PLN-HA-005 reads of a cluster's state.
func zonesOf(ev *evaluator, cluster string) bool {
	st := ev.in.States[cluster]
	return st == nil || len(st.Zones) >= 2
}

// prepare indexes ev's objects and, with a prior state, matches them.
func (r *reuse) prepare(ev *evaluator) {
	if r == nil {
		return
	}
	objs := ev.in.Discovery.Objects
	r.index = make(map[*render.Object]int, len(objs))
	for i := range objs {
		r.index[&objs[i]] = i
	}
	p := r.prior
	if p == nil || !slices.Equal(p.trusted, ev.in.TrustedRegistries) || p.regFile != ev.in.RegistriesFile {
		r.prior = nil
		return
	}
	r.match, r.ctx, r.all = make([]int, len(objs)), make([]bool, len(objs)), make([]bool, len(objs))
	same := map[string]bool{}
	for i := range objs {
		o := &objs[i]
		r.match[i] = -1
		j, ok := p.byKey[keyOf(o)]
		if !ok || j < 0 {
			continue
		}
		k := &p.objects[j]
		if k.clusterScoped != o.ClusterScoped() || !sameEnv(k.env, ev.env(o.Cluster, namespaceOf(o))) {
			continue
		}
		sf, seen := same[o.File]
		if !seen {
			sf = o.File == "" || r.sameFile(o.File)
			same[o.File] = sf
		}
		if sf && sameValue(k.value, o.Value) {
			r.match[i] = j
		}
	}
	// The context of a namespace is the same when its objects of
	// contextKinds are, one for one and in order.
	context, inNs := map[[2]string][]int{}, map[[2]string][]int{}
	for i := range objs {
		o := &objs[i]
		if contextKinds[o.Kind] {
			context[nsOf(o)] = append(context[nsOf(o)], r.match[i])
		}
		inNs[nsOf(o)] = append(inNs[nsOf(o)], r.match[i])
	}
	sameSeq := func(cur, prior []int) bool { return slices.Equal(cur, prior) && !slices.Contains(cur, -1) }
	sameCtx, sameAll := map[[2]string]bool{}, map[[2]string]bool{}
	for i := range objs {
		o := &objs[i]
		if r.match[i] < 0 {
			continue
		}
		ns := nsOf(o)
		c, seen := sameCtx[ns]
		if !seen {
			c = sameSeq(context[ns], p.context[ns])
			sameCtx[ns], sameAll[ns] = c, sameSeq(inNs[ns], p.inNs[ns])
		}
		r.ctx[i] = c && p.zones[o.Cluster] == zonesOf(ev, o.Cluster)
		r.all[i] = sameAll[ns]
	}
}

// forControl readies a control evaluator (a copy of the evaluator) to keep
// or reuse the findings of an object-local control.
func (r *reuse) forControl(ev *evaluator) {
	scope := objectLocal[ev.control.ID]
	if r == nil || scope == 0 {
		ev.reuse = nil
		return
	}
	c := *r
	c.control, c.scope, c.visits = ev.control.ID, scope, nil
	if r.prior != nil {
		// As many findings as the other state's, most of them copied.
		ev.findings = make([]pending, 0, r.prior.counts[c.control])
	}
	ev.reuse = &c
}

// reused is called by eachWorkload and forKind before they evaluate
// object o: it notes where o's findings start and, when they are reused,
// appends them and returns true.
func (ev *evaluator) reused(o *render.Object) bool {
	r := ev.reuse
	if r == nil {
		return false
	}
	i, ok := r.index[o]
	if !ok {
		return false
	}
	if r.keep {
		r.visits = append(r.visits, visit{i, len(ev.findings)})
	}
	if r.prior == nil || r.match[i] < 0 || r.scope == nsContext && !r.ctx[i] || r.scope == nsObjects && !r.all[i] {
		return false
	}
	fs, ok := r.prior.findings[r.control][r.match[i]]
	if !ok {
		return false
	}
	for k := range fs {
		ev.findings = append(ev.findings, pending{of: &fs[k], copied: true})
	}
	return true
}

// keptFindings splits the findings of a control evaluated while keeping by
// object visited, copies made (a caller changes the findings it gets); nil
// unless every finding was made on a visit and no object was visited
// twice.
func (r *reuse) keptFindings(fs []reports.Finding) map[int][]reports.Finding {
	if len(r.visits) == 0 || r.visits[0].start != 0 {
		return nil
	}
	all := slices.Clone(fs)
	out := make(map[int][]reports.Finding, len(r.visits))
	for k, v := range r.visits {
		end := len(fs)
		if k+1 < len(r.visits) {
			end = r.visits[k+1].start
		}
		if _, twice := out[v.object]; twice {
			return nil
		}
		out[v.object] = all[v.start:end:end]
	}
	return out
}

// kept is what a keeping evaluation leaves: its objects and, per
// object-local control, the findings of each object visited (per[i] are
// the findings of control i, at off[i] in fs with their texts; rs[i] its
// reuse).
func (r *reuse) kept(ev *evaluator, rs []*reuse, fs []reports.Finding, per [][]pending, off []int) *Kept {
	if r == nil || !r.keep {
		return nil
	}
	objs := ev.in.Discovery.Objects
	k := &Kept{trusted: slices.Clone(ev.in.TrustedRegistries), regFile: ev.in.RegistriesFile,
		byKey: make(map[stateKey]int, len(objs)), objects: make([]keptObject, len(objs)), context: map[[2]string][]int{}, inNs: map[[2]string][]int{},
		zones: map[string]bool{}, findings: map[string]map[int][]reports.Finding{}, counts: map[string]int{}}
	for i := range objs {
		o := &objs[i]
		key := keyOf(o)
		if _, dup := k.byKey[key]; dup {
			k.byKey[key] = -1
		} else {
			k.byKey[key] = i
		}
		k.objects[i] = keptObject{value: o.Value, clusterScoped: o.ClusterScoped(), env: ev.env(o.Cluster, namespaceOf(o))}
		if contextKinds[o.Kind] {
			k.context[nsOf(o)] = append(k.context[nsOf(o)], i)
		}
		k.inNs[nsOf(o)] = append(k.inNs[nsOf(o)], i)
		k.zones[o.Cluster] = zonesOf(ev, o.Cluster)
	}
	for i, cr := range rs {
		if cr != nil && cr.keep {
			if byObject := cr.keptFindings(fs[off[i] : off[i]+len(per[i])]); byObject != nil {
				k.findings[cr.control], k.counts[cr.control] = byObject, len(per[i])
			}
		}
	}
	return k
}

func sameEnv(a, b repo.EnvState) bool {
	return a.Name == b.Name && a.Tier == b.Tier && slices.Equal(a.Namespaces, b.Namespaces)
}

// sameValue says whether two values of decoded YAML or JSON are equal:
// at once for the values the render cache shares between the states (the
// same map); reflect.DeepEqual's answer for any other type.
func sameValue(a, b any) bool {
	switch a := a.(type) {
	case map[string]any:
		b, ok := b.(map[string]any)
		if !ok || len(a) != len(b) || (a == nil) != (b == nil) {
			return false
		}
		if len(a) > 0 && samePointer(a, b) {
			return true
		}
		for k, av := range a {
			bv, ok := b[k]
			if !ok || !sameValue(av, bv) {
				return false
			}
		}
		return true
	case []any:
		b, ok := b.([]any)
		if !ok || len(a) != len(b) || (a == nil) != (b == nil) {
			return false
		}
		for i := range a {
			if !sameValue(a[i], b[i]) {
				return false
			}
		}
		return true
	case string, bool, int, int64, uint64, float64, nil:
		return a == b
	}
	return reflect.DeepEqual(a, b)
}

// samePointer says whether two maps are the same map.
func samePointer(a, b map[string]any) bool {
	return reflect.ValueOf(a).UnsafePointer() == reflect.ValueOf(b).UnsafePointer()
}
