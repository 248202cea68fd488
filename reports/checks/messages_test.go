package checks

import (
	"testing"

	"github.com/plinth-dev/plinth/internal/baseline"
)

// TestDeclaredPhrases: every description a declared rule gives of a
// cluster, compliant or not, is a message of the catalog (translated),
// not text shown as it is.
func TestDeclaredPhrases(t *testing.T) {
	clusters := []*baseline.Cluster{
		{Provider: "aks", Settings: map[string]any{}},
		{Provider: "aks", KubernetesVersion: "1.10", Zones: []string{"1"}, Settings: map[string]any{
			"aad": true, "disableLocalAccounts": false, "networkPolicy": "none", "authorizedIPRanges": []any{"10.0.0.0/8"},
			"keyVaultCSI": false, "defender": false, "workloadIdentity": false, "azurePolicy": false, "autoscaler": map[string]any{"enabled": true, "minCount": 1},
			"monitoring": false, "networkPlugin": "kubenet", "upgradeChannel": "none", "maintenanceWindow": false},
			Environments: []baseline.Env{{Name: "prod", Tier: "production"}, {Name: "dev", Tier: "development"}}},
		{Provider: "gke", KubernetesVersion: "1.99", Zones: []string{"a", "b", "c"}, Settings: map[string]any{
			"aad": true, "privateCluster": true, "networkPolicy": "calico", "keyVaultCSI": true, "defender": true, "workloadIdentity": true,
			"azurePolicy": true, "nodeCount": 3, "monitoring": true, "networkPlugin": "azure", "upgradeChannel": "stable",
			"maintenanceWindow": map[string]any{"day": "Sunday"}}, Environments: []baseline.Env{{Name: "prod", Tier: "production"}}},
		{Provider: "generic", KubernetesVersion: "bogus", Settings: map[string]any{"autoscaler": false}},
	}
	seen := 0
	for _, rule := range baseline.Rules {
		for i, c := range clusters {
			_, what := rule.Check(c)
			if m := whatMsg(what); m.ID == "msg.text" {
				t.Errorf("%s on cluster %d: %q is not a message of the catalog", rule.Control, i, what)
			}
			seen++
		}
	}
	for _, v := range []any{nil, map[string]any{"a": 1}} {
		for _, s := range []string{baseline.Shown(v), baseline.Display(v)} {
			if _, ok := valueMsg(s).(string); ok && v == nil {
				t.Errorf("value %q is shown untranslated", s)
			}
		}
	}
	if seen == 0 {
		t.Fatal("no rule evaluated")
	}
}
