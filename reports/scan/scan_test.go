package scan_test

import (
	"context"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/plinth-dev/plinth/internal/testutil/gittest"
	"github.com/plinth-dev/plinth/reports"
	"github.com/plinth-dev/plinth/reports/scan"
)

var reportDate = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

func repoDir(name string) string { return filepath.Join("..", "..", "testdata", "repos", name) }

func runRepo(t *testing.T, name string) *reports.Report {
	t.Helper()
	repo := gittest.FromDir(t, repoDir(name), gittest.Date(2026, 10, 15))
	r, err := scan.Run(context.Background(), scan.Options{Repo: repo.Dir, Date: reportDate})
	if err != nil {
		t.Fatalf("scan %s: %v", name, err)
	}
	return r
}

type want struct {
	control, status, file string
	line                  int
	object                string // substring of Finding.Object ("" matches any)
	message               string // substring of Finding.Message
}

func find(r *reports.Report, w want) *reports.Finding {
	for i, f := range r.Findings {
		if f.Control == w.control && f.Status == w.status && f.File == w.file && f.Line == w.line &&
			strings.Contains(f.Object, w.object) && strings.Contains(f.Message, w.message) {
			return &r.Findings[i]
		}
	}
	return nil
}

func dump(r *reports.Report, control string) string {
	var b strings.Builder
	for _, f := range r.Findings {
		if f.Control == control {
			b.WriteString("\n  " + f.Status + " " + f.File + ":" + strconv.Itoa(f.Line) + " " + f.Namespace + " " + f.Object + " " + f.Message)
		}
	}
	return b.String()
}

