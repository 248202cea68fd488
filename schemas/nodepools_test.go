package schemas_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/plinth-dev/plinth/schemas"
)

// poolsPlatform has dev on a generic cluster and prod on AKS, each with
// its pools; services are appended.
const poolsPlatform = `package anything

platform: {
	name: "demo"
	registries: ["demo.azurecr.io"]
	gitops: repo: "https://git.example.com/demo-gitops.git"
}
clusters: {
	lab: {provider: "generic", kubernetesVersion: "1.34", nodePools: {general: {}, batch: {taints: ["dedicated=batch:NoSchedule"]}}}
	"aks-we": {provider: "aks", kubernetesVersion: "1.34", zones: ["1", "2", "3"], nodePools: {
		systempool: {mode: "system", taints: ["CriticalAddonsOnly=true:NoSchedule"]}
		apppool: {}
		spotpool: {spot: true}
	}}
}
environments: {
	dev: {tier: "development", cluster: "lab"%s}
	prod: {
		tier:    "production"
		cluster: "aks-we"%s
		backup: {schedule: "@daily", ttl: "720h"}
	}
}
teams: shop: access: {}
#res: {requests: {cpu: "100m", memory: "64Mi"}, limits: {cpu: "200m", memory: "128Mi"}}
blueprints: batch: {extends: "worker", nodePool: "batch"}
`

func loadPools(t *testing.T, devDefault, prodDefault, services string) (*schemas.Model, error) {
	t.Helper()
	def := func(p string) string {
		if p == "" {
			return ""
		}
		return ", nodePool: \"" + p + "\""
	}
	src := strings.Replace(strings.Replace(poolsPlatform, "%s", def(devDefault), 1), "%s", def(prodDefault), 1) + services
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "platform.cue"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return schemas.Load(dir)
}

