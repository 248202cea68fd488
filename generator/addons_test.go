package generator

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/plinth-dev/plinth/schemas"
)

// addonsPlatform has a generic cluster "edge" and an aks cluster "main",
// one environment on each, a web service with an ingress, and the addon
// blueprints: the Secrets Store CSI driver and its Azure provider (generic
// clusters only), cert-manager with an issuer of its own name, and
// trivy-operator.
const addonsPlatform = `package addons

platform: {
	name: "addons"
	registries: ["demo.azurecr.io"]
	gitops: {engine: "flux", repo: "https://git.example.com/addons-gitops.git"}
}
clusters: edge: {provider: "generic", kubernetesVersion: "1.34", zones: ["a", "b"]}
clusters: main: {provider: "aks", kubernetesVersion: "1.34", zones: ["1", "2", "3"]}
environments: {
	lab: {tier: "development", cluster: "edge"}
	dev: {tier: "development", cluster: "main"}
}
teams: shop: {
	access: edit: ["6f1c2a34-8d4e-4b7a-9c1e-2f3a4b5c6d70"]
	quota: {cpu: "4", memory: "8Gi"}
}
services: cart: {
	team:      "shop"
	blueprint: "web"
	image:     "demo.azurecr.io/cart:1.0.0"
	port:      8080
	resources: {
		requests: {cpu: "100m", memory: "128Mi"}
		limits: {cpu: "200m", memory: "256Mi"}
	}
	ingress: host: "cart.example.com"
}
addons: {
	csi: blueprint: "secrets-store-csi"
	"csi-azure": blueprint: "secrets-store-csi-azure"
	certs: {
		blueprint: "cert-manager"
		issuer: {name: "shop-acme", acme: {email: "platform@example.com", ingressClass: "nginx"}}
	}
	scanner: {blueprint: "trivy-operator", values: trivy: severity: "CRITICAL"}
}
`

func loadAddonsPlatform(t *testing.T) *schemas.Model {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "platform.cue"), []byte(addonsPlatform), 0o644); err != nil {
		t.Fatal(err)
	}
	m, err := schemas.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestAddonBlueprints checks where each engine installs the addon
// blueprints and in which order: the CSI driver and its provider on the
// generic cluster only (aks has the managed add-on), the provider after the
// driver, the ClusterIssuer after the addons and before the environments,
// and the Ingresses naming the issuer, in both flavors.
func TestAddonBlueprints(t *testing.T) {
	m := loadAddonsPlatform(t)
	tests := []struct {
		engine, flavor string
		// want maps a file to fragments it must hold; absent lists files
		// that must not exist.
		want   map[string][]string
		absent []string
	}{
		{EngineFlux, FlavorKustomize, map[string][]string{
			"clusters/edge/addons/csi-azure.yaml": {"chart: csi-secrets-store-provider-azure", "dependsOn:\n  - name: csi\n", "install: false", "version: 1.7.0"},
			"clusters/edge/addons/csi.yaml":       {"chart: secrets-store-csi-driver", "version: 1.5.4", "syncSecret:\n      enabled: true"},
			"clusters/edge/addons/scanner.yaml":   {"ignoreUnfixed: true", "severity: CRITICAL", "targetNamespace: trivy-system"},
			"clusters/edge/addons-config.yaml":    {"name: addons-config", "dependsOn:\n  - name: addons\n", "path: ./clusters/edge/addon-config"},
			"clusters/edge/lab.yaml":              {"name: lab-infrastructure", "dependsOn:\n  - name: addons\n  - name: addons-config\n"},
			"clusters/edge/kustomization.yaml":    {"- addons-config.yaml"},
			"clusters/main/addon-config/certs-clusterissuer.yaml": {"kind: ClusterIssuer", "name: shop-acme\n", "email: platform@example.com",
				"ingressClassName: nginx", "name: shop-acme-account-key"},
			"apps/base/cart/ingress.yaml": {"cert-manager.io/cluster-issuer: shop-acme"},
		}, []string{"clusters/main/addons/csi.yaml", "clusters/main/addons/csi-azure.yaml"}},
		{EngineArgoCD, FlavorHelm, map[string][]string{
			"clusters/edge/addons.yaml": {"name: addon-csi-azure", "name: addon-csi\n", "name: addons-config",
				"SkipDryRunOnMissingResource=true", "path: clusters/edge/addon-config"},
			"clusters/main/addon-config/certs-clusterissuer.yaml": {"name: shop-acme\n"},
			"apps/dev/shop/values/cart.yaml":                      {"clusterIssuer: shop-acme"},
		}, []string{"clusters/main/addons/csi.yaml"}},
	}
	for _, tc := range tests {
		t.Run(tc.engine+"/"+tc.flavor, func(t *testing.T) {
			out := generate(t, m, Options{Engine: tc.engine, Flavor: tc.flavor})
			for f, frags := range tc.want {
				data, ok := out.Files[f]
				if !ok {
					t.Errorf("%s: not written", f)
					continue
				}
				for _, fr := range frags {
					if !strings.Contains(string(data), fr) {
						t.Errorf("%s: want %q in\n%s", f, fr, data)
					}
				}
			}
			for _, f := range tc.absent {
				if _, ok := out.Files[f]; ok {
					t.Errorf("%s: written, want none", f)
				}
			}
			if tc.engine == EngineArgoCD {
				checkWaves(t, out.Files["clusters/edge/addons.yaml"], map[string]string{
					"addon-csi": "-2", "addon-csi-azure": "-1", "addon-certs": "-2", "addons-config": "-1",
				})
				if strings.Contains(string(out.Files["clusters/main/addons.yaml"]), "addon-csi") {
					t.Errorf("clusters/main/addons.yaml installs the CSI driver on aks:\n%s", out.Files["clusters/main/addons.yaml"])
				}
			}
		})
	}
}

// checkWaves checks the sync wave of the Applications of an addons.yaml.
func checkWaves(t *testing.T, data []byte, want map[string]string) {
	t.Helper()
	got := map[string]string{}
	for _, d := range docs(t, data) {
		name, _ := dig(d, "metadata", "name").(string)
		wave, _ := dig(d, "metadata", "annotations", "argocd.argoproj.io/sync-wave").(string)
		got[name] = wave
	}
	for name, w := range want {
		if got[name] != w {
			t.Errorf("Application %s: sync wave %q, want %q", name, got[name], w)
		}
	}
}
