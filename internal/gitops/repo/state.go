package repo

// ClusterState is what the generator records about a cluster in
// ClusterStatePath(name) and what the report reads back: the declared
// settings, the environments deployed to it with their namespaces, and the
// registries images must come from.
type ClusterState struct {
	// Generated says what a generated file's header says (JSON has no
	// comments): where it comes from and not to edit it.
	Generated         string         `json:"generated,omitempty"`
	Name              string         `json:"name"`
	Provider          string         `json:"provider"`
	KubernetesVersion string         `json:"kubernetesVersion"`
	Zones             []string       `json:"zones"`
	Settings          map[string]any `json:"settings"`
	Environments      []EnvState     `json:"environments"`
	// Registries are the trusted registries (platform.registries).
	Registries []string `json:"registries,omitempty"`
	// NodePools are the node pools the cluster declares, sorted by name.
	NodePools []NodePoolState `json:"nodePools,omitempty"`
}

// EnvState is one environment of a cluster state.
type EnvState struct {
	Name       string   `json:"name"`
	Tier       string   `json:"tier"`
	Namespaces []string `json:"namespaces"`
}
