package generator

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"

	"golang.org/x/sync/errgroup"

	"github.com/plinth-dev/plinth/generator/validate"
	"github.com/plinth-dev/plinth/internal/gitops/repo"
	"github.com/plinth-dev/plinth/schemas"
)

// Engines and flavors Generate accepts.
const (
	EngineFlux      = "flux"
	EngineArgoCD    = "argocd"
	FlavorKustomize = "kustomize"
	FlavorHelm      = "helm"
)

// Paths of the output tree (relative to its root).
const (
	clustersDir = "clusters"
	appsDir     = "apps"
	baseDir     = "apps/base"
	infraDir    = "infrastructure"
	chartDir    = "charts/service"
)

// Generate renders the platform into a GitOps repository tree and checks it
// in memory: every kustomization builds, every chart renders and lints for
// every environment's values, and every rendered object validates against
// the schemas of its cluster's Kubernetes version. Nothing is written.
func Generate(m *schemas.Model, opts Options) (*Output, error) {
	if m == nil {
		return nil, fmt.Errorf("generate: no platform model")
	}
	opts, envs, err := resolveOptions(m, opts)
	if err != nil {
		return nil, err
	}
	clusters := map[string]schemas.Cluster{}
	for _, c := range m.Clusters {
		clusters[c.Name] = c
	}
	for _, e := range envs {
		c, ok := clusters[e.Cluster]
		if !ok {
			return nil, fmt.Errorf("%s: environment %s: unknown cluster %q", located(m, e.Pos), e.Name, e.Cluster)
		}
		if _, ok := validate.Minor(c.KubernetesVersion); !ok {
			return nil, fmt.Errorf("%s: cluster %s: kubernetesVersion %q: the output cannot be validated, plinth has schemas for %s",
				located(m, c.Pos), c.Name, c.KubernetesVersion, strings.Join(validate.Versions(), ", "))
		}
	}

	b := newBuilder(m)
	eos := make([]*envObjects, len(envs))
	var g errgroup.Group
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i, e := range envs {
		g.Go(func() error {
			eo, err := b.environment(e, clusters[e.Cluster])
			if err != nil {
				return fmt.Errorf("generate: %w", err)
			}
			eos[i] = eo
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}

	t := &tree{m: m, opts: opts, files: map[string][]byte{}, builder: b}
	if err := t.infrastructure(eos); err != nil {
		return nil, err
	}
	eng, _ := engineNamed(opts.Engine)
	fl, _ := flavorNamed(opts.Flavor)
	if err := fl.apps(t, eos); err != nil {
		return nil, err
	}
	for _, c := range m.Clusters {
		var cenvs []*envObjects
		for _, eo := range eos {
			if eo.env.Cluster == c.Name {
				cenvs = append(cenvs, eo)
			}
		}
		if len(cenvs) == 0 {
			continue
		}
		if err := eng.cluster(t, c, cenvs); err != nil {
			return nil, err
		}
		if err := t.clusterState(c, cenvs); err != nil {
			return nil, err
		}
	}
	// The checks hold digests, not objects: let the object trees go.
	eos = nil
	defer t.cleanup()
	if err := t.selfCheck(); err != nil {
		return nil, err
	}
	manifest, err := repo.NewManifest(t.files)
	if err != nil {
		return nil, fmt.Errorf("generate: %w", err)
	}
	t.files[repo.ManifestPath] = manifest
	out := &Output{Files: t.files, clusters: map[string]string{}}
	for _, e := range m.Environments {
		out.clusters[e.Name] = e.Cluster
	}
	for _, c := range m.Clusters {
		out.clusters[c.Name] = c.Name
	}
	return out, nil
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
		opts.Flavor = flavors[0].name
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

// tree accumulates the output files and the checks they need.
type tree struct {
	mu      sync.Mutex // guards files and kustomizations while layouts run in parallel
	m       *schemas.Model
	opts    Options
	builder *builder
	files   map[string][]byte
	// kustomizations are the kustomization directories to build, with the
	// objects each must produce (nil: not compared).
	kustomizations []kustomizeCheck
	// charts are the chart renders to check.
	charts []chartCheck
	chartLint
}

type kustomizeCheck struct {
	dir         string        // output path of the kustomization root
	include     []string      // path prefixes its build reads
	expected    objectDigests // objects the build must produce exactly; nil: any
	kubeVersion string
}

type chartCheck struct {
	chart       string // chart directory
	values      string // values file
	release     string
	namespace   string
	expected    objectDigests
	kubeVersion string
}

// repoPath is a path of the output tree as the GitOps engine sees it inside
// the repository ("./" prefixed for Flux).
func (t *tree) repoPath(p string) string {
	if t.opts.RepoPath == "" {
		return p
	}
	return t.opts.RepoPath + "/" + p
}

// add stores a YAML file with the generated-file header naming its sources.
func (t *tree) addDocs(p string, srcs []string, objs ...object) error {
	data, err := marshalDocs(header(srcs), objs...)
	return t.put(p, data, err)
}

func (t *tree) addYAML(p string, srcs []string, v any) error {
	data, err := marshalYAML(header(srcs), v)
	return t.put(p, data, err)
}

// put stores a marshalled file, or returns the error of marshalling it.
func (t *tree) put(p string, data []byte, err error) error {
	if err != nil {
		return fmt.Errorf("generate: %s: %w", p, err)
	}
	t.mu.Lock()
	t.files[p] = data
	t.mu.Unlock()
	return nil
}

// header is the first comment of every generated file.
func header(srcs []string) string {
	return "# Generated by plinth from " + strings.Join(srcs, ", ") + ". Do not edit:\n" +
		"# change the platform and run `plinth generate` (files listed in .plinth/manifest.json are replaced).\n"
}

// sources lists the platform files behind positions, sorted and unique; the
// platform's files when none is known.
func (t *tree) sources(ps ...schemas.Pos) []string {
	var out []string
	for _, p := range ps {
		if p.File != "" && !slices.Contains(out, p.File) {
			out = append(out, p.File)
		}
	}
	if len(out) == 0 {
		out = append(out, t.m.Files...)
	}
	if len(out) == 0 {
		out = []string{"the platform"}
	}
	sort.Strings(out)
	return out
}

// kustomization is a kustomize.config.k8s.io Kustomization file.
type kustomization struct {
	APIVersion string           `json:"apiVersion"`
	Kind       string           `json:"kind"`
	Namespace  string           `json:"namespace,omitempty"`
	Resources  []string         `json:"resources"`
	Patches    []kustomizePatch `json:"patches,omitempty"`
}

type kustomizePatch struct {
	Path   string           `json:"path"`
	Target *kustomizeTarget `json:"target,omitempty"`
}

type kustomizeTarget struct {
	Group   string `json:"group,omitempty"`
	Version string `json:"version"`
	Kind    string `json:"kind"`
	Name    string `json:"name"`
}

func newKustomization(ns string, resources []string) *kustomization {
	if resources == nil {
		resources = []string{}
	}
	return &kustomization{APIVersion: "kustomize.config.k8s.io/v1beta1", Kind: "Kustomization", Namespace: ns, Resources: resources}
}

// addRoot writes the kustomization.yaml of a directory that Flux or Argo CD
// (or a user) builds, and registers its build check: it must produce
// exactly the expected objects. include lists the path prefixes the build
// reads (default: the directory).
func (t *tree) addRoot(dir string, srcs []string, k *kustomization, include []string, expected []object, kubeVersion string) error {
	if err := t.addYAML(dir+"/kustomization.yaml", srcs, k); err != nil {
		return err
	}
	if include == nil {
		include = []string{dir + "/"}
	}
	kc := kustomizeCheck{dir: dir, include: include, expected: digests(expected), kubeVersion: kubeVersion}
	t.mu.Lock()
	t.kustomizations = append(t.kustomizations, kc)
	t.mu.Unlock()
	return nil
}

// infrastructure writes infrastructure/<env>/: a directory per team
// namespace and the Velero schedule.
func (t *tree) infrastructure(eos []*envObjects) error {
	for _, eo := range eos {
		envDir := infraDir + "/" + eo.env.Name
		var res []string
		var objs []object
		for _, team := range t.m.Teams {
			dir := envDir + "/" + team.Name
			srcs := t.sources(team.Pos, eo.env.Pos)
			byKind := map[string][]object{}
			for _, o := range eo.infra[team.Name] {
				byKind[o.Kind] = append(byKind[o.Kind], o)
				objs = append(objs, o)
			}
			var teamRes []string
			for _, kind := range sortedKeys(byKind) {
				f := fileName(kind)
				teamRes = append(teamRes, f)
				if err := t.addDocs(dir+"/"+f, srcs, byKind[kind]...); err != nil {
					return err
				}
			}
			if err := t.addYAML(dir+"/kustomization.yaml", srcs, newKustomization("", teamRes)); err != nil {
				return err
			}
			res = append(res, team.Name)
		}
		if eo.velero != nil {
			res = append(res, "velero-schedule.yaml")
			objs = append(objs, *eo.velero)
			if err := t.addDocs(envDir+"/velero-schedule.yaml", t.sources(eo.env.Pos), *eo.velero); err != nil {
				return err
			}
		}
		if err := t.addRoot(envDir, t.sources(eo.env.Pos), newKustomization("", res), nil, objs, eo.cluster.KubernetesVersion); err != nil {
			return err
		}
	}
	return nil
}

// fileName is the file of the objects of one kind ("deployment.yaml").
func fileName(kind string) string {
	switch kind {
	case "RoleBinding":
		return "rolebindings.yaml"
	case "NetworkPolicy":
		return "networkpolicies.yaml"
	}
	return strings.ToLower(kind) + ".yaml"
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
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

// clusterState writes the cluster's repo.ClusterState: the declared
// settings, the namespaces of each environment and the trusted registries,
// for the report.
func (t *tree) clusterState(c schemas.Cluster, eos []*envObjects) error {
	st := repo.ClusterState{Generated: "Generated by plinth from " + strings.Join(t.sources(append(envPositions(eos), c.Pos)...), ", ") + "; do not edit.",
		Name: c.Name, Provider: c.Provider, KubernetesVersion: c.KubernetesVersion, Zones: c.Zones, Settings: c.Settings,
		Registries: t.m.Platform.Registries}
	if st.Zones == nil {
		st.Zones = []string{}
	}
	if st.Settings == nil {
		st.Settings = map[string]any{}
	}
	for _, eo := range eos {
		es := repo.EnvState{Name: eo.env.Name, Tier: eo.env.Tier, Namespaces: []string{}}
		for _, team := range t.m.Teams {
			es.Namespaces = append(es.Namespaces, namespaceOf(team.Name, eo.env.Name))
		}
		st.Environments = append(st.Environments, es)
	}
	data, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return fmt.Errorf("generate: cluster %s state: %w", c.Name, err)
	}
	t.files[repo.ClusterStatePath(c.Name)] = append(data, '\n')
	return nil
}

func envPositions(eos []*envObjects) []schemas.Pos {
	ps := make([]schemas.Pos, len(eos))
	for i, eo := range eos {
		ps[i] = eo.env.Pos
	}
	return ps
}

// located is a position for messages: file:line:col under the platform
// directory the model was loaded from.
func located(m *schemas.Model, p schemas.Pos) string {
	if p.File != "" && m.Dir != "" {
		p.File = filepath.ToSlash(filepath.Join(m.Dir, filepath.FromSlash(p.File)))
	}
	return p.String()
}
