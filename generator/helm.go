package generator

import (
	"embed"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"helm.sh/helm/v3/pkg/chart/loader"
	"helm.sh/helm/v3/pkg/chartutil"
	"helm.sh/helm/v3/pkg/engine"
	"helm.sh/helm/v3/pkg/lint"
	"helm.sh/helm/v3/pkg/lint/support"
	"helm.sh/helm/v3/pkg/releaseutil"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"

	"github.com/plinth-dev/plinth/schemas"
)

// chartFS is the shared service chart written to charts/service.
//
//go:embed all:chart
var chartFS embed.FS

// chartValues are the values of one service in one environment: everything
// the shared chart needs to render the same objects as the kustomize flavor.
type chartValues struct {
	Name          string             `json:"name"`
	Labels        map[string]string  `json:"labels"`
	Kind          string             `json:"kind"`
	Image         string             `json:"image"`
	Port          int                `json:"port"`
	Replicas      int                `json:"replicas"`
	Autoscale     *schemas.Autoscale `json:"autoscale"`
	PDB           bool               `json:"pdb"`
	Resources     map[string]any     `json:"resources"`
	Probes        schemas.Probes     `json:"probes"`
	Security      schemas.Security   `json:"security"`
	ZoneSpread    bool               `json:"zoneSpread"`
	Identity      *schemas.Identity  `json:"identity"`
	Secrets       *chartSecrets      `json:"secrets"`
	Schedule      string             `json:"schedule"`
	Ingress       *chartIngress      `json:"ingress"`
	NetworkPolicy chartNetpol        `json:"networkPolicy"`
}

type chartSecrets struct {
	KeyVault   string   `json:"keyVault,omitempty"`
	GCPProject string   `json:"gcpProject,omitempty"`
	Objects    []string `json:"objects"`
	TenantID   string   `json:"tenantID,omitempty"`
}

type chartIngress struct {
	Host          string `json:"host"`
	Path          string `json:"path"`
	ClassName     string `json:"className"`
	ClusterIssuer string `json:"clusterIssuer"`
}

type chartNetpol struct {
	From       []peerRef        `json:"from"`
	Egress     []peerRef        `json:"egress"`
	EgressCIDR []schemas.Egress `json:"egressCIDR"`
}

// valuesPath is the values file of a workload in an environment.
func valuesPath(env string, w schemas.Workload) string {
	return appsDir + "/" + env + "/" + w.Team + "/values/" + w.Name + ".yaml"
}

// helmApps writes the helm flavor of the workloads:
//
//	charts/service/                    the shared service chart
//	apps/<env>/<team>/values/<svc>.yaml values of each service
//	apps/<env>/<team>/<svc>.yaml        Flux only: its HelmRelease
//	apps/<env>/[<team>/]kustomization.yaml  Flux only
//
// Argo CD deploys the same chart and values with one Application per
// service and environment (clusters/<cluster>/apps.yaml).
func (t *tree) helmApps(eos []*envObjects) error {
	if err := t.writeChart(); err != nil {
		return err
	}
	for _, eo := range eos {
		envDir := appsDir + "/" + eo.env.Name
		teams := workloadsByTeam(eo)
		var envRes []string
		for _, team := range sortedKeys(teams) {
			dir := envDir + "/" + team
			var res []string
			var releases []object
			for _, wo := range teams[team] {
				w := wo.w
				srcs := t.sources(w.Source, eo.env.Pos)
				vp := valuesPath(eo.env.Name, w)
				if err := t.addYAML(vp, srcs, wo.values); err != nil {
					return err
				}
				t.charts = append(t.charts, chartCheck{
					chart: chartDir, values: vp, release: w.Name, namespace: w.Namespace,
					expected: digests(wo.objs), kubeVersion: eo.cluster.KubernetesVersion,
				})
				if t.opts.Engine != EngineFlux {
					continue
				}
				hr := newCRD("helm.toolkit.fluxcd.io/v2", "HelmRelease", w.Name, w.Namespace, fluxHelmReleaseSpec{
					Interval:    fluxInterval,
					ReleaseName: w.Name,
					Chart: fluxHelmChartTmpl{Spec: fluxHelmChartSpec{
						Chart:             "./" + t.repoPath(chartDir),
						ReconcileStrategy: "Revision",
						SourceRef:         fluxRef{Kind: "GitRepository", Name: fluxSource, Namespace: fluxNS},
						ValuesFiles:       []string{"./" + t.repoPath(chartDir+"/values.yaml"), "./" + t.repoPath(vp)},
					}},
					Install: &fluxHelmInstall{Remediation: &fluxRemediation{Retries: 3}},
					Upgrade: &fluxHelmUpgrade{Remediation: &fluxRemediation{Retries: 3}},
				})
				hr.Metadata.Labels = t.builder.commonLabels(map[string]string{labelName: w.Name, labelTeam: w.Team})
				o, err := toObject(hr)
				if err != nil {
					return err
				}
				releases = append(releases, o)
				f := w.Name + ".yaml"
				res = append(res, f)
				if err := t.addDocs(dir+"/"+f, srcs, o); err != nil {
					return err
				}
			}
			if t.opts.Engine != EngineFlux {
				continue
			}
			if err := t.addRoot(dir, t.sources(eo.env.Pos), newKustomization("", res), nil, releases, eo.cluster.KubernetesVersion); err != nil {
				return err
			}
			envRes = append(envRes, team)
		}
		if t.opts.Engine == EngineFlux {
			if err := t.addYAML(envDir+"/kustomization.yaml", t.sources(eo.env.Pos), newKustomization("", envRes)); err != nil {
				return err
			}
		}
	}
	return nil
}

