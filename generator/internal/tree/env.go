package tree

import (
	corev1 "k8s.io/api/core/v1"

	"github.com/plinth-dev/plinth/schemas"
)

// Labels and workload defaults the core, layouts and engines share.
const (
	LabelName      = "app.kubernetes.io/name"
	LabelPartOf    = "app.kubernetes.io/part-of"
	LabelManagedBy = "app.kubernetes.io/managed-by"
	LabelTeam      = "plinth.dev/team"
	LabelEnv       = "plinth.dev/environment"
	LabelTier      = "plinth.dev/tier"
	LabelCanaryOf  = "plinth.dev/canary-of"
	ClusterIssuer  = "letsencrypt-prod" // seed 004 "Nginx Ingress Controller" example
	IngressClass   = "nginx"
)

// CommonLabels are the labels of every object plinth writes, and extra.
func CommonLabels(m *schemas.Model, extra map[string]string) map[string]string {
	l := map[string]string{LabelManagedBy: "plinth", LabelPartOf: m.Platform.Name}
	for k, v := range extra {
		l[k] = v
	}
	return l
}

// NamespaceOf is the namespace of a team in an environment.
func NamespaceOf(team, env string) string { return team + "-" + env }

// Env holds the objects of one environment, built by the core.
type Env struct {
	Env     schemas.Environment
	Cluster schemas.Cluster
	// Infra holds per team namespace the namespace-level objects (Namespace,
	// RoleBindings, ResourceQuota, LimitRange, NetworkPolicies), by team name.
	Infra map[string][]Object
	// Velero is the environment's backup Schedule, if any.
	Velero *Object
	// Gateway holds the environment's gateway namespace and Gateway, if any.
	Gateway []Object
	// Workloads holds the objects of each workload, in workload order.
	Workloads []Workload
	// Apps is what the layout deploys in the environment, for the engine.
	Apps Apps
}

// Workload is one workload of an environment: its objects and what they
// were built from.
type Workload struct {
	Spec    schemas.Workload
	Objects []Object // sorted by kind
	// Labels are the labels of its objects; PDB says whether it has a
	// PodDisruptionBudget; Requirements are its container's resources;
	// Plan is what its NetworkPolicy lets through.
	Labels       map[string]string
	PDB          bool
	Requirements corev1.ResourceRequirements
	Plan         NetpolPlan
	// Extra are the workload's extra objects (the escape hatch), in its
	// namespace, deployed beside Objects; Patched says whether a patch
	// changed Objects.
	Extra   []Object
	Patched bool
	// Probes are its container's probes.
	Probes ContainerProbes
}

// ContainerProbes are the Kubernetes probes of a workload's container
// (nil where it has none). The helm flavor's values carry them as they
// are, so both flavors render the same probes.
type ContainerProbes struct {
	Liveness  *corev1.Probe `json:"liveness,omitempty"`
	Readiness *corev1.Probe `json:"readiness,omitempty"`
	Startup   *corev1.Probe `json:"startup,omitempty"`
}

// NetpolPlan is what the default deny must let through for one workload:
// calls from the ingress controller and from the services that depend on
// it (From, when it has a port), calls to the services it depends on
// (Egress) and calls to networks outside the cluster (EgressCIDR, seed 004
// "네트워킹 > 2. Network Policy": allow only what is needed).
type NetpolPlan struct {
	From []PeerRef // Name empty: a whole namespace (the ingress controller)
	// Ports are the ports From is admitted on: every port the workload's
	// Service exposes.
	Ports      []NetpolPort
	Egress     []PeerRef
	EgressCIDR []schemas.Egress
	// Scrape is the Prometheus that scrapes its metrics, if any.
	Scrape *ScrapePeer
}

// ScrapePeer is the Prometheus that may scrape a workload: its pods (by
// namespace and labels) on the metrics port.
type ScrapePeer struct {
	Namespace string            `json:"namespace"`
	Pods      map[string]string `json:"pods"`
	Port      int               `json:"port"`
}

// PeerRef is a peer of a NetworkPolicy rule; Ports are the ports called on
// it (egress to a service: every port its Service exposes).
type PeerRef struct {
	Namespace string       `json:"namespace"`
	Name      string       `json:"name,omitempty"`
	Ports     []NetpolPort `json:"ports,omitempty"`
	// CIDR, when set, is an address range instead of pods (a gateway's
	// data plane outside the cluster).
	CIDR string `json:"cidr,omitempty"`
}

// NetpolPort is a port of a NetworkPolicy rule.
type NetpolPort struct {
	Port     int    `json:"port"`
	Protocol string `json:"protocol"`
}

// NetpolPorts are the NetworkPolicy ports of a workload's served ports.
func NetpolPorts(ports []schemas.Port) []NetpolPort {
	var out []NetpolPort
	for _, p := range ports {
		out = append(out, NetpolPort{Port: p.Port, Protocol: p.Protocol})
	}
	return out
}

// WorkloadsByTeam groups the workloads of an environment by team.
func (e *Env) WorkloadsByTeam() map[string][]Workload {
	teams := map[string][]Workload{}
	for _, wo := range e.Workloads {
		teams[wo.Spec.Team] = append(teams[wo.Spec.Team], wo)
	}
	return teams
}

// Apps is what a layout deploys in one environment, in one of two shapes
// an engine points at: a directory of team kustomizations, or releases of
// a chart.
type Apps struct {
	// Dir, when set, is a kustomization directory (apps/<env>) listing one
	// kustomization directory per team, named after the team
	// (apps/<env>/<team>), that deploys to the team's namespace.
	Dir string
	// Releases, when Dir is empty: one chart release per workload.
	Releases []Release
}

// Release is a workload deployed as a release of a chart of the tree with
// a values file of the tree.
type Release struct {
	Name      string
	Team      string
	Namespace string
	Chart     string // chart directory
	Values    string // values file
	Sources   []string
}

// Branch is the branch of the GitOps repository the engines follow.
func Branch(m *schemas.Model) string {
	if b := m.Platform.GitOps.Branch; b != "" {
		return b
	}
	return "main"
}
