// Package flux is the Flux engine: it writes what a bootstrapped Flux
// reconciles for a cluster, pointing at what the layout deploys.
package flux

import (
	"strings"

	"github.com/plinth-dev/plinth/generator/internal/tree"
	"github.com/plinth-dev/plinth/schemas"
)

// Namespaces, names and intervals of Flux's objects.
const (
	fluxNS        = "flux-system"
	fluxSource    = "plinth"
	addonsName    = "addons"
	fluxInterval  = "10m"
	fluxSourceInt = "1m"
)

// Engine writes clusters/<cluster>/ for a bootstrapped Flux:
//
//	kustomization.yaml   what the flux-system Kustomization applies
//	sources.yaml         GitRepository of this repository
//	addons.yaml          Kustomization "addons" -> clusters/<cluster>/addons
//	addons/              HelmRepository + HelmRelease per addon, pinned
//	<env>.yaml           Kustomizations <env>-infrastructure (after addons)
//	                     and <env>-apps (after infrastructure) -> apps/<env>
//
// A layout that deploys chart releases gets a HelmRelease per release in
// apps/<env>/<team>/<release>.yaml, listed by apps/<env>/<team>/ and
// apps/<env>/ kustomizations.
type Engine struct{}

// Cluster writes the entry directory of cluster c for its environments.
func (Engine) Cluster(t *tree.Tree, c schemas.Cluster, envs []*tree.Env) error {
	for _, e := range envs {
		if e.Apps.Dir == "" {
			if err := releases(t, e); err != nil {
				return err
			}
		}
	}
	dir := tree.ClustersDir + "/" + c.Name
	gitops := t.Model.Platform.GitOps
	res := []string{"sources.yaml"}
	var expected []tree.Object

	src := tree.NewCR("source.toolkit.fluxcd.io/v1", "GitRepository", fluxSource, fluxNS, fluxGitRepositorySpec{
		Interval: fluxSourceInt, URL: gitops.Repo, Ref: fluxGitReference{Branch: tree.Branch(t.Model)},
	})
	srcObj, err := tree.FromTyped(src)
	if err != nil {
		return err
	}
	expected = append(expected, srcObj)
	if err := t.AddDocs(dir+"/sources.yaml", t.Sources(), srcObj); err != nil {
		return err
	}
	sourceRef := fluxRef{Kind: "GitRepository", Name: fluxSource}

	var infraDeps []fluxDepends
	addons := tree.Addons(t.Model, c)
	if len(addons) > 0 {
		addonsDir := dir + "/addons"
		var addonRes []string
		var addonObjs []tree.Object
		for _, a := range addons {
			repo := tree.NewCR("source.toolkit.fluxcd.io/v1", "HelmRepository", a.Name, fluxNS, fluxHelmRepositorySpec{
				Interval: "1h", URL: a.Repo, Type: helmRepoType(a.Repo),
			})
			rel := tree.NewCR("helm.toolkit.fluxcd.io/v2", "HelmRelease", a.Name, fluxNS, fluxHelmReleaseSpec{
				Interval:        fluxInterval,
				ReleaseName:     a.Name,
				TargetNamespace: a.Namespace,
				Chart: fluxHelmChartTmpl{Spec: fluxHelmChartSpec{
					Chart: a.Chart, Version: a.Version,
					SourceRef: fluxRef{Kind: "HelmRepository", Name: a.Name},
				}},
				Install:   &fluxHelmInstall{CreateNamespace: true, Remediation: &fluxRemediation{Retries: 3}},
				Upgrade:   &fluxHelmUpgrade{Remediation: &fluxRemediation{Retries: 3}},
				Values:    a.Values,
				DependsOn: addonDeps(a, addons),
			})
			objs, err := tree.FromTypedList([]any{repo, rel})
			if err != nil {
				return err
			}
			f := a.Name + ".yaml"
			addonRes = append(addonRes, f)
			addonObjs = append(addonObjs, objs...)
			if err := t.AddDocs(addonsDir+"/"+f, t.Sources(a.Pos), objs...); err != nil {
				return err
			}
		}
		if err := t.AddRoot(addonsDir, t.Sources(), tree.NewKustomization("", addonRes), nil, addonObjs, c.KubernetesVersion); err != nil {
			return err
		}
		ks := tree.NewCR("kustomize.toolkit.fluxcd.io/v1", "Kustomization", addonsName, fluxNS, fluxKustomizationSpec{
			Interval: fluxInterval, RetryInterval: "1m", Timeout: "10m",
			Path: "./" + t.RepoPath(addonsDir), Prune: true, Wait: true, SourceRef: sourceRef,
		})
		o, err := tree.FromTyped(ks)
		if err != nil {
			return err
		}
		expected = append(expected, o)
		res = append(res, "addons.yaml")
		if err := t.AddDocs(dir+"/addons.yaml", t.Sources(), o); err != nil {
			return err
		}
		infraDeps = []fluxDepends{{Name: addonsName}}
		cfg, err := addonConfig(t, c, addons, sourceRef)
		if err != nil {
			return err
		}
		if cfg != nil {
			expected = append(expected, *cfg)
			res = append(res, addonsConfigName+".yaml")
			if err := t.AddDocs(dir+"/"+addonsConfigName+".yaml", t.Sources(), *cfg); err != nil {
				return err
			}
			infraDeps = append(infraDeps, fluxDepends{Name: addonsConfigName})
		}
	}

	for _, e := range envs {
		env := e.Env.Name
		infra := tree.NewCR("kustomize.toolkit.fluxcd.io/v1", "Kustomization", env+"-infrastructure", fluxNS, fluxKustomizationSpec{
			Interval: fluxInterval, RetryInterval: "1m", Timeout: "5m",
			Path: "./" + t.RepoPath(tree.InfraDir+"/"+env), Prune: true, Wait: true, SourceRef: sourceRef,
			DependsOn: infraDeps,
		})
		apps := tree.NewCR("kustomize.toolkit.fluxcd.io/v1", "Kustomization", env+"-apps", fluxNS, fluxKustomizationSpec{
			Interval: fluxInterval, RetryInterval: "1m", Timeout: "5m",
			Path: "./" + t.RepoPath(appsDir(e)), Prune: true, Wait: true, SourceRef: sourceRef,
			DependsOn: []fluxDepends{{Name: env + "-infrastructure"}},
		})
		objs, err := tree.FromTypedList([]any{infra, apps})
		if err != nil {
			return err
		}
		expected = append(expected, objs...)
		f := env + ".yaml"
		res = append(res, f)
		if err := t.AddDocs(dir+"/"+f, t.Sources(e.Env.Pos), objs...); err != nil {
			return err
		}
	}
	return t.AddRoot(dir, t.Sources(c.Pos), tree.NewKustomization("", res), nil, expected, c.KubernetesVersion)
}

