// Package baseline holds the rules that judge a cluster's settings against
// the plinth baseline: the declared controls of the report (reports/checks,
// on the settings recorded in .plinth/clusters/<cluster>.json or observed in
// a cloud provider's description of the cluster) and validate's warnings on
// production clusters (schemas) use the same rules.
//
// Settings use the vocabulary of the platform spec's clusters.<c>.settings:
// privateCluster, authorizedIPRanges, aad {managed, azureRBAC},
// networkPlugin, networkPolicy, autoscaler {enabled, minCount, maxCount},
// nodeCount, upgradeChannel, maintenanceWindow, defender, monitoring,
// keyVaultCSI, workloadIdentity, azurePolicy, disableLocalAccounts.
package baseline

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Cluster is what the rules read.
type Cluster struct {
	Provider          string
	KubernetesVersion string
	Zones             []string
	Settings          map[string]any
	Environments      []Env
}

// Env is an environment deployed to a cluster.
type Env struct{ Name, Tier string }

// Rule is the evaluation of one declared control.
type Rule struct {
	Control string
	// Key is the setting the rule reads ("zones", "kubernetesVersion" and
	// "environments" name the cluster's own fields).
	Key string
	// Providers limit the rule (empty: every provider). The catalog's
	// providers of the control are the same (a test keeps them so).
	Providers []string
	// Optional rules cannot be judged from a missing setting: the control
	// stays manual (attested by hand) until the setting is declared or
	// observed, and validate does not warn about it.
	Optional bool
	// Check says whether the cluster meets the control, and what it has.
	Check func(c *Cluster) (ok bool, what string)
	// Fix is what to declare, for validate's warning.
	Fix string
}

// Applies reports whether the rule applies to a provider ("" is unknown:
// applies).
func (r Rule) Applies(provider string) bool {
	return len(r.Providers) == 0 || provider == "" || slices.Contains(r.Providers, provider)
}

// Value is what the rule compares between a declaration and an observation:
// the setting, or the cluster field the key names.
func (r Rule) Value(c *Cluster) any {
	switch r.Key {
	case "zones":
		if c.Zones == nil {
			return nil
		}
		return float64(len(c.Zones))
	case "kubernetesVersion":
		if m, ok := Minor(c.KubernetesVersion); ok {
			return m
		}
		return nil
	case "environments":
		return nil
	case "privateCluster":
		return Setting(c.Settings, "privateCluster")
	case "aad":
		m := map[string]any{}
		for _, k := range []string{"aad", "disableLocalAccounts"} {
			if v := Setting(c.Settings, k); v != nil {
				m[k] = v
			}
		}
		if len(m) == 0 {
			return nil
		}
		return m
	case "autoscaler":
		if r.Control == "PLN-RES-006" {
			if v := Setting(c.Settings, "autoscaler"); v != nil {
				return Truthy(v)
			}
			return nil
		}
	}
	return Setting(c.Settings, r.Key)
}

var aks = []string{"aks"}

