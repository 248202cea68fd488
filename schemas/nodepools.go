package schemas

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation"
)

// NodePool is a node pool a cluster declares (seed 004 "2. Node Pool 전략").
type NodePool struct {
	Name   string   `json:"name"`
	Mode   string   `json:"mode"` // "system" | "user"
	VMSize string   `json:"vmSize,omitempty"`
	Zones  []string `json:"zones,omitempty"`
	// Taints as declared: "key=value:Effect" or "key:Effect".
	Taints []string `json:"taints,omitempty"`
	Min    *int     `json:"min,omitempty"`
	Max    *int     `json:"max,omitempty"`
	Spot   bool     `json:"spot,omitempty"`
	GPU    bool     `json:"gpu,omitempty"`
}

// Placement is the node pool a workload runs on in one environment, with
// what the generator needs to select it: the provider of the environment's
// cluster (which names the node label) and the pool as the cluster
// declares it (whose taints the pods tolerate).
type Placement struct {
	Pool     string  `json:"pool"`
	Provider string  `json:"provider"` // "aks" | "gke" | "generic"
	Taints   []Taint `json:"taints,omitempty"`
	Spot     bool    `json:"spot,omitempty"`
	GPU      bool    `json:"gpu,omitempty"`
}

// Taint is a parsed node taint; Value may be empty.
type Taint struct {
	Key    string `json:"key"`
	Value  string `json:"value,omitempty"`
	Effect string `json:"effect"` // NoSchedule | PreferNoSchedule | NoExecute
}

// CriticalAddonsOnly is the taint key of AKS system pools: only the
// cluster's critical add-ons tolerate it, never a workload.
const CriticalAddonsOnly = "CriticalAddonsOnly"

// ParseTaint parses "key=value:Effect" or "key:Effect", as
// az aks nodepool add --node-taints and gcloud --node-taints take them.
func ParseTaint(s string) (Taint, error) {
	i := strings.LastIndex(s, ":")
	if i < 0 {
		return Taint{}, fmt.Errorf("no effect: write key=value:Effect")
	}
	kv, effect := s[:i], s[i+1:]
	switch effect {
	case "NoSchedule", "PreferNoSchedule", "NoExecute":
	default:
		return Taint{}, fmt.Errorf("effect %q is not NoSchedule, PreferNoSchedule or NoExecute", effect)
	}
	key, value, _ := strings.Cut(kv, "=")
	if errs := validation.IsQualifiedName(key); len(errs) > 0 {
		return Taint{}, fmt.Errorf("key %q: %s", key, strings.Join(errs, "; "))
	}
	if errs := validation.IsValidLabelValue(value); len(errs) > 0 {
		return Taint{}, fmt.Errorf("value %q: %s", value, strings.Join(errs, "; "))
	}
	return Taint{Key: key, Value: value, Effect: effect}, nil
}

type rawNodePool struct {
	Mode   string   `json:"mode"`
	VMSize *string  `json:"vmSize"`
	Zones  []string `json:"zones"`
	Taints []string `json:"taints"`
	Min    *int     `json:"min"`
	Max    *int     `json:"max"`
	Spot   bool     `json:"spot"`
	GPU    bool     `json:"gpu"`
}

var (
	// AKS: a Linux node pool name is 1-12 lowercase letters and digits,
	// starting with a letter.
	aksPoolRE = regexp.MustCompile(`^[a-z][a-z0-9]{0,11}$`)
	// GKE: 1-40 lowercase letters, digits and '-', starting with a letter,
	// not ending with '-'.
	gkePoolRE = regexp.MustCompile(`^[a-z]([-a-z0-9]{0,38}[a-z0-9])?$`)
)

// poolNameRule says what a node pool name of a provider must look like;
// ok reports whether name follows it.
func poolNameRule(provider, name string) (ok bool, rule string) {
	switch provider {
	case "aks":
		return aksPoolRE.MatchString(name), "an AKS Linux node pool name is 1-12 lowercase letters and digits, starting with a letter"
	case "gke":
		return gkePoolRE.MatchString(name), "a GKE node pool name is 1-40 lowercase letters, digits and '-', starting with a letter and not ending with '-'"
	}
	return len(validation.IsDNS1123Label(name)) == 0, "a node pool name is a DNS-1123 label (it is the value of the node label that selects the pool)"
}

