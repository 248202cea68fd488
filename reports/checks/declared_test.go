package checks

import (
	"slices"
	"strings"
	"testing"

	"github.com/plinth-dev/plinth/internal/baseline"
	"github.com/plinth-dev/plinth/internal/gitops/render"
	"github.com/plinth-dev/plinth/internal/gitops/repo"
	"github.com/plinth-dev/plinth/reports"
	"github.com/plinth-dev/plinth/reports/evidence"
)

const fixtures = "../../testdata/evidence"

var fixtureClusters = []string{"aks-bad", "aks-good", "gke-bad", "gke-good"}

func loadFixtures(t *testing.T) *evidence.Set {
	t.Helper()
	s, err := evidence.Load(fixtures)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func finding(fs []reports.Finding, control, cluster string) *reports.Finding {
	for i := range fs {
		if fs[i].Control == control && fs[i].Cluster == cluster {
			return &fs[i]
		}
	}
	return nil
}

// TestDeclaredFromEvidence: every declared control on a compliant and a
// non-compliant cluster of each provider, evaluated from az/gcloud output
// alone, with the evidence file and JSON path it rests on.
func TestDeclaredFromEvidence(t *testing.T) {
	const (
		P, F, M, NA = reports.StatusPass, reports.StatusFail, reports.StatusManual, reports.StatusNA
		dir         = "../../testdata/evidence/"
	)
	type want struct {
		status, evidence string
	}
	aksGood, aksBad, aksBadPools := dir+"aks-good.json#$.", dir+"aks-bad.json#$.", dir+"aks-bad.nodepools.json#$"
	gkeGood, gkeBad := dir+"gke-good.json#$.", dir+"gke-bad.json#$."
	cases := map[string]map[string]want{
		"aks-good": {
			"PLN-SEC-001": {P, aksGood + "aadProfile"},
			"PLN-SEC-004": {P, aksGood + "networkProfile.networkPolicy"},
			"PLN-SEC-013": {P, aksGood + "apiServerAccessProfile.enablePrivateCluster"},
			"PLN-SEC-014": {P, aksGood + "addonProfiles.azureKeyvaultSecretsProvider.enabled"},
			"PLN-SEC-016": {P, aksGood + "securityProfile.defender.securityMonitoring.enabled"},
			"PLN-SEC-020": {P, aksGood + "securityProfile.workloadIdentity.enabled"},
			"PLN-SEC-024": {P, aksGood + "addonProfiles.azurepolicy.enabled"},
			"PLN-HA-001":  {P, aksGood + "agentPoolProfiles[0].availabilityZones"},
			"PLN-HA-002":  {P, aksGood + "agentPoolProfiles[0].minCount"},
			"PLN-RES-006": {P, aksGood + "agentPoolProfiles[0].minCount"},
			"PLN-MON-001": {P, aksGood + "addonProfiles.omsagent.enabled"},
			"PLN-NET-001": {P, aksGood + "networkProfile.networkPlugin"},
			"PLN-OPS-001": {P, aksGood + "autoUpgradeProfile.upgradeChannel"},
			"PLN-OPS-002": {M, ""}, // maintenance configurations are not part of az aks show
			"PLN-OPS-006": {M, ""}, // environments are the repository's, not the cloud's
			"PLN-OPS-007": {P, aksGood + "currentKubernetesVersion"},
		},
		"aks-bad": {
			"PLN-SEC-001": {F, aksBad + "aadProfile"},
			"PLN-SEC-004": {F, aksBad + "networkProfile.networkPolicy"},
			"PLN-SEC-013": {F, aksBad + "apiServerAccessProfile"},
			"PLN-SEC-014": {F, aksBad + "addonProfiles.azureKeyvaultSecretsProvider.enabled"},
			"PLN-SEC-016": {F, aksBad + "securityProfile.defender.securityMonitoring.enabled"},
			"PLN-SEC-020": {F, aksBad + "securityProfile.workloadIdentity.enabled"},
			"PLN-SEC-024": {F, aksBad + "addonProfiles.azurepolicy.enabled"},
			"PLN-HA-001":  {F, aksBadPools + "[0].availabilityZones"},
			"PLN-HA-002":  {F, aksBadPools + "[0].minCount"},
			"PLN-RES-006": {F, aksBadPools + "[1].enableAutoScaling"},
			"PLN-MON-001": {F, aksBad + "addonProfiles.omsagent.enabled"},
			"PLN-NET-001": {F, aksBad + "networkProfile.networkPlugin"},
			"PLN-OPS-001": {F, aksBad + "autoUpgradeProfile.upgradeChannel"},
			"PLN-OPS-002": {M, ""},
			"PLN-OPS-006": {M, ""},
			"PLN-OPS-007": {F, aksBad + "currentKubernetesVersion"},
		},
		"gke-good": {
			"PLN-SEC-001": {NA, ""}, "PLN-SEC-014": {NA, ""}, "PLN-SEC-016": {NA, ""}, "PLN-SEC-024": {NA, ""},
			"PLN-MON-001": {NA, ""}, "PLN-NET-001": {NA, ""},
			"PLN-SEC-004": {P, gkeGood + "networkConfig.datapathProvider"},
			"PLN-SEC-013": {P, gkeGood + "privateClusterConfig.enablePrivateEndpoint"},
			"PLN-SEC-020": {P, gkeGood + "workloadIdentityConfig.workloadPool"},
			"PLN-HA-001":  {P, gkeGood + "nodePools[0].locations"},
			"PLN-HA-002":  {P, gkeGood + "nodePools[0].autoscaling.minNodeCount"},
			"PLN-RES-006": {P, gkeGood + "nodePools[0].autoscaling.minNodeCount"},
			"PLN-OPS-001": {P, gkeGood + "releaseChannel.channel"},
			"PLN-OPS-002": {P, gkeGood + "maintenancePolicy.window"},
			"PLN-OPS-006": {M, ""},
			"PLN-OPS-007": {P, gkeGood + "currentMasterVersion"},
		},
		"gke-bad": {
			"PLN-SEC-001": {NA, ""}, "PLN-SEC-014": {NA, ""}, "PLN-SEC-016": {NA, ""}, "PLN-SEC-024": {NA, ""},
			"PLN-MON-001": {NA, ""}, "PLN-NET-001": {NA, ""},
			"PLN-SEC-004": {F, gkeBad + "networkPolicy"},
			"PLN-SEC-013": {F, gkeBad + "privateClusterConfig.enablePrivateEndpoint"},
			"PLN-SEC-020": {F, gkeBad + "workloadIdentityConfig.workloadPool"},
			"PLN-HA-001":  {F, gkeBad + "nodePools[0].locations"},
			"PLN-HA-002":  {F, gkeBad + "nodePools[0].initialNodeCount"},
			"PLN-RES-006": {F, gkeBad + "nodePools[0].autoscaling"},
			"PLN-OPS-001": {F, gkeBad + "releaseChannel.channel"},
			"PLN-OPS-002": {F, gkeBad + "maintenancePolicy"},
			"PLN-OPS-006": {M, ""},
			"PLN-OPS-007": {F, gkeBad + "currentMasterVersion"},
		},
	}
	fs := Evaluate(&Input{Discovery: &render.Result{Clusters: fixtureClusters}, Evidence: loadFixtures(t)})
	var declared []string
	for _, c := range reports.Catalog() {
		if c.Evaluation == reports.EvalDeclared {
			declared = append(declared, c.ID)
		}
	}
	for cluster, controls := range cases {
		for _, id := range declared {
			w, ok := controls[id]
			if !ok {
				t.Errorf("%s: no expectation for declared control %s", cluster, id)
				continue
			}
			f := finding(fs, id, cluster)
			if f == nil {
				t.Errorf("%s %s: no finding", cluster, id)
				continue
			}
			if f.Status != w.status || f.Evidence != w.evidence {
				t.Errorf("%s %s: %s evidence %q (%s), want %s evidence %q", cluster, id, f.Status, f.Evidence, f.Message, w.status, w.evidence)
			}
			if w.evidence != "" && !strings.Contains(f.Message, w.evidence) {
				t.Errorf("%s %s: message does not cite %s: %s", cluster, id, w.evidence, f.Message)
			}
		}
	}
	for _, tc := range []struct{ control, cluster, msg string }{
		{"PLN-SEC-001", "aks-bad", "local accounts (static admin credentials) enabled"},
		{"PLN-OPS-007", "aks-bad", "Kubernetes 1.31, older than 1.34, the oldest minor AKS supports on " + baseline.SupportDate},
		{"PLN-OPS-007", "gke-bad", "Kubernetes 1.31, older than 1.34"},
		{"PLN-HA-001", "gke-bad", "1 availability zone(s)"},
		{"PLN-HA-002", "gke-bad", "node pool minimum of 1 node(s)"},
		{"PLN-SEC-013", "gke-good", "private API server"},
		{"PLN-OPS-002", "aks-good", "not shown by the evidence"},
	} {
		if f := finding(fs, tc.control, tc.cluster); f == nil || !strings.Contains(f.Message, tc.msg) {
			t.Errorf("%s %s: message %+v, want it to contain %q", tc.cluster, tc.control, f, tc.msg)
		}
	}
}

// TestDeclaredAgainstEvidence: a declaration the cluster contradicts fails
// "declared X but the cluster has Y" even where the cluster would pass; a
// setting the evidence cannot show stays declared, saying so.
func TestDeclaredAgainstEvidence(t *testing.T) {
	state := func(name, provider string, settings map[string]any) *ClusterState {
		data := []byte("{\n  \"name\": \"" + name + "\",\n  \"provider\": \"" + provider + "\",\n  \"settings\": {\n    \"privateCluster\": 1,\n    \"networkPolicy\": 1,\n    \"autoscaler\": 1\n  }\n}\n")
		return &ClusterState{File: repo.ClusterStatePath(name), Data: data, ClusterState: repo.ClusterState{
			Name: name, Provider: provider, KubernetesVersion: "1.35", Zones: []string{"1", "2", "3"}, Settings: settings,
			Environments: []repo.EnvState{{Name: "prod", Tier: "production"}}}}
	}
	compliant := map[string]any{
		"privateCluster": true, "aad": map[string]any{"managed": true, "azureRBAC": true}, "disableLocalAccounts": true,
		"networkPlugin": "azure", "networkPolicy": "azure", "autoscaler": map[string]any{"enabled": true, "minCount": 3.0, "maxCount": 6.0},
		"upgradeChannel": "stable", "maintenanceWindow": map[string]any{"day": "Sunday", "start": "01:00", "durationHours": 4.0},
		"defender": true, "monitoring": true, "keyVaultCSI": true, "workloadIdentity": true, "azurePolicy": true,
	}
	states := map[string]*ClusterState{
		"aks-bad":  state("aks-bad", "aks", compliant),
		"aks-good": state("aks-good", "aks", map[string]any{"privateCluster": false, "networkPolicy": "calico", "defender": true}),
		"gke-good": state("gke-good", "aks", map[string]any{}),
	}
	fs := Evaluate(&Input{Discovery: &render.Result{Clusters: fixtureClusters}, States: states, Evidence: loadFixtures(t)})
	for _, tc := range []struct {
		control, cluster, status, msg string
		line                          int
	}{
		{"PLN-SEC-004", "aks-bad", reports.StatusFail, "declared networkPolicy azure but the cluster has none (../../testdata/evidence/aks-bad.json#$.networkProfile.networkPolicy)", 6},
		{"PLN-SEC-013", "aks-bad", reports.StatusFail, "declared privateCluster true but the cluster has false", 5},
		{"PLN-HA-002", "aks-bad", reports.StatusFail, `declared autoscaler {"enabled":true,"maxCount":6,"minCount":3} but the cluster has {"enabled":false,"maxCount":3,"minCount":1}`, 7},
		{"PLN-OPS-007", "aks-bad", reports.StatusFail, "declared kubernetesVersion 1.35 but the cluster has 1.31", 1},
		{"PLN-OPS-002", "aks-bad", reports.StatusPass, "declared: maintenance window", 1},
		{"PLN-OPS-006", "aks-bad", reports.StatusPass, "declared: environments isolated", 1},
		// The cluster is private but the declaration says not: the
		// declaration is wrong, which the report says.
		{"PLN-SEC-013", "aks-good", reports.StatusFail, "declared privateCluster false but the cluster has true", 5},
		{"PLN-SEC-004", "aks-good", reports.StatusFail, "declared networkPolicy calico but the cluster has azure", 6},
		{"PLN-SEC-016", "aks-good", reports.StatusPass, "the cluster has Defender for Containers enabled", 1},
		// Nothing declared: the evidence decides.
		{"PLN-SEC-020", "aks-good", reports.StatusPass, "the cluster has Workload Identity enabled", 1},
		{"PLN-SEC-001", "gke-good", reports.StatusFail, "declared provider aks but the evidence ../../testdata/evidence/gke-good.json describes a gke cluster", 3},
	} {
		f := finding(fs, tc.control, tc.cluster)
		if f == nil || f.Status != tc.status || !strings.Contains(f.Message, tc.msg) || f.Line != tc.line || f.File != repo.ClusterStatePath(tc.cluster) {
			t.Errorf("%s %s: %+v\nwant %s at line %d containing %q", tc.cluster, tc.control, f, tc.status, tc.line, tc.msg)
		}
	}
	if f := finding(fs, "PLN-OPS-002", "aks-bad"); f == nil || f.Evidence != "" || !strings.Contains(f.Message, "only declared") {
		t.Errorf("a setting az aks show cannot show is only declared, without evidence: %+v", f)
	}
}

// TestUnmatchedEvidence: an evidence file naming no cluster is a failing
// PLN-OPS-003 finding, not silently ignored.
func TestUnmatchedEvidence(t *testing.T) {
	fs := Evaluate(&Input{Discovery: &render.Result{Clusters: []string{"aks-good", "prod"}}, Evidence: loadFixtures(t)})
	var got []string
	for _, f := range fs {
		if f.Control == "PLN-OPS-003" && f.Status == reports.StatusFail && strings.Contains(f.Message, "belongs to no cluster") {
			got = append(got, strings.Fields(f.Message)[1])
		}
	}
	want := []string{"../../testdata/evidence/aks-bad.json", "../../testdata/evidence/aks-bad.nodepools.json", "../../testdata/evidence/gke-bad.json", "../../testdata/evidence/gke-good.json"}
	if !slices.Equal(got, want) {
		t.Errorf("unmatched evidence findings %q, want %q", got, want)
	}
}

// TestBaselineRulesMatchCatalog: the shared rules and the catalog agree on
// which controls are declared and on their providers.
func TestBaselineRulesMatchCatalog(t *testing.T) {
	for _, c := range reports.Catalog() {
		r, ok := baseline.Lookup(c.ID)
		if (c.Evaluation == reports.EvalDeclared) != ok {
			t.Errorf("%s: evaluation %s, baseline rule %v", c.ID, c.Evaluation, ok)
			continue
		}
		if ok && !slices.Equal(r.Providers, c.Providers) {
			t.Errorf("%s: baseline providers %v, catalog %v", c.ID, r.Providers, c.Providers)
		}
	}
}
