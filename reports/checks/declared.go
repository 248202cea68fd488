package checks

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/plinth-dev/plinth/internal/gitops/repo"
	"github.com/plinth-dev/plinth/reports"
)

// declaredChecks evaluate a cluster's recorded settings: ok, and a message.
var declaredChecks = map[string]func(st *ClusterState) (bool, string, string){
	"PLN-SEC-001": func(st *ClusterState) (bool, string, string) {
		return truthy(setting(st, "aad")) || truthy(setting(st, "azureRBAC")), "aad", "Azure AD integration"
	},
	"PLN-SEC-004": func(st *ClusterState) (bool, string, string) {
		v := strings.ToLower(fmt.Sprint(setting(st, "networkPolicy")))
		return truthy(setting(st, "networkPolicy")) && v != "none" && v != "false", "networkPolicy", "network policy engine"
	},
	"PLN-SEC-013": func(st *ClusterState) (bool, string, string) {
		return truthy(setting(st, "privateCluster")) || truthy(setting(st, "authorizedIPRanges")), "privateCluster", "private cluster or authorized IP ranges"
	},
	"PLN-SEC-014": func(st *ClusterState) (bool, string, string) {
		return truthy(setting(st, "keyVaultCSI")), "keyVaultCSI", "Key Vault Secrets Store CSI driver"
	},
	"PLN-SEC-016": func(st *ClusterState) (bool, string, string) {
		return truthy(setting(st, "defender")), "defender", "Defender for Containers"
	},
	"PLN-SEC-020": func(st *ClusterState) (bool, string, string) {
		return truthy(setting(st, "workloadIdentity")), "workloadIdentity", "Workload Identity"
	},
	"PLN-HA-001": func(st *ClusterState) (bool, string, string) {
		return len(st.Zones) >= 3, "zones", fmt.Sprintf("%d availability zone(s)", len(st.Zones))
	},
	"PLN-HA-002": func(st *ClusterState) (bool, string, string) {
		n, ok := intAt(setting(st, "autoscaler"), "minCount")
		if !ok {
			n, ok = intAt(st.Settings, "nodeCount")
		}
		return ok && n >= 3, "autoscaler", fmt.Sprintf("node pool minimum of %d node(s)", n)
	},
	"PLN-RES-006": func(st *ClusterState) (bool, string, string) {
		return truthy(setting(st, "autoscaler")), "autoscaler", "cluster autoscaler"
	},
	"PLN-MON-001": func(st *ClusterState) (bool, string, string) {
		return truthy(setting(st, "monitoring")), "monitoring", "Container Insights"
	},
	"PLN-NET-001": func(st *ClusterState) (bool, string, string) {
		return strings.EqualFold(fmt.Sprint(setting(st, "networkPlugin")), "azure"), "networkPlugin", "network plugin " + shown(setting(st, "networkPlugin"))
	},
	"PLN-OPS-001": func(st *ClusterState) (bool, string, string) {
		v := strings.ToLower(fmt.Sprint(setting(st, "upgradeChannel")))
		return truthy(setting(st, "upgradeChannel")) && v != "none", "upgradeChannel", "upgrade channel " + shown(setting(st, "upgradeChannel"))
	},
	"PLN-OPS-002": func(st *ClusterState) (bool, string, string) {
		return truthy(setting(st, "maintenanceWindow")), "maintenanceWindow", "maintenance window"
	},
	"PLN-OPS-006": func(st *ClusterState) (bool, string, string) {
		prod, other := 0, []string{}
		for _, e := range st.Environments {
			if e.Tier == "production" {
				prod++
			} else {
				other = append(other, e.Name)
			}
		}
		if prod > 0 && len(other) > 0 {
			return false, "environments", "production shares the cluster with " + strings.Join(other, ", ")
		}
		return true, "environments", "environments isolated"
	},
}

// setting reads a settings key tolerantly (also "aad.azureRBAC" style keys).
func setting(st *ClusterState, key string) any {
	if v, ok := st.Settings[key]; ok {
		return v
	}
	for k, v := range st.Settings {
		if strings.EqualFold(k, key) {
			return v
		}
	}
	if key == "azureRBAC" {
		return get(st.Settings, "aad", "azureRBAC")
	}
	return nil
}

// truthy: true, a non-empty string other than "false"/"disabled", a
// non-empty list, or a map whose enabled/managed flag is not false.
func truthy(v any) bool {
	switch t := v.(type) {
	case bool:
		return t
	case string:
		s := strings.ToLower(strings.TrimSpace(t))
		return s != "" && s != "false" && s != "disabled" && s != "off"
	case []any:
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

func (ev *evaluator) declared() {
	fn := declaredChecks[ev.control.ID]
	for _, c := range ev.clusters {
		st := ev.in.States[c]
		if st == nil || fn == nil {
			where := "the repository"
			if c != "" {
				where = repo.ClusterStatePath(c)
			}
			ev.add(reports.StatusManual, c, "", "", nil, fmt.Sprintf("no declared cluster settings in %s; attest: %s", where, ev.control.Remediation))
			continue
		}
		if ps := ev.control.Providers; len(ps) > 0 && st.Provider != "" && !slices.Contains(ps, st.Provider) {
			ev.addAt(reports.StatusNA, c, "", "Cluster/"+c, st.File, jsonKeyLine(st.Data, "provider"),
				fmt.Sprintf("applies to %s clusters; this one is %s", strings.Join(ps, ", "), st.Provider))
			continue
		}
		ok, key, what := fn(st)
		line := jsonKeyLine(st.Data, key)
		if ok {
			ev.addAt(reports.StatusPass, c, "", "Cluster/"+c, st.File, line, "declared: "+what)
		} else {
			ev.addAt(reports.StatusFail, c, "", "Cluster/"+c, st.File, line, fmt.Sprintf("not declared: %s (settings.%s %s); %s", what, key, shown(setting(st, key)), ev.control.Remediation))
		}
	}
}

// jsonKeyLine returns the line of the first "key": in data, or 1.
func jsonKeyLine(data []byte, key string) int {
	i := bytes.Index(data, []byte(`"`+key+`"`))
	if i < 0 {
		return 1
	}
	return bytes.Count(data[:i], []byte("\n")) + 1
}

// shown renders a setting for a message.
func shown(v any) string {
	if v == nil {
		return "not set"
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return "= " + string(b)
}