// TestNodePoolPrecedence checks which pool a workload runs on per
// environment: overrides.<env>, then the service, then its blueprint, then
// the environment's default; and what the placement carries.
func TestNodePoolPrecedence(t *testing.T) {
	tests := []struct {
		name                 string
		devDefault, prodDef  string
		service              string
		wantDev, wantProd    string // "" for no pool
		wantSpot, wantTaints bool   // in prod, in dev
		wantPriority         map[string]string
	}{
		{name: "no pool anywhere", service: `services: w: {team: "shop", blueprint: "worker", image: "demo.azurecr.io/w:1.0.0", resources: #res}`},
		{name: "environment defaults", devDefault: "general", prodDef: "apppool", wantDev: "general", wantProd: "apppool",
			service: `services: w: {team: "shop", blueprint: "worker", image: "demo.azurecr.io/w:1.0.0", resources: #res}`},
		{name: "the service over the environment, an override over the service", devDefault: "general", prodDef: "apppool",
			wantDev: "batch", wantProd: "spotpool", wantSpot: true, wantTaints: true,
			service: `services: w: {team: "shop", blueprint: "worker", image: "demo.azurecr.io/w:1.0.0", resources: #res
	nodePool: "batch"
	overrides: prod: nodePool: "spotpool"}`},
		{name: "the blueprint over the environment", devDefault: "general", prodDef: "apppool", wantDev: "batch", wantProd: "spotpool",
			wantSpot: true, wantTaints: true,
			service: `services: w: {team: "shop", blueprint: "batch", image: "demo.azurecr.io/w:1.0.0", resources: #res
	overrides: prod: nodePool: "spotpool"}`},
		{name: "priority class with an override", devDefault: "general", prodDef: "apppool", wantDev: "general", wantProd: "apppool",
			wantPriority: map[string]string{"dev": "low", "prod": "high"},
			service: `services: w: {team: "shop", blueprint: "worker", image: "demo.azurecr.io/w:1.0.0", resources: #res
	priorityClassName: "high"
	overrides: dev: priorityClassName: "low"}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := loadPools(t, tc.devDefault, tc.prodDef, tc.service)
			if err != nil {
				t.Fatal(err)
			}
			for _, env := range m.Environments {
				w := env.Workloads[0]
				want := map[string]string{"dev": tc.wantDev, "prod": tc.wantProd}[env.Name]
				got := ""
				if w.NodePool != nil {
					got = w.NodePool.Pool
				}
				if got != want {
					t.Errorf("%s: pool %q, want %q", env.Name, got, want)
				}
				if w.PriorityClassName != tc.wantPriority[env.Name] {
					t.Errorf("%s: priorityClassName %q, want %q", env.Name, w.PriorityClassName, tc.wantPriority[env.Name])
				}
				switch env.Name {
				case "prod":
					if w.NodePool != nil && (w.NodePool.Spot != tc.wantSpot || w.NodePool.Provider != "aks") {
						t.Errorf("prod: placement %+v, want spot %v on aks", *w.NodePool, tc.wantSpot)
					}
				case "dev":
					if has := w.NodePool != nil && len(w.NodePool.Taints) == 1; has != tc.wantTaints {
						t.Errorf("dev: placement %+v, want the batch taint %v", w.NodePool, tc.wantTaints)
					}
				}
			}
		})
	}
}

// TestNodePoolErrors checks the errors of a pool reference per
// environment: at the field that names it, naming the cluster and its
// pools, once for the environments it concerns.
func TestNodePoolErrors(t *testing.T) {
	tests := []struct {
		name, prodDefault, service string
		wantPath, wantMsg          string
	}{
		{name: "missing on the prod cluster only", service: `services: w: {team: "shop", blueprint: "worker", image: "demo.azurecr.io/w:1.0.0", resources: #res, nodePool: "general"}`,
			wantPath: "services.w.nodePool", wantMsg: `node pool "general" is not declared on cluster "aks-we": its user pools are "apppool", "spotpool" (in environment prod)`},
		{name: "a system pool by the environment default", prodDefault: "systempool",
			service:  `services: w: {team: "shop", blueprint: "worker", image: "demo.azurecr.io/w:1.0.0", resources: #res, overrides: dev: nodePool: "general"}`,
			wantPath: "environments.prod.nodePool", wantMsg: `is a system pool`},
		{name: "a reserved priority class in an override",
			service:  `services: w: {team: "shop", blueprint: "worker", image: "demo.azurecr.io/w:1.0.0", resources: #res, overrides: prod: priorityClassName: "system-node-critical"}`,
			wantPath: "services.w.overrides.prod.priorityClassName", wantMsg: "reserved"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := loadPools(t, "", tc.prodDefault, tc.service)
			var errs schemas.Errors
			if !errors.As(err, &errs) {
				t.Fatalf("want located errors, got %v", err)
			}
			found := false
			for _, e := range errs {
				if e.Path == tc.wantPath && strings.Contains(e.Msg, tc.wantMsg) {
					found = true
				}
			}
			if !found || len(errs) != 1 {
				t.Errorf("want one error at %s containing %q, got:\n%v", tc.wantPath, tc.wantMsg, errs)
			}
		})
	}
}

func TestParseTaint(t *testing.T) {
	tests := []struct {
		in      string
		want    schemas.Taint
		wantErr string
	}{
		{in: "sku=gpu:NoSchedule", want: schemas.Taint{Key: "sku", Value: "gpu", Effect: "NoSchedule"}},
		{in: "kubernetes.azure.com/scalesetpriority=spot:NoSchedule", want: schemas.Taint{Key: "kubernetes.azure.com/scalesetpriority", Value: "spot", Effect: "NoSchedule"}},
		{in: "dedicated:NoExecute", want: schemas.Taint{Key: "dedicated", Effect: "NoExecute"}},
		{in: "sku=gpu", wantErr: "no effect"},
		{in: "sku=gpu:Never", wantErr: "effect"},
		{in: "bad key=x:NoSchedule", wantErr: "key"},
		{in: "k=bad value:NoSchedule", wantErr: "value"},
	}
	for _, tc := range tests {
		got, err := schemas.ParseTaint(tc.in)
		switch {
		case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
			t.Errorf("%q: error %v, want one containing %q", tc.in, err, tc.wantErr)
		case tc.wantErr == "" && (err != nil || got != tc.want):
			t.Errorf("%q: %+v, %v; want %+v", tc.in, got, err, tc.want)
		}
	}
}
