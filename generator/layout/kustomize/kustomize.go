// Package kustomize is the kustomize layout of the workloads: a base per
// service and an overlay per team and environment that patches it.
package kustomize

import (
	"runtime"
	"sort"
	"strings"
	"sync"

	"golang.org/x/sync/errgroup"

	"github.com/plinth-dev/plinth/generator/internal/tree"
	"github.com/plinth-dev/plinth/schemas"
)

const baseDir = tree.AppsDir + "/base"

// Layout writes the kustomize layout of the workloads:
//
//	apps/base/<service>/            the service as it runs in its
//	                                 highest-tier environment, no namespace
//	apps/<env>/kustomization.yaml   the team overlays of the environment
//	apps/<env>/<team>/              overlay: namespace, bases, exact JSON
//	                                 patches and extra objects for the env
type Layout struct{}

// Apps writes the bases and overlays; each environment deploys apps/<env>.
func (Layout) Apps(t *tree.Tree, envs []*tree.Env) ([]tree.Apps, error) {
	bases := bases(envs)
	plain := basePlain(bases)
	var g errgroup.Group
	g.SetLimit(runtime.GOMAXPROCS(0))
	for _, svc := range tree.SortedKeys(bases) {
		g.Go(func() error { return base(t, bases[svc], plain[svc]()) })
	}
	apps := make([]tree.Apps, len(envs))
	for i, e := range envs {
		envDir := tree.AppsDir + "/" + e.Env.Name
		apps[i] = tree.Apps{Dir: envDir}
		teams := e.WorkloadsByTeam()
		for _, team := range tree.SortedKeys(teams) {
			g.Go(func() error {
				return overlay(t, e, envDir+"/"+team, tree.NamespaceOf(team, e.Env.Name), teams[team], plain)
			})
		}
		g.Go(func() error {
			return t.AddYAML(envDir+"/kustomization.yaml", t.Sources(e.Env.Pos), tree.NewKustomization("", tree.SortedKeys(teams)))
		})
	}
	return apps, g.Wait()
}

// base writes apps/base/<service>/; plain are its objects without
// namespace by objectKey.
func base(t *tree.Tree, bo tree.Workload, plain map[string]tree.Object) error {
	dir := baseDir + "/" + bo.Spec.Name
	srcs := t.Sources(bo.Spec.Source)
	var res []string
	for _, o := range bo.Objects {
		f := objectFile(bo.Spec.Name, o.Kind, o.Name)
		res = append(res, f)
		if err := t.AddDocs(dir+"/"+f, srcs, plain[objectKey(o)]); err != nil {
			return err
		}
	}
	sort.Strings(res)
	return t.AddYAML(dir+"/kustomization.yaml", srcs, tree.NewKustomization("", res))
}

// bases picks, per service, the rendering its base holds: the one of the
// highest-tier environment it runs in (ties by environment name).
func bases(envs []*tree.Env) map[string]tree.Workload {
	ordered := append([]*tree.Env(nil), envs...)
	sort.SliceStable(ordered, func(i, j int) bool {
		a, b := ordered[i].Env, ordered[j].Env
		if tierRank(a.Tier) != tierRank(b.Tier) {
			return tierRank(a.Tier) < tierRank(b.Tier)
		}
		return a.Name < b.Name
	})
	bases := map[string]tree.Workload{}
	for _, e := range ordered {
		for _, wo := range e.Workloads {
			if _, ok := bases[wo.Spec.Name]; !ok {
				bases[wo.Spec.Name] = wo
			}
		}
	}
	return bases
}

// basePlain are the objects of each service's base without namespace, by
// objectKey: made once, on first use, for the base and every overlay.
func basePlain(bases map[string]tree.Workload) map[string]func() map[string]tree.Object {
	out := make(map[string]func() map[string]tree.Object, len(bases))
	for svc, bo := range bases {
		out[svc] = sync.OnceValue(func() map[string]tree.Object {
			m := make(map[string]tree.Object, len(bo.Objects))
			for _, o := range bo.Objects {
				m[objectKey(o)] = o.WithoutNamespace()
			}
			return m
		})
	}
	return out
}

