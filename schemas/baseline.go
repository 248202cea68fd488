package schemas

import (
	"fmt"

	"github.com/plinth-dev/plinth/internal/baseline"
)

// baselineRule is the rule id of validate's warnings: a production
// cluster's declared settings miss a baseline control that plinth report
// evaluates (internal/baseline, the same rules).
const baselineRule = "baseline"

// baselineWarnings checks the declared settings of every cluster a
// production environment runs on against the declared controls of the
// report's baseline, so a gap shows in the pull request. A warning is
// located at the setting (else the nearest declared ancestor: settings,
// the cluster).
func (l *loader) baselineWarnings(m *Model) Errors {
	var warns Errors
	for _, c := range m.Clusters {
		var envs []baseline.Env
		prod := false
		for _, e := range m.Environments {
			if e.Cluster == c.Name {
				envs = append(envs, baseline.Env{Name: e.Name, Tier: e.Tier})
				prod = prod || e.Tier == "production"
			}
		}
		if !prod {
			continue
		}
		settings := c.Settings
		if settings == nil {
			settings = map[string]any{}
		}
		bc := &baseline.Cluster{Provider: c.Provider, KubernetesVersion: c.KubernetesVersion, Zones: c.Zones, Settings: settings, Environments: envs}
		if bc.Zones == nil {
			bc.Zones = []string{}
		}
		for _, r := range baseline.Rules {
			if !r.Applies(c.Provider) || (r.Optional && !r.Has(bc)) {
				continue
			}
			ok, what := r.Check(bc)
			if ok {
				continue
			}
			at := []string{"clusters", c.Name, "settings", r.Key}
			switch r.Key {
			case "zones", "kubernetesVersion":
				at = []string{"clusters", c.Name, r.Key}
			case "environments":
				at = []string{"clusters", c.Name}
			}
			warns = append(warns, &Error{Pos: l.pathPos(at), Path: pathString(at), Rule: baselineRule,
				Msg: fmt.Sprintf("production cluster %q: %s, which fails %s in plinth report; declare %s", c.Name, what, r.Control, r.Fix)})
		}
	}
	return warns.sorted()
}
