package generator

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"runtime"
	"slices"
	"strings"

	"golang.org/x/sync/errgroup"

	"github.com/plinth-dev/plinth/generator/internal/tree"
	"github.com/plinth-dev/plinth/generator/validate"
	"github.com/plinth-dev/plinth/internal/gitops/repo"
	"github.com/plinth-dev/plinth/schemas"
)

// Generate renders the platform into a GitOps repository tree and checks it
// in memory: every kustomization builds, every chart renders and lints for
// every environment's values, and every rendered object validates against
// the schemas of its cluster's Kubernetes version. Nothing is written.
func Generate(m *schemas.Model, opts Options) (*Output, error) {
	if m == nil {
		return nil, fmt.Errorf("generate: no platform model")
	}
	t, opts, prepared, err := buildTree(m, opts)
	defer prepared()
	if err != nil {
		return nil, err
	}
	// The manifest hashes the files while the self-check reads them (both
	// only read the map); it is used only when the check passes.
	files := t.Files()
	type manifestOf struct {
		data []byte
		err  error
	}
	manifestc := make(chan manifestOf, 1)
	go func() {
		data, err := repo.NewManifest(files)
		manifestc <- manifestOf{data, err}
	}()
	// The checks hold digests, not objects: the object trees are gone.
	checkErr := selfCheck(t, opts)
	manifest := <-manifestc
	if checkErr != nil {
		return nil, checkErr
	}
	if manifest.err != nil {
		return nil, fmt.Errorf("generate: %w", manifest.err)
	}
	files[repo.ManifestPath] = manifest.data
	out := &Output{Files: files, clusters: map[string]string{}}
	for _, e := range m.Environments {
		out.clusters[e.Name] = e.Cluster
	}
	for _, c := range m.Clusters {
		out.clusters[c.Name] = c.Name
	}
	return out, nil
}

// buildTree builds every environment's objects and lays them out in the
// output tree with the checks its files need (not yet run); prepared
// waits for the validation schemas it compiles meanwhile.
func buildTree(m *schemas.Model, opts Options) (t *tree.Tree, _ Options, prepared func(), err error) {
	prepared = func() {}
	t, opts, err = buildTreeOf(m, opts, &prepared)
	return t, opts, prepared, err
}