// nodePools checks the node pools of cluster name and returns them sorted.
func (l *loader) nodePools(name string, c rawCluster) []NodePool {
	at := []string{"clusters", name, "nodePools"}
	var out []NodePool
	system := false
	for _, pn := range sortedKeys(c.NodePools) {
		p := c.NodePools[pn]
		pat := appendPath(at, pn)
		if ok, rule := poolNameRule(c.Provider, pn); !ok {
			l.addAt("node-pool-name", pat, "node pool name %q (provider %s): %s", pn, c.Provider, rule)
		}
		np := NodePool{Name: pn, Mode: p.Mode, Zones: slices.Clone(p.Zones), Taints: slices.Clone(p.Taints),
			Min: p.Min, Max: p.Max, Spot: p.Spot, GPU: p.GPU}
		if np.Mode == "" {
			np.Mode = "user"
		}
		if p.VMSize != nil {
			np.VMSize = *p.VMSize
			if strings.TrimSpace(np.VMSize) == "" {
				l.addAt("node-pool-size", appendPath(pat, "vmSize"), "vmSize must name a VM or machine type (e.g. \"Standard_D4s_v3\", \"e2-standard-4\")")
			}
		}
		system = system || np.Mode == "system"
		l.checkPoolZones(p.Zones, appendPath(pat, "zones"))
		for i, t := range p.Taints {
			tat := appendPath(pat, "taints", fmt.Sprint(i))
			tt, err := ParseTaint(t)
			switch {
			case err != nil:
				l.addAt("node-pool-taint", tat, "taint %q is not key=value:Effect (or key:Effect): %v", t, err)
			case tt.Key == CriticalAddonsOnly && np.Mode != "system":
				l.addAt("node-pool-taint", tat, "the %s taint keeps everything but the cluster's critical add-ons off a pool: it belongs on system pools, and %q is a user pool", CriticalAddonsOnly, pn)
			}
		}
		if p.Min != nil && *p.Min < 0 {
			l.addAt("node-pool-size", appendPath(pat, "min"), "min must be 0 or more, got %d", *p.Min)
		}
		if p.Max != nil && *p.Max < 1 {
			l.addAt("node-pool-size", appendPath(pat, "max"), "max must be at least 1, got %d", *p.Max)
		}
		if p.Min != nil && p.Max != nil && *p.Min > *p.Max {
			l.addAt("node-pool-size", appendPath(pat, "max"), "max (%d) must be at least min (%d)", *p.Max, *p.Min)
		}
		if np.Mode == "system" {
			if p.Min != nil && *p.Min < 1 {
				l.addAt("node-pool-system", appendPath(pat, "min"), "a system pool keeps at least one node (the cluster's critical add-ons run there): min must be 1 or more, got %d", *p.Min)
			}
			if p.Spot {
				l.addAt("node-pool-system", appendPath(pat, "spot"), "a system pool cannot be a spot pool: spot nodes are evicted, and the cluster's critical add-ons run on system pools")
			}
		}
		out = append(out, np)
	}
	if len(c.NodePools) > 0 && c.Provider == "aks" && !system {
		l.addAt("node-pool-system", at, "an AKS cluster needs at least one system node pool (mode: \"system\") for its critical add-ons: declare one, e.g. systempool: {mode: \"system\", taints: [\"CriticalAddonsOnly=true:NoSchedule\"], min: 3, max: 3}")
	}
	return out
}

// checkPoolZones requires a pool's zones to be non-empty and unique.
func (l *loader) checkPoolZones(zones []string, at []string) {
	seen := map[string]bool{}
	for i, z := range zones {
		if z == "" || seen[z] {
			l.addAt("zones", appendPath(at, fmt.Sprint(i)), "zone %q must be a non-empty, unique zone name", z)
		}
		seen[z] = true
	}
}

// checkPlacementFields checks the node pool and priority class a service
// or one of its overrides declares at path at.
func (l *loader) checkPlacementFields(f *rawWorkload, at []string) {
	if p := f.NodePool; p != nil {
		l.checkPoolRef(*p, appendPath(at, "nodePool"))
	}
	if pc := f.PriorityClassName; pc != nil {
		pat := appendPath(at, "priorityClassName")
		switch {
		case len(validation.IsDNS1123Subdomain(*pc)) > 0:
			l.addAt("priority-class", pat, "priorityClassName %q is not a DNS-1123 subdomain (lowercase letters, digits, '-' and '.'): it names a PriorityClass", *pc)
		case strings.HasPrefix(*pc, "system-"):
			l.addAt("priority-class", pat, "priorityClassName %q is reserved for the cluster's critical components (system-cluster-critical, system-node-critical): give workloads a PriorityClass of your own", *pc)
		}
	}
}

