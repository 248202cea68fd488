package schemas_test

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/plinth-dev/plinth/schemas"
)

// TestBaselineWarnings: a production cluster's declared settings that miss a
// baseline control warn at the setting's line (the platform stays valid);
// non-production clusters do not warn. The rules are the report's.
func TestBaselineWarnings(t *testing.T) {
	const prodSettings = `		privateCluster: true
		aad: {managed: true, azureRBAC: true}
		networkPlugin:  "azure"
		networkPolicy:  "azure"
		autoscaler: {enabled: true, minCount: 3, maxCount: 10}
		upgradeChannel: "stable"
		maintenanceWindow: {day: "Sunday", start: "01:00", durationHours: 4}
		defender:         true
		monitoring:       true
		keyVaultCSI:      true
		workloadIdentity: true
`
	for _, tc := range []struct {
		name    string
		edit    func(string) string
		want    []string // "line path control"
		nowarns bool
	}{
		{name: "example", edit: func(s string) string { return s }, nowarns: true},
		{name: "defender off, one node minimum, azure policy declared off",
			edit: func(s string) string {
				s = strings.Replace(s, "defender:         true", "defender:         false", 1)
				s = strings.Replace(s, "minCount: 3, maxCount: 10", "minCount: 1, maxCount: 10", 1)
				return strings.Replace(s, "workloadIdentity: true\n\t}\n}\n\nenvironments", "workloadIdentity: true\n\t\tazurePolicy:      false\n\t}\n}\n\nenvironments", 1)
			},
			want: []string{"52 clusters.prod.settings.autoscaler PLN-HA-002", "55 clusters.prod.settings.defender PLN-SEC-016", "59 clusters.prod.settings.azurePolicy PLN-SEC-024"}},
		{name: "local accounts on",
			edit: func(s string) string {
				return strings.Replace(s, "aad: {managed: true, azureRBAC: true}\n\t\tnetworkPlugin:  \"azure\"\n\t\tnetworkPolicy:  \"azure\"\n\t\tautoscaler: {enabled: true, minCount: 3",
					"aad: {managed: true, azureRBAC: true}\n\t\tdisableLocalAccounts: false\n\t\tnetworkPlugin:  \"azure\"\n\t\tnetworkPolicy:  \"azure\"\n\t\tautoscaler: {enabled: true, minCount: 3", 1)
			},
			want: []string{"49 clusters.prod.settings.aad PLN-SEC-001"}},
		{name: "unsupported version, two zones",
			edit: func(s string) string {
				i := strings.Index(s, "clusters: prod:")
				return s[:i] + strings.Replace(strings.Replace(s[i:], `kubernetesVersion: "1.34"`, `kubernetesVersion: "1.31"`, 1), `zones: ["1", "2", "3"]`, `zones: ["1", "2"]`, 1)
			},
			want: []string{"41 clusters.prod.kubernetesVersion PLN-OPS-007", "42 clusters.prod.zones PLN-HA-001"}},
		{name: "no settings",
			edit: func(s string) string { return strings.Replace(s, prodSettings, "", 1) },
			want: []string{
				"47 clusters.prod.settings.aad PLN-SEC-001", "47 clusters.prod.settings.autoscaler PLN-RES-006", "47 clusters.prod.settings.autoscaler PLN-HA-002",
				"47 clusters.prod.settings.defender PLN-SEC-016", "47 clusters.prod.settings.keyVaultCSI PLN-SEC-014",
				"47 clusters.prod.settings.maintenanceWindow PLN-OPS-002", "47 clusters.prod.settings.monitoring PLN-MON-001",
				"47 clusters.prod.settings.networkPlugin PLN-NET-001", "47 clusters.prod.settings.networkPolicy PLN-SEC-004",
				"47 clusters.prod.settings.privateCluster PLN-SEC-013", "47 clusters.prod.settings.upgradeChannel PLN-OPS-001",
				"47 clusters.prod.settings.workloadIdentity PLN-SEC-020"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "platform")
			if err := schemas.WriteExample(dir); err != nil {
				t.Fatal(err)
			}
			file := filepath.Join(dir, "platform.cue")
			b, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			src := tc.edit(string(b))
			if !tc.nowarns && src == string(b) {
				t.Fatal("edit changed nothing")
			}
			if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
				t.Fatal(err)
			}
			m, err := schemas.Load(dir)
			if err != nil {
				t.Fatalf("invalid: %v", err)
			}
			var got []string
			for _, w := range m.Warnings {
				if w.Rule != "baseline" || w.Pos.File != "platform.cue" || !strings.Contains(w.Msg, `production cluster "prod"`) {
					t.Errorf("warning %v", w)
				}
				control := ""
				for _, f := range strings.Fields(w.Msg) {
					if strings.HasPrefix(f, "PLN-") {
						control = f
					}
				}
				got = append(got, strings.Join([]string{itoa(w.Pos.Line), w.Path, control}, " "))
			}
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("warnings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
