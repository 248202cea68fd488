// Package argocd is the Argo CD engine: it writes the Applications an
// app-of-apps Application deploys for a cluster, pointing at what the
// layout deploys.
package argocd

import (
	"slices"
	"strconv"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/plinth-dev/plinth/generator/internal/tree"
	"github.com/plinth-dev/plinth/schemas"
)

// Namespaces and names of Argo CD's objects.
const (
	argoNS       = "argocd"
	argoServer   = "https://kubernetes.default.svc"
	argoPlatform = "platform"
	syncWave     = "argocd.argoproj.io/sync-wave"
)

// Engine writes clusters/<cluster>/ for Argo CD (an app-of-apps
// Application points at it):
//
//	projects.yaml        AppProject "platform" and one per team
//	addons.yaml          Application per addon, chart pinned (wave -2)
//	infrastructure.yaml  Application per environment (wave -1)
//	apps.yaml            a layout's team directories: ApplicationSet over
//	                     apps/<env>/<team>; chart releases: Application per
//	                     release (wave 1)
type Engine struct{}

// Cluster writes the entry directory of cluster c for its environments.
func (Engine) Cluster(t *tree.Tree, c schemas.Cluster, envs []*tree.Env) error {
	dir := tree.ClustersDir + "/" + c.Name
	gitops := t.Model.Platform.GitOps
	branch := tree.Branch(t.Model)
	var expected []tree.Object
	var res []string
	addFile := func(name string, srcs []string, typed []any) error {
		objs, err := tree.FromTypedList(typed)
		if err != nil {
			return err
		}
		expected = append(expected, objs...)
		res = append(res, name)
		return t.AddDocs(dir+"/"+name, srcs, objs...)
	}
	automated := &argoSyncPolicy{Automated: &argoAutomated{Prune: true, SelfHeal: true}}

	// Projects.
	repos := []string{gitops.Repo}
	addons := tree.Addons(t.Model, c)
	for _, a := range addons {
		if !slices.Contains(repos, argoRepoURL(a.Repo)) {
			repos = append(repos, argoRepoURL(a.Repo))
		}
	}
	platform := tree.NewCR("argoproj.io/v1alpha1", "AppProject", argoPlatform, argoNS, argoAppProjectSpec{
		Description:              "Platform infrastructure and addons, managed by plinth",
		SourceRepos:              repos,
		Destinations:             []argoDestination{{Server: argoServer, Namespace: "*"}},
		ClusterResourceWhitelist: []metav1.GroupKind{{Group: "*", Kind: "*"}},
	})
	projects := []any{platform}
	for _, team := range t.Model.Teams {
		var dests []argoDestination
		for _, e := range envs {
			dests = append(dests, argoDestination{Server: argoServer, Namespace: tree.NamespaceOf(team.Name, e.Env.Name)})
		}
		projects = append(projects, tree.NewCR("argoproj.io/v1alpha1", "AppProject", team.Name, argoNS, argoAppProjectSpec{
			Description:              "Workloads of team " + team.Name + ", managed by plinth",
			SourceRepos:              []string{gitops.Repo},
			Destinations:             dests,
			ClusterResourceWhitelist: []metav1.GroupKind{},
			// The platform owns quotas and limit ranges (infrastructure).
			NamespaceResourceBlacklist: []metav1.GroupKind{{Group: "", Kind: "ResourceQuota"}, {Group: "", Kind: "LimitRange"}},
		}))
	}
	var teamPos []schemas.Pos
	for _, team := range t.Model.Teams {
		teamPos = append(teamPos, team.Pos)
	}
	if err := addFile("projects.yaml", t.Sources(teamPos...), projects); err != nil {
		return err
	}

	// Addons.
	if len(addons) > 0 {
		var apps []any
		var pos []schemas.Pos
		for _, a := range addons {
			app := tree.NewCR("argoproj.io/v1alpha1", "Application", "addon-"+a.Name, argoNS, argoApplicationSpec{
				Project: argoPlatform,
				Source: argoSource{
					RepoURL: argoRepoURL(a.Repo), Chart: a.Chart, TargetRevision: a.Version,
					Helm: &argoHelm{ReleaseName: a.Name, ValuesObject: a.Values},
				},
				Destination: argoDestination{Server: argoServer, Namespace: a.Namespace},
				SyncPolicy:  &argoSyncPolicy{Automated: automated.Automated, SyncOptions: []string{"CreateNamespace=true", "ServerSideApply=true"}},
			})
			app.Metadata.Annotations = map[string]string{syncWave: addonWave(a, addons)}
			apps = append(apps, app)
			pos = append(pos, a.Pos)
		}
		cfg, err := addonConfig(t, c, addons, branch)
		if err != nil {
			return err
		}
		if cfg != nil {
			apps = append(apps, cfg)
		}
		if err := addFile("addons.yaml", t.Sources(pos...), apps); err != nil {
			return err
		}
	}

	// Infrastructure per environment.
	var infra []any
	var envPos []schemas.Pos
	for _, e := range envs {
		app := tree.NewCR("argoproj.io/v1alpha1", "Application", e.Env.Name+"-infrastructure", argoNS, argoApplicationSpec{
			Project:     argoPlatform,
			Source:      argoSource{RepoURL: gitops.Repo, TargetRevision: branch, Path: t.RepoPath(tree.InfraDir + "/" + e.Env.Name)},
			Destination: argoDestination{Server: argoServer},
			SyncPolicy:  automated,
		})
		app.Metadata.Annotations = map[string]string{syncWave: "-1"}
		infra = append(infra, app)
		envPos = append(envPos, e.Env.Pos)
	}
	if err := addFile("infrastructure.yaml", t.Sources(envPos...), infra); err != nil {
		return err
	}

	// Applications: one per chart release, and one ApplicationSet over the
	// team directories of the environments that have them.
	var apps []any
	var dirs []argoGitDirectory
	envSeg := 0
	for _, e := range envs {
		if e.Apps.Dir != "" {
			dirs = append(dirs, argoGitDirectory{Path: t.RepoPath(e.Apps.Dir + "/*")})
			envSeg = len(strings.Split(t.RepoPath(e.Apps.Dir), "/")) - 1
			continue
		}
		for _, r := range e.Apps.Releases {
			app := tree.NewCR("argoproj.io/v1alpha1", "Application", e.Env.Name+"-"+r.Name, argoNS, argoApplicationSpec{
				Project: r.Team,
				Source: argoSource{
					RepoURL: gitops.Repo, TargetRevision: branch, Path: t.RepoPath(r.Chart),
					Helm: &argoHelm{ReleaseName: r.Name, ValueFiles: []string{relTo(r.Chart, r.Values)}},
				},
				Destination: argoDestination{Server: argoServer, Namespace: r.Namespace},
				SyncPolicy:  automated,
			})
			app.Metadata.Annotations = map[string]string{syncWave: "1"}
			app.Metadata.Labels = map[string]string{tree.LabelTeam: r.Team, tree.LabelEnv: e.Env.Name}
			apps = append(apps, app)
		}
	}
	if len(dirs) > 0 {
		apps = append(apps, appSet(gitops.Repo, branch, dirs, envSeg, automated))
	}
	if err := addFile("apps.yaml", t.Sources(envPos...), apps); err != nil {
		return err
	}
	return t.AddRoot(dir, t.Sources(c.Pos), tree.NewKustomization("", res), nil, expected, c.KubernetesVersion)
}

