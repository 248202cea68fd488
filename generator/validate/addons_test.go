package validate

import (
	"strings"
	"testing"
)

const clusterIssuer = `
apiVersion: cert-manager.io/v1
kind: ClusterIssuer
metadata: {name: letsencrypt-prod}
spec:
  acme:
    email: platform@example.com
    server: https://acme-v02.api.letsencrypt.org/directory
    privateKeySecretRef: {name: letsencrypt-prod-account-key}
    solvers: [{http01: {ingress: {ingressClassName: nginx}}}]
`

// TestValidateClusterIssuer checks that cert-manager's CRDs are embedded:
// the ClusterIssuer of the cert-manager addon blueprint validates, and a
// misspelled or mistyped field of it does not.
func TestValidateClusterIssuer(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want string // substring of the error; "": valid
	}{
		{"valid", clusterIssuer, ""},
		{"unknown field", edit(t, clusterIssuer, "email:", "emial:"), "ClusterIssuer/letsencrypt-prod: spec.acme.emial: unknown field"},
		{"missing required", edit(t, clusterIssuer, "    privateKeySecretRef: {name: letsencrypt-prod-account-key}\n", ""),
			"ClusterIssuer/letsencrypt-prod: spec.acme.privateKeySecretRef: required field missing"},
		{"wrong type", edit(t, clusterIssuer, "solvers: [{http01: {ingress: {ingressClassName: nginx}}}]", "solvers: {http01: {}}"),
			"spec.acme.solvers: expected array"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := Validate("1.34", []Object{{Source: "src", Value: obj(t, tc.src)}})
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("want valid, got %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Fatalf("want an error with %q, got %v", tc.want, err)
			}
		})
	}
}
