package generator

import (
	"strings"
	"testing"

	"github.com/plinth-dev/plinth/internal/testutil/synth"
	"github.com/plinth-dev/plinth/schemas"
)

// TestGenerateSynthetic renders a synthetic platform (every blueprint,
// autoscaling, ingress, identity, secrets, cross-team dependencies) in every
// engine and flavor; Generate's own checks build, render, lint and validate
// all of it.
func TestGenerateSynthetic(t *testing.T) {
	m := synth.Load(t, 45)
	for _, c := range combos {
		t.Run(c.engine+"-"+c.flavor, func(t *testing.T) {
			out := generate(t, m, Options{Engine: c.engine, Flavor: c.flavor, RepoPath: "gitops/fleet"})
			if len(out.Files) < 100 {
				t.Errorf("only %d files", len(out.Files))
			}
		})
	}
}

// minimalModel is a hand-built model: one environment, no addons, no
// backup, no quota, a cron job and a worker with an OCI addon-free cluster.
func minimalModel() *schemas.Model {
	sec := schemas.Security{RunAsUser: 10001, RunAsGroup: 10001, ReadOnlyRootFilesystem: true}
	res := schemas.Requirements{Requests: schemas.Resources{CPU: "0.1", Memory: "64Mi"}, Limits: schemas.Resources{CPU: "1", Memory: "128Mi"}}
	return &schemas.Model{
		Files:    []string{"p.cue"},
		Platform: schemas.Platform{Name: "mini", GitOps: schemas.GitOps{Engine: "argocd", Repo: "https://git.example.com/mini.git"}},
		Clusters: []schemas.Cluster{{Name: "one", Provider: "generic", KubernetesVersion: "1.32"}},
		Environments: []schemas.Environment{{
			Name: "lab", Tier: "development", Cluster: "one",
			Policy: schemas.TierPolicy{PodSecurity: schemas.PodSecurity{Enforce: "baseline", Audit: "restricted", Warn: "restricted"}, MinReplicas: 1},
			Workloads: []schemas.Workload{
				{Name: "nightly", Team: "ops", Namespace: "ops-lab", Blueprint: "cron", Kind: "CronJob", Image: "r.example/nightly@sha256:" + strings.Repeat("a", 64),
					Replicas: 1, Resources: res, Schedule: "0 1 * * *", Security: sec, DependsOn: []string{"queue"}},
				{Name: "queue", Team: "ops", Namespace: "ops-lab", Blueprint: "worker", Kind: "Deployment", Image: "r.example/queue:2",
					Port: 9000, Replicas: 1, Resources: res, Security: sec},
			},
		}},
		Teams:    []schemas.Team{{Name: "ops", Access: schemas.Access{View: []string{"g1"}}}},
		Services: []schemas.Service{{Name: "nightly", Team: "ops"}, {Name: "queue", Team: "ops"}},
	}
}

func TestGenerateMinimal(t *testing.T) {
	m := minimalModel()
	for _, c := range combos {
		t.Run(c.engine+"-"+c.flavor, func(t *testing.T) {
			out := generate(t, m, Options{Engine: c.engine, Flavor: c.flavor})
			for _, p := range []string{"clusters/one/addons.yaml", "infrastructure/lab/velero-schedule.yaml", "infrastructure/lab/ops/resourcequota.yaml"} {
				if _, ok := out.Files[p]; ok {
					t.Errorf("%s written without addons/backup/quota", p)
				}
			}
			ns := string(out.Files["infrastructure/lab/ops/namespace.yaml"])
			if !strings.Contains(ns, "pod-security.kubernetes.io/enforce: baseline") || !strings.Contains(ns, "enforce-version: v1.32") {
				t.Errorf("namespace:\n%s", ns)
			}
		})
	}
	// Canonical quantities: "0.1" CPU is written as "100m" in both flavors.
	out := generate(t, m, Options{Flavor: FlavorHelm})
	if v := string(out.Files["apps/lab/ops/values/queue.yaml"]); !strings.Contains(v, "cpu: 100m") {
		t.Errorf("values:\n%s", v)
	}
}

func TestGenerateBadQuantity(t *testing.T) {
	m := minimalModel()
	m.Environments[0].Workloads[1].Resources.Limits.Memory = "lots"
	_, err := Generate(m, Options{})
	if err == nil || !strings.Contains(err.Error(), `service queue: resources.limits.memory: "lots" is not a Kubernetes quantity`) {
		t.Fatalf("err = %v", err)
	}
}
