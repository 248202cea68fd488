// Package schemas holds the CUE schema of a plinth platform and the loader that
// turns a directory of CUE files into the typed model below. The model is the
// only thing the generator sees: every default of the blueprints and every
// per-environment override is already applied.
package schemas

// Pos is a location in a platform source file (1-based line and column).
type Pos struct {
	File   string `json:"file"`
	Line   int    `json:"line"`
	Column int    `json:"column"`
}

// Model is a validated platform, resolved per environment.
type Model struct {
	// Dir is the platform directory the model was loaded from.
	Dir string `json:"-"`
	// Files are the platform source files, relative to Dir, sorted.
	Files []string `json:"files"`

	Platform     Platform      `json:"platform"`
	Clusters     []Cluster     `json:"clusters"`     // sorted by name
	Environments []Environment `json:"environments"` // sorted by name
	Teams        []Team        `json:"teams"`        // sorted by name
	Services     []Service     `json:"services"`     // sorted by name; as declared, before overrides
	Addons       []Addon       `json:"addons"`       // sorted by name

	// Warnings are the baseline controls a production cluster's declared
	// settings miss (rule "baseline"): the platform is valid, and
	// validate --strict fails on them.
	Warnings Errors `json:"-"`
}

// Platform is the top-level platform block.
type Platform struct {
	Name       string   `json:"name"`
	Registries []string `json:"registries"`
	GitOps     GitOps   `json:"gitops"`
}

// GitOps says which engine deploys the output and from where.
type GitOps struct {
	Engine string `json:"engine"` // "flux" | "argocd"
	Repo   string `json:"repo"`
	Branch string `json:"branch"`
}

// Cluster is a Kubernetes cluster that one or more environments run on.
type Cluster struct {
	Name              string   `json:"name"`
	Provider          string   `json:"provider"`          // "aks" | "gke" | "generic"
	KubernetesVersion string   `json:"kubernetesVersion"` // "1.34"
	Zones             []string `json:"zones"`
	// Settings are the declared cluster settings (private cluster, AAD, network
	// policy engine, ...) as plain JSON-compatible values, recorded for the report.
	Settings map[string]any `json:"settings,omitempty"`
	// NodePools are the declared node pools, sorted by name.
	NodePools []NodePool `json:"nodePools,omitempty"`
	// Monitoring is the Prometheus that scrapes the services' metrics (nil:
	// not declared, a Prometheus Operator with the generator's defaults).
	Monitoring *Monitoring `json:"monitoring,omitempty"`
	Pos        Pos         `json:"-"`
}

// Environment is one deployment target, with its tier policy and the
// workloads it runs (services with overrides and blueprint defaults applied).
type Environment struct {
	Name      string     `json:"name"`
	Tier      string     `json:"tier"` // "production" | "staging" | "development"
	Cluster   string     `json:"cluster"`
	Policy    TierPolicy `json:"policy"`
	Backup    *Backup    `json:"backup,omitempty"`
	Workloads []Workload `json:"workloads"` // sorted by name
	Pos       Pos        `json:"-"`
	// Patches apply to the generated objects of every workload (escape.go).
	Patches []Patch `json:"patches,omitempty"`
	// Gateway is the environment's Gateway API Gateway, if declared.
	Gateway *Gateway `json:"gateway,omitempty"`
}

// TierPolicy is what the tier blueprint decides for every namespace and
// workload of an environment.
type TierPolicy struct {
	// PodSecurity is the Pod Security Admission level for enforce/audit/warn.
	PodSecurity PodSecurity `json:"podSecurity"`
	// MinReplicas is the least number of replicas of a long-running workload.
	MinReplicas int `json:"minReplicas"`
	// ZoneSpread adds topology spread constraints over zones.
	ZoneSpread bool `json:"zoneSpread"`
	// PDB adds a PodDisruptionBudget to every multi-replica workload.
	PDB bool `json:"pdb"`
	// BackupRequired means the environment must declare a Velero backup.
	BackupRequired bool `json:"backupRequired"`
	// LimitRange is the default container limit range of every team namespace.
	LimitRange LimitRange `json:"limitRange"`
}

// PodSecurity holds the PSA levels ("restricted" | "baseline" | "privileged").
type PodSecurity struct {
	Enforce string `json:"enforce"`
	Audit   string `json:"audit"`
	Warn    string `json:"warn"`
}

