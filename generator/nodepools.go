package generator

import (
	corev1 "k8s.io/api/core/v1"

	"github.com/plinth-dev/plinth/generator/internal/tree"
	"github.com/plinth-dev/plinth/internal/gitops/repo"
	"github.com/plinth-dev/plinth/schemas"
)

// place puts a workload's pods on its node pool (seed 004 "2. Node Pool
// 전략"): the pool's node selector, the tolerations of its taints, and the
// PriorityClass the workload names. The PriorityClass itself is the
// cluster's: plinth references it and does not create it.
func place(spec *corev1.PodSpec, w schemas.Workload) {
	spec.NodeSelector, spec.Tolerations = tree.Placement(w)
	spec.PriorityClassName = w.PriorityClassName
}

// nodePoolStates are the cluster's declared node pools for its cluster
// state (nil when it declares none).
func nodePoolStates(c schemas.Cluster) []repo.NodePoolState {
	var out []repo.NodePoolState
	for _, p := range c.NodePools {
		out = append(out, repo.NodePoolState{Name: p.Name, Mode: p.Mode, VMSize: p.VMSize, Zones: p.Zones,
			Taints: p.Taints, Min: p.Min, Max: p.Max, Spot: p.Spot, GPU: p.GPU})
	}
	return out
}
