package schemas

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// The raw platform spec as decoded from CUE after unification with #Spec.
// Optional fields are pointers so "unset" differs from zero.

type rawSpec struct {
	Platform     rawPlatform               `json:"platform"`
	Clusters     map[string]rawCluster     `json:"clusters"`
	Environments map[string]rawEnvironment `json:"environments"`
	Teams        map[string]rawTeam        `json:"teams"`
	Services     map[string]rawService     `json:"services"`
	Addons       map[string]rawAddon       `json:"addons"`
	Blueprints   map[string]rawBlueprint   `json:"blueprints"`
}

type rawPlatform struct {
	Name       string   `json:"name"`
	Registries []string `json:"registries"`
	GitOps     GitOps   `json:"gitops"`
}

type rawCluster struct {
	Provider          string                 `json:"provider"`
	KubernetesVersion string                 `json:"kubernetesVersion"`
	Zones             []string               `json:"zones"`
	Settings          map[string]any         `json:"settings"`
	NodePools         map[string]rawNodePool `json:"nodePools"`
	Monitoring        *rawMonitoring         `json:"monitoring"`
}

type rawEnvironment struct {
	Tier     string          `json:"tier"`
	Cluster  string          `json:"cluster"`
	Backup   *Backup         `json:"backup"`
	Policy   *policyOverride `json:"policy"`
	Patches  []rawPatch      `json:"patches"`
	NodePool *string         `json:"nodePool"`
	Gateway  *rawGateway     `json:"gateway"`
}

type policyOverride struct {
	PodSecurity *struct {
		Enforce *string `json:"enforce"`
		Audit   *string `json:"audit"`
		Warn    *string `json:"warn"`
	} `json:"podSecurity"`
	MinReplicas    *int  `json:"minReplicas"`
	ZoneSpread     *bool `json:"zoneSpread"`
	PDB            *bool `json:"pdb"`
	BackupRequired *bool `json:"backupRequired"`
	LimitRange     *struct {
		DefaultRequest *rawResources `json:"defaultRequest"`
		Default        *rawResources `json:"default"`
		Max            *rawResources `json:"max"`
	} `json:"limitRange"`
}

// quantity is a CUE string or number; decoded as its text.
type quantity string

func (q *quantity) UnmarshalJSON(b []byte) error {
	s := string(b)
	if len(s) >= 2 && s[0] == '"' {
		s = s[1 : len(s)-1]
	}
	*q = quantity(s)
	return nil
}

type rawResources struct {
	CPU    *quantity `json:"cpu"`
	Memory *quantity `json:"memory"`
}

type rawTeam struct {
	Access Access `json:"access"`
	Quota  *struct {
		CPU          quantity  `json:"cpu"`
		Memory       quantity  `json:"memory"`
		LimitsCPU    *quantity `json:"limitsCPU"`
		LimitsMemory *quantity `json:"limitsMemory"`
		Pods         *int      `json:"pods"`
	} `json:"quota"`
}

// rawWorkload holds the fields of a service or of one of its overrides. The
// optional objects an override may remove are removable; the schema allows
// null only under overrides.
type rawWorkload struct {
	Image     *string              `json:"image"`
	Port      *int                 `json:"port"`
	Replicas  *int                 `json:"replicas"`
	Ports     []rawPort            `json:"ports"`
	Autoscale removable[Autoscale] `json:"autoscale"`
	Resources *struct {
		Requests *rawResources `json:"requests"`
		Limits   *rawResources `json:"limits"`
	} `json:"resources"`
	Probes    *rawProbes             `json:"probes"`
	Ingress   removable[Ingress]     `json:"ingress"`
	DependsOn []string               `json:"dependsOn"`
	Egress    []Egress               `json:"egress"`
	Identity  removable[rawIdentity] `json:"identity"`
	Secrets   removable[rawSecrets]  `json:"secrets"`
	Metrics   removable[rawMetrics]  `json:"metrics"`
	Route     removable[rawRoute]    `json:"route"`
	Schedule  *string                `json:"schedule"`
	Policy    *struct {
		PDB        *bool `json:"pdb"`
		ZoneSpread *bool `json:"zoneSpread"`
	} `json:"policy"`
	Env               map[string]rawEnvValue `json:"env"` // config.go
	Config            *rawConfig             `json:"config"`
	Command           []string               `json:"command"`
	Args              []string               `json:"args"`
	ExtraObjects      []map[string]any       `json:"extraObjects"`
	Patches           []rawPatch             `json:"patches"`
	NodePool          *string                `json:"nodePool"`
	PriorityClassName *string                `json:"priorityClassName"`
}