// LimitRange holds the default requests and limits of containers that declare none.
type LimitRange struct {
	DefaultRequest Resources `json:"defaultRequest"`
	Default        Resources `json:"default"`
	Max            Resources `json:"max"`
}

// Backup is a Velero schedule for an environment.
type Backup struct {
	Schedule string `json:"schedule"` // cron expression
	TTL      string `json:"ttl"`      // Go duration, e.g. "720h"
}

// Team owns services; it gets one namespace per environment.
type Team struct {
	Name   string `json:"name"`
	Access Access `json:"access"`
	Quota  *Quota `json:"quota,omitempty"`
	Pos    Pos    `json:"-"`
}

// Access lists Azure AD group object IDs per built-in ClusterRole.
type Access struct {
	Admin []string `json:"admin,omitempty"`
	Edit  []string `json:"edit,omitempty"`
	View  []string `json:"view,omitempty"`
}

// Quota is a team's ResourceQuota per namespace. CPU and Memory bound requests
// (and limits at twice as much unless LimitsCPU/LimitsMemory are set).
type Quota struct {
	CPU          string `json:"cpu"`
	Memory       string `json:"memory"`
	LimitsCPU    string `json:"limitsCPU,omitempty"`
	LimitsMemory string `json:"limitsMemory,omitempty"`
	Pods         int    `json:"pods,omitempty"`
}

// Resources is a CPU and memory pair of Kubernetes quantities.
type Resources struct {
	CPU    string `json:"cpu"`
	Memory string `json:"memory"`
}

// Requirements are requests and limits.
type Requirements struct {
	Requests Resources `json:"requests"`
	Limits   Resources `json:"limits"`
}

// Autoscale configures a HorizontalPodAutoscaler.
type Autoscale struct {
	Min            int `json:"min"`
	Max            int `json:"max"`
	CPUUtilization int `json:"cpuUtilization"`
}

// Probes are a workload's liveness, readiness and startup probes (nil:
// none).
type Probes struct {
	Liveness  *Probe `json:"liveness,omitempty"`
	Readiness *Probe `json:"readiness,omitempty"`
	Startup   *Probe `json:"startup,omitempty"`
}

// Port is a named container port; Service says whether the workload's
// Service exposes it.
type Port struct {
	Name        string `json:"name"`
	Port        int    `json:"port"`
	Protocol    string `json:"protocol"` // "TCP" | "UDP" | "SCTP"
	AppProtocol string `json:"appProtocol,omitempty"`
	Service     bool   `json:"service"`
}

// Ingress exposes a service on a host and path.
type Ingress struct {
	Host string `json:"host"`
	Path string `json:"path"`
}

// Egress allows calls to a network outside the cluster: one NetworkPolicy
// egress rule to an ipBlock.
type Egress struct {
	CIDR     string   `json:"cidr"`             // network address, e.g. "10.240.4.0/24"
	Ports    []int    `json:"ports"`            // as declared
	Protocol string   `json:"protocol"`         // "TCP" | "UDP"
	Except   []string `json:"except,omitempty"` // CIDRs inside CIDR that stay blocked
}

// Identity is a cloud workload identity: exactly one of ClientID (Azure
// Workload Identity, aks clusters) and GCPServiceAccount (GKE Workload
// Identity, gke clusters) is set.
type Identity struct {
	ClientID          string `json:"clientID,omitempty"`          // managed identity client ID (GUID)
	GCPServiceAccount string `json:"gcpServiceAccount,omitempty"` // NAME@PROJECT.iam.gserviceaccount.com
}

// Provider is the cluster provider the identity works on: "aks" or "gke"
// ("" when neither or both fields are set).
func (i *Identity) Provider() string {
	if i == nil {
		return ""
	}
	return providerOf(i.ClientID, i.GCPServiceAccount)
}

// Secrets names secrets mounted through the Secrets Store CSI driver: from
// an Azure Key Vault (KeyVault, aks clusters) or from Google Secret Manager
// in a project (GCPProject, gke clusters); exactly one of the two is set.
type Secrets struct {
	KeyVault   string   `json:"keyVault,omitempty"`
	GCPProject string   `json:"gcpProject,omitempty"`
	Objects    []string `json:"objects"`
	TenantID   string   `json:"tenantID,omitempty"` // Key Vault only
}

// Provider is the cluster provider the secrets are read on: "aks" or "gke"
// ("" when neither or both stores are set).
func (s *Secrets) Provider() string {
	if s == nil {
		return ""
	}
	return providerOf(s.KeyVault, s.GCPProject)
}

