// Package helm is the helm layout of the workloads: one shared service
// chart and a values file per service and environment.
package helm

import (
	"embed"
	"io/fs"
	"slices"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/plinth-dev/plinth/generator/internal/tree"
	"github.com/plinth-dev/plinth/schemas"
)

// chartDir is where the shared chart is written.
const chartDir = "charts/service"

// chartFS is the shared service chart written to charts/service.
//
//go:embed all:chart
var chartFS embed.FS

// Layout writes the helm layout of the workloads:
//
//	charts/service/                     the shared service chart
//	apps/<env>/<team>/values/<svc>.yaml values of each service
//
// and deploys each service as a release of the chart with its values; the
// engine decides how (a HelmRelease, an Application with a Helm source).
type Layout struct{}

// Apps writes the chart and the values files.
func (Layout) Apps(t *tree.Tree, envs []*tree.Env) ([]tree.Apps, error) {
	if err := writeChart(t); err != nil {
		return nil, err
	}
	if err := writeObjectsChart(t, envs); err != nil {
		return nil, err
	}
	apps := make([]tree.Apps, len(envs))
	for i, e := range envs {
		for _, wo := range e.Workloads {
			w := wo.Spec
			srcs := t.Sources(w.Source, e.Env.Pos)
			vp := tree.AppsDir + "/" + e.Env.Name + "/" + w.Team + "/values/" + w.Name + ".yaml"
			chart, vals, objs := chartDir, any(values(wo, t.Model.ClusterIssuer())), wo.Objects
			if escaped(wo) {
				chart, vals, objs = objectsDir, newObjectsValues(wo), append(slices.Clone(wo.Objects), wo.Extra...)
			}
			if err := t.AddYAML(vp, srcs, vals); err != nil {
				return nil, err
			}
			t.ExpectChart(tree.ChartCheck{
				Chart: chart, Values: vp, Release: w.Name, Namespace: w.Namespace,
				Expected: tree.DigestsOf(objs), KubeVersion: e.Cluster.KubernetesVersion,
			})
			apps[i].Releases = append(apps[i].Releases, tree.Release{
				Name: w.Name, Team: w.Team, Namespace: w.Namespace, Chart: chart, Values: vp, Sources: srcs,
			})
		}
	}
	return apps, nil
}

// writeChart copies the embedded chart into the tree with headers.
func writeChart(t *tree.Tree) error {
	return writeEmbedded(t, chartFS, "chart", chartDir)
}

// writeEmbedded copies the embedded chart root of fsys into the tree at dir.
func writeEmbedded(t *tree.Tree, fsys embed.FS, root, dir string) error {
	srcs := t.Sources()
	return fs.WalkDir(fsys, root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fsys.ReadFile(p)
		if err != nil {
			return err
		}
		rel := strings.TrimPrefix(p, root+"/")
		h := tree.Header(srcs)
		if strings.HasPrefix(rel, "templates/") {
			// A template comment: nothing of it reaches the rendered output.
			h = "{{- /*\n" + strings.ReplaceAll(strings.TrimRight(h, "\n"), "# ", "") + "\n*/ -}}\n"
		}
		t.Put(dir+"/"+rel, append([]byte(h), data...))
		return nil
	})
}

// chartValues are the values of one service in one environment: everything
// the shared chart needs to render the same objects as the kustomize layout.
type chartValues struct {
	Name          string               `json:"name"`
	Labels        map[string]string    `json:"labels"`
	Kind          string               `json:"kind"`
	Image         string               `json:"image"`
	Port          int                  `json:"port"`
	PortName      string               `json:"portName"`
	Ports         []schemas.Port       `json:"ports"`
	Replicas      int                  `json:"replicas"`
	Autoscale     *schemas.Autoscale   `json:"autoscale"`
	PDB           bool                 `json:"pdb"`
	Resources     map[string]any       `json:"resources"`
	Probes        tree.ContainerProbes `json:"probes"`
	Security      schemas.Security     `json:"security"`
	ZoneSpread    bool                 `json:"zoneSpread"`
	Identity      *schemas.Identity    `json:"identity"`
	Secrets       *chartSecrets        `json:"secrets"`
	Schedule      string               `json:"schedule"`
	Ingress       *chartIngress        `json:"ingress"`
	NetworkPolicy chartNetpol          `json:"networkPolicy"`
	// Env, Command, Args and Config: the container's configuration (config.go).
	Env     []chartEnv   `json:"env"`
	Command []string     `json:"command"`
	Args    []string     `json:"args"`
	Config  *chartConfig `json:"config"`
	// The node pool's selector and tolerations, and the PriorityClass.
	NodeSelector      map[string]string   `json:"nodeSelector,omitempty"`
	Tolerations       []corev1.Toleration `json:"tolerations,omitempty"`
	PriorityClassName string              `json:"priorityClassName,omitempty"`
	Metrics           *chartMetrics       `json:"metrics"`
	Route             *chartRoute         `json:"route"`
	Canary            *chartCanary        `json:"canary"`
}

