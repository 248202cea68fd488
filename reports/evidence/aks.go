package evidence

import (
	"fmt"
	"strings"
)

// aks reads `az aks show -o json` (the managedClusters resource, properties
// flattened into the top level as az prints them, or under "properties" as
// the REST API returns them).
func (c *Cluster) aks(d *Document) {
	doc, _ := d.data.(map[string]any)
	base := "$"
	if p := props(doc); p != nil {
		doc, base = p, "$.properties"
	}
	f := d.File

	// API server: apiServerAccessProfile is null on a public cluster
	// without authorized ranges.
	if api, ok := get(doc, "apiServerAccessProfile").(map[string]any); ok {
		c.set("privateCluster", boolean(api, "enablePrivateCluster"), f, jp(base, "apiServerAccessProfile", "enablePrivateCluster"))
		if r := stringList(get(api, "authorizedIpRanges")); len(r) > 0 {
			c.set("authorizedIPRanges", toAny(r), f, jp(base, "apiServerAccessProfile", "authorizedIpRanges"))
		}
	} else {
		c.set("privateCluster", false, f, jp(base, "apiServerAccessProfile"))
	}

	if aad, ok := get(doc, "aadProfile").(map[string]any); ok {
		c.set("aad", map[string]any{"managed": boolean(aad, "managed"), "azureRBAC": boolean(aad, "enableAzureRbac")}, f, jp(base, "aadProfile"))
	} else {
		c.set("aad", false, f, jp(base, "aadProfile"))
	}
	c.set("disableLocalAccounts", boolean(doc, "disableLocalAccounts"), f, jp(base, "disableLocalAccounts"))

	// kubenet clusters print networkPolicy null: no engine.
	if np := get(doc, "networkProfile"); np != nil {
		c.set("networkPlugin", lowerOr(str(np, "networkPlugin"), "none"), f, jp(base, "networkProfile", "networkPlugin"))
		c.set("networkPolicy", lowerOr(str(np, "networkPolicy"), "none"), f, jp(base, "networkProfile", "networkPolicy"))
	}

	ch := "none"
	if s := str(doc, "autoUpgradeProfile", "upgradeChannel"); s != "" {
		ch = strings.ToLower(s)
	}
	c.set("upgradeChannel", ch, f, jp(base, "autoUpgradeProfile", "upgradeChannel"))

	c.set("defender", boolean(doc, "securityProfile", "defender", "securityMonitoring", "enabled"), f,
		jp(base, "securityProfile", "defender", "securityMonitoring", "enabled"))
	c.set("workloadIdentity", boolean(doc, "securityProfile", "workloadIdentity", "enabled") && boolean(doc, "oidcIssuerProfile", "enabled"), f,
		jp(base, "securityProfile", "workloadIdentity", "enabled"))

	// Add-ons: an add-on az does not list is not enabled.
	addon := func(key, name string) {
		c.set(key, boolean(doc, "addonProfiles", name, "enabled"), f, jp(base, "addonProfiles", name, "enabled"))
	}
	addon("azurePolicy", "azurepolicy")
	addon("keyVaultCSI", "azureKeyvaultSecretsProvider")
	// Container Insights: the omsagent add-on, or azureMonitorProfile's
	// containerInsights on clusters that moved to it.
	if boolean(doc, "azureMonitorProfile", "containerInsights", "enabled") {
		c.set("monitoring", true, f, jp(base, "azureMonitorProfile", "containerInsights", "enabled"))
	} else {
		addon("monitoring", "omsagent")
	}

	if v := str(doc, "currentKubernetesVersion"); v != "" {
		c.Observed.KubernetesVersion = v
		c.Sources["kubernetesVersion"] = f + "#" + jp(base, "currentKubernetesVersion")
	} else if v := str(doc, "kubernetesVersion"); v != "" {
		c.Observed.KubernetesVersion = v
		c.Sources["kubernetesVersion"] = f + "#" + jp(base, "kubernetesVersion")
	}
	if pools := asList(get(doc, "agentPoolProfiles")); len(pools) > 0 {
		c.aksPools(f, jp(base, "agentPoolProfiles"), pools)
	}
}

// aksPools reads node pools (agentPoolProfiles, or az aks nodepool list):
// the autoscaler is on when every pool autoscales; the node minimum and the
// zones are those of the weakest system pool (every pool when none is
// marked System), named in the JSON path.
func (c *Cluster) aksPools(f, base string, pools []any) {
	var sys []int
	for i, p := range pools {
		if strings.EqualFold(str(p, "mode"), "System") {
			sys = append(sys, i)
		}
	}
	if len(sys) == 0 {
		for i := range pools {
			sys = append(sys, i)
		}
	}
	all := true
	firstOff := -1
	for i, p := range pools {
		if !boolean(p, "enableAutoScaling") {
			all = false
			if firstOff < 0 {
				firstOff = i
			}
		}
	}
	// The weakest pool: the lowest node minimum, then the fewest zones.
	minAt, minN := -1, 0
	zonesAt := -1
	var zones []string
	for _, i := range sys {
		p := pools[i]
		n, ok := num(p, "count")
		if boolean(p, "enableAutoScaling") {
			n, ok = num(p, "minCount")
		}
		if ok && (minAt < 0 || n < minN) {
			minAt, minN = i, n
		}
		z := stringList(get(p, "availabilityZones"))
		if zonesAt < 0 || len(z) < len(zones) {
			zonesAt, zones = i, z
		}
	}
	at := func(i int, key string) string { return fmt.Sprintf("%s[%d].%s", base, i, key) }
	if minAt >= 0 {
		p := pools[minAt]
		as := map[string]any{"enabled": all}
		key := "count"
		if boolean(p, "enableAutoScaling") {
			key = "minCount"
			as["minCount"] = float64(minN)
			if mx, ok := num(p, "maxCount"); ok {
				as["maxCount"] = float64(mx)
			}
		} else {
			c.set("nodeCount", float64(minN), f, at(minAt, key))
		}
		src := at(minAt, key)
		if !all {
			src = at(firstOff, "enableAutoScaling")
		}
		c.set("autoscaler", as, f, src)
		c.Sources[NodeMinimum] = f + "#" + at(minAt, key)
	}
	if zonesAt >= 0 {
		if zones == nil {
			zones = []string{}
		}
		c.Observed.Zones = zones
		c.Sources["zones"] = f + "#" + at(zonesAt, "availabilityZones")
	}
}

func lowerOr(s, def string) string {
	if s == "" {
		return def
	}
	return strings.ToLower(s)
}

func toAny(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}