func TestPlantedViolations(t *testing.T) {
	cases := map[string][]want{
		"flux": {
			// kustomize output is mapped back to the source file that defines the object (kind and name).
			{"PLN-SEC-006", reports.StatusFail, "apps/base/deployment.yaml", 22, "Deployment/prod-cart", "privileged"},
			{"PLN-SEC-019", reports.StatusFail, "apps/base/deployment.yaml", 20, "Deployment/prod-cart", "nginx:latest"},
			{"PLN-SEC-018", reports.StatusFail, "apps/base/deployment.yaml", 20, "Deployment/prod-cart", "(Docker Hub implied), not a private registry; no trusted registries are configured"},
			{"PLN-SEC-015", reports.StatusFail, "apps/prod/secret.yaml", 1, "Secret/prod-db", "password"},
			{"PLN-SEC-005", reports.StatusFail, "apps/prod/namespace.yaml", 1, "Namespace/shop", "enforce"},
			{"PLN-RES-003", reports.StatusPass, "apps/prod/quota.yaml", 1, "ResourceQuota/prod-shop", ""},
			{"PLN-RES-004", reports.StatusFail, "apps/prod/namespace.yaml", 1, "Namespace/shop", "LimitRange"},
			{"PLN-NET-006", reports.StatusFail, "apps/base/service.yaml", 1, "Service/prod-cart", "public"},
			// HelmRelease of a chart in the repository, values from the HelmRelease.
			{"PLN-HA-003", reports.StatusFail, "charts/web/templates/deployment.yaml", 1, "Deployment/web", "3 replicas"},
			{"PLN-SEC-006", reports.StatusPass, "charts/web/templates/deployment.yaml", 1, "Deployment/web", ""},
			// Remote charts are not fetched: attestation, not failure.
			{"PLN-OPS-003", reports.StatusManual, "clusters/prod/apps.yaml", 31, "", "ingress-nginx"},
			// postBuild substitution (with a default) and targetNamespace.
			{"PLN-SEC-019", reports.StatusPass, "infra/worker.yaml", 1, "Deployment/worker", ""},
			{"PLN-RES-002", reports.StatusPass, "infra/worker.yaml", 1, "Deployment/worker", ""},
			{"PLN-SEC-022", reports.StatusPass, "infra/worker.yaml", 1, "Deployment/worker", "namespace platform"},
			// Baseline add-ons recognised by the HelmReleases of their
			// remote charts.
			{"PLN-SEC-036", reports.StatusPass, "clusters/prod/apps.yaml", 46, "HelmRelease/trivy-operator", "Trivy Operator deployed by HelmRelease/trivy-operator"},
			{"PLN-SEC-037", reports.StatusPass, "clusters/prod/apps.yaml", 65, "HelmRelease/cert-manager", "no Ingress asks it"},
		},
		"argocd": {
			{"PLN-SEC-012", reports.StatusFail, "apps/guestbook/deployment.yaml", 19, "Deployment/frontend", "hostNetwork"},
			{"PLN-SEC-019", reports.StatusFail, "apps/guestbook/deployment.yaml", 22, "Deployment/frontend", "without a tag"},
			{"PLN-SEC-002", reports.StatusFail, "apps/guestbook/rbac.yaml", 1, "ClusterRoleBinding/guestbook-admins", "Group"},
			// ApplicationSet git directory generator: kustomize and plain directories.
			{"PLN-SEC-008", reports.StatusFail, "services/api/deployment.yaml", 19, "Deployment/api", "privilege escalation"},
			{"PLN-SEC-009", reports.StatusFail, "services/worker/worker.yaml", 17, "CronJob/worker", ""},
			// Waiver annotations: valid, and expired.
			{"PLN-HA-004", reports.StatusWaived, "apps/guestbook/deployment.yaml", 1, "Deployment/frontend", "single-zone"},
			{"PLN-HA-003", reports.StatusFail, "apps/guestbook/deployment.yaml", 24, "Deployment/backend", "expired on 2020-01-31"},
			{"PLN-OPS-003", reports.StatusManual, "clusters/staging/apps.yaml", 41, "", "redis"},
			// Application of a chart in the repository: valueFiles, then values.
			{"PLN-HA-009", reports.StatusPass, "charts/catalog/templates/deployment.yaml", 1, "Deployment/catalog", "at least 2"},
			{"PLN-SEC-019", reports.StatusPass, "charts/catalog/templates/deployment.yaml", 1, "Deployment/catalog", ""},
			{"PLN-SEC-022", reports.StatusPass, "charts/catalog/templates/deployment.yaml", 1, "Deployment/catalog", "namespace catalog"},
			// Trusted registries from .plinth/baseline.yaml.
			{"PLN-SEC-018", reports.StatusFail, "apps/guestbook/deployment.yaml", 22, "Deployment/frontend", "not from a trusted registry (registry.example.com, from .plinth/baseline.yaml)"},
			{"PLN-SEC-018", reports.StatusPass, "services/api/deployment.yaml", 1, "Deployment/api", ""},
			// cert-manager from an Application of its remote chart, but the
			// ClusterIssuer the Ingress names is deployed by nobody; no
			// Trivy Operator.
			{"PLN-SEC-037", reports.StatusFail, "apps/guestbook/ingress.yaml", 1, "Ingress/guestbook", "ClusterIssuer letsencrypt-prod named by Ingress/guestbook is not deployed"},
			{"PLN-SEC-036", reports.StatusFail, "", 0, "", "no Trivy Operator is deployed"},
		},
		"plain": {
			{"PLN-SEC-007", reports.StatusFail, "manifests/app.yaml", 23, "Deployment/legacy-app", "user 0"},
			{"PLN-SEC-015", reports.StatusFail, "manifests/app.yaml", 28, "Secret/legacy-db", "password"},
			{"PLN-SEC-021", reports.StatusFail, "manifests/app.yaml", 36, "Ingress/legacy", "tls"},
			{"PLN-NET-003", reports.StatusFail, "manifests/app.yaml", 36, "Ingress/legacy", "class"},
			// Only the kustomize overlay is rendered, not its base on its own.
			{"PLN-SEC-012", reports.StatusFail, "kustomize/base/pod.yaml", 1, "Pod/debug", "hostPath"},
			{"PLN-OPS-003", reports.StatusFail, "broken/invalid.yaml", 5, "", "invalid YAML"},
			{"PLN-OPS-003", reports.StatusFail, "bad-kustomization/kustomization.yaml", 2, "", "missing.yaml"},
			// Waiver file: with a reason (waived) and without one (expired).
			{"PLN-RES-003", reports.StatusWaived, "manifests/app.yaml", 1, "Namespace/legacy", "outside Git"},
			{"PLN-RES-004", reports.StatusFail, "manifests/app.yaml", 1, "Namespace/legacy", "no reason"},
			// RBAC, pod and reference controls (issue 14).
			{"PLN-SEC-025", reports.StatusFail, "manifests/shop.yaml", 28, "RoleBinding/shop-admins", "binds cluster-admin to Group 7d1c2f40-shop-admins"},
			{"PLN-SEC-026", reports.StatusFail, "manifests/shop.yaml", 2, "Role/shop-ops", "rule 1 has * in resources"},
			{"PLN-SEC-026", reports.StatusPass, "manifests/shop.yaml", 18, "Role/shop-reader", ""},
			{"PLN-SEC-027", reports.StatusFail, "manifests/shop.yaml", 2, "Role/shop-ops", "rule 2 reads Secrets"},
			{"PLN-SEC-028", reports.StatusFail, "manifests/shop.yaml", 2, "Role/shop-ops", "rule 2 grants pods/exec"},
			{"PLN-SEC-029", reports.StatusFail, "manifests/shop.yaml", 2, "Role/shop-ops", "rule 3 grants escalate, bind"},
			{"PLN-SEC-030", reports.StatusFail, "manifests/shop.yaml", 42, "Deployment/shop-web", "ServiceAccount default"},
			{"PLN-SEC-030", reports.StatusPass, "manifests/shop.yaml", 77, "Deployment/shop-worker", "ServiceAccount shop-worker sets automountServiceAccountToken: false"},
			{"PLN-SEC-031", reports.StatusFail, "manifests/shop.yaml", 42, "Deployment/shop-web", "default ServiceAccount"},
			{"PLN-SEC-031", reports.StatusPass, "manifests/shop.yaml", 77, "Deployment/shop-worker", ""},
			{"PLN-SEC-032", reports.StatusFail, "manifests/shop.yaml", 58, "Deployment/shop-web", "host port 8080"},
			{"PLN-SEC-033", reports.StatusFail, "manifests/shop.yaml", 58, "Deployment/shop-web", "env DB_PASSWORD from Secret shop-db"},
			{"PLN-SEC-034", reports.StatusFail, "manifests/shop.yaml", 42, "Deployment/shop-web", "procMount: Unmasked"},
			{"PLN-SEC-035", reports.StatusFail, "manifests/shop.yaml", 58, "Deployment/shop-web", "imagePullPolicy IfNotPresent"},
			{"PLN-SEC-035", reports.StatusPass, "manifests/shop.yaml", 77, "Deployment/shop-worker", ""},
			{"PLN-HA-011", reports.StatusFail, "kustomize/base/pod.yaml", 1, "Pod/debug", "bare Pod"},
			{"PLN-HA-012", reports.StatusFail, "manifests/shop.yaml", 108, "PodDisruptionBudget/shop-web", "minAvailable 2 with 2 replica(s) of Deployment/shop-web"},
			{"PLN-HA-013", reports.StatusFail, "manifests/shop.yaml", 119, "PodDisruptionBudget/shop-legacy", "matches no pod template"},
			{"PLN-HA-013", reports.StatusPass, "manifests/shop.yaml", 108, "PodDisruptionBudget/shop-web", "Deployment/shop-web"},
			{"PLN-HA-014", reports.StatusFail, "manifests/shop.yaml", 42, "Deployment/shop-web", "identical liveness and readiness"},
			{"PLN-HA-014", reports.StatusPass, "manifests/shop.yaml", 77, "Deployment/shop-worker", ""},
			{"PLN-RES-007", reports.StatusFail, "manifests/shop.yaml", 130, "HorizontalPodAutoscaler/shop-api", "scales Deployment/shop-api"},
			{"PLN-NET-008", reports.StatusFail, "manifests/shop.yaml", 143, "Service/shop-web", "203.0.113.10"},
			{"PLN-NET-009", reports.StatusFail, "manifests/shop.yaml", 143, "Service/shop-web", "NodePort"},
			{"PLN-NET-010", reports.StatusWaived, "manifests/shop.yaml", 179, "HTTPRoute/shop", "Service/shop-search"}, // waiver annotation
			{"PLN-NET-010", reports.StatusFail, "manifests/app.yaml", 36, "Ingress/legacy", "Service/legacy"},
			{"PLN-NET-011", reports.StatusFail, "manifests/shop.yaml", 157, "Service/shop-cart", "matches no pod template"},
			{"PLN-NET-011", reports.StatusPass, "manifests/shop.yaml", 143, "Service/shop-web", "Deployment/shop-web"},
			{"PLN-NET-012", reports.StatusFail, "manifests/shop.yaml", 168, "NetworkPolicy/shop-cart", "matches no pod template"},
		},
		"helm": {
			{"PLN-SEC-006", reports.StatusFail, "chart/templates/deployment.yaml", 26, "Deployment/chart", "privileged"},
			{"PLN-SEC-022", reports.StatusFail, "chart/templates/deployment.yaml", 6, "Deployment/chart", "default namespace"},
			{"PLN-HA-007", reports.StatusFail, "chart/templates/deployment.yaml", 6, "Deployment/chart", "readinessProbe"},
			{"PLN-OPS-003", reports.StatusFail, "badchart/templates/broken.yaml", 4, "", "name is required"},
		},
	}
	for name, wants := range cases {
		t.Run(name, func(t *testing.T) {
			r := runRepo(t, name)
			for _, w := range wants {
				if find(r, w) == nil {
					t.Errorf("no finding %+v; findings of %s:%s", w, w.control, dump(r, w.control))
				}
			}
		})
	}
}