type chartSecrets struct {
	KeyVault   string   `json:"keyVault,omitempty"`
	GCPProject string   `json:"gcpProject,omitempty"`
	Objects    []string `json:"objects"`
	TenantID   string   `json:"tenantID,omitempty"`
	// Sync: the objects synced into <name>-secrets for environment variables.
	Sync []schemas.SecretKey `json:"sync,omitempty"`
}

type chartIngress struct {
	Host          string `json:"host"`
	Path          string `json:"path"`
	ClassName     string `json:"className"`
	ClusterIssuer string `json:"clusterIssuer"`
}

type chartNetpol struct {
	From       []tree.PeerRef    `json:"from"`
	Ports      []tree.NetpolPort `json:"ports"`
	Egress     []tree.PeerRef    `json:"egress"`
	EgressCIDR []schemas.Egress  `json:"egressCIDR"`
	Scrape     *tree.ScrapePeer  `json:"scrape"`
}

// values are the chart values equivalent to a workload's objects.
func values(wo tree.Workload, issuer string) *chartValues {
	w, plan := wo.Spec, wo.Plan
	resources := map[string]any{}
	for name, l := range map[string]map[string]string{"requests": quantities(wo.Requirements.Requests), "limits": quantities(wo.Requirements.Limits)} {
		if len(l) > 0 {
			resources[name] = l
		}
	}
	v := &chartValues{
		Name: w.Name, Labels: wo.Labels, Kind: w.Kind, Image: w.Image, Port: w.Port,
		Replicas: w.Replicas, Autoscale: w.Autoscale, PDB: wo.PDB, Resources: resources,
		Probes: wo.Probes, Security: w.Security, ZoneSpread: w.ZoneSpread,
		Schedule: w.Schedule, NetworkPolicy: chartNetpol{From: plan.From, Egress: plan.Egress, EgressCIDR: plan.EgressCIDR, Scrape: plan.Scrape},
		Metrics: metricsValues(wo),
	}
	if v.Kind != "CronJob" {
		v.Kind = "Deployment"
	}
	if v.NetworkPolicy.From == nil {
		v.NetworkPolicy.From = []tree.PeerRef{}
	}
	v.NetworkPolicy.Ports, v.Ports, v.PortName = plan.Ports, w.AllPorts(), w.PortName()
	if v.NetworkPolicy.Ports == nil {
		v.NetworkPolicy.Ports = []tree.NetpolPort{}
	}
	if v.Ports == nil {
		v.Ports = []schemas.Port{}
	}
	if v.NetworkPolicy.Egress == nil {
		v.NetworkPolicy.Egress = []tree.PeerRef{}
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
	configValues(v, w)
	v.Route, v.Canary = routeValues(wo)
	if w.Ingress != nil {
		v.Ingress = &chartIngress{Host: w.Ingress.Host, Path: w.Ingress.Path, ClassName: tree.IngressClass, ClusterIssuer: issuer}
		if v.Ingress.Path == "" {
			v.Ingress.Path = "/"
		}
	}
	v.NodeSelector, v.Tolerations = tree.Placement(w)
	v.PriorityClassName = w.PriorityClassName
	return v
}

// quantities are a resource list as canonical quantity strings.
func quantities(l corev1.ResourceList) map[string]string {
	out := map[string]string{}
	for k, q := range l {
		out[string(k)] = q.String()
	}
	return out
}
