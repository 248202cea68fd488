package evidence

import (
	"fmt"
	"strings"
)

// gke reads `gcloud container clusters describe --format json` (the GKE
// Cluster resource of the container.googleapis.com v1 API).
func (c *Cluster) gke(d *Document) {
	doc, _ := d.data.(map[string]any)
	f := d.File
	const base = "$"

	// The API server is private with a private endpoint; private nodes
	// alone leave it public.
	c.set("privateCluster", boolean(doc, "privateClusterConfig", "enablePrivateEndpoint"), f, jp(base, "privateClusterConfig", "enablePrivateEndpoint"))
	if boolean(doc, "masterAuthorizedNetworksConfig", "enabled") {
		var cidrs []string
		for _, b := range asList(get(doc, "masterAuthorizedNetworksConfig", "cidrBlocks")) {
			if s := str(b, "cidrBlock"); s != "" {
				cidrs = append(cidrs, s)
			}
		}
		if len(cidrs) > 0 {
			c.set("authorizedIPRanges", toAny(cidrs), f, jp(base, "masterAuthorizedNetworksConfig", "cidrBlocks"))
		}
	}

	// Dataplane V2 enforces NetworkPolicy itself; else the Calico add-on.
	switch {
	case strings.EqualFold(str(doc, "networkConfig", "datapathProvider"), "ADVANCED_DATAPATH"):
		c.set("networkPolicy", "dataplane-v2", f, jp(base, "networkConfig", "datapathProvider"))
	case boolean(doc, "networkPolicy", "enabled"):
		c.set("networkPolicy", lowerOr(str(doc, "networkPolicy", "provider"), "calico"), f, jp(base, "networkPolicy", "enabled"))
	default:
		c.set("networkPolicy", "none", f, jp(base, "networkPolicy"))
	}

	c.set("workloadIdentity", str(doc, "workloadIdentityConfig", "workloadPool") != "", f, jp(base, "workloadIdentityConfig", "workloadPool"))

	ch := strings.ToLower(str(doc, "releaseChannel", "channel"))
	if ch == "" || ch == "unspecified" {
		ch = "none"
	}
	c.set("upgradeChannel", ch, f, jp(base, "releaseChannel", "channel"))

	if w, ok := get(doc, "maintenancePolicy", "window").(map[string]any); ok && len(w) > 0 {
		c.set("maintenanceWindow", w, f, jp(base, "maintenancePolicy", "window"))
	} else {
		c.set("maintenanceWindow", false, f, jp(base, "maintenancePolicy"))
	}

	// Cloud Monitoring: monitoringService "none" turns it off.
	if s, ok := get(doc, "monitoringService").(string); ok {
		c.set("monitoring", s != "" && s != "none", f, jp(base, "monitoringService"))
	}

	if v := str(doc, "currentMasterVersion"); v != "" {
		c.Observed.KubernetesVersion = v
		c.Sources["kubernetesVersion"] = f + "#" + jp(base, "currentMasterVersion")
	}

	c.gkePools(f, doc)
}

// gkePools: the autoscaler is on when every pool autoscales; a pool's node
// minimum is its totalMinNodeCount, else minNodeCount per zone times its
// zones (initialNodeCount per zone without autoscaling); the minimum and the
// zones are the weakest pool's.
func (c *Cluster) gkePools(f string, doc map[string]any) {
	pools := asList(get(doc, "nodePools"))
	clusterZones := stringList(get(doc, "locations"))
	if len(pools) == 0 {
		if clusterZones != nil {
			c.Observed.Zones = clusterZones
			c.Sources["zones"] = f + "#$.locations"
		}
		return
	}
	at := func(i int, keys ...string) string {
		return fmt.Sprintf("$.nodePools[%d].%s", i, strings.Join(keys, "."))
	}
	all, firstOff := true, -1
	minAt, minN, maxN, minKey := -1, 0, 0, ""
	zonesAt := -1
	var zones []string
	for i, p := range pools {
		z := stringList(get(p, "locations"))
		zkey := "locations"
		if len(z) == 0 {
			z, zkey = clusterZones, ""
		}
		perZone := max(len(z), 1)
		auto := boolean(p, "autoscaling", "enabled")
		if !auto {
			all = false
			if firstOff < 0 {
				firstOff = i
			}
		}
		var n, mx int
		var ok bool
		key := ""
		switch {
		case auto && has(p, "autoscaling", "totalMinNodeCount"):
			n, ok = num(p, "autoscaling", "totalMinNodeCount")
			mx, _ = num(p, "autoscaling", "totalMaxNodeCount")
			key = at(i, "autoscaling", "totalMinNodeCount")
		case auto:
			n, ok = num(p, "autoscaling", "minNodeCount")
			mx, _ = num(p, "autoscaling", "maxNodeCount")
			n, mx = n*perZone, mx*perZone
			key = at(i, "autoscaling", "minNodeCount")
		default:
			n, ok = num(p, "initialNodeCount")
			n *= perZone
			mx = n
			key = at(i, "initialNodeCount")
		}
		if ok && (minAt < 0 || n < minN) {
			minAt, minN, maxN, minKey = i, n, mx, key
		}
		if zonesAt < 0 || len(z) < len(zones) {
			zonesAt, zones = i, z
			if zkey == "" {
				c.Sources["zones"] = f + "#$.locations"
			} else {
				c.Sources["zones"] = f + "#" + at(i, zkey)
			}
		}
	}
	if minAt >= 0 {
		as := map[string]any{"enabled": all}
		if boolean(pools[minAt], "autoscaling", "enabled") {
			as["minCount"], as["maxCount"] = float64(minN), float64(maxN)
		} else {
			c.Observed.Settings["nodeCount"] = float64(minN)
			c.Sources["nodeCount"] = f + "#" + minKey
		}
		src := minKey
		if !all {
			src = at(firstOff, "autoscaling")
		}
		c.set("autoscaler", as, f, src)
		c.Sources[NodeMinimum] = f + "#" + minKey
	}
	if zones == nil {
		zones = []string{}
	}
	c.Observed.Zones = zones
}
