package schemas_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/plinth-dev/plinth/schemas"
)

// TestAddonBlueprints checks how an addon resolves against its blueprint:
// chart, repository and pinned version from the blueprint, the platform's
// version, namespace and values over the blueprint's, the providers it is
// installed on, the addons it installs after, and the issuer's defaults.
func TestAddonBlueprints(t *testing.T) {
	tests := []struct {
		name, src string
		want      schemas.Addon
		issuer    string // the Model's ClusterIssuer
		anyValues bool   // leave the values unchecked
	}{
		{
			name: "blueprint defaults",
			src:  `addons: scan: blueprint: "trivy-operator"`,
			want: schemas.Addon{Name: "scan", Blueprint: "trivy-operator", Chart: "trivy-operator", Repo: "https://aquasecurity.github.io/helm-charts/",
				Version: "0.32.0", Namespace: "trivy-system", Providers: []string{"aks", "gke", "generic"},
				Values: map[string]any{"trivy": map[string]any{"ignoreUnfixed": true, "severity": "HIGH,CRITICAL"}}},
			issuer: "letsencrypt-prod",
		},
		{
			name: "version, namespace and values over the blueprint",
			src: `addons: scan: {blueprint: "trivy-operator", version: "0.33.1", namespace: "security",
	values: {trivy: severity: "CRITICAL", operator: scanJobsConcurrentLimit: 3}}`,
			want: schemas.Addon{Name: "scan", Blueprint: "trivy-operator", Chart: "trivy-operator", Repo: "https://aquasecurity.github.io/helm-charts/",
				Version: "0.33.1", Namespace: "security", Providers: []string{"aks", "gke", "generic"},
				Values: map[string]any{"trivy": map[string]any{"ignoreUnfixed": true, "severity": "CRITICAL"},
					"operator": map[string]any{"scanJobsConcurrentLimit": float64(3)}}},
			issuer: "letsencrypt-prod",
		},
		{
			name: "cert-manager issuer with defaults",
			src:  `addons: certs: {blueprint: "cert-manager", issuer: acme: email: "ops@example.com"}`,
			want: schemas.Addon{Name: "certs", Blueprint: "cert-manager", Chart: "cert-manager", Repo: "https://charts.jetstack.io",
				Version: "v1.21.2", Namespace: "cert-manager", Providers: []string{"aks", "gke", "generic"},
				Values: map[string]any{"crds": map[string]any{"enabled": true, "keep": true}, "replicaCount": float64(2),
					"podDisruptionBudget": map[string]any{"enabled": true},
					"webhook":             map[string]any{"replicaCount": float64(2), "podDisruptionBudget": map[string]any{"enabled": true}}},
				Issuer: &schemas.Issuer{Name: "letsencrypt-prod", Email: "ops@example.com",
					Server: "https://acme-v02.api.letsencrypt.org/directory", IngressClass: "nginx"}},
			issuer: "letsencrypt-prod",
		},
		{
			name: "staging issuer",
			src: `addons: certs: {blueprint: "cert-manager", issuer: {name: "letsencrypt-staging",
	acme: {email: "ops@example.com", server: "https://acme-staging-v02.api.letsencrypt.org/directory"}}}`,
			want: schemas.Addon{Name: "certs", Blueprint: "cert-manager", Chart: "cert-manager", Repo: "https://charts.jetstack.io",
				Version: "v1.21.2", Namespace: "cert-manager", Providers: []string{"aks", "gke", "generic"},
				Issuer: &schemas.Issuer{Name: "letsencrypt-staging", Email: "ops@example.com",
					Server: "https://acme-staging-v02.api.letsencrypt.org/directory", IngressClass: "nginx"}},
			issuer: "letsencrypt-staging", anyValues: true,
		},
		{
			name: "provider after the driver, generic clusters only",
			src:  `addons: {driver: blueprint: "secrets-store-csi", azure: blueprint: "secrets-store-csi-azure"}`,
			want: schemas.Addon{Name: "azure", Blueprint: "secrets-store-csi-azure", Chart: "csi-secrets-store-provider-azure",
				Repo: "https://azure.github.io/secrets-store-csi-driver-provider-azure/charts", Version: "1.7.0", Namespace: "kube-system",
				Providers: []string{"generic"}, After: []string{"driver"},
				Values: map[string]any{"secrets-store-csi-driver": map[string]any{"install": false}}},
			issuer: "letsencrypt-prod",
		},
		{
			name:   "explicit chart",
			src:    `addons: velero: {chart: "velero", repo: "https://vmware-tanzu.github.io/helm-charts", version: "7.2.1", namespace: "velero"}`,
			want:   schemas.Addon{Name: "velero", Chart: "velero", Repo: "https://vmware-tanzu.github.io/helm-charts", Version: "7.2.1", Namespace: "velero"},
			issuer: "letsencrypt-prod",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := schemas.Load(writePlatform(t, map[string]string{"p.cue": basePlatform + tc.src}))
			if err != nil {
				t.Fatal(err)
			}
			var got *schemas.Addon
			for i := range m.Addons {
				if m.Addons[i].Name == tc.want.Name {
					got = &m.Addons[i]
				}
			}
			if got == nil {
				t.Fatalf("addon %s not in the model: %+v", tc.want.Name, m.Addons)
			}
			got.Pos = schemas.Pos{}
			if tc.anyValues {
				got.Values = nil
			}
			if !reflect.DeepEqual(*got, tc.want) {
				t.Errorf("addon:\n got %+v\nwant %+v", *got, tc.want)
			}
			if is := m.ClusterIssuer(); is != tc.issuer {
				t.Errorf("ClusterIssuer() = %q, want %q", is, tc.issuer)
			}
			if got.InstallsOn("aks") == (len(got.Providers) > 0 && got.Providers[0] == "generic") {
				t.Errorf("InstallsOn(aks) = %v with providers %v", got.InstallsOn("aks"), got.Providers)
			}
		})
	}
}

// TestAddonNowhereWarns: a blueprint no cluster of the platform installs
// (the CSI driver where every cluster is aks or gke) is a warning at the
// blueprint, not an error.
func TestAddonNowhereWarns(t *testing.T) {
	tests := []struct {
		provider string
		warn     bool
	}{
		{"aks", true},
		{"gke", true},
		{"generic", false},
	}
	for _, tc := range tests {
		t.Run(tc.provider, func(t *testing.T) {
			src := strings.Replace(basePlatform, `provider: "generic"`, `provider: "`+tc.provider+`"`, 1) +
				"addons: csi: {\n\tblueprint: \"secrets-store-csi\"\n}\n"
			m, err := schemas.Load(writePlatform(t, map[string]string{"p.cue": src}))
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, w := range m.Warnings {
				if w.Rule == "addon-blueprint" {
					got = append(got, fmt.Sprintf("%d %s: %s", w.Pos.Line, w.Path, w.Msg))
				}
			}
			if !tc.warn {
				if len(got) > 0 {
					t.Errorf("warnings %q, want none", got)
				}
				return
			}
			want := "19 addons.csi.blueprint: blueprint \"secrets-store-csi\" installs on generic clusters only"
			if len(got) != 1 || !strings.HasPrefix(got[0], want) {
				t.Errorf("warnings %q, want one starting %q", got, want)
			}
		})
	}
}
