package generator

import (
	"path/filepath"
	"reflect"
	"testing"

	"github.com/plinth-dev/plinth/schemas"
)

// identityModel has one environment "lab" on a cluster of the given
// provider, where worker api runs with the identity and secrets given.
func identityModel(provider string, id *schemas.Identity, sec *schemas.Secrets) *schemas.Model {
	m := egressModel(nil, nil, nil)
	m.Clusters[0].Provider = provider
	lab := m.Environments[0]
	lab.Workloads = lab.Workloads[:1]
	lab.Workloads[0].Identity = id
	lab.Workloads[0].Secrets = sec
	m.Environments = []schemas.Environment{lab}
	m.Services = m.Services[:1]
	return m
}

// TestIdentityAndSecrets checks the ServiceAccount, the pod and the
// SecretProviderClass of a workload for each provider's identity and
// secrets. Generate builds every overlay and renders the chart for every
// values file, so both flavors are checked to deploy exactly these objects.
func TestIdentityAndSecrets(t *testing.T) {
	metadataEgress := `
- to: [{ipBlock: {cidr: 169.254.169.254/32}}]
  ports: [{protocol: TCP, port: 80}, {protocol: TCP, port: 8080}]
- to: [{ipBlock: {cidr: 169.254.169.252/32}}]
  ports: [{protocol: TCP, port: 987}, {protocol: TCP, port: 988}]
`
	tests := []struct {
		name     string
		provider string
		id       *schemas.Identity
		sec      *schemas.Secrets
		// wantSA is the ServiceAccount's annotations, labels and
		// automountServiceAccountToken; wantSPC the SecretProviderClass
		// spec ("" for none); wantEgress the egress rules of the service's
		// NetworkPolicy ("" for no policy).
		wantSA, wantSPC, wantEgress string
		// wantAzureLabel is whether pods carry azure.workload.identity/use
		// (pods never mount the API token), wantDriver the
		// CSI driver of the secrets volume ("" for none).
		wantAzureLabel bool
		wantDriver     string
	}{
		{
			name: "Azure Workload Identity and Key Vault", provider: "aks",
			id:  &schemas.Identity{ClientID: "3f9a1c2e-5b7d-4e8f-9a0b-1c2d3e4f5a6b"},
			sec: &schemas.Secrets{KeyVault: "shop-kv", Objects: []string{"db-password", "api-key"}, TenantID: "b3c1d2e4-7f80-4a91-b2c3-d4e5f6a7b8c9"},
			wantSA: `
annotations: {azure.workload.identity/client-id: 3f9a1c2e-5b7d-4e8f-9a0b-1c2d3e4f5a6b}
azureLabel: "true"
`,
			wantSPC: `
provider: azure
parameters:
  usePodIdentity: "false"
  useVMManagedIdentity: "false"
  keyvaultName: shop-kv
  clientID: 3f9a1c2e-5b7d-4e8f-9a0b-1c2d3e4f5a6b
  tenantId: b3c1d2e4-7f80-4a91-b2c3-d4e5f6a7b8c9
  objects: |-
    array:
      - |
        objectName: api-key
        objectType: secret
      - |
        objectName: db-password
        objectType: secret
`,
			wantAzureLabel: true, wantDriver: "secrets-store.csi.k8s.io",
		},
		{
			name: "GKE Workload Identity and Secret Manager", provider: "gke",
			id:  &schemas.Identity{GCPServiceAccount: "shop-api@acme-shop.iam.gserviceaccount.com"},
			sec: &schemas.Secrets{GCPProject: "acme-shop", Objects: []string{"db-password", "api_key"}},
			wantSA: `
annotations: {iam.gke.io/gcp-service-account: shop-api@acme-shop.iam.gserviceaccount.com}
automountServiceAccountToken: false
`,
			wantSPC: `
provider: gke
parameters:
  secrets: |-
    - resourceName: "projects/acme-shop/secrets/api_key/versions/latest"
      path: "api_key"
    - resourceName: "projects/acme-shop/secrets/db-password/versions/latest"
      path: "db-password"
`,
			wantEgress: metadataEgress,
			wantDriver: "secrets-store-gke.csi.k8s.io",
		},
		{
			name: "GKE Workload Identity alone", provider: "gke",
			id: &schemas.Identity{GCPServiceAccount: "shop-api@acme-shop.iam.gserviceaccount.com"},
			wantSA: `
annotations: {iam.gke.io/gcp-service-account: shop-api@acme-shop.iam.gserviceaccount.com}
automountServiceAccountToken: false
`,
			wantEgress: metadataEgress,
		},
		{
			name: "Secret Manager read with the Kubernetes service account", provider: "gke",
			sec:    &schemas.Secrets{GCPProject: "acme-shop", Objects: []string{"token"}},
			wantSA: `automountServiceAccountToken: false`,
			wantSPC: `
provider: gke
parameters:
  secrets: |-
    - resourceName: "projects/acme-shop/secrets/token/versions/latest"
      path: "token"
`,
			wantDriver: "secrets-store-gke.csi.k8s.io",
		},
		{
			name: "neither", provider: "generic",
			wantSA: `automountServiceAccountToken: false`,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out := generateChecked(t, identityModel(tc.provider, tc.id, tc.sec))
			got := map[string]any{}
			for _, o := range build(t, out, "apps/lab") {
				if dig(o, "metadata", "name") != "api" {
					continue
				}
				switch o["kind"] {
				case "ServiceAccount":
					sa := map[string]any{}
					if a := dig(o, "metadata", "annotations"); a != nil {
						sa["annotations"] = a
					}
					if l := dig(o, "metadata", "labels", labelWIUse); l != nil {
						sa["azureLabel"] = l
					}
					if a, ok := o["automountServiceAccountToken"]; ok {
						sa["automountServiceAccountToken"] = a
					}
					got["sa"] = sa
				case "Deployment":
					pod, _ := dig(o, "spec", "template").(map[string]any)
					got["pod"] = pod
				case "SecretProviderClass":
					got["spc"] = o["spec"]
				case "NetworkPolicy":
					got["egress"] = dig(o, "spec", "egress")
				}
			}
			check := func(what string, got any, want string) {
				t.Helper()
				if g, w, ok := sameYAML(t, got, want); !ok {
					t.Errorf("%s:\n%s\nwant:\n%s", what, g, w)
				}
			}
			check("ServiceAccount", got["sa"], tc.wantSA)
			check("SecretProviderClass spec", got["spc"], tc.wantSPC)
			check("NetworkPolicy egress", got["egress"], tc.wantEgress)

			pod, _ := got["pod"].(map[string]any)
			if pod == nil {
				t.Fatal("no Deployment api")
			}
			if _, has := dig(pod, "metadata", "labels").(map[string]any)[labelWIUse]; has != tc.wantAzureLabel {
				t.Errorf("pod label %s: %v, want %v", labelWIUse, has, tc.wantAzureLabel)
			}
			if a := dig(pod, "spec", "automountServiceAccountToken"); a != false {
				t.Errorf("pod automountServiceAccountToken = %v, want false (PLN-SEC-030)", a)
			}
			driver := ""
			for _, v := range dig(pod, "spec", "volumes").([]any) {
				if d, ok := dig(v.(map[string]any), "csi", "driver").(string); ok {
					driver = d
				}
			}
			if driver != tc.wantDriver {
				t.Errorf("secrets volume driver %q, want %q", driver, tc.wantDriver)
			}
		})
	}
}

