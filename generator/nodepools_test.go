package generator

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/plinth-dev/plinth/schemas"
)

// poolsPlatform runs api (web) and trainer (a worker of a blueprint that
// names the gpu pool) on a generic cluster (dev), GKE (staging) and AKS
// (prod), each declaring its pools; environments name a default pool.
const poolsPlatform = `package pools

platform: {
	name: "pools"
	registries: ["demo.azurecr.io"]
	gitops: repo: "https://git.example.com/pools-gitops.git"
}
clusters: {
	lab: {provider: "generic", kubernetesVersion: "1.34", nodePools: {
		general: {}
		gpu: {gpu: true, taints: ["nvidia.com/gpu=present:NoSchedule"]}
	}}
	"gke-eu": {provider: "gke", kubernetesVersion: "1.34", nodePools: {
		apps: {}
		spot: {spot: true}
		gpu: {gpu: true}
	}}
	"aks-we": {provider: "aks", kubernetesVersion: "1.34", zones: ["1", "2", "3"], nodePools: {
		systempool: {mode: "system", taints: ["CriticalAddonsOnly=true:NoSchedule"], min: 3, max: 3}
		apppool: {min: 3, max: 10}
		gpu: {gpu: true, taints: ["sku=gpu:NoSchedule", "team=ml:NoExecute"]}
	}}
}
environments: {
	dev: {tier: "development", cluster: "lab", nodePool: "general"}
	staging: {tier: "staging", cluster: "gke-eu", nodePool: "apps"}
	prod: {
		tier:     "production"
		cluster:  "aks-we"
		nodePool: "apppool"
		backup: {schedule: "0 2 * * *", ttl: "720h"}
	}
}
teams: ml: access: view: ["0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"]
blueprints: "gpu-worker": {extends: "worker", nodePool: "gpu"}
#res: {requests: {cpu: "100m", memory: "64Mi"}, limits: {cpu: "200m", memory: "128Mi"}}
services: {
	api: {
		team: "ml", blueprint: "web", image: "demo.azurecr.io/api:1.0.0", port: 8080, resources: #res
		priorityClassName: "business-critical"
		overrides: {
			dev: priorityClassName: "best-effort"
			staging: nodePool:      "spot"
		}
	}
	trainer: {team: "ml", blueprint: "gpu-worker", image: "demo.azurecr.io/trainer:1.0.0", resources: #res}
}
`

// TestGenerateNodePools checks the node selector, tolerations and priority
// class of the pods in each environment, after overrides, blueprint and
// environment defaults, in every engine and flavor (generateChecked
// compares the helm flavor's objects with the kustomize one's).
func TestGenerateNodePools(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "platform.cue"), []byte(poolsPlatform), 0o644); err != nil {
		t.Fatal(err)
	}
	m, err := schemas.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := generateChecked(t, m)
	tests := []struct {
		env, svc    string
		selector    string // YAML
		tolerations string // YAML
		priority    string
	}{
		{"dev", "api", "plinth.dev/node-pool: general", "null", "best-effort"},
		{"dev", "trainer", "plinth.dev/node-pool: gpu",
			"[{key: nvidia.com/gpu, operator: Equal, value: present, effect: NoSchedule}]", ""},
		{"staging", "api", "cloud.google.com/gke-nodepool: spot",
			`[{key: cloud.google.com/gke-spot, operator: Equal, value: "true", effect: NoSchedule}]`, "business-critical"},
		{"staging", "trainer", "cloud.google.com/gke-nodepool: gpu",
			"[{key: nvidia.com/gpu, operator: Exists, effect: NoSchedule}]", ""},
		{"prod", "api", "kubernetes.azure.com/agentpool: apppool", "null", "business-critical"},
		// The provider's GPU taint and the declared one are the same: one toleration.
		{"prod", "trainer", "kubernetes.azure.com/agentpool: gpu",
			"[{key: sku, operator: Equal, value: gpu, effect: NoSchedule}, {key: team, operator: Equal, value: ml, effect: NoExecute}]", ""},
	}
	for _, tc := range tests {
		t.Run(tc.env+"/"+tc.svc, func(t *testing.T) {
			var pod map[string]any
			for _, o := range build(t, out, "apps/"+tc.env) {
				if o["kind"] == "Deployment" && dig(o, "metadata", "name") == tc.svc {
					pod, _ = dig(o, "spec", "template", "spec").(map[string]any)
				}
			}
			if pod == nil {
				t.Fatalf("no Deployment %s in %s", tc.svc, tc.env)
			}
			if g, w, ok := sameYAML(t, pod["nodeSelector"], tc.selector); !ok {
				t.Errorf("nodeSelector:\n%s\nwant:\n%s", g, w)
			}
			if g, w, ok := sameYAML(t, pod["tolerations"], tc.tolerations); !ok {
				t.Errorf("tolerations:\n%s\nwant:\n%s", g, w)
			}
			if got, _ := pod["priorityClassName"].(string); got != tc.priority {
				t.Errorf("priorityClassName %q, want %q", got, tc.priority)
			}
		})
	}
}