// Rules are the declared controls' evaluations, in catalog order.
var Rules = []Rule{
	// Azure AD replaces static certificates only when local accounts are
	// disabled too (when that is declared or observed).
	{Control: "PLN-SEC-001", Key: "aad", Providers: aks, Fix: "aad: {managed: true, azureRBAC: true} and disableLocalAccounts: true",
		Check: func(c *Cluster) (bool, string) {
			if !Truthy(Setting(c.Settings, "aad")) && !Truthy(Setting(c.Settings, "azureRBAC")) {
				return false, "no Azure AD integration"
			}
			if v := Setting(c.Settings, "disableLocalAccounts"); v != nil && !Truthy(v) {
				return false, "Azure AD integration, but local accounts (static admin credentials) enabled"
			}
			return true, "Azure AD integration"
		}},
	{Control: "PLN-SEC-004", Key: "networkPolicy", Fix: `networkPolicy: "azure"`,
		Check: func(c *Cluster) (bool, string) {
			v := Setting(c.Settings, "networkPolicy")
			s := strings.ToLower(fmt.Sprint(v))
			return Truthy(v) && s != "none" && s != "false", "network policy engine " + Shown(v)
		}},
	{Control: "PLN-SEC-013", Key: "privateCluster", Fix: "privateCluster: true (or authorizedIPRanges)",
		Check: func(c *Cluster) (bool, string) {
			p, r := Setting(c.Settings, "privateCluster"), Setting(c.Settings, "authorizedIPRanges")
			switch {
			case Truthy(p):
				return true, "private API server"
			case Truthy(r):
				return true, "API server restricted to authorized IP ranges " + Shown(r)
			}
			return false, "public API server without authorized IP ranges"
		}},
	{Control: "PLN-SEC-014", Key: "keyVaultCSI", Providers: aks, Fix: "keyVaultCSI: true",
		Check: func(c *Cluster) (bool, string) {
			return Truthy(Setting(c.Settings, "keyVaultCSI")), "Key Vault Secrets Store CSI driver " + onOff(Setting(c.Settings, "keyVaultCSI"))
		}},
	{Control: "PLN-SEC-016", Key: "defender", Providers: aks, Fix: "defender: true",
		Check: func(c *Cluster) (bool, string) {
			return Truthy(Setting(c.Settings, "defender")), "Defender for Containers " + onOff(Setting(c.Settings, "defender"))
		}},
	{Control: "PLN-SEC-020", Key: "workloadIdentity", Fix: "workloadIdentity: true",
		Check: func(c *Cluster) (bool, string) {
			return Truthy(Setting(c.Settings, "workloadIdentity")), "Workload Identity " + onOff(Setting(c.Settings, "workloadIdentity"))
		}},
	{Control: "PLN-SEC-024", Key: "azurePolicy", Providers: aks, Optional: true, Fix: "azurePolicy: true",
		Check: func(c *Cluster) (bool, string) {
			return Truthy(Setting(c.Settings, "azurePolicy")), "Azure Policy add-on " + onOff(Setting(c.Settings, "azurePolicy"))
		}},
	{Control: "PLN-HA-001", Key: "zones", Fix: `zones: ["1", "2", "3"]`,
		Check: func(c *Cluster) (bool, string) {
			return len(c.Zones) >= 3, fmt.Sprintf("%d availability zone(s)", len(c.Zones))
		}},
	{Control: "PLN-HA-002", Key: "autoscaler", Fix: "autoscaler: {enabled: true, minCount: 3, maxCount: ...}",
		Check: func(c *Cluster) (bool, string) {
			n, ok := IntAt(Setting(c.Settings, "autoscaler"), "minCount")
			if !ok {
				n, ok = IntAt(Setting(c.Settings, "nodeCount"))
			}
			if !ok {
				return false, "no node pool minimum"
			}
			return n >= 3, fmt.Sprintf("node pool minimum of %d node(s)", n)
		}},
	{Control: "PLN-RES-006", Key: "autoscaler", Fix: "autoscaler: {enabled: true, minCount: 3, maxCount: ...}",
		Check: func(c *Cluster) (bool, string) {
			return Truthy(Setting(c.Settings, "autoscaler")), "cluster autoscaler " + onOff(Setting(c.Settings, "autoscaler"))
		}},
	{Control: "PLN-MON-001", Key: "monitoring", Providers: aks, Fix: "monitoring: true",
		Check: func(c *Cluster) (bool, string) {
			return Truthy(Setting(c.Settings, "monitoring")), "Container Insights " + onOff(Setting(c.Settings, "monitoring"))
		}},
	{Control: "PLN-NET-001", Key: "networkPlugin", Providers: aks, Fix: `networkPlugin: "azure"`,
		Check: func(c *Cluster) (bool, string) {
			v := Setting(c.Settings, "networkPlugin")
			return strings.EqualFold(fmt.Sprint(v), "azure"), "network plugin " + Shown(v)
		}},
	{Control: "PLN-OPS-001", Key: "upgradeChannel", Fix: `upgradeChannel: "stable"`,
		Check: func(c *Cluster) (bool, string) {
			v := Setting(c.Settings, "upgradeChannel")
			s := strings.ToLower(fmt.Sprint(v))
			return Truthy(v) && s != "none" && s != "unspecified", "upgrade channel " + Shown(v)
		}},
	{Control: "PLN-OPS-002", Key: "maintenanceWindow", Fix: `maintenanceWindow: {day: "Sunday", start: "01:00", durationHours: 4}`,
		Check: func(c *Cluster) (bool, string) {
			v := Setting(c.Settings, "maintenanceWindow")
			if !Truthy(v) {
				return false, "no maintenance window"
			}
			return true, "maintenance window " + Shown(v)
		}},
	{Control: "PLN-OPS-006", Key: "environments", Fix: "a cluster of its own for production",
		Check: func(c *Cluster) (bool, string) {
			prod, other := 0, []string{}
			for _, e := range c.Environments {
				if e.Tier == "production" {
					prod++
				} else {
					other = append(other, e.Name)
				}
			}
			if prod > 0 && len(other) > 0 {
				return false, "production shares the cluster with " + strings.Join(other, ", ")
			}
			return true, "environments isolated"
		}},
	{Control: "PLN-OPS-007", Key: "kubernetesVersion", Optional: true, Fix: "kubernetesVersion of a supported minor (see the support table)",
		Check: func(c *Cluster) (bool, string) {
			return Supported(c.Provider, c.KubernetesVersion)
		}},
}

// Lookup returns the rule of a control.
func Lookup(control string) (Rule, bool) {
	for _, r := range Rules {
		if r.Control == control {
			return r, true
		}
	}
	return Rule{}, false
}

