package checks

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/plinth-dev/plinth/internal/gitops/render"
	"github.com/plinth-dev/plinth/reports"
)

var manifestChecks = map[string]func(*evaluator){
	"PLN-SEC-002": checkRBAC,
	"PLN-SEC-003": checkNamespaces(defaultDenyIngress, "check.noDefaultDeny"),
	"PLN-SEC-005": checkPSA,
	"PLN-SEC-006": checkPrivileged,
	"PLN-SEC-007": checkNonRoot,
	"PLN-SEC-008": checkPrivilegeEscalation,
	"PLN-SEC-009": checkCapabilities,
	"PLN-SEC-010": checkReadOnlyRoot,
	"PLN-SEC-011": checkSeccomp,
	"PLN-SEC-012": checkHostAccess,
	"PLN-SEC-015": checkSecrets,
	"PLN-SEC-018": checkTrustedRegistry,
	"PLN-SEC-019": checkPinnedImage,
	"PLN-SEC-021": checkIngressTLS,
	"PLN-SEC-022": checkDefaultNamespace,
	"PLN-HA-003":  checkPDB,
	"PLN-HA-004":  checkAntiAffinity,
	"PLN-HA-005":  checkZoneSpread,
	"PLN-HA-006":  checkProbe("livenessProbe"),
	"PLN-HA-007":  checkProbe("readinessProbe"),
	"PLN-HA-008":  checkBackup,
	"PLN-HA-009":  checkReplicas,
	"PLN-RES-001": checkResources("requests"),
	"PLN-RES-002": checkResources("limits"),
	"PLN-RES-003": checkNamespaces(hasKind("ResourceQuota"), "check.noResourceQuota"),
	"PLN-RES-004": checkNamespaces(hasKind("LimitRange"), "check.noLimitRange"),
	"PLN-RES-005": checkAutoscaled,
	"PLN-NET-003": checkIngressClass,
	"PLN-NET-005": checkNamespaces(egressControlled, "check.noEgressPolicy"),
	"PLN-NET-006": checkLoadBalancers,
	"PLN-NET-007": checkOpenEgress,
	"PLN-OPS-003": checkRendering,
	"PLN-SEC-025": checkClusterAdminBound,
	"PLN-SEC-026": checkRoleWildcards,
	"PLN-SEC-027": checkRoleSecrets,
	"PLN-SEC-028": checkRoleExec,
	"PLN-SEC-029": checkRoleEscalation,
	"PLN-SEC-030": checkAutomountToken,
	"PLN-SEC-031": checkDefaultServiceAccount,
	"PLN-SEC-032": checkHostPort,
	"PLN-SEC-033": checkSecretEnv,
	"PLN-SEC-034": checkKernelIsolation,
	"PLN-SEC-035": checkPullPolicy,
	"PLN-SEC-036": checkImageRescan,
	"PLN-SEC-037": checkCertManager,
	"PLN-HA-011":  checkBarePod,
	"PLN-HA-012":  checkPDBDisruptions,
	"PLN-HA-013":  checkSelects("PodDisruptionBudget", "spec", "selector"),
	"PLN-HA-014":  checkIdenticalProbes,
	"PLN-RES-007": checkHPATarget,
	"PLN-NET-008": checkExternalIPs,
	"PLN-NET-009": checkNodePorts,
	"PLN-NET-010": checkBackends,
	"PLN-NET-011": checkSelects("Service", "spec", "selector"),
	"PLN-NET-012": checkSelects("NetworkPolicy", "spec", "podSelector"),
}

// workloadNamespaces returns the namespaces of a cluster to hold namespace
// controls to: those running workloads and those of its recorded environments.
func (ev *evaluator) workloadNamespaces(cluster string) []string {
	set := map[string]bool{}
	for _, w := range ev.workloads[cluster] {
		set[namespaceOf(w.o)] = true
	}
	if st := ev.in.States[cluster]; st != nil {
		for _, e := range st.Environments {
			for _, ns := range e.Namespaces {
				set[ns] = true
			}
		}
	}
	var out []string
	for ns := range set {
		if !isSystemNamespace(ns) {
			out = append(out, ns)
		}
	}
	sort.Strings(out)
	return out
}

