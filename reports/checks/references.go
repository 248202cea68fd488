package checks

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/plinth-dev/plinth/internal/gitops/render"
	"github.com/plinth-dev/plinth/reports"
)

// The checks of this file follow references between objects over a
// cluster's whole rendered set: a backend, selector or target that names
// nothing the cluster would run.

// lookup returns the object of a kind and name in a cluster's namespace
// (of several, the last).
func (ev *evaluator) lookup(cluster, ns, kind, name string) *render.Object {
	if ev.index == nil {
		// The objects sorted by what names them, then by their order: a
		// fifth of the memory of a map of them by those four strings.
		ev.index = make([]named, len(ev.in.Discovery.Objects))
		for i := range ev.in.Discovery.Objects {
			o := &ev.in.Discovery.Objects[i]
			ev.index[i] = named{namespaceOf(o), o, i}
		}
		slices.SortFunc(ev.index, func(a, b named) int {
			return cmp.Or(compareNamed(a, b.o.Cluster, b.ns, b.o.Kind, b.o.Name), cmp.Compare(a.i, b.i))
		})
	}
	i, found := slices.BinarySearchFunc(ev.index, 0, func(e named, _ int) int { return compareNamed(e, cluster, ns, kind, name) })
	if !found {
		return nil
	}
	for i+1 < len(ev.index) && compareNamed(ev.index[i+1], cluster, ns, kind, name) == 0 {
		i++
	}
	return ev.index[i].o
}

// named is an object with its namespace (namespaceOf) and index.
type named struct {
	ns string
	o  *render.Object
	i  int
}

// compareNamed compares the cluster, namespace, kind and name of e with those given.
func compareNamed(e named, cluster, ns, kind, name string) int {
	if c := strings.Compare(e.o.Cluster, cluster); c != 0 {
		return c
	}
	if c := strings.Compare(e.ns, ns); c != 0 {
		return c
	}
	if c := strings.Compare(e.o.Kind, kind); c != 0 {
		return c
	}
	return strings.Compare(e.o.Name, name)
}

// templates returns the workloads (pod templates and bare pods) of a
// cluster's namespace.
func (ev *evaluator) templates(cluster, ns string) []*workload {
	if ev.pods == nil {
		ev.pods = map[[2]string][]*workload{}
		for _, w := range ev.all {
			k := [2]string{w.o.Cluster, namespaceOf(w.o)}
			ev.pods[k] = append(ev.pods[k], w)
		}
	}
	return ev.pods[[2]string{cluster, ns}]
}

// selected returns the workloads of o's namespace whose pods sel matches.
// A selector of a few labels (most) is read once, not once per workload.
func (ev *evaluator) selected(o *render.Object, sel labelSelector) []*workload {
	var out []*workload
	ws := ev.templates(o.Cluster, namespaceOf(o))
	if m, ok := sel.(labelMatch); ok {
		var buf [4]label
		if ls, ok := m.pairs(buf[:0]); ok {
			for _, w := range ws {
				if hasAll(w.labels, ls) {
					out = append(out, w)
				}
			}
			return out
		}
	}
	for _, w := range ws {
		if sel.Matches(w.labels) {
			out = append(out, w)
		}
	}
	return out
}

// hasAll says whether l has every label of ls.
func hasAll(l podLabelSet, ls []label) bool {
	for _, x := range ls {
		if !l.is(x.k, x.v) {
			return false
		}
	}
	return true
}

func ids(ws []*workload) reports.Names {
	var names reports.Names
	for _, w := range ws {
		names = append(names, w.id)
	}
	return names
}

// checkSelects makes a finding for every object of kind whose label
// selector (at path; nil: not applicable) selects no pod template of its
// namespace.
func checkSelects(kind string, path ...string) func(*evaluator) {
	return func(ev *evaluator) {
		forKind(ev, kind, func(o *render.Object) (bool, reports.Msg) {
			m, ok := get(o.Value, path...).(map[string]any)
			if !ok {
				if kind == "PodDisruptionBudget" {
					return true, reports.M("check.noSelector").WithFix(ev.control.ID)
				}
				return false, reports.Msg{}
			}
			var sel labelSelector
			switch kind {
			case "Service":
				if len(m) == 0 || str(o.Value, "spec", "type") == "ExternalName" {
					return false, reports.Msg{} // endpoints managed outside the selector
				}
				if validLabels(m) {
					sel = labelMatch(m) // selectorFor of matchLabels m
				} else {
					sel = selectorFor(map[string]any{"matchLabels": m})
				}
			case "PodDisruptionBudget":
				sel = ev.selectorOf(o, path...) // made in prepare
			default:
				sel = selectorFor(m)
			}
			if sel == nil {
				return true, reports.M("check.invalidSelector").WithFix(ev.control.ID)
			}
			if sel.Empty() {
				return false, reports.M("check.selectsAll", namespaceOf(o))
			}
			if hit := ev.selected(o, sel); len(hit) > 0 {
				return false, reports.M("check.selectsPodsOf", ids(hit))
			}
			return true, reports.M("check.selectsNothing", sel.String(), namespaceOf(o)).WithFix(ev.control.ID)
		})
	}
}

