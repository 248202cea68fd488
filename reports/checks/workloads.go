package checks

import (
	"cmp"
	"fmt"
	"math"
	"strings"

	"github.com/plinth-dev/plinth/internal/gitops/render"
	"github.com/plinth-dev/plinth/reports"
)

// workloadKinds are the kinds that run pods, by API group: their pod
// template is what the workload checks evaluate. An Argo Rollout with
// spec.workloadRef borrows the template of a Deployment (checked as that
// Deployment) and is not a workload of its own.
var workloadKinds = map[string]map[string]bool{
	"":            {"Pod": true, "ReplicationController": true},
	"apps":        {"Deployment": true, "StatefulSet": true, "DaemonSet": true, "ReplicaSet": true},
	"extensions":  {"Deployment": true, "DaemonSet": true, "ReplicaSet": true},
	"batch":       {"Job": true, "CronJob": true},
	"argoproj.io": {"Rollout": true},
}

// isWorkload says whether o runs pods of its own.
func isWorkload(o *render.Object) bool {
	if !workloadKinds[o.Group()][o.Kind] {
		return false
	}
	return o.Kind != "Rollout" || get(o.Value, "spec", "workloadRef") == nil
}

// podSpec returns the pod spec of a workload object, or nil.
func podSpec(o *render.Object) map[string]any {
	if !isWorkload(o) {
		return nil
	}
	switch o.Kind {
	case "Pod":
		return mapAt(o.Value, "spec")
	case "CronJob":
		return mapAt(o.Value, "spec", "jobTemplate", "spec", "template", "spec")
	}
	return mapAt(o.Value, "spec", "template", "spec")
}

// podMeta returns the metadata of a workload's pods (of a Pod: its own).
func podMeta(o *render.Object) map[string]any {
	switch o.Kind {
	case "Pod":
		return mapAt(o.Value, "metadata")
	case "CronJob":
		return mapAt(o.Value, "spec", "jobTemplate", "spec", "template", "metadata")
	}
	return mapAt(o.Value, "spec", "template", "metadata")
}

func podLabels(o *render.Object) map[string]any { return mapAt(podMeta(o), "labels") }

// longRunning says whether a workload's pods run until they are replaced
// (not Jobs and CronJobs).
func longRunning(o *render.Object) bool {
	switch o.Kind {
	case "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Pod", "ReplicationController", "Rollout":
		return isWorkload(o)
	}
	return false
}

// scalable says whether a workload has spec.replicas that the HA checks
// and autoscalers are about: Deployments, StatefulSets and Argo Rollouts.
func scalable(o *render.Object) bool {
	switch o.Kind {
	case "Deployment", "StatefulSet", "Rollout":
		return isWorkload(o)
	}
	return false
}

type container struct {
	name  string
	init  bool
	v     map[string]any
	sc    map[string]any // its securityContext
	image string
}

func containers(spec map[string]any) []container {
	var out []container
	for _, field := range []string{"initContainers", "containers"} {
		for _, c := range listAt(spec, field) {
			m, ok := c.(map[string]any)
			if !ok {
				continue
			}
			out = append(out, container{name: str(m, "name"), init: field == "initContainers", v: m,
				sc: mapAt(m, "securityContext"), image: str(m, "image")})
		}
	}
	return out
}

// eachWorkload calls fn for every workload of every cluster; fn returns the
// offending containers (or a reason) and the finding is made from it.
func (ev *evaluator) eachWorkload(fn func(o *render.Object, spec map[string]any) (failed bool, msg reports.Msg)) {
	if cap(ev.findings) == 0 {
		ev.findings = make([]pending, 0, ev.nWorkloads) // at most one each
	}
	for _, c := range ev.clusters {
		for _, w := range ev.workloads[c] {
			if ev.reused(w.o) {
				continue
			}
			ev.line, ev.cur = 0, w
			failed, msg := fn(w.o, w.spec)
			switch {
			case msg.IsZero() && !failed:
				continue // not applicable
			case failed:
				ev.addWorkload(w, reports.StatusFail, msg)
				if ev.line > 0 {
					ev.findings[len(ev.findings)-1].line = int32(min(ev.line, math.MaxInt32))
				}
			default:
				ev.addWorkload(w, reports.StatusPass, msg)
			}
		}
	}
}

// perContainer fails a workload when bad reports a problem for one of its containers.
func (ev *evaluator) perContainer(includeInit bool, bad func(pod map[string]any, c container) reports.Msg) {
	ev.eachWorkload(func(o *render.Object, spec map[string]any) (bool, reports.Msg) {
		var probs reports.Msgs
		n := 0
		for _, c := range ev.cur.containersOf() {
			if c.init && !includeInit {
				continue
			}
			n++
			ev.field, ev.podField = "", false
			if p := bad(spec, c); !p.IsZero() {
				if len(probs) == 0 {
					if ev.podField {
						ev.line = ev.in.Discovery.PodFieldLine(o, ev.field)
					} else {
						ev.line = ev.in.Discovery.FieldLine(o, c.name, cmp.Or(ev.field, containerField[ev.control.ID]))
					}
				}
				probs = append(probs, reports.M("check.container", c.name, p))
			}
		}
		if n == 0 {
			return false, reports.Msg{}
		}
		if len(probs) > 0 {
			return true, reports.M("check.list", probs).WithFix(ev.control.ID)
		}
		return false, reports.M("check.containersComply")
	})
}