// checkNamespaces makes one finding per workload namespace: pass when ok
// finds an object satisfying the control (it becomes the finding's location);
// missing is the message id of a namespace without one.
func checkNamespaces(ok func(o *render.Object) bool, missing string) func(*evaluator) {
	return func(ev *evaluator) {
		for _, c := range ev.clusters {
			byNS := map[string]*render.Object{}
			for _, o := range ev.byCluster[c] {
				if o.Namespace != "" || !o.ClusterScoped() {
					ns := namespaceOf(o)
					if byNS[ns] == nil && ok(o) {
						byNS[ns] = o
					}
				}
			}
			for _, ns := range ev.workloadNamespaces(c) {
				if o := byNS[ns]; o != nil {
					ev.add(reports.StatusPass, c, ns, o.ID(), o, reports.M("check.satisfiedBy", o.ID()))
					continue
				}
				ev.add(reports.StatusFail, c, ns, "Namespace/"+ns, ev.nsLocation(c, ns), reports.M(missing, ns).WithFix(ev.control.ID))
			}
		}
	}
}

func hasKind(kind string) func(o *render.Object) bool {
	return func(o *render.Object) bool { return o.Kind == kind }
}

func isNetpol(o *render.Object) bool {
	return o.Kind == "NetworkPolicy" && strings.HasPrefix(o.APIVersion, "networking.k8s.io/")
}

func selectsAll(o *render.Object) bool {
	m, ok := get(o.Value, "spec", "podSelector").(map[string]any)
	return ok && len(mapAt(m, "matchLabels")) == 0 && len(listAt(m, "matchExpressions")) == 0
}

func policyTypes(o *render.Object) []string {
	var out []string
	for _, t := range listAt(o.Value, "spec", "policyTypes") {
		if s, ok := t.(string); ok {
			out = append(out, s)
		}
	}
	if len(out) == 0 {
		out = []string{"Ingress"}
		if get(o.Value, "spec", "egress") != nil {
			out = append(out, "Egress")
		}
	}
	return out
}

func defaultDenyIngress(o *render.Object) bool {
	return isNetpol(o) && selectsAll(o) && slices.Contains(policyTypes(o), "Ingress") && len(listAt(o.Value, "spec", "ingress")) == 0
}

func egressControlled(o *render.Object) bool {
	if !isNetpol(o) || !selectsAll(o) || !slices.Contains(policyTypes(o), "Egress") {
		return false
	}
	// An egress rule with no "to" and no ports allows everything.
	for _, r := range listAt(o.Value, "spec", "egress") {
		if len(listAt(r, "to")) == 0 && len(listAt(r, "ports")) == 0 {
			return false
		}
	}
	return true
}

func checkPSA(ev *evaluator) {
	for _, c := range ev.clusters {
		for _, ns := range ev.workloadNamespaces(c) {
			if ev.nsObjects[c][ns] == nil {
				ev.add(reports.StatusFail, c, ns, "Namespace/"+ns, ev.nsLocation(c, ns),
					reports.M("check.namespaceUndefined", ns).WithFix(ev.control.ID))
			}
		}
		names := make([]string, 0, len(ev.nsObjects[c]))
		for n := range ev.nsObjects[c] {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			o := ev.nsObjects[c][n]
			if isSystemNamespace(n) {
				continue
			}
			lbl := mapAt(o.Value, "metadata", "labels")
			enforce, _ := lbl["pod-security.kubernetes.io/enforce"].(string)
			tier := ev.env(c, n).Tier
			switch {
			case enforce == "":
				ev.addObj(o, reports.StatusFail, reports.M("check.noEnforceLabel").WithFix(ev.control.ID))
			case tier == "production" && enforce != "restricted":
				ev.addObj(o, reports.StatusFail, reports.M("check.productionNotRestricted", enforce).WithFix(ev.control.ID))
			case enforce == "privileged":
				ev.addObj(o, reports.StatusFail, reports.M("check.enforcesPrivileged").WithFix(ev.control.ID))
			default:
				ev.addObj(o, reports.StatusPass, reports.M("check.enforces", enforce))
			}
		}
	}
}

