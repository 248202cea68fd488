package tree

import (
	"reflect"
	"testing"

	corev1 "k8s.io/api/core/v1"

	"github.com/plinth-dev/plinth/schemas"
)

func TestPlacement(t *testing.T) {
	spotAKS := corev1.Toleration{Key: "kubernetes.azure.com/scalesetpriority", Operator: corev1.TolerationOpEqual, Value: "spot", Effect: corev1.TaintEffectNoSchedule}
	tests := []struct {
		name     string
		pool     *schemas.Placement
		selector map[string]string
		tols     []corev1.Toleration
	}{
		{name: "no pool"},
		{
			name:     "aks user pool",
			pool:     &schemas.Placement{Pool: "apppool", Provider: "aks"},
			selector: map[string]string{"kubernetes.azure.com/agentpool": "apppool"},
		},
		{
			name: "aks spot pool declaring the spot taint too: one toleration",
			pool: &schemas.Placement{Pool: "spotpool", Provider: "aks", Spot: true,
				Taints: []schemas.Taint{{Key: "kubernetes.azure.com/scalesetpriority", Value: "spot", Effect: "NoSchedule"}}},
			selector: map[string]string{"kubernetes.azure.com/agentpool": "spotpool"},
			tols:     []corev1.Toleration{spotAKS},
		},
		{
			name: "never CriticalAddonsOnly; a taint without value is tolerated with Exists",
			pool: &schemas.Placement{Pool: "p", Provider: "generic", Taints: []schemas.Taint{
				{Key: "CriticalAddonsOnly", Value: "true", Effect: "NoSchedule"}, {Key: "dedicated", Effect: "NoExecute"}}},
			selector: map[string]string{"plinth.dev/node-pool": "p"},
			tols:     []corev1.Toleration{{Key: "dedicated", Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoExecute}},
		},
		{
			name:     "gke spot gpu pool",
			pool:     &schemas.Placement{Pool: "gpu-spot", Provider: "gke", Spot: true, GPU: true},
			selector: map[string]string{"cloud.google.com/gke-nodepool": "gpu-spot"},
			tols: []corev1.Toleration{
				{Key: "cloud.google.com/gke-spot", Operator: corev1.TolerationOpEqual, Value: "true", Effect: corev1.TaintEffectNoSchedule},
				{Key: "nvidia.com/gpu", Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoSchedule},
			},
		},
		{
			name:     "generic spot and gpu pools carry only their declared taints",
			pool:     &schemas.Placement{Pool: "gpu", Provider: "generic", Spot: true, GPU: true},
			selector: map[string]string{"plinth.dev/node-pool": "gpu"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sel, tols := Placement(schemas.Workload{NodePool: tc.pool})
			if !reflect.DeepEqual(sel, tc.selector) {
				t.Errorf("selector %v, want %v", sel, tc.selector)
			}
			if !reflect.DeepEqual(tols, tc.tols) {
				t.Errorf("tolerations %+v, want %+v", tols, tc.tols)
			}
		})
	}
}
