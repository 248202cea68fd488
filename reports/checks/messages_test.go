package checks

import (
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/plinth-dev/plinth/internal/baseline"
	"github.com/plinth-dev/plinth/reports"
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

// declaredPhrasesRef are declaredPhrases as the regular expressions they
// were.
var declaredPhrasesRef = []struct {
	re *regexp.Regexp
	id string
}{
	{regexp.MustCompile(`^no Azure AD integration$`), "decl.noAAD"},
	{regexp.MustCompile(`^Azure AD integration, but local accounts \(static admin credentials\) enabled$`), "decl.aadLocalAccounts"},
	{regexp.MustCompile(`^Azure AD integration$`), "decl.aad"},
	{regexp.MustCompile(`^network policy engine (.*)$`), "decl.networkPolicy"},
	{regexp.MustCompile(`^private API server$`), "decl.privateAPI"},
	{regexp.MustCompile(`^API server restricted to authorized IP ranges (.*)$`), "decl.authorizedRanges"},
	{regexp.MustCompile(`^public API server without authorized IP ranges$`), "decl.publicAPI"},
	{regexp.MustCompile(`^Key Vault Secrets Store CSI driver (.*)$`), "decl.keyVaultCSI"},
	{regexp.MustCompile(`^Defender for Containers (.*)$`), "decl.defender"},
	{regexp.MustCompile(`^Workload Identity (.*)$`), "decl.workloadIdentity"},
	{regexp.MustCompile(`^Azure Policy add-on (.*)$`), "decl.azurePolicy"},
	{regexp.MustCompile(`^(\d+) availability zone\(s\)$`), "decl.zones"},
	{regexp.MustCompile(`^no node pool minimum$`), "decl.noNodeMinimum"},
	{regexp.MustCompile(`^node pool minimum of (\d+) node\(s\)$`), "decl.nodeMinimum"},
	{regexp.MustCompile(`^cluster autoscaler (.*)$`), "decl.autoscaler"},
	{regexp.MustCompile(`^Container Insights (.*)$`), "decl.monitoring"},
	{regexp.MustCompile(`^network plugin (.*)$`), "decl.networkPlugin"},
	{regexp.MustCompile(`^upgrade channel (.*)$`), "decl.upgradeChannel"},
	{regexp.MustCompile(`^no maintenance window$`), "decl.noMaintenanceWindow"},
	{regexp.MustCompile(`^maintenance window (.*)$`), "decl.maintenanceWindow"},
	{regexp.MustCompile(`^production shares the cluster with (.*)$`), "decl.sharedCluster"},
	{regexp.MustCompile(`^environments isolated$`), "decl.isolated"},
	{regexp.MustCompile(`^Kubernetes version (".*") is not a version$`), "decl.badVersion"},
	{regexp.MustCompile(`^Kubernetes (\S+), older than (\S+), the oldest minor (.+) supports on (\S+)$`), "decl.oldVersion"},
	{regexp.MustCompile(`^Kubernetes (\S+) \(supported on (.+) from (\S+)\)$`), "decl.supportedVersion"},
}

// whatMsgRef is whatMsg with declaredPhrasesRef.
func whatMsgRef(what string) reports.Msg {
	for _, p := range declaredPhrasesRef {
		if m := p.re.FindStringSubmatch(what); m != nil {
			args := make([]any, 0, len(m)-1)
			for _, a := range m[1:] {
				args = append(args, valueMsg(a))
			}
			return reports.M(p.id, args...)
		}
	}
	return reports.M("msg.text", what)
}

// phraseCases are descriptions made of the phrases' texts and of what
// their captures could be given, tricky ones included: line breaks, white
// space, quotes, the texts around a capture inside it, invalid UTF-8.
func phraseCases() []string {
	parts := []string{"", "1", "12", "x", "a b", " ", "\n", "\t", "\r", "\f", "\v", "\"", "\"1.2\"", "\"a\nb\"", "é", "\xff", "\u00a0",
		", older than ", ", the oldest minor ", " supports on ", " (supported on ", " from ", ")", "(s)", "not set", "enabled", "disabled"}
	var out []string
	for _, p := range declaredPhrasesRef {
		text := strings.NewReplacer(`\(`, "(", `\)`, ")", "^", "", "$", "").Replace(p.re.String())
		for i, a := range parts {
			for _, b := range parts[i%3:] {
				r := strings.NewReplacer(`(.*)`, a, `(.+)`, b+a, `(\d+)`, a, `(\S+)`, b, `(".*")`, "\""+a+b+"\"")
				out = append(out, r.Replace(text), r.Replace(text)+a, a+r.Replace(text), strings.Replace(r.Replace(text), " ", b, 1))
			}
		}
	}
	return out
}

// TestWhatMsgDifferential holds whatMsg (matchPhrase) to the regular
// expressions it replaces.
func TestWhatMsgDifferential(t *testing.T) {
	for _, s := range phraseCases() {
		if got, want := whatMsg(s), whatMsgRef(s); !reflect.DeepEqual(got, want) {
			t.Fatalf("whatMsg(%q) = %#v, want %#v", s, got, want)
		}
	}
}

func FuzzWhatMsg(f *testing.F) {
	for i, s := range phraseCases() {
		if i%97 == 0 {
			f.Add(s)
		}
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := whatMsg(s), whatMsgRef(s); !reflect.DeepEqual(got, want) {
			t.Fatalf("whatMsg(%q) = %#v, want %#v", s, got, want)
		}
	})
}
