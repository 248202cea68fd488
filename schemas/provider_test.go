package schemas_test

import (
	"path/filepath"
	"reflect"
	"testing"

	"github.com/plinth-dev/plinth/schemas"
)

// TestLoadMulticloud checks that overrides.<env>.identity and .secrets
// replace the whole field, so each environment of schemas/examples/multicloud gets
// the forms of its cluster's provider, and that null removes the api's
// ingress and autoscale in dev only.
func TestLoadMulticloud(t *testing.T) {
	m, err := schemas.Load(filepath.Join("examples", "multicloud"))
	if err != nil {
		t.Fatal(err)
	}
	gsa := func(s string) *schemas.Identity { return &schemas.Identity{GCPServiceAccount: s} }
	azure := func(s string) *schemas.Identity { return &schemas.Identity{ClientID: s} }
	tests := []struct {
		env, svc     string
		wantProvider string // of the identity and secrets set
		wantIdentity *schemas.Identity
		wantSecrets  *schemas.Secrets
	}{
		{"dev", "api", "gke", gsa("shop-api@acme-shop-dev.iam.gserviceaccount.com"),
			&schemas.Secrets{GCPProject: "acme-shop-dev", Objects: []string{"db-password", "api-key"}}},
		{"staging", "api", "gke", gsa("shop-api@acme-shop-staging.iam.gserviceaccount.com"),
			&schemas.Secrets{GCPProject: "acme-shop-staging", Objects: []string{"db-password", "api-key"}}},
		{"prod", "api", "aks", azure("5d6e7f80-9a1b-4c2d-8e3f-4a5b6c7d8e9f"),
			&schemas.Secrets{KeyVault: "acme-shop-kv", Objects: []string{"db-password", "api-key"}, TenantID: "b3c1d2e4-7f80-4a91-b2c3-d4e5f6a7b8c9"}},
		{"dev", "indexer", "gke", gsa("shop-indexer@acme-shop-dev.iam.gserviceaccount.com"), nil},
		{"prod", "indexer", "aks", azure("6e7f8091-a2b3-4c4d-9e5f-6a7b8c9d0e1f"), nil},
		// Secret Manager without an IAM service account: no secrets-identity error.
		{"staging", "report", "gke", nil, &schemas.Secrets{GCPProject: "acme-shop-dev", Objects: []string{"smtp_password"}}},
		{"prod", "report", "aks", azure("708192a3-b4c5-4d6e-8f70-8192a3b4c5d6"),
			&schemas.Secrets{KeyVault: "acme-shop-kv", Objects: []string{"smtp-password"}}},
	}
	for _, tc := range tests {
		t.Run(tc.env+"/"+tc.svc, func(t *testing.T) {
			w := workload(t, m, tc.env, tc.svc)
			if !reflect.DeepEqual(w.Identity, tc.wantIdentity) {
				t.Errorf("identity = %+v, want %+v", w.Identity, tc.wantIdentity)
			}
			if !reflect.DeepEqual(w.Secrets, tc.wantSecrets) {
				t.Errorf("secrets = %+v, want %+v", w.Secrets, tc.wantSecrets)
			}
			if removed := tc.env == "dev"; tc.svc == "api" && ((w.Ingress == nil) != removed || (w.Autoscale == nil) != removed) {
				t.Errorf("ingress %+v, autoscale %+v: want both removed in dev only (overrides.dev: null)", w.Ingress, w.Autoscale)
			}
			for what, p := range map[string]string{"identity": w.Identity.Provider(), "secrets": w.Secrets.Provider()} {
				if p != "" && p != tc.wantProvider {
					t.Errorf("%s provider %q, want %q", what, p, tc.wantProvider)
				}
			}
		})
	}
}

func TestProvider(t *testing.T) {
	tests := []struct {
		name string
		got  string
		want string
	}{
		{"no identity", (*schemas.Identity)(nil).Provider(), ""},
		{"clientID", (&schemas.Identity{ClientID: "x"}).Provider(), "aks"},
		{"gcpServiceAccount", (&schemas.Identity{GCPServiceAccount: "x"}).Provider(), "gke"},
		{"both identities", (&schemas.Identity{ClientID: "x", GCPServiceAccount: "y"}).Provider(), ""},
		{"no secrets", (*schemas.Secrets)(nil).Provider(), ""},
		{"keyVault", (&schemas.Secrets{KeyVault: "kv"}).Provider(), "aks"},
		{"gcpProject", (&schemas.Secrets{GCPProject: "p"}).Provider(), "gke"},
		{"both stores", (&schemas.Secrets{KeyVault: "kv", GCPProject: "p"}).Provider(), ""},
		{"no store", (&schemas.Secrets{Objects: []string{"a"}}).Provider(), ""},
	}
	for _, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("%s: Provider() = %q, want %q", tc.name, tc.got, tc.want)
		}
	}
}