func checkRBAC(ev *evaluator) {
	for _, c := range ev.clusters {
		for _, o := range ev.byCluster[c] {
			if !strings.HasPrefix(o.APIVersion, "rbac.authorization.k8s.io/") {
				continue
			}
			switch o.Kind {
			case "RoleBinding":
				ev.addObj(o, reports.StatusPass, reports.M("check.scopedTo", namespaceOf(o)))
			case "ClusterRoleBinding":
				var people reports.Names
				for _, s := range listAt(o.Value, "subjects") {
					if k := str(s, "kind"); k == "User" || k == "Group" {
						people = append(people, k+" "+str(s, "name"))
					}
				}
				role := str(o.Value, "roleRef", "name")
				switch {
				case len(people) > 0:
					ev.addObj(o, reports.StatusFail, reports.M("check.clusterWideTo", role, people).WithFix(ev.control.ID))
				case role == "cluster-admin":
					ev.addObj(o, reports.StatusFail, reports.M("check.clusterAdminWide").WithFix(ev.control.ID))
				default:
					ev.addObj(o, reports.StatusPass, reports.M("check.serviceAccountsOnly", role))
				}
			}
		}
	}
}

func checkSecrets(ev *evaluator) {
	for _, c := range ev.clusters {
		for _, o := range ev.byCluster[c] {
			if o.Kind != "Secret" || o.APIVersion != "v1" {
				continue
			}
			if len(mapAt(o.Value, "data")) > 0 || len(mapAt(o.Value, "stringData")) > 0 {
				keys := reports.Names{}
				for k := range mapAt(o.Value, "data") {
					keys = append(keys, k)
				}
				for k := range mapAt(o.Value, "stringData") {
					keys = append(keys, k)
				}
				sort.Strings(keys)
				ev.addObj(o, reports.StatusFail, reports.M("check.secretInGit", keys).WithFix(ev.control.ID))
			} else {
				ev.addObj(o, reports.StatusPass, reports.M("check.secretNoData"))
			}
		}
	}
}

func checkIngressTLS(ev *evaluator) {
	forKind(ev, "Ingress", func(o *render.Object) (bool, reports.Msg) {
		if len(listAt(o.Value, "spec", "tls")) == 0 {
			return true, reports.M("check.noTLS").WithFix(ev.control.ID)
		}
		return false, reports.M("check.tls")
	})
}

func checkIngressClass(ev *evaluator) {
	forKind(ev, "Ingress", func(o *render.Object) (bool, reports.Msg) {
		if c := str(o.Value, "spec", "ingressClassName"); c != "" {
			return false, reports.M("check.ingressClass", c)
		}
		if c := str(o.Value, "metadata", "annotations", "kubernetes.io/ingress.class"); c != "" {
			return false, reports.M("check.ingressClassAnnotation", c)
		}
		return true, reports.M("check.noIngressClass").WithFix(ev.control.ID)
	})
}

func checkLoadBalancers(ev *evaluator) {
	forKind(ev, "Service", func(o *render.Object) (bool, reports.Msg) {
		if str(o.Value, "spec", "type") != "LoadBalancer" {
			return false, reports.Msg{}
		}
		ann := mapAt(o.Value, "metadata", "annotations")
		if fmt.Sprint(ann["service.beta.kubernetes.io/azure-load-balancer-internal"]) == "true" ||
			fmt.Sprint(ann["networking.gke.io/load-balancer-type"]) == "Internal" ||
			fmt.Sprint(ann["cloud.google.com/load-balancer-type"]) == "Internal" {
			return false, reports.M("check.internalLB")
		}
		return true, reports.M("check.publicLB").WithFix(ev.control.ID)
	})
}

