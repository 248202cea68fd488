package checks

import (
	"fmt"

	"k8s.io/apimachinery/pkg/api/validate/content"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/plinth-dev/plinth/internal/gitops/render"
)

// The evaluator's indexes of a cluster's objects, built once so that a
// control visits only the objects it is about (not every object of the
// cluster, and not every object again for each workload); each keeps the
// objects in their order in the cluster, so findings come in the same order.

// workload is an object that runs pods, with its pod spec and what the
// checks read of it, read once (buildIndex, prepare) and then shared by
// the controls running in parallel.
type workload struct {
	o    *render.Object
	spec map[string]any
	cs   []container // its containers
	// at and id are the namespace ("" when cluster-scoped) and object of
	// its findings (addObj), env the name of the environment of at.
	at, id, env string
	// labels are its pods' labels, values as strings (fmt.Sprint).
	labels podLabelSet
	// served: 0 not known yet, 1 a Service selects its pods, -1 none.
	served int8
	// Of a scalable workload: the autoscalers targeting it, and its
	// replicas (replicaCount).
	hpa, vpa *render.Object
	replicas int
}

// isServed is ev.served(w.o, w.labels), found once.
func (w *workload) isServed(ev *evaluator) bool {
	if w.served == 0 {
		w.served = -1
		if ev.served(w.o, w.labels) {
			w.served = 1
		}
	}
	return w.served > 0
}

// index fills the indexes of ev's objects.
func (ev *evaluator) buildIndex() {
	ev.workloads = map[string][]*workload{}
	ev.byKind, ev.byNsKind = map[[2]string][]*render.Object{}, map[[3]string][]*render.Object{}
	for i := range ev.in.Discovery.Objects {
		o := &ev.in.Discovery.Objects[i]
		spec := podSpec(o)
		if spec == nil {
			continue
		}
		w := &workload{o: o, spec: spec, cs: containers(spec), id: o.ID()}
		if !o.ClusterScoped() {
			w.at = namespaceOf(o)
		}
		w.env = ev.env(o.Cluster, w.at).Name
		w.labels = podLabels(o)
		ev.all = append(ev.all, w)
		ev.workloads[o.Cluster] = append(ev.workloads[o.Cluster], w)
	}
	for _, c := range ev.clusters {
		ev.nWorkloads += len(ev.workloads[c])
	}
	for c, objs := range ev.byCluster {
		for _, o := range objs {
			k := [2]string{c, o.Kind}
			ev.byKind[k] = append(ev.byKind[k], o)
			if o.Kind == "Service" || o.Kind == "PodDisruptionBudget" {
				k := [3]string{c, namespaceOf(o), o.Kind}
				ev.byNsKind[k] = append(ev.byNsKind[k], o)
			}
		}
	}
}

// podLabelSet is the labels of a workload's pods (podLabels) as a
// selector matches them: labels.Set of their values as strings (sprint),
// read from them without being made.
type podLabelSet map[string]any

func (l podLabelSet) Has(k string) bool {
	_, ok := l[k]
	return ok
}

func (l podLabelSet) Get(k string) string {
	v, _ := l.Lookup(k)
	return v
}

func (l podLabelSet) Lookup(k string) (string, bool) {
	v, ok := l[k]
	if !ok {
		return "", false
	}
	return sprint(v), true
}

// sprint is fmt.Sprint(v), at once for a string.
func sprint(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	return fmt.Sprint(v)
}

// prepare builds what the checks would otherwise build on first use, so
// that evaluators running controls in parallel only read what they share:
// the index of objects by name, the pod templates, whether a Service
// selects a workload's pods, the autoscalers and replicas of every
// scalable workload, and the selector of every PodDisruptionBudget.
func (ev *evaluator) prepare() {
	ev.lookup("", "", "", "")
	ev.templates("", "")
	for _, w := range ev.all {
		w.isServed(ev)
		if scalable(w.o) {
			w.hpa = ev.autoscaler(w.o, "HorizontalPodAutoscaler")
			w.vpa = ev.autoscaler(w.o, "VerticalPodAutoscaler")
			w.replicas = replicaCount(w.o, w.hpa)
		}
	}
	ev.selectors = map[*render.Object]labelSelector{}
	for i := range ev.in.Discovery.Objects {
		if o := &ev.in.Discovery.Objects[i]; o.Kind == "PodDisruptionBudget" {
			ev.selectorOf(o, "spec", "selector")
		}
	}
}

// ofKind returns the objects of a kind of a cluster.
func (ev *evaluator) ofKind(cluster, kind string) []*render.Object {
	return ev.byKind[[2]string{cluster, kind}]
}

// inNamespace returns the Services or PodDisruptionBudgets of a cluster's
// namespace.
func (ev *evaluator) inNamespace(cluster, ns, kind string) []*render.Object {
	return ev.byNsKind[[3]string{cluster, ns, kind}]
}

// containersOf returns the containers of a workload.
func (w *workload) containersOf() []container { return w.cs }