// checkPoolRef checks the form of a node pool name a service, blueprint or
// environment names.
func (l *loader) checkPoolRef(name string, at []string) {
	if len(validation.IsDNS1123Label(name)) > 0 {
		l.addAt("node-pool", at, "nodePool %q is not a node pool name (lowercase letters, digits and '-')", name)
	}
}

// placeWorkloads sets the node pool and priority class of every workload,
// per environment after overrides: overrides.<env>, then the service, then
// its blueprint, then the environment's default. The pool must be a user
// pool the environment's cluster declares.
func (l *loader) placeWorkloads(s *rawSpec, m *Model) {
	clusters := map[string]Cluster{}
	for _, c := range m.Clusters {
		clusters[c.Name] = c
	}
	for _, name := range sortedKeys(s.Blueprints) {
		if p := s.Blueprints[name].NodePool; p != nil {
			l.checkPoolRef(*p, []string{"blueprints", name, "nodePool"})
		}
	}
	for _, name := range sortedKeys(s.Environments) {
		if p := s.Environments[name].NodePool; p != nil {
			l.checkPoolRef(*p, []string{"environments", name, "nodePool"})
		}
	}
	for ei := range m.Environments {
		env := &m.Environments[ei]
		c, ok := clusters[env.Cluster]
		if !ok {
			continue // an unknown cluster is already an error
		}
		for wi := range env.Workloads {
			w := &env.Workloads[wi]
			svc := s.Services[w.Name]
			pool, at := l.poolOf(s, env.Name, w.Name, svc)
			pc := svc.PriorityClassName
			if o, ok := svc.Overrides[env.Name]; ok && o.PriorityClassName != nil {
				pc = o.PriorityClassName
			}
			w.PriorityClassName = deref(pc)
			if pool == "" {
				continue
			}
			w.NodePool = &Placement{Pool: pool, Provider: c.Provider}
			i := slices.IndexFunc(c.NodePools, func(p NodePool) bool { return p.Name == pool })
			if i < 0 {
				l.addEnv("node-pool", at, env.Name, "node pool %q is not declared on cluster %q: %s", pool, c.Name, poolChoices(pool, c))
				continue
			}
			np := c.NodePools[i]
			if np.Mode == "system" {
				l.addEnv("node-pool", at, env.Name, "node pool %q of cluster %q is a system pool, kept for the cluster's critical add-ons (%s): name a user pool; %s", pool, c.Name, CriticalAddonsOnly, poolChoices("", c))
				continue
			}
			w.NodePool.Spot, w.NodePool.GPU = np.Spot, np.GPU
			for _, t := range np.Taints {
				if tt, err := ParseTaint(t); err == nil { // else already an error of the cluster
					w.NodePool.Taints = append(w.NodePool.Taints, tt)
				}
			}
		}
	}
}

// poolOf is the node pool a service runs on in env and the path that names
// it ("" when none does).
func (l *loader) poolOf(s *rawSpec, env, name string, svc rawService) (string, []string) {
	if o, ok := svc.Overrides[env]; ok && o.NodePool != nil {
		return *o.NodePool, []string{"services", name, "overrides", env, "nodePool"}
	}
	if svc.NodePool != nil {
		return *svc.NodePool, []string{"services", name, "nodePool"}
	}
	if b, ok := s.Blueprints[svc.Blueprint]; ok && b.NodePool != nil {
		return *b.NodePool, []string{"blueprints", svc.Blueprint, "nodePool"}
	}
	if p := s.Environments[env].NodePool; p != nil {
		return *p, []string{"environments", env, "nodePool"}
	}
	return "", nil
}

// poolChoices names the user pools of a cluster a service may use, and
// the one nearest to got.
func poolChoices(got string, c Cluster) string {
	if len(c.NodePools) == 0 {
		return fmt.Sprintf("it declares no node pools; declare them under clusters.%s.nodePools", c.Name)
	}
	var users []string
	for _, p := range c.userPools() {
		users = append(users, fmt.Sprintf("%q", p))
	}
	if len(users) == 0 {
		return "it declares no user pool; add one (mode: \"user\") for workloads"
	}
	out := "its user pools are " + strings.Join(users, ", ")
	if c := choices(got, c.userPools()); got != "" && strings.HasPrefix(c, "did you mean") {
		out += "; " + c
	}
	return out
}

// userPools are the names of the cluster's user-mode pools.
func (c Cluster) userPools() []string {
	var out []string
	for _, p := range c.NodePools {
		if p.Mode != "system" {
			out = append(out, p.Name)
		}
	}
	return out
}