func checkExternalIPs(ev *evaluator) {
	forKind(ev, "Service", func(o *render.Object) (bool, reports.Msg) {
		if ips := strList(listAt(o.Value, "spec", "externalIPs")); len(ips) > 0 {
			return true, reports.M("check.externalIPs", reports.Names(ips)).WithFix(ev.control.ID)
		}
		return false, reports.M("check.noExternalIPs")
	})
}

func checkNodePorts(ev *evaluator) {
	forKind(ev, "Service", func(o *render.Object) (bool, reports.Msg) {
		if t := str(o.Value, "spec", "type"); t == "NodePort" {
			return true, reports.M("check.nodePort").WithFix(ev.control.ID)
		}
		return false, reports.M("check.notNodePort")
	})
}

// checkOpenEgress fails a NetworkPolicy with an egress rule to any address
// on a port other than DNS: no to (or an empty peer), or an ipBlock of
// 0.0.0.0/0 or ::/0 without except. Policies without egress rules are
// skipped.
func checkOpenEgress(ev *evaluator) {
	forKind(ev, "NetworkPolicy", func(o *render.Object) (bool, reports.Msg) {
		rules := listAt(o.Value, "spec", "egress")
		if len(rules) == 0 {
			return false, reports.Msg{}
		}
		for i, r := range rules {
			rule, _ := r.(map[string]any)
			if anyDestination(rule) && !dnsOnly(rule) {
				return true, reports.M("check.openEgress", i+1, portsOf(rule)).WithFix(ev.control.ID)
			}
		}
		return false, reports.M("check.egressNamed", len(rules))
	})
}

// anyDestination: an egress rule whose peers include every address.
func anyDestination(rule map[string]any) bool {
	to := listAt(rule, "to")
	if len(to) == 0 {
		return true
	}
	for _, p := range to {
		peer, _ := p.(map[string]any)
		if len(peer) == 0 {
			return true
		}
		if cidr := str(peer, "ipBlock", "cidr"); (cidr == "0.0.0.0/0" || cidr == "::/0") && len(listAt(peer, "ipBlock", "except")) == 0 {
			return true
		}
	}
	return false
}

// dnsOnly: an egress rule limited to port 53.
func dnsOnly(rule map[string]any) bool {
	ports := listAt(rule, "ports")
	if len(ports) == 0 {
		return false
	}
	for _, p := range ports {
		if fmt.Sprint(get(p, "port")) != "53" {
			return false
		}
	}
	return true
}

func portsOf(rule map[string]any) reports.Msg {
	ports := listAt(rule, "ports")
	if len(ports) == 0 {
		return reports.M("check.everyPort")
	}
	var out []string
	for _, p := range ports {
		out = append(out, fmt.Sprint(get(p, "port")))
	}
	return reports.M("check.ports", strings.Join(out, ", "))
}

// forKind makes a finding for every object of kind (no message skips it).
func forKind(ev *evaluator, kind string, fn func(o *render.Object) (bool, reports.Msg)) {
	if cap(ev.findings) == 0 {
		n := 0
		for _, c := range ev.clusters {
			n += len(ev.ofKind(c, kind))
		}
		ev.findings = make([]pending, 0, n) // at most one each
	}
	for _, c := range ev.clusters {
		for _, o := range ev.ofKind(c, kind) {
			if ev.reused(o) {
				continue
			}
			failed, msg := fn(o)
			switch {
			case failed:
				ev.addObj(o, reports.StatusFail, msg)
			case !msg.IsZero():
				ev.addObj(o, reports.StatusPass, msg)
			}
		}
	}
}

