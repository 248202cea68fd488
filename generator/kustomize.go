package generator

import (
	"runtime"
	"sort"
	"strings"

	"golang.org/x/sync/errgroup"

	"github.com/plinth-dev/plinth/schemas"
)

// kustomizeApps writes the kustomize flavor of the workloads:
//
//	apps/base/<service>/            the service as it runs in its
//	                                 highest-tier environment, no namespace
//	apps/<env>/kustomization.yaml   the team overlays of the environment
//	apps/<env>/<team>/              overlay: namespace, bases, exact JSON
//	                                 patches and extra objects for the env
func (t *tree) kustomizeApps(eos []*envObjects) error {
	bases := t.bases(eos)
	var g errgroup.Group
	g.SetLimit(runtime.GOMAXPROCS(0))
	for _, svc := range sortedKeys(bases) {
		g.Go(func() error { return t.base(bases[svc]) })
	}
	for _, eo := range eos {
		teams := workloadsByTeam(eo)
		for _, team := range sortedKeys(teams) {
			g.Go(func() error {
				return t.overlay(eo, appsDir+"/"+eo.env.Name+"/"+team, namespaceOf(team, eo.env.Name), teams[team], bases)
			})
		}
		g.Go(func() error {
			return t.addYAML(appsDir+"/"+eo.env.Name+"/kustomization.yaml", t.sources(eo.env.Pos), newKustomization("", sortedKeys(teams)))
		})
	}
	return g.Wait()
}

// base writes apps/base/<service>/.
func (t *tree) base(bo workloadObjects) error {
	dir := baseDir + "/" + bo.w.Name
	srcs := t.sources(bo.w.Source)
	var res []string
	for _, o := range bo.objs {
		f := fileName(o.Kind)
		res = append(res, f)
		if err := t.addDocs(dir+"/"+f, srcs, o.withoutNamespace()); err != nil {
			return err
		}
	}
	sort.Strings(res)
	return t.addYAML(dir+"/kustomization.yaml", srcs, newKustomization("", res))
}

// bases picks, per service, the rendering its base holds: the one of the
// highest-tier environment it runs in (ties by environment name).
func (t *tree) bases(eos []*envObjects) map[string]workloadObjects {
	ordered := append([]*envObjects(nil), eos...)
	sort.SliceStable(ordered, func(i, j int) bool {
		a, b := ordered[i].env, ordered[j].env
		if tierRank(a.Tier) != tierRank(b.Tier) {
			return tierRank(a.Tier) < tierRank(b.Tier)
		}
		return a.Name < b.Name
	})
	bases := map[string]workloadObjects{}
	for _, eo := range ordered {
		for _, wo := range eo.workloads {
			if _, ok := bases[wo.w.Name]; !ok {
				bases[wo.w.Name] = wo
			}
		}
	}
	return bases
}

func workloadsByTeam(eo *envObjects) map[string][]workloadObjects {
	teams := map[string][]workloadObjects{}
	for _, wo := range eo.workloads {
		teams[wo.w.Team] = append(teams[wo.w.Team], wo)
	}
	return teams
}

// overlay writes one team's overlay of an environment.
func (t *tree) overlay(eo *envObjects, dir, ns string, wos []workloadObjects, bases map[string]workloadObjects) error {
	k := newKustomization(ns, nil)
	include := []string{dir + "/"}
	var expected []object
	var extra []string
	for _, wo := range wos {
		svc := wo.w.Name
		srcs := t.sources(wo.w.Source, eo.env.Pos)
		k.Resources = append(k.Resources, "../../base/"+svc)
		include = append(include, baseDir+"/"+svc+"/")
		expected = append(expected, wo.objs...)

		base := map[string]object{}
		for _, o := range bases[svc].objs {
			base[o.Kind] = o.withoutNamespace()
		}
		seen := map[string]bool{}
		for _, o := range wo.objs {
			seen[o.Kind] = true
			plain := o.withoutNamespace()
			b, ok := base[o.Kind]
			if !ok {
				f := svc + "-" + fileName(o.Kind)
				extra = append(extra, f)
				if err := t.addDocs(dir+"/"+f, srcs, plain); err != nil {
					return err
				}
				continue
			}
			ops := diffJSON(b.Value, plain.Value)
			if len(ops) == 0 {
				continue
			}
			f := "patches/" + svc + "-" + fileName(o.Kind)
			if err := t.addYAML(dir+"/"+f, srcs, ops); err != nil {
				return err
			}
			k.Patches = append(k.Patches, kustomizePatch{Path: f, Target: &kustomizeTarget{
				Group: o.group(), Version: o.version(), Kind: o.Kind, Name: o.Name,
			}})
		}
		for _, kind := range sortedKeys(base) {
			if seen[kind] {
				continue
			}
			b := base[kind]
			f := "patches/" + svc + "-delete-" + fileName(kind)
			del := map[string]any{
				"apiVersion": b.APIVersion, "kind": b.Kind,
				"metadata": map[string]any{"name": b.Name}, "$patch": "delete",
			}
			if err := t.addYAML(dir+"/"+f, srcs, del); err != nil {
				return err
			}
			k.Patches = append(k.Patches, kustomizePatch{Path: f})
		}
	}
	sort.Strings(extra)
	k.Resources = append(k.Resources, extra...)
	var teamPos []schemas.Pos
	for _, wo := range wos {
		teamPos = append(teamPos, wo.w.Source)
	}
	teamPos = append(teamPos, eo.env.Pos)
	return t.addRoot(dir, t.sources(teamPos...), k, include, expected, eo.cluster.KubernetesVersion)
}

// relTo returns the relative path from directory from to target (both
// slash-separated paths of the output tree).
func relTo(from, target string) string {
	f := strings.Split(from, "/")
	tg := strings.Split(target, "/")
	i := 0
	for i < len(f) && i < len(tg) && f[i] == tg[i] {
		i++
	}
	return strings.Repeat("../", len(f)-i) + strings.Join(tg[i:], "/")
}