// containerField is the field of a container a per-container control is
// about: its finding points at that field's line, or at the container's
// "- name:" line when the field is missing.
var containerField = map[string]string{
	"PLN-SEC-006": "privileged", "PLN-SEC-007": "runAsUser", "PLN-SEC-008": "allowPrivilegeEscalation",
	"PLN-SEC-009": "capabilities", "PLN-SEC-010": "readOnlyRootFilesystem", "PLN-SEC-011": "seccompProfile",
	"PLN-SEC-018": "image", "PLN-SEC-019": "image", "PLN-RES-001": "resources", "PLN-RES-002": "resources",
}

func secCtx(c container) map[string]any { return c.sc }

func checkPrivileged(ev *evaluator) {
	ev.perContainer(true, func(_ map[string]any, c container) reports.Msg {
		if b, _ := boolAt(secCtx(c), "privileged"); b {
			return reports.M("check.privileged")
		}
		return reports.Msg{}
	})
}

func checkNonRoot(ev *evaluator) {
	ev.perContainer(true, func(pod map[string]any, c container) reports.Msg {
		psc, csc := mapAt(pod, "securityContext"), secCtx(c)
		uid, uidSet := intAt(csc, "runAsUser")
		if !uidSet {
			uid, uidSet = intAt(psc, "runAsUser")
			if uidSet && uid == 0 {
				// Inherited from the pod: point at the pod's runAsUser.
				ev.field, ev.podField = "runAsUser", true
			}
		}
		if uidSet && uid == 0 {
			return reports.M("check.runsAsRoot")
		}
		nonRoot, set := boolAt(csc, "runAsNonRoot")
		if !set {
			nonRoot, set = boolAt(psc, "runAsNonRoot")
		}
		if (set && nonRoot) || (uidSet && uid > 0) {
			return reports.Msg{}
		}
		return reports.M("check.mayRunAsRoot")
	})
}

func checkPrivilegeEscalation(ev *evaluator) {
	ev.perContainer(true, func(_ map[string]any, c container) reports.Msg {
		if b, set := boolAt(secCtx(c), "allowPrivilegeEscalation"); !set || b {
			return reports.M("check.privilegeEscalation")
		}
		return reports.Msg{}
	})
}

func checkCapabilities(ev *evaluator) {
	ev.perContainer(true, func(_ map[string]any, c container) reports.Msg {
		dropsAll := false
		for _, d := range listAt(secCtx(c), "capabilities", "drop") {
			if s, _ := d.(string); strings.EqualFold(s, "ALL") {
				dropsAll = true
			}
		}
		var added []string
		for _, a := range listAt(secCtx(c), "capabilities", "add") {
			if s, _ := a.(string); s != "" && !strings.EqualFold(s, "NET_BIND_SERVICE") {
				added = append(added, s)
			}
		}
		switch {
		case len(added) > 0 && !dropsAll:
			ev.field = "add"
			return reports.M("check.addsCapsNoDrop", strings.Join(added, ","))
		case len(added) > 0:
			ev.field = "add"
			return reports.M("check.addsCaps", strings.Join(added, ","))
		case !dropsAll:
			return reports.M("check.noDropAll")
		}
		return reports.Msg{}
	})
}

func checkReadOnlyRoot(ev *evaluator) {
	ev.perContainer(true, func(_ map[string]any, c container) reports.Msg {
		if b, _ := boolAt(secCtx(c), "readOnlyRootFilesystem"); !b {
			return reports.M("check.writableRoot")
		}
		return reports.Msg{}
	})
}

func checkSeccomp(ev *evaluator) {
	ev.perContainer(true, func(pod map[string]any, c container) reports.Msg {
		t := str(secCtx(c), "seccompProfile", "type")
		if t == "" {
			t = str(pod, "securityContext", "seccompProfile", "type")
		}
		if t == "RuntimeDefault" || t == "Localhost" {
			return reports.Msg{}
		}
		if t == "" {
			return reports.M("check.noSeccomp")
		}
		return reports.M("check.seccompProfile", t)
	})
}

func checkHostAccess(ev *evaluator) {
	ev.eachWorkload(func(o *render.Object, spec map[string]any) (bool, reports.Msg) {
		var probs reports.Msgs
		for _, f := range []string{"hostNetwork", "hostPID", "hostIPC"} {
			if b, _ := boolAt(spec, f); b {
				if len(probs) == 0 {
					ev.line = ev.in.Discovery.FieldLine(o, "", f)
				}
				probs = append(probs, reports.M("check.hostField", f))
			}
		}
		for _, v := range listAt(spec, "volumes") {
			if get(v, "hostPath") != nil {
				probs = append(probs, reports.M("check.hostPath", str(v, "name")))
			}
		}
		if len(probs) > 0 {
			return true, reports.M("check.list", probs).WithFix(ev.control.ID)
		}
		return false, reports.M("check.noHostAccess")
	})
}