func TestBaseNotRenderedTwice(t *testing.T) {
	r := runRepo(t, "plain")
	n := 0
	for _, f := range r.Findings {
		if f.Control == "PLN-SEC-012" && f.Object == "Pod/debug" {
			n++
			if f.Namespace != "tools" {
				t.Errorf("Pod/debug in namespace %q, want tools (from the overlay)", f.Namespace)
			}
		}
	}
	if n != 1 {
		t.Errorf("Pod/debug evaluated %d times, want once", n)
	}
}

func TestWaiversListed(t *testing.T) {
	r := runRepo(t, "plain")
	var expired, valid int
	for _, w := range r.Waivers {
		if w.Expired {
			expired++
		} else {
			valid++
		}
	}
	if expired != 1 || valid != 2 {
		t.Errorf("waivers: %d valid, %d expired; want 2 and 1: %+v", valid, expired, r.Waivers)
	}
}

func TestScores(t *testing.T) {
	r := runRepo(t, "flux")
	s := r.Summary
	if s.Total != s.Passed+s.Waived+s.Failed || s.Total == 0 {
		t.Fatalf("summary totals: %+v", s)
	}
	want := float64(int(float64(s.Passed+s.Waived)*1000/float64(s.Total)+0.5)) / 10
	if s.Score != want {
		t.Errorf("score %v, want %v", s.Score, want)
	}
	if len(s.Categories) != len(reports.Categories) {
		t.Errorf("categories: %d", len(s.Categories))
	}
	for _, c := range r.Controls {
		if c.Evaluation == reports.EvalManual && c.Status == reports.StatusPass {
			t.Errorf("%s: manual control reported as passed", c.ID)
		}
	}
	if s.FailingControls[reports.SeverityCritical] == 0 {
		t.Errorf("no failing critical control counted: %+v", s.FailingControls)
	}
}