// writeChart copies the embedded chart into the tree with headers.
func (t *tree) writeChart() error {
	srcs := t.sources()
	return fs.WalkDir(chartFS, "chart", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := chartFS.ReadFile(p)
		if err != nil {
			return err
		}
		rel := strings.TrimPrefix(p, "chart/")
		h := header(srcs)
		if strings.HasPrefix(rel, "templates/") {
			// A template comment: nothing of it reaches the rendered output.
			h = "{{- /*\n" + strings.ReplaceAll(strings.TrimRight(h, "\n"), "# ", "") + "\n*/ -}}\n"
		}
		t.files[chartDir+"/"+rel] = append([]byte(h), data...)
		return nil
	})
}

// workloadValues are the chart values equivalent to a workload's objects.
func (b *builder) workloadValues(w schemas.Workload, labels map[string]string, pdb bool, plan netpolPlan) (*chartValues, error) {
	res, err := requirements(w.Resources)
	if err != nil {
		return nil, err
	}
	resources := map[string]any{}
	for name, l := range map[string]map[string]string{"requests": quantities(res.Requests), "limits": quantities(res.Limits)} {
		if len(l) > 0 {
			resources[name] = l
		}
	}
	v := &chartValues{
		Name: w.Name, Labels: labels, Kind: w.Kind, Image: w.Image, Port: w.Port,
		Replicas: w.Replicas, Autoscale: w.Autoscale, PDB: pdb, Resources: resources,
		Probes: w.Probes, Security: w.Security, ZoneSpread: w.ZoneSpread,
		Schedule: w.Schedule, NetworkPolicy: chartNetpol{From: plan.From, Egress: plan.Egress, EgressCIDR: plan.EgressCIDR},
	}
	if v.Kind != "CronJob" {
		v.Kind = "Deployment"
	}
	if v.NetworkPolicy.From == nil {
		v.NetworkPolicy.From = []peerRef{}
	}
	if v.NetworkPolicy.Egress == nil {
		v.NetworkPolicy.Egress = []peerRef{}
	}
	if v.NetworkPolicy.EgressCIDR == nil {
		v.NetworkPolicy.EgressCIDR = []schemas.Egress{}
	}
	// The chart picks the provider by the field set, so only the fields
	// of the provider the objects were built for are passed.
	switch w.Identity.Provider() {
	case "aks":
		v.Identity = &schemas.Identity{ClientID: w.Identity.ClientID}
	case "gke":
		v.Identity = &schemas.Identity{GCPServiceAccount: w.Identity.GCPServiceAccount}
	}
	if w.Secrets != nil {
		objs := append([]string(nil), w.Secrets.Objects...)
		sort.Strings(objs)
		v.Secrets = &chartSecrets{Objects: objs}
		if w.Secrets.Provider() == "gke" {
			v.Secrets.GCPProject = w.Secrets.GCPProject
		} else {
			v.Secrets.KeyVault, v.Secrets.TenantID = w.Secrets.KeyVault, w.Secrets.TenantID
		}
	}
	if w.Ingress != nil {
		v.Ingress = &chartIngress{Host: w.Ingress.Host, Path: w.Ingress.Path, ClassName: ingressClass, ClusterIssuer: clusterIssuer}
		if v.Ingress.Path == "" {
			v.Ingress.Path = "/"
		}
	}
	return v, nil
}