// replicasOf returns the least number of replicas a Deployment,
// StatefulSet or Argo Rollout runs (HPA minReplicas when one targets it);
// ok is false for other kinds.
func (w *workload) replicasOf() (n int, ok bool) {
	if !scalable(w.o) {
		return 0, false
	}
	return w.replicas, true
}

// replicaCount is the replicas of a scalable workload o that autoscaler h
// (or none) targets.
func replicaCount(o *render.Object, h *render.Object) int {
	n, set := intAt(o.Value, "spec", "replicas")
	if !set {
		n = 1
	}
	if h != nil {
		if m, set := intAt(h.Value, "spec", "minReplicas"); set {
			n = m
		} else {
			n = 1
		}
	}
	return n
}

func (ev *evaluator) autoscaler(o *render.Object, kind string) *render.Object {
	for _, h := range ev.hpas[[2]string{o.Cluster, namespaceOf(o)}] {
		if h.Kind != kind {
			continue
		}
		field := "scaleTargetRef"
		if kind == "VerticalPodAutoscaler" {
			field = "targetRef"
		}
		if str(h.Value, "spec", field, "kind") == o.Kind && str(h.Value, "spec", field, "name") == o.Name {
			return h
		}
	}
	return nil
}

// multiReplica calls fn for workloads running two or more replicas.
func (ev *evaluator) multiReplica(fn func(o *render.Object, spec map[string]any, n int) (bool, reports.Msg)) {
	ev.eachWorkload(func(o *render.Object, spec map[string]any) (bool, reports.Msg) {
		n, ok := ev.cur.replicasOf()
		if !ok || n < 2 {
			return false, reports.Msg{}
		}
		return fn(o, spec, n)
	})
}

func checkReplicas(ev *evaluator) {
	ev.eachWorkload(func(o *render.Object, _ map[string]any) (bool, reports.Msg) {
		n, ok := ev.cur.replicasOf()
		if !ok {
			return false, reports.Msg{}
		}
		if tier := ev.env(o.Cluster, namespaceOf(o)).Tier; tier != "" && tier != "production" {
			return false, reports.Msg{}
		}
		if n < 2 {
			return true, reports.M("check.replicas", n).WithFix(ev.control.ID)
		}
		return false, reports.M("check.atLeastReplicas", n)
	})
}

func checkPDB(ev *evaluator) {
	ev.multiReplica(func(o *render.Object, _ map[string]any, n int) (bool, reports.Msg) {
		for _, p := range ev.inNamespace(o.Cluster, namespaceOf(o), "PodDisruptionBudget") {
			if sel := ev.selectorOf(p, "spec", "selector"); sel != nil && !sel.Empty() && sel.Matches(ev.cur.labels) {
				return false, reports.M("check.coveredByPDB", p.Name)
			}
		}
		return true, reports.M("check.noPDB", n).WithFix(ev.control.ID)
	})
}

func selector(m map[string]any) labels.Selector {
	if m == nil {
		return nil
	}
	if ls, ok := plainSelector(m); ok {
		sel, err := metav1.LabelSelectorAsSelector(ls)
		if err != nil {
			return nil
		}
		return sel
	}
	data, err := json.Marshal(m)
	if err != nil {
		return nil
	}
	var ls metav1.LabelSelector
	if err := json.Unmarshal(data, &ls); err != nil {
		return nil
	}
	sel, err := metav1.LabelSelectorAsSelector(&ls)
	if err != nil {
		return nil
	}
	return sel
}

func spreads(spec map[string]any, keys ...string) bool {
	for _, t := range listAt(spec, "topologySpreadConstraints") {
		if slices.Contains(keys, str(t, "topologyKey")) {
			return true
		}
	}
	return false
}

func checkAntiAffinity(ev *evaluator) {
	ev.multiReplica(func(o *render.Object, spec map[string]any, n int) (bool, reports.Msg) {
		if mapAt(spec, "affinity", "podAntiAffinity") != nil {
			return false, reports.M("check.antiAffinity")
		}
		if spreads(spec, "kubernetes.io/hostname") {
			return false, reports.M("check.spreadsHosts")
		}
		return true, reports.M("check.noAntiAffinity", n).WithFix(ev.control.ID)
	})
}