// removable is an optional object field of a workload in one of three
// states: absent (V nil, Null false), set (V) or null (Null), which in
// overrides.<env> removes the service's value in that environment.
type removable[T any] struct {
	V    *T
	Null bool
}

// UnmarshalJSON decodes null as a removal and anything else as a value. A
// value of the wrong type is kept as far as it decodes, as encoding/json
// does for plain fields, so that the rest of the spec still decodes: the
// schema reports the type (the loader decodes a spec with schema errors
// only to find further errors).
func (r *removable[T]) UnmarshalJSON(b []byte) error {
	if bytes.Equal(bytes.TrimSpace(b), []byte("null")) {
		*r = removable[T]{Null: true}
		return nil
	}
	v := new(T)
	err := json.Unmarshal(b, v)
	*r = removable[T]{V: v}
	if te := (*json.UnmarshalTypeError)(nil); err != nil && !errors.As(err, &te) {
		return fmt.Errorf("decode %T: %w", *v, err)
	}
	return nil
}

// rawIdentity and rawSecrets keep "set to an empty string" apart from
// "not set": exactly one store and one identity form may be declared.
type rawIdentity struct {
	ClientID          *string `json:"clientID"`
	GCPServiceAccount *string `json:"gcpServiceAccount"`
}

type rawSecrets struct {
	KeyVault   *string  `json:"keyVault"`
	TenantID   *string  `json:"tenantID"`
	GCPProject *string  `json:"gcpProject"`
	Objects    []string `json:"objects"`
}

type rawService struct {
	rawWorkload
	Team      string                 `json:"team"`
	Blueprint string                 `json:"blueprint"`
	Overrides map[string]rawWorkload `json:"overrides"` // #Override
}

type rawAddon struct {
	Blueprint string         `json:"blueprint"`
	Issuer    *rawIssuer     `json:"issuer"`
	Chart     string         `json:"chart"`
	Repo      string         `json:"repo"`
	Version   string         `json:"version"`
	Namespace string         `json:"namespace"`
	Values    map[string]any `json:"values"`
}

// rawBlueprint is a user-declared blueprint.
type rawBlueprint struct {
	Extends  string     `json:"extends"`
	Port     *int       `json:"port"`
	Replicas *int       `json:"replicas"`
	Probes   *rawProbes `json:"probes"`
	Security *struct {
		RunAsUser  *int64 `json:"runAsUser"`
		RunAsGroup *int64 `json:"runAsGroup"`
	} `json:"security"`
	NodePool *string `json:"nodePool"`
}

// kind is a built-in workload blueprint (blueprints/kinds.cue).
type kind struct {
	Kind             string   `json:"kind"`
	Service          bool     `json:"service"`
	PortRequired     bool     `json:"portRequired"`
	ScheduleRequired bool     `json:"scheduleRequired"`
	Port             int      `json:"port"`
	Probes           Probes   `json:"probes"`
	Replicas         int      `json:"replicas"`
	Security         Security `json:"security"`
}

// builtins are the decoded embedded blueprints.
type builtins struct {
	Tiers map[string]TierPolicy `json:"tiers"`
	Kinds map[string]kind       `json:"kinds"`
	// Addons are the addon blueprints (blueprints/addons.cue).
	Addons map[string]addonBlueprint `json:"addons"`
}

// defaults fills the schema's defaults into a spec decoded from the user's
// values alone (when the schema reported errors).
func (s *rawSpec) defaults() {
	if s.Platform.GitOps.Engine == "" {
		s.Platform.GitOps.Engine = "flux"
	}
	if s.Platform.GitOps.Branch == "" {
		s.Platform.GitOps.Branch = "main"
	}
	fill := func(w *rawWorkload) {
		if in := w.Ingress.V; in != nil && in.Path == "" {
			in.Path = "/"
		}
		if a := w.Autoscale.V; a != nil && a.CPUUtilization == 0 {
			a.CPUUtilization = 70
		}
		if mt := w.Metrics.V; mt != nil && mt.Path == "" {
			mt.Path = "/metrics"
		}
	}
	s.gatewayDefaults()
	for name, svc := range s.Services {
		fill(&svc.rawWorkload)
		for env, o := range svc.Overrides {
			fill(&o)
			svc.Overrides[env] = o
		}
		s.Services[name] = svc
	}
}
