package flux

import (
	"github.com/plinth-dev/plinth/generator/internal/tree"
	"github.com/plinth-dev/plinth/schemas"
)

// addonsConfigName is the Kustomization of clusters/<cluster>/addon-config
// (the ClusterIssuer of cert-manager): after the addons, before the
// environments' infrastructure and so before every app.
const addonsConfigName = "addons-config"

// addonDeps are the HelmReleases an addon's HelmRelease waits for: the
// addons it installs after that run on the same cluster.
func addonDeps(a schemas.Addon, addons []schemas.Addon) []fluxDepends {
	var deps []fluxDepends
	for _, name := range tree.AddonDeps(a, addons) {
		deps = append(deps, fluxDepends{Name: name})
	}
	return deps
}

// addonConfig writes the addons' own objects and returns the Kustomization
// that applies them once the addons they need are ready, or nil.
func addonConfig(t *tree.Tree, c schemas.Cluster, addons []schemas.Addon, sourceRef fluxRef) (*tree.Object, error) {
	cfg, err := tree.WriteAddonConfig(t, c, addons)
	if err != nil || cfg.Dir == "" {
		return nil, err
	}
	ks := tree.NewCR("kustomize.toolkit.fluxcd.io/v1", "Kustomization", addonsConfigName, fluxNS, fluxKustomizationSpec{
		Interval: fluxInterval, RetryInterval: "1m", Timeout: "5m",
		Path: "./" + t.RepoPath(cfg.Dir), Prune: true, Wait: true, SourceRef: sourceRef,
		DependsOn: []fluxDepends{{Name: addonsName}},
	})
	o, err := tree.FromTyped(ks)
	if err != nil {
		return nil, err
	}
	return &o, nil
}