// checkPDBDisruptions fails a PodDisruptionBudget that allows no voluntary
// disruption: maxUnavailable 0, minAvailable 100 %, or minAvailable at
// least the replicas of a workload it selects.
func checkPDBDisruptions(ev *evaluator) {
	forKind(ev, "PodDisruptionBudget", func(o *render.Object) (bool, reports.Msg) {
		spec := mapAt(o.Value, "spec")
		if v, ok := spec["maxUnavailable"]; ok {
			if s := fmt.Sprint(v); s == "0" || s == "0%" {
				return true, reports.M("check.noDisruption", "maxUnavailable "+s).WithFix(ev.control.ID)
			}
			return false, reports.M("msg.text", "maxUnavailable "+fmt.Sprint(v))
		}
		v, ok := spec["minAvailable"]
		if !ok {
			return false, reports.Msg{}
		}
		if s := fmt.Sprint(v); s == "100%" {
			return true, reports.M("check.noDisruption", "minAvailable 100%").WithFix(ev.control.ID)
		}
		minAvail, isInt := intAt(spec, "minAvailable")
		if sel := ev.selectorOf(o, "spec", "selector"); isInt && sel != nil && !sel.Empty() {
			for _, w := range ev.selected(o, sel) {
				if n, ok := w.replicasOf(); ok && n <= minAvail {
					return true, reports.M("check.minAvailableReplicas", minAvail, n, w.id).WithFix(ev.control.ID)
				}
			}
		}
		return false, reports.M("check.roomForDisruption", "minAvailable "+fmt.Sprint(v))
	})
}

// backendServices returns the Services an Ingress or a Gateway API route
// sends traffic to.
func backendServices(o *render.Object) []string {
	var out []string
	add := func(name string) {
		if name != "" {
			out = append(out, name)
		}
	}
	if o.Kind == "Ingress" {
		add(str(o.Value, "spec", "defaultBackend", "service", "name"))
		add(str(o.Value, "spec", "backend", "serviceName"))
		for _, r := range listAt(o.Value, "spec", "rules") {
			for _, p := range listAt(r, "http", "paths") {
				add(str(p, "backend", "service", "name"))
				add(str(p, "backend", "serviceName")) // extensions/v1beta1
			}
		}
		return out
	}
	for _, r := range listAt(o.Value, "spec", "rules") {
		for _, b := range listAt(r, "backendRefs") {
			if k := str(b, "kind"); (k == "" || k == "Service") && str(b, "group") == "" {
				ns := str(b, "namespace")
				if ns != "" && ns != namespaceOf(o) {
					add(ns + "/" + str(b, "name"))
				} else {
					add(str(b, "name"))
				}
			}
		}
	}
	return out
}

func checkBackends(ev *evaluator) {
	for _, c := range ev.clusters {
		for _, o := range ev.byCluster[c] {
			route := strings.HasPrefix(o.APIVersion, "gateway.networking.k8s.io/") && (o.Kind == "HTTPRoute" || o.Kind == "GRPCRoute")
			if o.Kind != "Ingress" && !route {
				continue
			}
			backends := backendServices(o)
			if len(backends) == 0 {
				continue
			}
			var missing reports.Names
			for _, b := range backends {
				ns, name := namespaceOf(o), b
				if i := strings.IndexByte(b, '/'); i > 0 {
					ns, name = b[:i], b[i+1:]
				}
				if ev.lookup(c, ns, "Service", name) == nil {
					missing = append(missing, "Service/"+b)
				}
			}
			if len(missing) > 0 {
				ev.addObj(o, reports.StatusFail, reports.M("check.missingBackends", missing).WithFix(ev.control.ID))
				continue
			}
			ev.addObj(o, reports.StatusPass, reports.M("check.backendsExist"))
		}
	}
}

func checkHPATarget(ev *evaluator) {
	forKind(ev, "HorizontalPodAutoscaler", func(o *render.Object) (bool, reports.Msg) {
		kind, name := str(o.Value, "spec", "scaleTargetRef", "kind"), str(o.Value, "spec", "scaleTargetRef", "name")
		if ev.lookup(o.Cluster, namespaceOf(o), kind, name) == nil {
			return true, reports.M("check.missingScaleTarget", kind+"/"+name, namespaceOf(o)).WithFix(ev.control.ID)
		}
		return false, reports.M("check.scales", kind+"/"+name)
	})
}
