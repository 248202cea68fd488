package repo

// NodePoolState is a node pool a cluster declares, as recorded in its
// cluster state for the report: the pool's mode, size and zones, its taints
// as declared ("key=value:Effect") and whether it runs on spot VMs or GPUs.
type NodePoolState struct {
	Name   string   `json:"name"`
	Mode   string   `json:"mode"` // "system" | "user"
	VMSize string   `json:"vmSize,omitempty"`
	Zones  []string `json:"zones,omitempty"`
	Taints []string `json:"taints,omitempty"`
	Min    *int     `json:"min,omitempty"`
	Max    *int     `json:"max,omitempty"`
	Spot   bool     `json:"spot,omitempty"`
	GPU    bool     `json:"gpu,omitempty"`
}
