package checks

import (
	"bytes"
	"strings"

	"github.com/plinth-dev/plinth/internal/baseline"
	"github.com/plinth-dev/plinth/internal/gitops/repo"
	"github.com/plinth-dev/plinth/reports"
	"github.com/plinth-dev/plinth/reports/evidence"
)

// declaredChecks are the declared controls with an evaluation: the rules of
// internal/baseline, shared with validate's warnings.
var declaredChecks = func() map[string]baseline.Rule {
	m := map[string]baseline.Rule{}
	for _, r := range baseline.Rules {
		m[r.Control] = r
	}
	return m
}()

// declaredCluster is the baseline view of a recorded cluster state.
func declaredCluster(st *ClusterState) *baseline.Cluster {
	c := &baseline.Cluster{Provider: st.Provider, KubernetesVersion: st.KubernetesVersion, Zones: st.Zones, Settings: st.Settings}
	if c.Zones == nil {
		c.Zones = []string{}
	}
	c.Environments = []baseline.Env{}
	for _, e := range st.Environments {
		c.Environments = append(c.Environments, baseline.Env{Name: e.Name, Tier: e.Tier})
	}
	return c
}

// clusterEvidence returns the evidence of a cluster (nil without), built
// once per cluster.
func (ev *evaluator) clusterEvidence(c string) (*evidence.Cluster, error) {
	if ev.in.Evidence == nil || c == "" {
		return nil, nil
	}
	if ev.evidence == nil {
		ev.evidence = map[string]*evidence.Cluster{}
		ev.evidenceErr = map[string]error{}
	}
	if e, ok := ev.evidence[c]; ok {
		return e, ev.evidenceErr[c]
	}
	e, err := ev.in.Evidence.For(c, ev.clusters)
	ev.evidence[c], ev.evidenceErr[c] = e, err
	return e, err
}

// declared evaluates a declared control per cluster: from the cluster's own
// description when --evidence shows the setting (citing file and JSON
// path, and failing when the declaration says otherwise), else from the
// settings recorded in .plinth/clusters/<cluster>.json.
func (ev *evaluator) declared() {
	rule, hasRule := declaredChecks[ev.control.ID]
	for _, c := range ev.clusters {
		st := ev.in.States[c]
		obs, err := ev.clusterEvidence(c)
		if err != nil {
			ev.addAt(reports.StatusFail, c, "", "Cluster/"+c, "", 0, reports.M("msg.text", err.Error()))
			continue
		}
		where := reports.M("decl.theRepository")
		if c != "" {
			where = reports.M("msg.text", repo.ClusterStatePath(c))
		}
		if !hasRule || (st == nil && obs == nil) {
			ev.add(reports.StatusManual, c, "", "", nil, reports.M("decl.noSettingsNoEvidence", where).WithFix(ev.control.ID))
			continue
		}
		var decl *baseline.Cluster
		file, line := "", 0
		if st != nil {
			decl = declaredCluster(st)
			file, line = st.File, jsonKeyLine(st.Data, rule.Key)
		}
		provider := ""
		if decl != nil {
			provider = decl.Provider
		}
		if obs != nil && obs.Provider != "" {
			provider = obs.Provider
		}
		if obs != nil && decl != nil && decl.Provider != "" && obs.Provider != "" && decl.Provider != obs.Provider {
			ev.addEvidence(reports.StatusFail, c, file, jsonKeyLine(st.Data, "provider"), obs.Files[0]+"#$",
				reports.M("decl.providerDiffers", decl.Provider, strings.Join(obs.Files, ", "), obs.Provider))
			continue
		}
		if !rule.Applies(provider) {
			if st != nil {
				line = jsonKeyLine(st.Data, "provider")
			}
			ev.addAt(reports.StatusNA, c, "", "Cluster/"+c, file, line,
				reports.M("decl.appliesTo", strings.Join(ev.control.Providers, ", "), provider))
			continue
		}
		if obs != nil && rule.Has(&obs.Observed) {
			ev.fromEvidence(rule, c, decl, obs, file, line)
			continue
		}
		if decl == nil || (rule.Optional && !rule.Has(decl)) {
			id := "decl.notDeclaredIn"
			if decl == nil {
				id = "decl.noSettingsIn"
			}
			what := reports.M(id, where)
			if obs != nil {
				what = reports.M("decl.andNotShown", what, strings.Join(obs.Files, ", "))
			}
			ev.addAt(reports.StatusManual, c, "", "Cluster/"+c, file, line, reports.M("decl.attest", what).WithFix(ev.control.ID))
			continue
		}
		ok, what := rule.Check(decl)
		suffix := reports.M("msg.text", "")
		if obs != nil && rule.Key != "environments" { // environments are the repository's own
			suffix = reports.M("decl.onlyDeclared", strings.Join(obs.Files, ", "))
		}
		if ok {
			ev.addAt(reports.StatusPass, c, "", "Cluster/"+c, file, line, reports.M("decl.declared", whatMsg(what), suffix))
		} else {
			ev.addAt(reports.StatusFail, c, "", "Cluster/"+c, file, line,
				reports.M("decl.notDeclared", whatMsg(what), rule.Key, valueMsg(baseline.Shown(rule.Value(decl))), suffix).WithFix(ev.control.ID))
		}
	}
}

// fromEvidence evaluates a rule on the cluster's own description.
func (ev *evaluator) fromEvidence(rule baseline.Rule, c string, decl *baseline.Cluster, obs *evidence.Cluster, file string, line int) {
	src := obs.Sources[rule.Key]
	if rule.Control == "PLN-HA-002" && obs.Sources[evidence.NodeMinimum] != "" {
		src = obs.Sources[evidence.NodeMinimum]
	}
	if src == "" {
		src = obs.Files[0] + "#$"
	}
	observed := obs.Observed
	if decl != nil {
		observed.Environments = decl.Environments
	}
	ok, what := rule.Check(&observed)
	if decl != nil && rule.Has(decl) {
		d, o := rule.Value(decl), rule.Value(&observed)
		if baseline.Differs(d, o) {
			ev.addEvidence(reports.StatusFail, c, file, line, src,
				reports.M("decl.differs", rule.Key, valueMsg(baseline.Display(d)), valueMsg(baseline.Display(o)), src).WithFix(ev.control.ID))
			return
		}
	}
	if ok {
		ev.addEvidence(reports.StatusPass, c, file, line, src, reports.M("decl.clusterHas", whatMsg(what), src))
	} else {
		ev.addEvidence(reports.StatusFail, c, file, line, src, reports.M("decl.clusterHas", whatMsg(what), src).WithFix(ev.control.ID))
	}
}

func (ev *evaluator) addEvidence(status, c, file string, line int, src string, msg reports.Msg) {
	ev.addAt(status, c, "", "Cluster/"+c, file, line, msg)
	ev.full().Evidence = src
}

// unmatchedEvidence reports evidence files that belong to no cluster of the
// repository (a typo in a file name would otherwise leave a cluster
// evaluated from its declaration alone, silently).
func (ev *evaluator) unmatchedEvidence() {
	files := ev.in.Evidence.Unmatched(ev.clusters)
	if len(files) == 0 {
		return
	}
	c, ok := reports.LookupControl("PLN-OPS-003")
	if !ok {
		return
	}
	ev.control = c
	for _, f := range files {
		ev.addAt(reports.StatusFail, "", "", "", "", 0, reports.M("decl.unmatchedEvidence", f, reports.Names(ev.clusters)))
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