func checkZoneSpread(ev *evaluator) {
	ev.multiReplica(func(o *render.Object, spec map[string]any, n int) (bool, reports.Msg) {
		if st := ev.in.States[o.Cluster]; st != nil && len(st.Zones) < 2 {
			return false, reports.Msg{}
		}
		if spreads(spec, "topology.kubernetes.io/zone", "failure-domain.beta.kubernetes.io/zone") {
			return false, reports.M("check.spreadsZones")
		}
		return true, reports.M("check.noZoneSpread", n).WithFix(ev.control.ID)
	})
}

func checkAutoscaled(ev *evaluator) {
	ev.eachWorkload(func(o *render.Object, _ map[string]any) (bool, reports.Msg) {
		if !scalable(o) {
			return false, reports.Msg{}
		}
		if h := ev.cur.hpa; h != nil {
			return false, reports.M("check.scaledBy", "HorizontalPodAutoscaler/"+h.Name)
		}
		if h := ev.cur.vpa; h != nil {
			return false, reports.M("check.scaledBy", "VerticalPodAutoscaler/"+h.Name)
		}
		// Fixed capacity may be intended: needs attestation, never a pass.
		ev.addWorkload(ev.cur, reports.StatusManual, reports.M("check.noAutoscaler"))
		return false, reports.Msg{}
	})
}

// checkBackup wants a Velero Schedule including every production namespace
// (every workload namespace when the tiers are not recorded).
func checkBackup(ev *evaluator) {
	for _, c := range ev.clusters {
		var schedules []*render.Object
		for _, o := range ev.byCluster[c] {
			if o.Kind == "Schedule" && strings.HasPrefix(o.APIVersion, "velero.io/") {
				schedules = append(schedules, o)
			}
		}
		for _, ns := range ev.workloadNamespaces(c) {
			if tier := ev.env(c, ns).Tier; tier != "" && tier != "production" {
				continue
			}
			var by *render.Object
			for _, s := range schedules {
				inc, exc := strList(listAt(s.Value, "spec", "template", "includedNamespaces")), strList(listAt(s.Value, "spec", "template", "excludedNamespaces"))
				if (len(inc) == 0 || slices.Contains(inc, "*") || slices.Contains(inc, ns)) && !slices.Contains(exc, ns) {
					by = s
					break
				}
			}
			if by != nil {
				ev.add(reports.StatusPass, c, ns, by.ID(), by, reports.M("check.backedUpBy", by.ID()))
				continue
			}
			ev.add(reports.StatusFail, c, ns, "Namespace/"+ns, ev.nsLocation(c, ns), reports.M("check.noBackup", ns).WithFix(ev.control.ID))
		}
	}
}

func strList(l []any) []string {
	var out []string
	for _, v := range l {
		if s, ok := v.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// checkRendering reports what rendered and what did not.
func checkRendering(ev *evaluator) {
	d := ev.in.Discovery
	for i := range d.Sources {
		s := &d.Sources[i]
		ev.addSource(s, reports.StatusPass, reports.M("check.renders", s.Kind, s.Path))
	}
	for _, p := range d.Problems {
		status := reports.StatusFail
		if p.NotEvaluated {
			status = reports.StatusManual
		}
		ev.addAt(status, p.Cluster, "", "", p.File, p.Line, problemMsg(p))
	}
}

// nsLocation is where an absence finding about a namespace points: the
// Namespace object, else the first workload of the namespace.
func (ev *evaluator) nsLocation(cluster, ns string) *render.Object {
	if o := ev.nsObjects[cluster][ns]; o != nil {
		return o
	}
	for _, w := range ev.workloads[cluster] {
		if namespaceOf(w.o) == ns {
			return w.o
		}
	}
	return nil
}