// TestGenerateMulticloud renders schemas/examples/multicloud (development on GKE,
// production on AKS, identities and secrets overridden per environment, the
// api's ingress and autoscaler removed in dev) in every engine and flavor,
// and checks each environment got its provider's ServiceAccount annotation
// and the api's Ingress and HorizontalPodAutoscaler outside dev only.
func TestGenerateMulticloud(t *testing.T) {
	m, err := schemas.Load(filepath.Join("..", "schemas", "examples", "multicloud"))
	if err != nil {
		t.Fatal(err)
	}
	out := generateChecked(t, m)
	for _, tc := range []struct{ env, svc, key, value string }{
		{"dev", "api", annoGKEGSA, "shop-api@acme-shop-dev.iam.gserviceaccount.com"},
		{"staging", "api", annoGKEGSA, "shop-api@acme-shop-staging.iam.gserviceaccount.com"},
		{"prod", "api", annoWIClient, "5d6e7f80-9a1b-4c2d-8e3f-4a5b6c7d8e9f"},
		{"dev", "indexer", annoGKEGSA, "shop-indexer@acme-shop-dev.iam.gserviceaccount.com"},
		{"prod", "indexer", annoWIClient, "6e7f8091-a2b3-4c4d-9e5f-6a7b8c9d0e1f"},
		{"prod", "report", annoWIClient, "708192a3-b4c5-4d6e-8f70-8192a3b4c5d6"},
	} {
		found := false
		for _, o := range build(t, out, "apps/"+tc.env) {
			if o["kind"] != "ServiceAccount" || dig(o, "metadata", "name") != tc.svc {
				continue
			}
			found = true
			want := map[string]any{tc.key: tc.value}
			if a := dig(o, "metadata", "annotations"); !reflect.DeepEqual(a, want) {
				t.Errorf("%s/%s: ServiceAccount annotations %v, want %v", tc.env, tc.svc, a, want)
			}
		}
		if !found {
			t.Errorf("%s: no ServiceAccount %s", tc.env, tc.svc)
		}
	}
	for _, env := range []string{"dev", "staging", "prod"} {
		for _, kind := range []string{"Ingress", "HorizontalPodAutoscaler"} {
			found := false
			for _, o := range build(t, out, "apps/"+env) {
				found = found || (o["kind"] == kind && dig(o, "metadata", "name") == "api")
			}
			if want := env != "dev"; found != want {
				t.Errorf("%s: %s api present = %v, want %v", env, kind, found, want)
			}
		}
	}
}
