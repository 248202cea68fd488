package checks

import (
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/plinth-dev/plinth/internal/gitops/render"
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
	ev.eachWorkload(func(o *render.Object, spec map[string]any) (bool, string) {
		if v, set := boolAt(spec, "automountServiceAccountToken"); set {
			if v {
				return true, "sets automountServiceAccountToken: true; " + ev.control.Remediation
			}
			return false, "automountServiceAccountToken: false"
		}
		name := serviceAccountOf(spec)
		sa := ev.lookup(o.Cluster, namespaceOf(o), "ServiceAccount", name)
		if sa != nil {
			if v, set := boolAt(sa.Value, "automountServiceAccountToken"); set && !v {
				return false, "ServiceAccount " + name + " sets automountServiceAccountToken: false"
			}
		}
		return true, fmt.Sprintf("mounts the token of ServiceAccount %s (automountServiceAccountToken is not false on the pod or the ServiceAccount); %s", name, ev.control.Remediation)
	})
}

func checkDefaultServiceAccount(ev *evaluator) {
	ev.eachWorkload(func(o *render.Object, spec map[string]any) (bool, string) {
		if sa := serviceAccountOf(spec); sa != "default" {
			return false, "runs as ServiceAccount " + sa
		}
		return true, "runs as the default ServiceAccount of namespace " + namespaceOf(o) + "; " + ev.control.Remediation
	})
}

func checkHostPort(ev *evaluator) {
	ev.perContainer(true, func(_ map[string]any, c container) string {
		var ports []string
		for _, p := range listAt(c.v, "ports") {
			if n, ok := intAt(p, "hostPort"); ok && n > 0 {
				ports = append(ports, fmt.Sprint(n))
			}
		}
		if len(ports) > 0 {
			return "binds host port " + strings.Join(ports, ", ")
		}
		return ""
	}, ev.control.Remediation)
}

func checkSecretEnv(ev *evaluator) {
	ev.perContainer(true, func(_ map[string]any, c container) string {
		var uses []string
		for _, e := range listAt(c.v, "env") {
			if ref := mapAt(e, "valueFrom", "secretKeyRef"); ref != nil {
				uses = append(uses, fmt.Sprintf("env %s from Secret %s key %s", str(e, "name"), str(ref, "name"), str(ref, "key")))
			}
		}
		for _, e := range listAt(c.v, "envFrom") {
			if ref := mapAt(e, "secretRef"); ref != nil {
				uses = append(uses, "envFrom Secret "+str(ref, "name"))
			}
		}
		if len(uses) > 0 {
			return "takes " + joinNames(uses)
		}
		return ""
	}, ev.control.Remediation)
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
func isolationProblems(sc map[string]any, where string) []string {
	var out []string
	if sel := mapAt(sc, "seLinuxOptions"); sel != nil {
		if t := str(sel, "type"); !slices.Contains(seLinuxTypes, t) {
			out = append(out, fmt.Sprintf("%s sets SELinux type %s", where, t))
		}
		for _, f := range []string{"user", "role"} {
			if str(sel, f) != "" {
				out = append(out, fmt.Sprintf("%s sets SELinux %s %s", where, f, str(sel, f)))
			}
		}
	}
	if str(sc, "appArmorProfile", "type") == "Unconfined" {
		out = append(out, where+" runs AppArmor Unconfined")
	}
	if str(sc, "procMount") == "Unmasked" {
		out = append(out, where+" has procMount: Unmasked")
	}
	return out
}

func checkKernelIsolation(ev *evaluator) {
	ev.eachWorkload(func(o *render.Object, spec map[string]any) (bool, string) {
		psc := mapAt(spec, "securityContext")
		probs := isolationProblems(psc, "the pod")
		for _, s := range listAt(psc, "sysctls") {
			if n := str(s, "name"); !slices.Contains(safeSysctls, n) {
				probs = append(probs, "the pod sets unsafe sysctl "+n)
			}
		}
		for _, c := range containers(spec) {
			probs = append(probs, isolationProblems(secCtx(c), fmt.Sprintf("container %q", c.name))...)
			key := "container.apparmor.security.beta.kubernetes.io/" + c.name
			if v, _ := mapAt(podMeta(o), "annotations")[key].(string); v == "unconfined" {
				probs = append(probs, fmt.Sprintf("container %q runs AppArmor unconfined (annotation)", c.name))
			}
		}
		if len(probs) > 0 {
			return true, joinNames(probs) + "; " + ev.control.Remediation
		}
		return false, "keeps the default /proc masks, safe sysctls, SELinux and AppArmor profiles"
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
	ev.perContainer(true, func(_ map[string]any, c container) string {
		image, policy := str(c.v, "image"), str(c.v, "imagePullPolicy")
		switch {
		case image == "" || policy == "":
			return "" // the default policy follows the tag: Always for latest, IfNotPresent otherwise
		case mutableImage(image) && policy != "Always":
			return fmt.Sprintf("pulls the mutable %q with imagePullPolicy %s", image, policy)
		case !mutableImage(image) && policy == "Always":
			return fmt.Sprintf("pulls the fixed %q with imagePullPolicy Always", image)
		}
		return ""
	}, ev.control.Remediation)
}

func checkBarePod(ev *evaluator) {
	ev.eachWorkload(func(o *render.Object, _ map[string]any) (bool, string) {
		if o.Kind == "Pod" {
			return true, "a bare Pod is not recreated when it fails or its node is drained; " + ev.control.Remediation
		}
		return false, "managed by its " + o.Kind
	})
}

func checkIdenticalProbes(ev *evaluator) {
	ev.eachWorkload(func(o *render.Object, spec map[string]any) (bool, string) {
		if !longRunning(o) {
			return false, ""
		}
		var same []string
		both := 0
		for _, c := range containers(spec) {
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
			return true, fmt.Sprintf("container %s has identical liveness and readiness probes; %s", joinNames(same), ev.control.Remediation)
		case both == 0:
			return false, ""
		}
		return false, "liveness and readiness probes differ"
	})
}