// providerOf is "aks" when only the Azure field is set, "gke" when only the
// Google one is, else "".
func providerOf(azure, google string) string {
	switch {
	case azure != "" && google == "":
		return "aks"
	case google != "" && azure == "":
		return "gke"
	}
	return ""
}

// Service is a service as declared, before blueprint defaults and overrides.
type Service struct {
	Name      string   `json:"name"`
	Team      string   `json:"team"`
	Blueprint string   `json:"blueprint"`
	Image     string   `json:"image"`
	DependsOn []string `json:"dependsOn,omitempty"`
	Pos       Pos      `json:"-"`
}

// Workload is a service as it runs in one environment: the blueprint's
// defaults, the tier policy and the environment's overrides are applied.
type Workload struct {
	Name      string `json:"name"`
	Team      string `json:"team"`
	Namespace string `json:"namespace"` // the team's namespace in this environment
	Blueprint string `json:"blueprint"`
	// Kind is "Deployment" or "CronJob", from the blueprint.
	Kind  string `json:"kind"`
	Image string `json:"image"`
	Port  int    `json:"port,omitempty"` // 0: no Service
	// Ports are every container port: the port shorthand first (named
	// "http"), then the declared ports in order. Port is the primary one.
	Ports []Port `json:"ports,omitempty"`
	// Replicas is the static replica count; ignored when Autoscale is set.
	Replicas  int          `json:"replicas"`
	Autoscale *Autoscale   `json:"autoscale,omitempty"`
	Resources Requirements `json:"resources"`
	Probes    Probes       `json:"probes"`
	Ingress   *Ingress     `json:"ingress,omitempty"`
	DependsOn []string     `json:"dependsOn,omitempty"` // sorted service names
	Egress    []Egress     `json:"egress,omitempty"`    // calls outside the cluster, as declared
	Identity  *Identity    `json:"identity,omitempty"`
	Secrets   *Secrets     `json:"secrets,omitempty"`
	// Metrics is the Prometheus metrics endpoint the cluster scrapes.
	Metrics *Metrics `json:"metrics,omitempty"`
	Route   *Route   `json:"route,omitempty"`
	// Schedule is the cron schedule of a CronJob workload.
	Schedule string `json:"schedule,omitempty"`
	// Security is the container security context the blueprint sets.
	Security Security `json:"security"`
	// PDB and ZoneSpread are the tier policy, possibly overridden for the service.
	PDB        bool `json:"pdb"`
	ZoneSpread bool `json:"zoneSpread"`
	// Env, Config, Command and Args configure the container (config.go).
	Env     []EnvVar `json:"env,omitempty"` // sorted by name
	Config  *Config  `json:"config,omitempty"`
	Command []string `json:"command,omitempty"`
	Args    []string `json:"args,omitempty"`
	// NodePool is the node pool the pods run on (nil: any node), and
	// PriorityClassName the PriorityClass they name ("": none).
	NodePool          *Placement `json:"nodePool,omitempty"`
	PriorityClassName string     `json:"priorityClassName,omitempty"`
	// Source is where the service is declared.
	Source Pos `json:"-"`
	// ExtraObjects and Patches are the escape hatch (escape.go).
	ExtraObjects []ExtraObject `json:"extraObjects,omitempty"`
	Patches      []Patch       `json:"patches,omitempty"`
}

// Security is the restricted security context of a workload's pods.
type Security struct {
	RunAsUser              int64 `json:"runAsUser"`
	RunAsGroup             int64 `json:"runAsGroup"`
	ReadOnlyRootFilesystem bool  `json:"readOnlyRootFilesystem"`
}

// Addon is a Helm chart installed per cluster.
type Addon struct {
	Name      string         `json:"name"`
	Chart     string         `json:"chart"`
	Repo      string         `json:"repo"`
	Version   string         `json:"version"`
	Namespace string         `json:"namespace"`
	Values    map[string]any `json:"values,omitempty"`
	Pos       Pos            `json:"-"`
	// Blueprint is the built-in addon blueprint it comes from, if any;
	// Providers the cluster providers it is installed on (empty: all);
	// After the addons it installs after; Issuer the ClusterIssuer of the
	// cert-manager blueprint.
	Blueprint string   `json:"blueprint,omitempty"`
	Providers []string `json:"providers,omitempty"`
	After     []string `json:"after,omitempty"`
	Issuer    *Issuer  `json:"issuer,omitempty"`
}
