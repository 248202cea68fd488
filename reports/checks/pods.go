package checks

import (
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/plinth-dev/plinth/internal/gitops/render"
	"github.com/plinth-dev/plinth/reports"
)

// serviceAccountOf is the ServiceAccount a pod spec runs under.
func serviceAccountOf(spec map[string]any) string {
	if sa := str(spec, "serviceAccountName"); sa != "" {
		return sa
	}
	if sa := str(spec, "serviceAccount"); sa != "" { // deprecated alias
		return sa
	}
	return "default"
}

// checkAutomountToken fails pods that get a service account token mounted:
// automountServiceAccountToken true on the pod, or unset on the pod and
// not false on its ServiceAccount (as defined in the repository).
func checkAutomountToken(ev *evaluator) {
	ev.eachWorkload(func(o *render.Object, spec map[string]any) (bool, reports.Msg) {
		if v, set := boolAt(spec, "automountServiceAccountToken"); set {
			if v {
				return true, reports.M("check.automountTrue").WithFix(ev.control.ID)
			}
			return false, reports.M("check.automountFalse")
		}
		name := serviceAccountOf(spec)
		sa := ev.lookup(o.Cluster, namespaceOf(o), "ServiceAccount", name)
		if sa != nil {
			if v, set := boolAt(sa.Value, "automountServiceAccountToken"); set && !v {
				return false, reports.M("check.saAutomountFalse", name)
			}
		}
		return true, reports.M("check.mountsToken", name).WithFix(ev.control.ID)
	})
}

func checkDefaultServiceAccount(ev *evaluator) {
	ev.eachWorkload(func(o *render.Object, spec map[string]any) (bool, reports.Msg) {
		if sa := serviceAccountOf(spec); sa != "default" {
			return false, reports.M("check.serviceAccount", sa)
		}
		return true, reports.M("check.defaultServiceAccount", namespaceOf(o)).WithFix(ev.control.ID)
	})
}

func checkHostPort(ev *evaluator) {
	ev.perContainer(true, func(_ map[string]any, c container) reports.Msg {
		var ports []string
		for _, p := range listAt(c.v, "ports") {
			if n, ok := intAt(p, "hostPort"); ok && n > 0 {
				ports = append(ports, fmt.Sprint(n))
			}
		}
		if len(ports) > 0 {
			return reports.M("check.hostPort", strings.Join(ports, ", "))
		}
		return reports.Msg{}
	})
}

func checkSecretEnv(ev *evaluator) {
	ev.perContainer(true, func(_ map[string]any, c container) reports.Msg {
		var uses reports.Msgs
		for _, e := range listAt(c.v, "env") {
			if ref := mapAt(e, "valueFrom", "secretKeyRef"); ref != nil {
				uses = append(uses, reports.M("check.envSecret", str(e, "name"), str(ref, "name"), str(ref, "key")))
			}
		}
		for _, e := range listAt(c.v, "envFrom") {
			if ref := mapAt(e, "secretRef"); ref != nil {
				uses = append(uses, reports.M("check.envFromSecret", str(ref, "name")))
			}
		}
		if len(uses) > 0 {
			return reports.M("check.takesSecrets", uses)
		}
		return reports.Msg{}
	})
}

// safeSysctls are the sysctls the Baseline Pod Security Standard allows.
var safeSysctls = []string{
	"kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.ip_unprivileged_port_start",
	"net.ipv4.tcp_syncookies", "net.ipv4.ping_group_range", "net.ipv4.ip_local_reserved_ports",
	"net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_keepalive_intvl",
	"net.ipv4.tcp_keepalive_probes", "net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem",
}

// seLinuxTypes are the SELinux types the Baseline Pod Security Standard allows.
var seLinuxTypes = []string{"", "container_t", "container_init_t", "container_kvm_t", "container_engine_t"}

