package tree

import (
	"sort"

	corev1 "k8s.io/api/core/v1"

	"github.com/plinth-dev/plinth/schemas"
)

// Node labels that select a node pool, by cluster provider: AKS and GKE
// label every node with the name of its pool; a generic cluster has no such
// label, so its nodes carry plinth's (kubectl label node <node>
// plinth.dev/node-pool=<pool>).
const (
	NodePoolLabelAKS     = "kubernetes.azure.com/agentpool"
	NodePoolLabelGKE     = "cloud.google.com/gke-nodepool"
	NodePoolLabelGeneric = "plinth.dev/node-pool"
)

// NodePoolLabel is the node label that selects a pool on a provider's cluster.
func NodePoolLabel(provider string) string {
	switch provider {
	case "aks":
		return NodePoolLabelAKS
	case "gke":
		return NodePoolLabelGKE
	}
	return NodePoolLabelGeneric
}

// providerTaints are the taints a provider puts on spot and GPU pools:
// AKS taints spot nodes kubernetes.azure.com/scalesetpriority=spot and the
// seed's GPU pool sku=gpu (seed 004 "2. Spot Instances", "GPU Node Pool");
// GKE taints spot pools cloud.google.com/gke-spot=true (as its spot
// documentation recommends) and GPU nodes nvidia.com/gpu (any value).
var providerTaints = map[string]struct{ spot, gpu schemas.Taint }{
	"aks": {
		spot: schemas.Taint{Key: "kubernetes.azure.com/scalesetpriority", Value: "spot", Effect: "NoSchedule"},
		gpu:  schemas.Taint{Key: "sku", Value: "gpu", Effect: "NoSchedule"},
	},
	"gke": {
		spot: schemas.Taint{Key: "cloud.google.com/gke-spot", Value: "true", Effect: "NoSchedule"},
		gpu:  schemas.Taint{Key: "nvidia.com/gpu", Effect: "NoSchedule"},
	},
}

// Placement is the node selector and tolerations of a workload's pods: the
// label of its node pool, and a toleration of each taint of the pool (the
// provider's for spot and GPU pools, and the ones the cluster declares),
// never of CriticalAddonsOnly, which keeps workloads off system pools.
// Both are nil when the workload names no pool.
func Placement(w schemas.Workload) (map[string]string, []corev1.Toleration) {
	p := w.NodePool
	if p == nil {
		return nil, nil
	}
	sel := map[string]string{NodePoolLabel(p.Provider): p.Pool}
	var taints []schemas.Taint
	if pt, ok := providerTaints[p.Provider]; ok {
		if p.Spot {
			taints = append(taints, pt.spot)
		}
		if p.GPU {
			taints = append(taints, pt.gpu)
		}
	}
	taints = append(taints, p.Taints...)
	seen := map[schemas.Taint]bool{}
	var tols []corev1.Toleration
	for _, t := range taints {
		if seen[t] || t.Key == schemas.CriticalAddonsOnly {
			continue
		}
		seen[t] = true
		tol := corev1.Toleration{Key: t.Key, Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffect(t.Effect)}
		if t.Value != "" {
			tol.Operator, tol.Value = corev1.TolerationOpEqual, t.Value
		}
		tols = append(tols, tol)
	}
	sort.Slice(tols, func(i, j int) bool {
		a, b := tols[i], tols[j]
		if a.Key != b.Key {
			return a.Key < b.Key
		}
		if a.Value != b.Value {
			return a.Value < b.Value
		}
		return a.Effect < b.Effect
	})
	return sel, tols
}
