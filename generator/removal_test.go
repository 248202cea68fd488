package generator

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/plinth-dev/plinth/schemas"
)

// removalPlatform runs web service api, with an ingress, an autoscaler, an
// Azure Workload Identity and Key Vault secrets, in dev, staging and prod
// on one AKS cluster (so each environment keeping the ingress needs its own
// host); overrides is appended inside the service.
const removalPlatform = `package removal

platform: {
	name: "removal"
	registries: ["demo.azurecr.io"]
	gitops: repo: "https://git.example.com/removal-gitops.git"
}
clusters: "aks-we": {provider: "aks", kubernetesVersion: "1.34", zones: ["1", "2", "3"]}
environments: {
	dev: {tier: "development", cluster: "aks-we"}
	staging: {tier: "staging", cluster: "aks-we"}
	prod: {
		tier:    "production"
		cluster: "aks-we"
		backup: {schedule: "0 2 * * *", ttl: "720h"}
	}
}
teams: shop: access: view: ["0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"]
services: api: {
	team: "shop", blueprint: "web", image: "demo.azurecr.io/api:1.0.0", port: 8080
	resources: {requests: {cpu: "100m", memory: "64Mi"}, limits: {cpu: "200m", memory: "128Mi"}}
	ingress: host: "api.example.com"
	autoscale: {min: 2, max: 4}
	identity: clientID: "3f9a1c2e-5b7d-4e8f-9a0b-1c2d3e4f5a6b"
	secrets: {keyVault: "shop-kv", objects: ["db-password"], tenantID: "b3c1d2e4-7f80-4a91-b2c3-d4e5f6a7b8c9"}
`

// TestGenerateOverrideRemoval checks that an object an override removes
// (overrides.<env>.<field>: null) is absent from that environment's output
// and present in the others: in the kustomize flavor the overlay of an
// environment below the base's deletes it ($patch: delete) and an overlay
// above a base without it adds it. Generate builds every overlay and renders
// the chart for every values file, comparing both with the intended objects,
// so the helm flavor is checked to deploy the same.
func TestGenerateOverrideRemoval(t *testing.T) {
	all := []string{"HorizontalPodAutoscaler", "Ingress", "SecretProviderClass"}
	tests := []struct {
		name      string
		overrides string
		// removed is, per environment, the kinds of objects of api it has
		// no more; noIdentity the environments without the identity.
		removed    map[string][]string
		noIdentity []string
		// deletes is, per environment, the kinds its overlay deletes: the
		// removed objects, the PodDisruptionBudget without two replicas
		// (the development tier has none; staging's one replica without
		// the autoscaler), and api's allow NetworkPolicy, which only
		// admitted the ingress controller.
		deletes map[string][]string
	}{
		{
			name:       "everything in dev, below the base",
			overrides:  `overrides: dev: {ingress: null, autoscale: null, identity: null, secrets: null}, overrides: staging: ingress: host: "staging.api.example.com"`,
			removed:    map[string][]string{"dev": all},
			noIdentity: []string{"dev"},
			deletes:    map[string][]string{"dev": {"HorizontalPodAutoscaler", "Ingress", "NetworkPolicy", "PodDisruptionBudget", "SecretProviderClass"}},
		},
		{
			name:      "the ingress and the autoscaler in staging",
			overrides: `overrides: staging: {ingress: null, autoscale: null}, overrides: dev: ingress: host: "dev.api.example.com"`,
			removed:   map[string][]string{"staging": {"HorizontalPodAutoscaler", "Ingress"}},
			deletes:   map[string][]string{"dev": {"PodDisruptionBudget"}, "staging": {"HorizontalPodAutoscaler", "Ingress", "NetworkPolicy", "PodDisruptionBudget"}},
		},
		{
			name:       "everything in prod, the base",
			overrides:  `overrides: prod: {ingress: null, autoscale: null, identity: null, secrets: null}, overrides: dev: ingress: host: "dev.api.example.com"`,
			removed:    map[string][]string{"prod": all},
			noIdentity: []string{"prod"},
			deletes:    map[string][]string{"dev": {"PodDisruptionBudget"}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			src := removalPlatform + "\t" + tc.overrides + "\n}\n"
			if err := os.WriteFile(filepath.Join(dir, "platform.cue"), []byte(src), 0o644); err != nil {
				t.Fatal(err)
			}
			m, err := schemas.Load(dir)
			if err != nil {
				t.Fatal(err)
			}
			out := generateChecked(t, m)
			for _, env := range []string{"dev", "staging", "prod"} {
				kinds := map[string]map[string]any{}
				for _, o := range build(t, out, "apps/"+env) {
					if dig(o, "metadata", "name") == "api" {
						kinds[o["kind"].(string)] = o
					}
				}
				for _, kind := range all {
					_, has := kinds[kind]
					if want := !slices.Contains(tc.removed[env], kind); has != want {
						t.Errorf("%s: %s present = %v, want %v", env, kind, has, want)
					}
				}
				removedHPA := slices.Contains(tc.removed[env], "HorizontalPodAutoscaler")
				replicas := dig(kinds["Deployment"], "spec", "replicas")
				if (replicas != nil) != removedHPA {
					t.Errorf("%s: Deployment replicas %v with an autoscaler removed %v: replicas are set only without one", env, replicas, removedHPA)
				}
				wantIdentity := !slices.Contains(tc.noIdentity, env)
				if a := dig(kinds["ServiceAccount"], "metadata", "annotations", annoWIClient); (a != nil) != wantIdentity {
					t.Errorf("%s: ServiceAccount client-id annotation %v, want identity %v", env, a, wantIdentity)
				}
				if l := dig(kinds["Deployment"], "spec", "template", "metadata", "labels", labelWIUse); (l != nil) != wantIdentity {
					t.Errorf("%s: pod label %s %v, want identity %v", env, labelWIUse, l, wantIdentity)
				}
				var deleted []string
				for p, data := range out.Files {
					if strings.HasPrefix(p, "apps/"+env+"/shop/patches/api-delete-") {
						doc := docs(t, data)[0]
						if doc["$patch"] != "delete" {
							t.Errorf("%s: %s is not a delete patch", env, p)
						}
						deleted = append(deleted, doc["kind"].(string))
					}
				}
				slices.Sort(deleted)
				if want := tc.deletes[env]; !slices.Equal(deleted, want) {
					t.Errorf("%s: overlay deletes %v, want %v", env, deleted, want)
				}
			}
		})
	}
}