// isolationProblems lists what a securityContext (of a pod or a container)
// relaxes of the kernel's isolation: SELinux and AppArmor overrides, and
// for a container an unmasked /proc.
func isolationProblems(sc map[string]any, where reports.Msg) reports.Msgs {
	var out reports.Msgs
	if sel := mapAt(sc, "seLinuxOptions"); sel != nil {
		if t := str(sel, "type"); !slices.Contains(seLinuxTypes, t) {
			out = append(out, reports.M("check.seLinuxType", where, t))
		}
		for _, f := range []string{"user", "role"} {
			if str(sel, f) != "" {
				out = append(out, reports.M("check.seLinux", where, f, str(sel, f)))
			}
		}
	}
	if str(sc, "appArmorProfile", "type") == "Unconfined" {
		out = append(out, reports.M("check.appArmorUnconfined", where))
	}
	if str(sc, "procMount") == "Unmasked" {
		out = append(out, reports.M("check.procUnmasked", where))
	}
	return out
}

func checkKernelIsolation(ev *evaluator) {
	ev.eachWorkload(func(o *render.Object, spec map[string]any) (bool, reports.Msg) {
		psc := mapAt(spec, "securityContext")
		probs := isolationProblems(psc, reports.M("check.thePod"))
		for _, s := range listAt(psc, "sysctls") {
			if n := str(s, "name"); !slices.Contains(safeSysctls, n) {
				probs = append(probs, reports.M("check.unsafeSysctl", n))
			}
		}
		ann := mapAt(podMeta(o), "annotations")
		for _, c := range ev.cur.containersOf() {
			probs = append(probs, isolationProblems(secCtx(c), reports.M("check.containerName", c.name))...)
			key := "container.apparmor.security.beta.kubernetes.io/" + c.name
			if v, _ := ann[key].(string); v == "unconfined" {
				probs = append(probs, reports.M("check.appArmorAnnotation", c.name))
			}
		}
		if len(probs) > 0 {
			return true, reports.M("check.list", probs).WithFix(ev.control.ID)
		}
		return false, reports.M("check.isolationKept")
	})
}

// imageTag returns the tag of an image reference ("" without one) and
// whether it is pinned by digest.
func imageTag(image string) (tag string, digest bool) {
	if strings.Contains(image, "@sha256:") {
		return "", true
	}
	name := image[strings.LastIndexByte(image, '/')+1:]
	if i := strings.LastIndexByte(name, ':'); i >= 0 {
		return name[i+1:], false
	}
	return "", false
}

// mutableImage: an image without a digest whose tag is missing or latest.
func mutableImage(image string) bool {
	tag, digest := imageTag(image)
	return !digest && (tag == "" || tag == "latest")
}

func checkPullPolicy(ev *evaluator) {
	ev.perContainer(true, func(_ map[string]any, c container) reports.Msg {
		image, policy := c.image, str(c.v, "imagePullPolicy")
		switch {
		case image == "" || policy == "":
			return reports.Msg{} // the default policy follows the tag: Always for latest, IfNotPresent otherwise
		case mutableImage(image) && policy != "Always":
			return reports.M("check.pullMutable", image, policy)
		case !mutableImage(image) && policy == "Always":
			return reports.M("check.pullFixedAlways", image)
		}
		return reports.Msg{}
	})
}

func checkBarePod(ev *evaluator) {
	ev.eachWorkload(func(o *render.Object, _ map[string]any) (bool, reports.Msg) {
		if o.Kind == "Pod" {
			return true, reports.M("check.barePod").WithFix(ev.control.ID)
		}
		return false, reports.M("check.managedBy", o.Kind)
	})
}

func checkIdenticalProbes(ev *evaluator) {
	ev.eachWorkload(func(o *render.Object, spec map[string]any) (bool, reports.Msg) {
		if !longRunning(o) {
			return false, reports.Msg{}
		}
		var same reports.Names
		both := 0
		for _, c := range ev.cur.containersOf() {
			l, r := get(c.v, "livenessProbe"), get(c.v, "readinessProbe")
			if c.init || l == nil || r == nil {
				continue
			}
			both++
			if reflect.DeepEqual(l, r) {
				same = append(same, fmt.Sprintf("%q", c.name))
			}
		}
		switch {
		case len(same) > 0:
			return true, reports.M("check.identicalProbes", same).WithFix(ev.control.ID)
		case both == 0:
			return false, reports.Msg{}
		}
		return false, reports.M("check.probesDiffer")
	})
}