// selectorOf is selectorFor(m) of o's field at path, made once per object.
func (ev *evaluator) selectorOf(o *render.Object, path ...string) labelSelector {
	if sel, ok := ev.selectors[o]; ok {
		return sel
	}
	if ev.selectors == nil {
		ev.selectors = map[*render.Object]labelSelector{}
	}
	sel := selectorFor(mapAt(o.Value, path...))
	ev.selectors[o] = sel
	return sel
}

// labelSelector is what the checks ask of a selector (labels.Selector).
type labelSelector interface {
	Matches(labels.Labels) bool
	Empty() bool
	String() string
}

// selectorFor is selector(m) as a labelSelector (nil when selector's is):
// a selector of labels alone (plainLabels) is matched as it is, without
// the requirements selector makes of it; any other is selector's.
func selectorFor(m map[string]any) labelSelector {
	if ml, ok := plainLabels(m); ok {
		return labelMatch(ml)
	}
	if sel := selector(m); sel != nil {
		return sel
	}
	return nil
}

// plainLabels returns the labels of a selector that is matchLabels alone
// (or nothing), every label valid with a string value: the labels a pod
// must have, with those values, for selector(m) to match it; false for any
// other selector, m nil included.
func plainLabels(m map[string]any) (map[string]any, bool) {
	var ml map[string]any
	for k, v := range m {
		l, ok := v.(map[string]any)
		if k != "matchLabels" || !ok {
			return nil, false
		}
		ml = l
	}
	return ml, m != nil && validLabels(ml)
}

// validLabels says whether selector would take ml, matchLabels with string
// values, as requirements (metav1.LabelSelectorAsSelector): every key a
// label key and every value a label value.
func validLabels(ml map[string]any) bool {
	for k, v := range ml {
		s, ok := v.(string)
		if !ok || !simpleLabel(k) && len(content.IsLabelKey(k)) > 0 || !simpleLabel(s) && len(validation.IsValidLabelValue(s)) > 0 {
			return false
		}
	}
	return true
}

// simpleLabel says at once of most label keys and values that they are
// valid as both: a name of 63 characters at most, alphanumeric or '-', '_',
// '.' inside (content.IsLabelKey and validation.IsValidLabelValue take it,
// and they are asked of any other).
func simpleLabel(s string) bool {
	if len(s) == 0 || len(s) > 63 || !alnum(s[0]) || !alnum(s[len(s)-1]) {
		return false
	}
	for i := 1; i < len(s)-1; i++ {
		if c := s[i]; !alnum(c) && c != '-' && c != '_' && c != '.' {
			return false
		}
	}
	return true
}

func alnum(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' }

// labelMatch is a selector of valid labels (validLabels): it matches the
// labels that have each of its keys with its value.
type labelMatch map[string]any

func (m labelMatch) Matches(ls labels.Labels) bool {
	if pl, ok := ls.(podLabelSet); ok {
		return m.matchesPod(pl)
	}
	for k, v := range m {
		if !ls.Has(k) || ls.Get(k) != v.(string) {
			return false
		}
	}
	return true
}

// matchesPod is Matches of a workload's labels, each read once.
func (m labelMatch) matchesPod(pl podLabelSet) bool {
	for k, v := range m {
		if !pl.is(k, v.(string)) {
			return false
		}
	}
	return true
}

// is says whether l has label k with value v (Get(k) == v, a string at once).
func (l podLabelSet) is(k, v string) bool {
	x, ok := l[k]
	if !ok {
		return false
	}
	s, isString := x.(string)
	if !isString {
		s = sprint(x)
	}
	return s == v
}

// label is a label of a selector.
type label struct{ k, v string }

// pairs are the labels of m appended to buf, false when there are more
// than buf has room for.
func (m labelMatch) pairs(buf []label) ([]label, bool) {
	if len(m) > cap(buf)-len(buf) {
		return nil, false
	}
	for k, v := range m {
		buf = append(buf, label{k, v.(string)})
	}
	return buf, true
}

func (m labelMatch) Empty() bool { return len(m) == 0 }

// String is the selector's as selector makes it (for a message).
func (m labelMatch) String() string {
	return selector(map[string]any{"matchLabels": map[string]any(m)}).String()
}

// plainSelector is the LabelSelector of a selector that is matchLabels
// with string values alone (or nothing), as a JSON round trip would make
// it; false for anything else, which selector converts through JSON.
func plainSelector(m map[string]any) (*metav1.LabelSelector, bool) {
	ls := &metav1.LabelSelector{}
	for k, v := range m {
		ml, ok := v.(map[string]any)
		if k != "matchLabels" || !ok {
			return nil, false
		}
		ls.MatchLabels = make(map[string]string, len(ml))
		for lk, lv := range ml {
			s, ok := lv.(string)
			if !ok {
				return nil, false
			}
			ls.MatchLabels[lk] = s
		}
	}
	return ls, true
}
