package generator

import (
	"slices"
	"strconv"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/plinth-dev/plinth/schemas"
)

// Namespaces and names of the GitOps engines' own objects.
const (
	fluxNS        = "flux-system"
	fluxSource    = "plinth"
	argoNS        = "argocd"
	argoServer    = "https://kubernetes.default.svc"
	argoPlatform  = "platform"
	syncWave      = "argocd.argoproj.io/sync-wave"
	addonsName    = "addons"
	fluxInterval  = "10m"
	fluxSourceInt = "1m"
)

// fluxCluster writes clusters/<cluster>/ for a bootstrapped Flux:
//
//	kustomization.yaml   what the flux-system Kustomization applies
//	sources.yaml         GitRepository of this repository
//	addons.yaml          Kustomization "addons" -> clusters/<cluster>/addons
//	addons/              HelmRepository + HelmRelease per addon, pinned
//	<env>.yaml           Kustomizations <env>-infrastructure (after addons)
//	                     and <env>-apps (after infrastructure)
func (t *tree) fluxCluster(c schemas.Cluster, eos []*envObjects) error {
	dir := clustersDir + "/" + c.Name
	gitops := t.m.Platform.GitOps
	res := []string{"sources.yaml"}
	var expected []object

	src := newCRD("source.toolkit.fluxcd.io/v1", "GitRepository", fluxSource, fluxNS, fluxGitRepositorySpec{
		Interval: fluxSourceInt, URL: gitops.Repo, Ref: fluxGitReference{Branch: branchOr(gitops.Branch)},
	})
	srcObj, err := toObject(src)
	if err != nil {
		return err
	}
	expected = append(expected, srcObj)
	if err := t.addDocs(dir+"/sources.yaml", t.sources(), srcObj); err != nil {
		return err
	}
	sourceRef := fluxRef{Kind: "GitRepository", Name: fluxSource}

	var infraDeps []fluxDepends
	if len(t.m.Addons) > 0 {
		addonsDir := dir + "/addons"
		var addonRes []string
		var addonObjs []object
		for _, a := range t.m.Addons {
			repo := newCRD("source.toolkit.fluxcd.io/v1", "HelmRepository", a.Name, fluxNS, fluxHelmRepositorySpec{
				Interval: "1h", URL: a.Repo, Type: helmRepoType(a.Repo),
			})
			rel := newCRD("helm.toolkit.fluxcd.io/v2", "HelmRelease", a.Name, fluxNS, fluxHelmReleaseSpec{
				Interval:        fluxInterval,
				ReleaseName:     a.Name,
				TargetNamespace: a.Namespace,
				Chart: fluxHelmChartTmpl{Spec: fluxHelmChartSpec{
					Chart: a.Chart, Version: a.Version,
					SourceRef: fluxRef{Kind: "HelmRepository", Name: a.Name},
				}},
				Install: &fluxHelmInstall{CreateNamespace: true, Remediation: &fluxRemediation{Retries: 3}},
				Upgrade: &fluxHelmUpgrade{Remediation: &fluxRemediation{Retries: 3}},
				Values:  a.Values,
			})
			objs, err := toObjects([]any{repo, rel})
			if err != nil {
				return err
			}
			f := a.Name + ".yaml"
			addonRes = append(addonRes, f)
			addonObjs = append(addonObjs, objs...)
			if err := t.addDocs(addonsDir+"/"+f, t.sources(a.Pos), objs...); err != nil {
				return err
			}
		}
		if err := t.addRoot(addonsDir, t.sources(), newKustomization("", addonRes), nil, addonObjs, c.KubernetesVersion); err != nil {
			return err
		}
		ks := newCRD("kustomize.toolkit.fluxcd.io/v1", "Kustomization", addonsName, fluxNS, fluxKustomizationSpec{
			Interval: fluxInterval, RetryInterval: "1m", Timeout: "10m",
			Path: "./" + t.repoPath(addonsDir), Prune: true, Wait: true, SourceRef: sourceRef,
		})
		o, err := toObject(ks)
		if err != nil {
			return err
		}
		expected = append(expected, o)
		res = append(res, "addons.yaml")
		if err := t.addDocs(dir+"/addons.yaml", t.sources(), o); err != nil {
			return err
		}
		infraDeps = []fluxDepends{{Name: addonsName}}
	}

	for _, eo := range eos {
		env := eo.env.Name
		infra := newCRD("kustomize.toolkit.fluxcd.io/v1", "Kustomization", env+"-infrastructure", fluxNS, fluxKustomizationSpec{
			Interval: fluxInterval, RetryInterval: "1m", Timeout: "5m",
			Path: "./" + t.repoPath(infraDir+"/"+env), Prune: true, Wait: true, SourceRef: sourceRef,
			DependsOn: infraDeps,
		})
		apps := newCRD("kustomize.toolkit.fluxcd.io/v1", "Kustomization", env+"-apps", fluxNS, fluxKustomizationSpec{
			Interval: fluxInterval, RetryInterval: "1m", Timeout: "5m",
			Path: "./" + t.repoPath(appsDir+"/"+env), Prune: true, Wait: true, SourceRef: sourceRef,
			DependsOn: []fluxDepends{{Name: env + "-infrastructure"}},
		})
		objs, err := toObjects([]any{infra, apps})
		if err != nil {
			return err
		}
		expected = append(expected, objs...)
		f := env + ".yaml"
		res = append(res, f)
		if err := t.addDocs(dir+"/"+f, t.sources(eo.env.Pos), objs...); err != nil {
			return err
		}
	}
	return t.addRoot(dir, t.sources(c.Pos), newKustomization("", res), nil, expected, c.KubernetesVersion)
}

