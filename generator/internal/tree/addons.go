package tree

import (
	"slices"

	"github.com/plinth-dev/plinth/schemas"
)

// AddonConfigDir is the directory, under clusters/<cluster>/, of the objects
// plinth writes for its addons (the ClusterIssuer of the cert-manager
// blueprint). Engines apply it after the addons and before the
// environments, in its own step: its kinds exist once the addons run.
const AddonConfigDir = "addon-config"

// Addons are the addons installed on cluster c, in model order: a blueprint
// may leave a provider to its managed add-on.
func Addons(m *schemas.Model, c schemas.Cluster) []schemas.Addon {
	var out []schemas.Addon
	for _, a := range m.Addons {
		if a.InstallsOn(c.Provider) {
			out = append(out, a)
		}
	}
	return out
}

// AddonDeps are the addons of a cluster (addons) that a installs after.
func AddonDeps(a schemas.Addon, addons []schemas.Addon) []string {
	var deps []string
	for _, name := range a.After {
		if slices.ContainsFunc(addons, func(b schemas.Addon) bool { return b.Name == name }) {
			deps = append(deps, name)
		}
	}
	return deps
}

// AddonConfig is what an engine applies between the addons and the
// environments of a cluster.
type AddonConfig struct {
	Dir string // the directory to apply; empty when there is none
}

// WriteAddonConfig writes clusters/<cluster>/addon-config/ for the addons of
// cluster c (one ClusterIssuer per cert-manager addon with an issuer) as a
// kustomization root.
func WriteAddonConfig(t *Tree, c schemas.Cluster, addons []schemas.Addon) (AddonConfig, error) {
	dir := ClustersDir + "/" + c.Name + "/" + AddonConfigDir
	var cfg AddonConfig
	var res []string
	var objs []Object
	var pos []schemas.Pos
	for _, a := range addons {
		if a.Issuer == nil {
			continue
		}
		o, err := FromTyped(clusterIssuer(t.Model, *a.Issuer))
		if err != nil {
			return AddonConfig{}, err
		}
		f := a.Name + "-clusterissuer.yaml"
		if err := t.AddDocs(dir+"/"+f, t.Sources(a.Pos), o); err != nil {
			return AddonConfig{}, err
		}
		res = append(res, f)
		objs = append(objs, o)
		pos = append(pos, a.Pos)
	}
	if len(res) == 0 {
		return AddonConfig{}, nil
	}
	if err := t.AddRoot(dir, t.Sources(pos...), NewKustomization("", res), nil, objs, c.KubernetesVersion); err != nil {
		return AddonConfig{}, err
	}
	cfg.Dir = dir
	return cfg, nil
}

// clusterIssuer is the cert-manager ClusterIssuer of an issuer: an ACME
// account (its key in a Secret of cert-manager's namespace) solving HTTP-01
// challenges through the ingress class.
func clusterIssuer(m *schemas.Model, is schemas.Issuer) *CR {
	cr := NewCR("cert-manager.io/v1", "ClusterIssuer", is.Name, "", issuerSpec{ACME: acmeIssuer{
		Email:               is.Email,
		Server:              is.Server,
		PrivateKeySecretRef: secretKeyRef{Name: is.Name + "-account-key"},
		Solvers:             []acmeSolver{{HTTP01: &acmeHTTP01{Ingress: acmeHTTP01Ingress{IngressClassName: is.IngressClass}}}},
	}})
	cr.Metadata.Labels = CommonLabels(m, nil)
	return cr
}

// Small typed structs for cert-manager's ClusterIssuer: only the fields
// plinth sets.

type issuerSpec struct {
	ACME acmeIssuer `json:"acme"`
}

type acmeIssuer struct {
	Email               string       `json:"email"`
	Server              string       `json:"server"`
	PrivateKeySecretRef secretKeyRef `json:"privateKeySecretRef"`
	Solvers             []acmeSolver `json:"solvers"`
}

type secretKeyRef struct {
	Name string `json:"name"`
}

type acmeSolver struct {
	HTTP01 *acmeHTTP01 `json:"http01,omitempty"`
}

type acmeHTTP01 struct {
	Ingress acmeHTTP01Ingress `json:"ingress"`
}

type acmeHTTP01Ingress struct {
	IngressClassName string `json:"ingressClassName"`
}
