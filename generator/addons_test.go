package generator

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/plinth-dev/plinth/schemas"
)

// loadAddonsPlatform loads testdata/addons: a generic cluster "edge" and an
// aks cluster "main", one environment on each, a web service with an
// ingress, and the addon blueprints secrets-store-csi and
// secrets-store-csi-azure (generic clusters only), cert-manager with the
// issuer "shop-acme", and trivy-operator.
func loadAddonsPlatform(t *testing.T) *schemas.Model {
	t.Helper()
	m, err := schemas.Load(filepath.Join("..", "testdata", "addons"))
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