// argoCluster writes clusters/<cluster>/ for Argo CD (an app-of-apps
// Application points at it):
//
//	projects.yaml        AppProject "platform" and one per team
//	addons.yaml          Application per addon, chart pinned (wave -2)
//	infrastructure.yaml  Application per environment (wave -1)
//	apps.yaml            kustomize: ApplicationSet over apps/<env>/<team>;
//	                     helm: Application per service and environment (wave 1)
func (t *tree) argoCluster(c schemas.Cluster, eos []*envObjects) error {
	dir := clustersDir + "/" + c.Name
	gitops := t.m.Platform.GitOps
	branch := branchOr(gitops.Branch)
	var expected []object
	var res []string
	addFile := func(name string, srcs []string, typed []any) error {
		objs, err := toObjects(typed)
		if err != nil {
			return err
		}
		expected = append(expected, objs...)
		res = append(res, name)
		return t.addDocs(dir+"/"+name, srcs, objs...)
	}
	automated := &argoSyncPolicy{Automated: &argoAutomated{Prune: true, SelfHeal: true}}

	// Projects.
	repos := []string{gitops.Repo}
	for _, a := range t.m.Addons {
		if !slices.Contains(repos, argoRepoURL(a.Repo)) {
			repos = append(repos, argoRepoURL(a.Repo))
		}
	}
	platform := newCRD("argoproj.io/v1alpha1", "AppProject", argoPlatform, argoNS, argoAppProjectSpec{
		Description:              "Platform infrastructure and addons, managed by plinth",
		SourceRepos:              repos,
		Destinations:             []argoDestination{{Server: argoServer, Namespace: "*"}},
		ClusterResourceWhitelist: []metav1.GroupKind{{Group: "*", Kind: "*"}},
	})
	projects := []any{platform}
	for _, team := range t.m.Teams {
		var dests []argoDestination
		for _, eo := range eos {
			dests = append(dests, argoDestination{Server: argoServer, Namespace: namespaceOf(team.Name, eo.env.Name)})
		}
		projects = append(projects, newCRD("argoproj.io/v1alpha1", "AppProject", team.Name, argoNS, argoAppProjectSpec{
			Description:              "Workloads of team " + team.Name + ", managed by plinth",
			SourceRepos:              []string{gitops.Repo},
			Destinations:             dests,
			ClusterResourceWhitelist: []metav1.GroupKind{},
			// The platform owns quotas and limit ranges (infrastructure).
			NamespaceResourceBlacklist: []metav1.GroupKind{{Group: "", Kind: "ResourceQuota"}, {Group: "", Kind: "LimitRange"}},
		}))
	}
	var teamPos []schemas.Pos
	for _, team := range t.m.Teams {
		teamPos = append(teamPos, team.Pos)
	}
	if err := addFile("projects.yaml", t.sources(teamPos...), projects); err != nil {
		return err
	}

	// Addons.
	if len(t.m.Addons) > 0 {
		var apps []any
		var pos []schemas.Pos
		for _, a := range t.m.Addons {
			app := newCRD("argoproj.io/v1alpha1", "Application", "addon-"+a.Name, argoNS, argoApplicationSpec{
				Project: argoPlatform,
				Source: argoSource{
					RepoURL: argoRepoURL(a.Repo), Chart: a.Chart, TargetRevision: a.Version,
					Helm: &argoHelm{ReleaseName: a.Name, ValuesObject: a.Values},
				},
				Destination: argoDestination{Server: argoServer, Namespace: a.Namespace},
				SyncPolicy:  &argoSyncPolicy{Automated: automated.Automated, SyncOptions: []string{"CreateNamespace=true", "ServerSideApply=true"}},
			})
			app.Metadata.Annotations = map[string]string{syncWave: "-2"}
			apps = append(apps, app)
			pos = append(pos, a.Pos)
		}
		if err := addFile("addons.yaml", t.sources(pos...), apps); err != nil {
			return err
		}
	}

	// Infrastructure per environment.
	var infra []any
	var envPos []schemas.Pos
	for _, eo := range eos {
		app := newCRD("argoproj.io/v1alpha1", "Application", eo.env.Name+"-infrastructure", argoNS, argoApplicationSpec{
			Project:     argoPlatform,
			Source:      argoSource{RepoURL: gitops.Repo, TargetRevision: branch, Path: t.repoPath(infraDir + "/" + eo.env.Name)},
			Destination: argoDestination{Server: argoServer},
			SyncPolicy:  automated,
		})
		app.Metadata.Annotations = map[string]string{syncWave: "-1"}
		infra = append(infra, app)
		envPos = append(envPos, eo.env.Pos)
	}
	if err := addFile("infrastructure.yaml", t.sources(envPos...), infra); err != nil {
		return err
	}

	// Applications.
	var apps []any
	if t.opts.Flavor == FlavorHelm {
		for _, eo := range eos {
			for _, wo := range eo.workloads {
				w := wo.w
				app := newCRD("argoproj.io/v1alpha1", "Application", eo.env.Name+"-"+w.Name, argoNS, argoApplicationSpec{
					Project: w.Team,
					Source: argoSource{
						RepoURL: gitops.Repo, TargetRevision: branch, Path: t.repoPath(chartDir),
						Helm: &argoHelm{ReleaseName: w.Name, ValueFiles: []string{relTo(chartDir, valuesPath(eo.env.Name, w))}},
					},
					Destination: argoDestination{Server: argoServer, Namespace: w.Namespace},
					SyncPolicy:  automated,
				})
				app.Metadata.Annotations = map[string]string{syncWave: "1"}
				app.Metadata.Labels = map[string]string{labelTeam: w.Team, labelEnv: eo.env.Name}
				apps = append(apps, app)
			}
		}
	} else {
		// One Application per team overlay: the git directory generator
		// lists apps/<env>/<team>; the environment is a path segment.
		seg := len(strings.Split(t.repoPath(appsDir), "/"))
		envExpr := "{{ index .path.segments " + strconv.Itoa(seg) + " }}"
		var dirs []argoGitDirectory
		for _, eo := range eos {
			dirs = append(dirs, argoGitDirectory{Path: t.repoPath(appsDir + "/" + eo.env.Name + "/*")})
		}
		set := newCRD("argoproj.io/v1alpha1", "ApplicationSet", "apps", argoNS, argoApplicationSetSpec{
			GoTemplate:        true,
			GoTemplateOptions: []string{"missingkey=error"},
			Generators:        []argoGenerator{{Git: &argoGitGenerator{RepoURL: gitops.Repo, Revision: branch, Directories: dirs}}},
			Template: argoApplicationTmpl{
				Metadata: argoTmplMeta{
					Name:        envExpr + "-{{ .path.basename }}",
					Labels:      map[string]string{labelTeam: "{{ .path.basename }}", labelEnv: envExpr},
					Annotations: map[string]string{syncWave: "1"},
				},
				Spec: argoApplicationSpec{
					Project:     "{{ .path.basename }}",
					Source:      argoSource{RepoURL: gitops.Repo, TargetRevision: branch, Path: "{{ .path.path }}"},
					Destination: argoDestination{Server: argoServer, Namespace: "{{ .path.basename }}-" + envExpr},
					SyncPolicy:  automated,
				},
			},
			SyncPolicy: &argoAppSetSyncPolicy{PreserveResourcesOnDeletion: true},
		})
		set.Metadata.Annotations = map[string]string{syncWave: "1"}
		apps = append(apps, set)
	}
	if err := addFile("apps.yaml", t.sources(envPos...), apps); err != nil {
		return err
	}
	return t.addRoot(dir, t.sources(c.Pos), newKustomization("", res), nil, expected, c.KubernetesVersion)
}

func branchOr(b string) string {
	if b == "" {
		return "main"
	}
	return b
}

// helmRepoType is "oci" for OCI registries, else empty (a classic index).
func helmRepoType(repo string) string {
	if strings.HasPrefix(repo, "oci://") {
		return "oci"
	}
	return ""
}

// argoRepoURL is the repoURL Argo CD expects: OCI registries without scheme.
func argoRepoURL(repo string) string { return strings.TrimPrefix(repo, "oci://") }
