package reports

import "testing"

func TestBasis(t *testing.T) {
	r := &Report{Findings: []Finding{
		{Control: "PLN-SEC-013", Cluster: "prod", Status: StatusPass, Evidence: "e/prod.json#$.apiServerAccessProfile.enablePrivateCluster"},
		{Control: "PLN-OPS-002", Cluster: "prod", Status: StatusPass},
		{Control: "PLN-SEC-016", Cluster: "prod", Status: StatusFail, Evidence: "e/prod.json#$.securityProfile"},
		{Control: "PLN-SEC-016", Cluster: "dev", Status: StatusWaived},
		{Control: "PLN-SEC-024", Cluster: "prod", Status: StatusManual},
	}}
	for _, tc := range []struct{ control, cluster, want string }{
		{"PLN-SEC-013", "prod", BasisEvidence},
		{"PLN-OPS-002", "prod", BasisDeclared},
		{"PLN-SEC-016", "prod", BasisEvidence},
		{"PLN-SEC-016", "dev", BasisDeclared},
		{"PLN-SEC-024", "prod", ""},
		{"PLN-SEC-013", "dev", ""},
	} {
		if got := r.Basis(tc.control, tc.cluster); got != tc.want {
			t.Errorf("%s %s: %q, want %q", tc.control, tc.cluster, got, tc.want)
		}
	}
}