// buildTreeOf is buildTree, setting *prepared once the environments are
// built.
func buildTreeOf(m *schemas.Model, opts Options, prepared *func()) (*tree.Tree, Options, error) {
	opts, envs, err := resolveOptions(m, opts)
	if err != nil {
		return nil, opts, err
	}
	clusters := map[string]schemas.Cluster{}
	for _, c := range m.Clusters {
		clusters[c.Name] = c
	}
	for _, e := range envs {
		c, ok := clusters[e.Cluster]
		if !ok {
			return nil, opts, fmt.Errorf("%s: environment %s: unknown cluster %q", located(m, e.Pos), e.Name, e.Cluster)
		}
		if _, ok := validate.Minor(c.KubernetesVersion); !ok {
			return nil, opts, fmt.Errorf("%s: cluster %s: kubernetesVersion %q: the output cannot be validated, plinth has schemas for %s",
				located(m, c.Pos), c.Name, c.KubernetesVersion, strings.Join(validate.Versions(), ", "))
		}
	}

	b := newBuilder(m)
	envObjs := make([]*tree.Env, len(envs))
	var g errgroup.Group
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i, e := range envs {
		g.Go(func() error {
			eo, err := b.environment(e, clusters[e.Cluster])
			if err != nil {
				return fmt.Errorf("generate: %w", err)
			}
			envObjs[i] = eo
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, opts, err
	}
	*prepared = prepareValidation(envObjs)

	t := tree.New(m, opts.RepoPath)
	if err := infrastructure(t, envObjs); err != nil {
		return nil, opts, err
	}
	eng, _ := engineNamed(opts.Engine)
	lay, _ := layoutNamed(opts.Flavor)
	apps, err := lay.Apps(t, envObjs)
	if err != nil {
		return nil, opts, err
	}
	for i, eo := range envObjs {
		eo.Apps = apps[i]
	}
	for _, c := range m.Clusters {
		var cenvs []*tree.Env
		for _, eo := range envObjs {
			if eo.Env.Cluster == c.Name {
				cenvs = append(cenvs, eo)
			}
		}
		if len(cenvs) == 0 {
			continue
		}
		if err := eng.Cluster(t, c, cenvs); err != nil {
			return nil, opts, err
		}
		if err := clusterState(t, c, cenvs); err != nil {
			return nil, opts, err
		}
	}
	return t, opts, nil
}

// resolveOptions fills defaults and checks the options against the model.
func resolveOptions(m *schemas.Model, opts Options) (Options, []schemas.Environment, error) {
	if opts.Engine == "" {
		opts.Engine = m.Platform.GitOps.Engine
	}
	if opts.Engine == "" {
		opts.Engine = engines[0].name
	}
	if opts.Flavor == "" {
		opts.Flavor = layouts[0].name
	}
	if err := opts.Check(); err != nil {
		return opts, nil, fmt.Errorf("generate: %w", err)
	}
	opts.RepoPath, _ = cleanRepoPath(opts.RepoPath)
	if len(m.Environments) == 0 {
		return opts, nil, fmt.Errorf("generate: the platform declares no environments")
	}
	if len(opts.Envs) == 0 {
		return opts, m.Environments, nil
	}
	var envs []schemas.Environment
	known := make([]string, 0, len(m.Environments))
	for _, e := range m.Environments {
		known = append(known, e.Name)
	}
	for _, name := range opts.Envs {
		if !slices.Contains(known, name) {
			return opts, nil, fmt.Errorf("generate: %w", &OptionError{Option: OptionEnv, Value: name, Unknown: true,
				Reason: "the platform declares " + strings.Join(known, ", ")})
		}
	}
	for _, e := range m.Environments {
		if slices.Contains(opts.Envs, e.Name) {
			envs = append(envs, e)
		}
	}
	return opts, envs, nil
}

// infrastructure writes infrastructure/<env>/: a directory per team
// namespace and the Velero schedule.
func infrastructure(t *tree.Tree, envs []*tree.Env) error {
	for _, eo := range envs {
		envDir := tree.InfraDir + "/" + eo.Env.Name
		var res []string
		var objs []tree.Object
		for _, team := range t.Model.Teams {
			dir := envDir + "/" + team.Name
			srcs := t.Sources(team.Pos, eo.Env.Pos)
			byKind := map[string][]tree.Object{}
			for _, o := range eo.Infra[team.Name] {
				byKind[o.Kind] = append(byKind[o.Kind], o)
				objs = append(objs, o)
			}
			var teamRes []string
			for _, kind := range tree.SortedKeys(byKind) {
				f := tree.FileName(kind)
				teamRes = append(teamRes, f)
				if err := t.AddDocs(dir+"/"+f, srcs, byKind[kind]...); err != nil {
					return err
				}
			}
			if err := t.AddYAML(dir+"/kustomization.yaml", srcs, tree.NewKustomization("", teamRes)); err != nil {
				return err
			}
			res = append(res, team.Name)
		}
		if eo.Velero != nil {
			res = append(res, "velero-schedule.yaml")
			objs = append(objs, *eo.Velero)
			if err := t.AddDocs(envDir+"/velero-schedule.yaml", t.Sources(eo.Env.Pos), *eo.Velero); err != nil {
				return err
			}
		}
		if len(eo.Gateway) > 0 {
			res = append(res, "gateway.yaml")
			objs = append(objs, eo.Gateway...)
			if err := t.AddDocs(envDir+"/gateway.yaml", t.Sources(eo.Env.Pos), eo.Gateway...); err != nil {
				return err
			}
		}
		if err := t.AddRoot(envDir, t.Sources(eo.Env.Pos), tree.NewKustomization("", res), nil, objs, eo.Cluster.KubernetesVersion); err != nil {
			return err
		}
	}
	return nil
}

// clusterState writes the cluster's repo.ClusterState: the declared
// settings, the namespaces of each environment and the trusted registries,
// for the report.
func clusterState(t *tree.Tree, c schemas.Cluster, envs []*tree.Env) error {
	pos := make([]schemas.Pos, 0, len(envs)+1)
	for _, eo := range envs {
		pos = append(pos, eo.Env.Pos)
	}
	st := repo.ClusterState{Generated: "Generated by plinth from " + strings.Join(t.Sources(append(pos, c.Pos)...), ", ") + "; do not edit.",
		Name: c.Name, Provider: c.Provider, KubernetesVersion: c.KubernetesVersion, Zones: c.Zones, Settings: c.Settings,
		Registries: t.Model.Platform.Registries}
	if st.Zones == nil {
		st.Zones = []string{}
	}
	if st.Settings == nil {
		st.Settings = map[string]any{}
	}
	st.NodePools = nodePoolStates(c)
	for _, eo := range envs {
		es := repo.EnvState{Name: eo.Env.Name, Tier: eo.Env.Tier, Namespaces: []string{}}
		for _, team := range t.Model.Teams {
			es.Namespaces = append(es.Namespaces, tree.NamespaceOf(team.Name, eo.Env.Name))
		}
		st.Environments = append(st.Environments, es)
	}
	data, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return fmt.Errorf("generate: cluster %s state: %w", c.Name, err)
	}
	t.Put(repo.ClusterStatePath(c.Name), append(data, '\n'))
	return nil
}

// located is a position for messages: file:line:col under the platform
// directory the model was loaded from.
func located(m *schemas.Model, p schemas.Pos) string {
	if p.File != "" && m.Dir != "" {
		p.File = filepath.ToSlash(filepath.Join(m.Dir, filepath.FromSlash(p.File)))
	}
	return p.String()
}
