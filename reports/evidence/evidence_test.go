package evidence

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"not json", "{\n  \"name\": \"x\",\n  oops\n}", "evidence e/x.json: not JSON: line 3: invalid character 'o'"},
		{"two values", `{"nodePools": []} {}`, "evidence e/x.json: more than one JSON value"},
		{"scalar", `"prod"`, "evidence e/x.json: $: want an object or a list, got a string"},
		{"other object", `{"kind": "Deployment"}`, "evidence e/x.json: $: not the output of az aks show -o json"},
		{"pool list of strings", `[{"name": "a"}, "b"]`, "evidence e/x.json: $[1]: want a node pool object (az aks nodepool list -o json), got a string"},
		{"empty", ``, "evidence e/x.json: not JSON: EOF"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("e/x.json", []byte(tc.in))
			if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
				t.Errorf("error %v, want prefix %q", err, tc.want)
			}
		})
	}
}

// TestMatch: a file belongs to the cluster its stem names, else to the one
// its JSON names (a pool list: the managed cluster in the pools' ids).
func TestMatch(t *testing.T) {
	doc := func(file, body string) *Document {
		d, err := Parse(file, []byte(body))
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	pools := `[{"id": "/subscriptions/s/resourcegroups/rg/providers/Microsoft.ContainerService/managedClusters/aks-prod-we/agentPools/system", "mode": "System", "count": 3, "availabilityZones": ["1","2","3"]}]`
	s := &Set{Docs: []*Document{
		doc("e/prod.json", `{"name": "aks-prod-we", "agentPoolProfiles": [], "currentKubernetesVersion": "1.35.1"}`),
		doc("e/pools.json", pools),
		doc("e/gke-eu.json", `{"name": "platform-eu", "currentMasterVersion": "1.34.2-gke.1", "locations": ["europe-west1-b"]}`),
		doc("e/stray.json", `{"name": "nobody", "nodePools": []}`),
	}}
	clusters := []string{"prod", "aks-prod-we", "gke-eu"}
	for _, tc := range []struct {
		cluster string
		files   []string
	}{
		{"prod", []string{"e/prod.json"}},         // stem wins over the JSON name
		{"aks-prod-we", []string{"e/pools.json"}}, // pool ids name the cluster
		{"gke-eu", []string{"e/gke-eu.json"}},     // stem
		{"platform-eu", nil},                      // the stem names another cluster
	} {
		c, err := s.For(tc.cluster, clusters)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		if c != nil {
			got = c.Files
		}
		if strings.Join(got, ",") != strings.Join(tc.files, ",") {
			t.Errorf("%s: files %v, want %v", tc.cluster, got, tc.files)
		}
	}
	if got := s.Unmatched(clusters); strings.Join(got, ",") != "e/stray.json" {
		t.Errorf("unmatched %v", got)
	}
	p, _ := s.For("aks-prod-we", clusters)
	if p.Observed.Settings["nodeCount"] != 3.0 || len(p.Observed.Zones) != 3 || p.Sources[NodeMinimum] != "e/pools.json#$[0].count" {
		t.Errorf("pool list: %+v %v", p.Observed, p.Sources)
	}
}

func TestConflictingEvidence(t *testing.T) {
	for _, tc := range []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"two clusters", map[string]string{"prod.json": `{"agentPoolProfiles": []}`, "prod.copy.json": `{"agentPoolProfiles": []}`},
			"evidence: 2 files of az aks show for one cluster"},
		{"two providers", map[string]string{"prod.json": `{"agentPoolProfiles": []}`, "prod.gke.json": `{"nodePools": []}`},
			"evidence: AKS and GKE descriptions for one cluster"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			for n, b := range tc.files {
				if err := os.WriteFile(filepath.Join(dir, n), []byte(b), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			s, err := Load(dir)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.For("prod", []string{"prod"}); err == nil || !strings.HasPrefix(err.Error(), tc.want) {
				t.Errorf("error %v, want %q", err, tc.want)
			}
		})
	}
}

func TestLoadRefuses(t *testing.T) {
	dir := t.TempDir()
	if _, err := Load(dir); err == nil || !strings.Contains(err.Error(), "no .json files") {
		t.Errorf("empty dir: %v", err)
	}
	if _, err := Load(filepath.Join(dir, "missing")); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("missing dir: %v", err)
	}
	if err := os.Symlink("/etc/passwd", filepath.Join(dir, "prod.json")); err != nil {
		t.Skip(err)
	}
	if _, err := Load(dir); err == nil || !strings.Contains(err.Error(), "symbolic link") {
		t.Errorf("symlink: %v", err)
	}
}

// FuzzParse: no input makes Parse or the normalisation panic.
func FuzzParse(f *testing.F) {
	for _, name := range []string{"aks-good.json", "aks-bad.json", "aks-bad.nodepools.json", "gke-good.json", "gke-bad.json"} {
		b, err := os.ReadFile(filepath.Join("../../testdata/evidence", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"agentPoolProfiles": [{"enableAutoScaling": true, "minCount": 1e300}], "apiServerAccessProfile": {"authorizedIpRanges": [1, null]}}`))
	f.Add([]byte(`{"nodePools": [{"autoscaling": {"enabled": true, "minNodeCount": -3, "totalMinNodeCount": "x"}, "locations": {}}], "locations": "x"}`))
	f.Add([]byte(`{"properties": {"agentPoolProfiles": "x", "addonProfiles": []}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		d, err := Parse("f.json", b)
		if err != nil {
			return
		}
		c, err := build([]*Document{d})
		if err == nil && c.Observed.Settings == nil {
			t.Fatal("nil settings")
		}
	})
}
