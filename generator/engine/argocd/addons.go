package argocd

import (
	"github.com/plinth-dev/plinth/generator/internal/tree"
	"github.com/plinth-dev/plinth/schemas"
)

// Sync waves of the addons: an addon installs in wave -2, an addon that
// needs another one (and the addons' own objects, the ClusterIssuer of
// cert-manager) in wave -1 with the environments' infrastructure; the apps
// follow in wave 1.
const (
	addonsWave      = "-2"
	addonsAfterWave = "-1"
	// addonsConfigName is the Application of clusters/<cluster>/addon-config.
	addonsConfigName = "addons-config"
)

// argoRetry retries a sync whose kinds are not served yet (an addon's CRDs
// still installing).
type argoRetry struct {
	Limit   int               `json:"limit"`
	Backoff *argoRetryBackoff `json:"backoff,omitempty"`
}

type argoRetryBackoff struct {
	Duration    string `json:"duration"`
	Factor      int    `json:"factor"`
	MaxDuration string `json:"maxDuration"`
}

// addonWave is the sync wave of an addon's Application: later when it
// installs after another addon of the cluster.
func addonWave(a schemas.Addon, addons []schemas.Addon) string {
	if len(tree.AddonDeps(a, addons)) > 0 {
		return addonsAfterWave
	}
	return addonsWave
}

// addonConfig writes the addons' own objects and returns the Application
// that applies them after the addons (wave -1), or nil. Their kinds come
// with the addons, so the dry run skips kinds not served yet and the sync
// retries.
func addonConfig(t *tree.Tree, c schemas.Cluster, addons []schemas.Addon, branch string) (*tree.CR, error) {
	cfg, err := tree.WriteAddonConfig(t, c, addons)
	if err != nil || cfg.Dir == "" {
		return nil, err
	}
	app := tree.NewCR("argoproj.io/v1alpha1", "Application", addonsConfigName, argoNS, argoApplicationSpec{
		Project:     argoPlatform,
		Source:      argoSource{RepoURL: t.Model.Platform.GitOps.Repo, TargetRevision: branch, Path: t.RepoPath(cfg.Dir)},
		Destination: argoDestination{Server: argoServer},
		SyncPolicy: &argoSyncPolicy{
			Automated:   &argoAutomated{Prune: true, SelfHeal: true},
			SyncOptions: []string{"SkipDryRunOnMissingResource=true"},
			Retry:       &argoRetry{Limit: 5, Backoff: &argoRetryBackoff{Duration: "30s", Factor: 2, MaxDuration: "5m"}},
		},
	})
	app.Metadata.Annotations = map[string]string{syncWave: addonsAfterWave}
	return app, nil
}