// Has reports whether the cluster says anything about the rule's key.
func (r Rule) Has(c *Cluster) bool {
	switch r.Key {
	case "zones":
		return c.Zones != nil
	case "kubernetesVersion":
		return c.KubernetesVersion != ""
	case "environments":
		return c.Environments != nil
	case "privateCluster":
		return Setting(c.Settings, "privateCluster") != nil || Setting(c.Settings, "authorizedIPRanges") != nil
	case "aad":
		return Setting(c.Settings, "aad") != nil || Setting(c.Settings, "azureRBAC") != nil
	case "autoscaler":
		return Setting(c.Settings, "autoscaler") != nil || (r.Control == "PLN-HA-002" && Setting(c.Settings, "nodeCount") != nil)
	}
	return Setting(c.Settings, r.Key) != nil
}

// Setting reads a settings key tolerantly: exactly, then case-insensitively
// (the first such key in sorted order), and azureRBAC also inside aad.
func Setting(settings map[string]any, key string) any {
	if v, ok := settings[key]; ok {
		return v
	}
	var keys []string
	for k := range settings {
		if strings.EqualFold(k, key) {
			keys = append(keys, k)
		}
	}
	if len(keys) > 0 {
		slices.Sort(keys)
		return settings[keys[0]]
	}
	if key == "azureRBAC" {
		if m, ok := settings["aad"].(map[string]any); ok {
			return m["azureRBAC"]
		}
	}
	return nil
}

// Truthy: true, a non-empty string other than "false"/"disabled"/"off", a
// non-empty list, a non-zero number, or a map whose enabled/managed flag is
// not false (a non-empty map without one).
func Truthy(v any) bool {
	switch t := v.(type) {
	case bool:
		return t
	case string:
		s := strings.ToLower(strings.TrimSpace(t))
		return s != "" && s != "false" && s != "disabled" && s != "off"
	case []any:
		return len(t) > 0
	case []string:
		return len(t) > 0
	case map[string]any:
		for _, k := range []string{"enabled", "managed"} {
			if b, ok := t[k].(bool); ok {
				return b
			}
		}
		return len(t) > 0
	case int, int64, float64:
		return fmt.Sprint(t) != "0"
	}
	return false
}

// IntAt reads a whole number at a path of nested maps.
func IntAt(v any, path ...string) (int, bool) {
	for _, p := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return 0, false
		}
		v = m[p]
	}
	switch n := v.(type) {
	case int:
		return n, true
	case int64:
		return int(n), true
	case float64:
		if n == float64(int(n)) {
			return int(n), true
		}
	case json.Number:
		if i, err := n.Int64(); err == nil {
			return int(i), true
		}
	}
	return 0, false
}

// Shown renders a value for a message: "= <json>", or "not set".
func Shown(v any) string {
	if v == nil {
		return "not set"
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return "= " + string(b)
}

// Display renders a value alone, for "declared X but the cluster has Y".
func Display(v any) string {
	if v == nil {
		return "nothing"
	}
	if s, ok := v.(string); ok {
		return s
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

func onOff(v any) string {
	switch {
	case v == nil:
		return "not set"
	case Truthy(v):
		return "enabled"
	}
	return "disabled"
}

// Differs reports whether a declared value contradicts an observed one:
// maps are compared on the keys both have (on their truth when none is
// shared), booleans and mixed shapes on their truth, numbers by value and
// strings case-insensitively. Nothing declared contradicts nothing.
func Differs(declared, observed any) bool {
	if declared == nil || observed == nil {
		return false
	}
	dm, dMap := declared.(map[string]any)
	om, oMap := observed.(map[string]any)
	if dMap && oMap {
		common := false
		keys := make([]string, 0, len(dm))
		for k := range dm {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			if ov, ok := om[k]; ok {
				common = true
				if Differs(dm[k], ov) {
					return true
				}
			}
		}
		return !common && Truthy(declared) != Truthy(observed)
	}
	dn, dNum := number(declared)
	on, oNum := number(observed)
	ds, dStr := declared.(string)
	os, oStr := observed.(string)
	switch {
	case dNum && oNum:
		return dn != on
	case dStr && oStr:
		return !strings.EqualFold(strings.TrimSpace(ds), strings.TrimSpace(os))
	}
	return Truthy(declared) != Truthy(observed)
}

func number(v any) (float64, bool) {
	switch n := v.(type) {
	case int:
		return float64(n), true
	case int64:
		return float64(n), true
	case float64:
		return n, true
	}
	return 0, false
}

// Minor returns the "1.NN" of a Kubernetes version such as "1.34",
// "1.34.2", "v1.34.2" or GKE's "1.34.1-gke.1829001".
func Minor(v string) (string, bool) {
	v = strings.TrimPrefix(strings.TrimSpace(v), "v")
	parts := strings.SplitN(v, ".", 3)
	if len(parts) < 2 {
		return "", false
	}
	maj, err1 := strconv.Atoi(parts[0])
	mn, err2 := strconv.Atoi(strings.SplitN(parts[1], "-", 2)[0])
	if err1 != nil || err2 != nil || maj != 1 || mn < 0 {
		return "", false
	}
	return fmt.Sprintf("1.%d", mn), true
}