// renderChart renders the chart with one values file as `helm template`
// would, lints it with the same values, and compares the objects with the
// ones the generator meant to produce.
func (t *tree) renderChart(cc chartCheck) ([]rendered, error) {
	where := cc.chart + " with " + cc.values
	t.chartFilesOnce.Do(func() {
		prefix := cc.chart + "/"
		for _, p := range sortedKeys(t.files) {
			if strings.HasPrefix(p, prefix) {
				t.chartFiles = append(t.chartFiles, &loader.BufferedFile{Name: strings.TrimPrefix(p, prefix), Data: t.files[p]})
			}
		}
	})
	ch, err := loader.LoadFiles(t.chartFiles)
	if err != nil {
		return nil, fmt.Errorf("generate: self-check: load chart %s: %w", cc.chart, err)
	}
	vals, err := chartutil.ReadValues(t.files[cc.values])
	if err != nil {
		return nil, fmt.Errorf("generate: self-check: %s: %w", cc.values, err)
	}
	kv, err := chartutil.ParseKubeVersion("v" + cc.kubeVersion + ".0")
	if err != nil {
		return nil, fmt.Errorf("generate: self-check: kubernetes version %q: %w", cc.kubeVersion, err)
	}
	caps := chartutil.DefaultCapabilities.Copy()
	caps.KubeVersion = *kv
	rv, err := chartutil.ToRenderValues(ch, vals, chartutil.ReleaseOptions{Name: cc.release, Namespace: cc.namespace, Revision: 1, IsInstall: true}, caps)
	if err != nil {
		return nil, fmt.Errorf("generate: self-check: helm template %s: %w", where, err)
	}
	out, err := engine.Render(ch, rv)
	if err != nil {
		return nil, fmt.Errorf("generate: self-check: helm template %s: %w", where, err)
	}
	var objs []rendered
	for _, name := range sortedKeys(out) {
		if strings.HasPrefix(filepath.Base(name), "_") || strings.HasSuffix(name, "NOTES.txt") {
			continue
		}
		docs := releaseutil.SplitManifests(out[name])
		for _, k := range sortedKeys(docs) {
			var m map[string]any
			if err := yaml.Unmarshal([]byte(docs[k]), &m); err != nil {
				return nil, fmt.Errorf("generate: self-check: helm template %s: %s: %w", where, name, err)
			}
			if len(m) == 0 {
				continue
			}
			objs = append(objs, rendered{Source: where, Value: m})
		}
	}
	if err := compareObjects(where, cc.expected, objs); err != nil {
		return nil, err
	}
	if err := t.lintChart(cc, vals, kv); err != nil {
		return nil, err
	}
	return objs, nil
}

// lintChart runs Helm's lint rules on the chart with one values file. The
// linter reads a chart directory, so the chart is written once to a
// temporary directory.
func (t *tree) lintChart(cc chartCheck, vals chartutil.Values, kv *chartutil.KubeVersion) error {
	t.chartOnce.Do(func() {
		t.chartTmp, t.chartErr = os.MkdirTemp("", "plinth-chart-*")
		if t.chartErr != nil {
			return
		}
		prefix := cc.chart + "/"
		for p, data := range t.files {
			if strings.HasPrefix(p, prefix) {
				if err := writeFile(filepath.Join(t.chartTmp, "service", filepath.FromSlash(strings.TrimPrefix(p, prefix))), data); err != nil {
					t.chartErr = err
					return
				}
			}
		}
	})
	if t.chartErr != nil {
		return fmt.Errorf("generate: self-check: helm lint: %w", t.chartErr)
	}
	l := lint.AllWithKubeVersion(filepath.Join(t.chartTmp, "service"), vals, cc.namespace, kv)
	var msgs []string
	for _, m := range l.Messages {
		if m.Severity >= support.WarningSev {
			msgs = append(msgs, m.Error())
		}
	}
	if len(msgs) > 0 {
		return fmt.Errorf("generate: self-check: helm lint %s with %s:\n  %s", cc.chart, cc.values, strings.Join(msgs, "\n  "))
	}
	return nil
}

// cleanup removes what the self-check left on disk.
func (t *tree) cleanup() {
	if t.chartTmp != "" {
		_ = os.RemoveAll(t.chartTmp)
	}
}

// chartLint holds the lint directory shared by the checks of one run.
type chartLint struct {
	chartOnce sync.Once
	chartTmp  string
	chartErr  error
	// chartFiles is the chart as loader input, collected once.
	chartFilesOnce sync.Once
	chartFiles     []*loader.BufferedFile
}

// quantities are a resource list as canonical quantity strings.
func quantities(l corev1.ResourceList) map[string]string {
	out := map[string]string{}
	for k, q := range l {
		out[string(k)] = q.String()
	}
	return out
}