// appsDir is the directory the <env>-apps Kustomization applies: the
// layout's, or the one releases writes.
func appsDir(e *tree.Env) string {
	if e.Apps.Dir != "" {
		return e.Apps.Dir
	}
	return tree.AppsDir + "/" + e.Env.Name
}

// releases writes a HelmRelease per chart release of an environment,
// grouped by team:
//
//	apps/<env>/<team>/<release>.yaml    its HelmRelease (chart from the GitRepository)
//	apps/<env>/[<team>/]kustomization.yaml
func releases(t *tree.Tree, e *tree.Env) error {
	envDir := appsDir(e)
	teams := map[string][]tree.Release{}
	for _, r := range e.Apps.Releases {
		teams[r.Team] = append(teams[r.Team], r)
	}
	var envRes []string
	for _, team := range tree.SortedKeys(teams) {
		dir := envDir + "/" + team
		var res []string
		var objs []tree.Object
		for _, r := range teams[team] {
			hr := tree.NewCR("helm.toolkit.fluxcd.io/v2", "HelmRelease", r.Name, r.Namespace, fluxHelmReleaseSpec{
				Interval:    fluxInterval,
				ReleaseName: r.Name,
				Chart: fluxHelmChartTmpl{Spec: fluxHelmChartSpec{
					Chart:             "./" + t.RepoPath(r.Chart),
					ReconcileStrategy: "Revision",
					SourceRef:         fluxRef{Kind: "GitRepository", Name: fluxSource, Namespace: fluxNS},
					// With valuesFiles, Flux merges the chart's own
					// values only when listed.
					ValuesFiles: []string{"./" + t.RepoPath(r.Chart+"/values.yaml"), "./" + t.RepoPath(r.Values)},
				}},
				Install: &fluxHelmInstall{Remediation: &fluxRemediation{Retries: 3}},
				Upgrade: &fluxHelmUpgrade{Remediation: &fluxRemediation{Retries: 3}},
			})
			hr.Metadata.Labels = tree.CommonLabels(t.Model, map[string]string{tree.LabelName: r.Name, tree.LabelTeam: r.Team})
			o, err := tree.FromTyped(hr)
			if err != nil {
				return err
			}
			objs = append(objs, o)
			f := r.Name + ".yaml"
			res = append(res, f)
			if err := t.AddDocs(dir+"/"+f, r.Sources, o); err != nil {
				return err
			}
		}
		if err := t.AddRoot(dir, t.Sources(e.Env.Pos), tree.NewKustomization("", res), nil, objs, e.Cluster.KubernetesVersion); err != nil {
			return err
		}
		envRes = append(envRes, team)
	}
	return t.AddYAML(envDir+"/kustomization.yaml", t.Sources(e.Env.Pos), tree.NewKustomization("", envRes))
}

// helmRepoType is "oci" for OCI registries, else empty (a classic index).
func helmRepoType(repo string) string {
	if strings.HasPrefix(repo, "oci://") {
		return "oci"
	}
	return ""
}