// appSet is one Application per team directory: the git directory
// generator lists <dir>/<team>; the environment is the last segment of
// <dir>, at index envSeg.
func appSet(repo, branch string, dirs []argoGitDirectory, envSeg int, automated *argoSyncPolicy) *tree.CR {
	envExpr := "{{ index .path.segments " + strconv.Itoa(envSeg) + " }}"
	set := tree.NewCR("argoproj.io/v1alpha1", "ApplicationSet", "apps", argoNS, argoApplicationSetSpec{
		GoTemplate:        true,
		GoTemplateOptions: []string{"missingkey=error"},
		Generators:        []argoGenerator{{Git: &argoGitGenerator{RepoURL: repo, Revision: branch, Directories: dirs}}},
		Template: argoApplicationTmpl{
			Metadata: argoTmplMeta{
				Name:        envExpr + "-{{ .path.basename }}",
				Labels:      map[string]string{tree.LabelTeam: "{{ .path.basename }}", tree.LabelEnv: envExpr},
				Annotations: map[string]string{syncWave: "1"},
			},
			Spec: argoApplicationSpec{
				Project:     "{{ .path.basename }}",
				Source:      argoSource{RepoURL: repo, TargetRevision: branch, Path: "{{ .path.path }}"},
				Destination: argoDestination{Server: argoServer, Namespace: "{{ .path.basename }}-" + envExpr},
				SyncPolicy:  automated,
			},
		},
		SyncPolicy: &argoAppSetSyncPolicy{PreserveResourcesOnDeletion: true},
	})
	set.Metadata.Annotations = map[string]string{syncWave: "1"}
	return set
}

// argoRepoURL is the repoURL Argo CD expects: OCI registries without scheme.
func argoRepoURL(repo string) string { return strings.TrimPrefix(repo, "oci://") }

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
