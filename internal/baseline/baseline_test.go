package baseline

import "testing"

func TestMinorAndSupport(t *testing.T) {
	for _, tc := range []struct {
		provider, version string
		minor             string
		ok                bool
	}{
		{"aks", "1.34", "1.34", true},
		{"aks", "1.33.5", "1.33", false},
		{"gke", "1.34.1-gke.1829001", "1.34", true},
		{"gke", "v1.31.6-gke.1020000", "1.31", false},
		{"generic", "1.34", "1.34", false},
		{"generic", "1.37.2", "1.37", true},
		{"", "1.35", "1.35", true}, // unknown provider: upstream's table
		{"aks", "2.1", "", false},
		{"aks", "latest", "", false},
	} {
		m, _ := Minor(tc.version)
		ok, what := Supported(tc.provider, tc.version)
		if m != tc.minor || ok != tc.ok {
			t.Errorf("%s %s: minor %q ok %v (%s), want %q %v", tc.provider, tc.version, m, ok, what, tc.minor, tc.ok)
		}
	}
}

func TestDiffers(t *testing.T) {
	for _, tc := range []struct {
		d, o any
		want bool
	}{
		{true, false, true},
		{true, map[string]any{"enabled": true}, false},
		{"Azure", "azure", false},
		{"calico", "azure", true},
		{3.0, 3, false},
		{map[string]any{"minCount": 3.0, "maxCount": 10.0}, map[string]any{"minCount": 3.0, "maxCount": 6.0, "enabled": true}, true},
		{map[string]any{"day": "Sunday"}, map[string]any{"recurringWindow": map[string]any{}}, false}, // no shared key: both set
		{map[string]any{"day": "Sunday"}, false, true},
		{nil, "azure", false},
		{"stable", nil, false},
	} {
		if got := Differs(tc.d, tc.o); got != tc.want {
			t.Errorf("Differs(%v, %v) = %v, want %v", tc.d, tc.o, got, tc.want)
		}
	}
}

func TestRulesHaveChecks(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range Rules {
		if r.Check == nil || r.Key == "" || r.Fix == "" || seen[r.Control] {
			t.Errorf("rule %s: check, key and fix required, once per control", r.Control)
		}
		seen[r.Control] = true
		// An empty cluster never panics and never passes a required rule.
		if ok, _ := r.Check(&Cluster{}); ok && !r.Optional && r.Key != "environments" {
			t.Errorf("%s passes an empty cluster", r.Control)
		}
	}
}