// imageRegistry returns the registry host of an image reference.
func imageRegistry(image string) string {
	i := strings.IndexByte(image, '/')
	if i < 0 {
		return "docker.io"
	}
	first := image[:i]
	if strings.ContainsAny(first, ".:") || first == "localhost" {
		return first
	}
	return "docker.io"
}

// publicRegistries are registry hosts anyone can push to or pull from
// without an account of the team: none of them is a private registry.
var publicRegistries = map[string]string{
	"docker.io":            "Docker Hub",
	"index.docker.io":      "Docker Hub",
	"registry-1.docker.io": "Docker Hub",
	"ghcr.io":              "GitHub Container Registry",
	"quay.io":              "Quay",
	"gcr.io":               "Google Container Registry (public)",
	"mirror.gcr.io":        "Google's Docker Hub mirror",
	"k8s.gcr.io":           "the old Kubernetes registry",
	"registry.k8s.io":      "the Kubernetes project registry",
	"public.ecr.aws":       "Amazon ECR Public",
	"mcr.microsoft.com":    "Microsoft Artifact Registry (public)",
	"registry.gitlab.com":  "GitLab's registry",
}

func checkTrustedRegistry(ev *evaluator) {
	trusted := ev.in.TrustedRegistries
	ev.perContainer(true, func(_ map[string]any, c container) reports.Msg {
		image := c.image
		if image == "" {
			return reports.M("check.noImage")
		}
		if len(trusted) == 0 {
			host := imageRegistry(image)
			if !strings.HasPrefix(image, host+"/") {
				return reports.M("check.implicitDockerHub", image, reports.M("check.configureTrusted"))
			}
			if name, ok := publicRegistries[host]; ok {
				return reports.M("check.publicRegistry", image, name, reports.M("check.configureTrusted"), host)
			}
			return reports.Msg{}
		}
		for _, t := range trusted {
			t = strings.TrimSuffix(t, "/")
			if strings.HasPrefix(image, t+"/") {
				return reports.Msg{}
			}
		}
		return reports.M("check.untrustedRegistry", image, strings.Join(trusted, ", "), ev.in.RegistriesFile)
	})
}

func checkPinnedImage(ev *evaluator) {
	ev.perContainer(true, func(_ map[string]any, c container) reports.Msg {
		image := c.image
		switch tag, digest := imageTag(image); {
		case digest:
			return reports.Msg{}
		case tag == "":
			return reports.M("check.noTag", image)
		case tag == "latest":
			return reports.M("check.latestTag", image)
		}
		return reports.Msg{}
	})
}

func checkProbe(field string) func(ev *evaluator) {
	return func(ev *evaluator) {
		ev.eachWorkload(func(o *render.Object, spec map[string]any) (bool, reports.Msg) {
			// Like kube-score: probes matter for pods a Service sends traffic to.
			if !longRunning(o) || !ev.cur.isServed(ev) {
				return false, reports.Msg{}
			}
			var missing reports.Names
			for _, c := range ev.cur.containersOf() {
				if !c.init && get(c.v, field) == nil {
					missing = append(missing, fmt.Sprintf("%q", c.name))
				}
			}
			if len(missing) > 0 {
				return true, reports.M("check.noProbe", missing, field).WithFix(ev.control.ID)
			}
			return false, reports.M("check.hasProbe", field)
		})
	}
}

func checkResources(field string) func(ev *evaluator) {
	return func(ev *evaluator) {
		ev.perContainer(true, func(_ map[string]any, c container) reports.Msg {
			var missing []string
			for _, r := range []string{"cpu", "memory"} {
				if get(c.v, "resources", field, r) == nil {
					missing = append(missing, r)
				}
			}
			if len(missing) > 0 {
				return reports.M("check.noResources", field, strings.Join(missing, ", "+field+"."))
			}
			return reports.Msg{}
		})
	}
}

func checkDefaultNamespace(ev *evaluator) {
	ev.eachWorkload(func(o *render.Object, _ map[string]any) (bool, reports.Msg) {
		if namespaceOf(o) == "default" {
			return true, reports.M("check.defaultNamespace").WithFix(ev.control.ID)
		}
		return false, reports.M("check.namespace", namespaceOf(o))
	})
}

// served says whether a Service of workload o's namespace selects its pods,
// labels lbls (podLabels(o)).
func (ev *evaluator) served(o *render.Object, lbls podLabelSet) bool {
	for _, svc := range ev.inNamespace(o.Cluster, namespaceOf(o), "Service") {
		sel := mapAt(svc.Value, "spec", "selector")
		if len(sel) == 0 {
			continue
		}
		match := true
		for k, v := range sel {
			if sprint(lbls[k]) != sprint(v) || lbls[k] == nil {
				match = false
				break
			}
		}
		if match {
			return true
		}
	}
	return false
}