// tierRank orders environments for the choice of a service's base: the
// production rendering is the base, other environments patch it.
func tierRank(tier string) int {
	switch tier {
	case "production":
		return 0
	case "staging":
		return 1
	}
	return 2
}

// overlay writes one team's overlay of an environment.
func overlay(t *tree.Tree, e *tree.Env, dir, ns string, wos []tree.Workload, plainBases map[string]func() map[string]tree.Object) error {
	k := tree.NewKustomization(ns, nil)
	include := []string{dir + "/"}
	var expected []tree.Object
	var extra []string
	for _, wo := range wos {
		svc := wo.Spec.Name
		srcs := t.Sources(wo.Spec.Source, e.Env.Pos)
		k.Resources = append(k.Resources, "../../base/"+svc)
		include = append(include, baseDir+"/"+svc+"/")
		expected = append(expected, wo.Objects...)
		if f, err := extraResources(t, dir, svc, srcs, wo); err != nil {
			return err
		} else if f != "" {
			extra = append(extra, f)
			expected = append(expected, wo.Extra...)
		}

		// Objects by API version and kind: a kind may come from another
		// group in another environment (a ServiceMonitor of the Prometheus
		// Operator or of Azure Monitor), which no patch can turn into.
		base := plainBases[svc]()
		seen := map[string]bool{}
		for _, o := range wo.Objects {
			seen[objectKey(o)] = true
			plain := o.WithoutNamespace()
			b, ok := base[objectKey(o)]
			if !ok {
				f := svc + "-" + objectFile(svc, o.Kind, o.Name)
				extra = append(extra, f)
				if err := t.AddDocs(dir+"/"+f, srcs, plain); err != nil {
					return err
				}
				continue
			}
			ops := diffJSON(b.Value, plain.Value)
			if len(ops) == 0 {
				continue
			}
			f := "patches/" + svc + "-" + objectFile(svc, o.Kind, o.Name)
			if err := t.AddYAML(dir+"/"+f, srcs, opsValue(ops)); err != nil {
				return err
			}
			k.Patches = append(k.Patches, tree.Patch{Path: f, Target: &tree.PatchTarget{
				Group: o.Group(), Version: o.Version(), Kind: o.Kind, Name: o.Name,
			}})
		}
		for _, key := range tree.SortedKeys(base) {
			if seen[key] {
				continue
			}
			b := base[key]
			f := "patches/" + svc + "-delete-" + objectFile(svc, b.Kind, b.Name)
			del := map[string]any{
				"apiVersion": b.APIVersion, "kind": b.Kind,
				"metadata": map[string]any{"name": b.Name}, "$patch": "delete",
			}
			if err := t.AddYAML(dir+"/"+f, srcs, del); err != nil {
				return err
			}
			k.Patches = append(k.Patches, tree.Patch{Path: f})
		}
	}
	sort.Strings(extra)
	k.Resources = append(k.Resources, extra...)
	var teamPos []schemas.Pos
	for _, wo := range wos {
		teamPos = append(teamPos, wo.Spec.Source)
	}
	teamPos = append(teamPos, e.Env.Pos)
	return t.AddRoot(dir, t.Sources(teamPos...), k, include, expected, e.Cluster.KubernetesVersion)
}

// objectKey identifies an object of a service: a service has one object of
// a kind, or several (a canary's Deployment and Service beside its own),
// in one API group (a ServiceMonitor of the Prometheus Operator or of Azure
// Monitor).
func objectKey(o tree.Object) string { return o.APIVersion + " " + o.Kind + "/" + o.Name }

// objectFile is the file of a service's object: named after its kind, and
// prefixed by what its name adds to the service's ("canary-deployment.yaml"
// for <service>-canary).
func objectFile(svc, kind, name string) string {
	if rest, ok := strings.CutPrefix(name, svc+"-"); ok && rest != "" {
		return rest + "-" + tree.FileName(kind)
	}
	return tree.FileName(kind)
}
