package checks

import (
	"testing"

	"github.com/plinth-dev/plinth/internal/gitops/render"
	"github.com/plinth-dev/plinth/reports"
)

func cr(apiVersion, kind, name, cluster string, value map[string]any) render.Object {
	value["apiVersion"], value["kind"] = apiVersion, kind
	value["metadata"] = map[string]any{"name": name}
	return render.Object{APIVersion: apiVersion, Kind: kind, Name: name, Cluster: cluster, File: "clusters/" + cluster + "/" + name + ".yaml", Line: 1, Value: value}
}

func ingressNaming(name, cluster, issuer string) render.Object {
	o := cr("networking.k8s.io/v1", "Ingress", name, cluster, map[string]any{})
	o.Namespace = "shop"
	if issuer != "" {
		o.Value["metadata"] = map[string]any{"name": name, "annotations": map[string]any{"cert-manager.io/cluster-issuer": issuer}}
	}
	return o
}

// TestBaselineAddons checks how the Trivy Operator (PLN-SEC-036) and
// cert-manager (PLN-SEC-037) are recognised in each cluster: a Flux
// HelmRelease of the chart, an Argo CD Application with sources or an OCI
// repository, or a workload's image; and that an Ingress naming a
// ClusterIssuer nobody deploys fails.
func TestBaselineAddons(t *testing.T) {
	objs := []render.Object{
		// a: Flux HelmRelease of trivy-operator; cert-manager and its issuer.
		cr("helm.toolkit.fluxcd.io/v2", "HelmRelease", "scanner", "a", map[string]any{"spec": map[string]any{"chart": map[string]any{"spec": map[string]any{"chart": "trivy-operator"}}}}),
		cr("helm.toolkit.fluxcd.io/v2", "HelmRelease", "certs", "a", map[string]any{"spec": map[string]any{"chart": map[string]any{"spec": map[string]any{"chart": "cert-manager"}}}}),
		cr("cert-manager.io/v1", "ClusterIssuer", "letsencrypt-prod", "a", map[string]any{}),
		ingressNaming("web", "a", "letsencrypt-prod"),
		// b: Argo CD Application with sources (OCI trivy-operator), cert-manager
		// by its image, an Ingress naming a missing issuer.
		cr("argoproj.io/v1alpha1", "Application", "scanner", "b", map[string]any{"spec": map[string]any{"sources": []any{
			map[string]any{"repoURL": "https://git.example.com/values.git", "path": "values"},
			map[string]any{"repoURL": "oci://ghcr.io/aquasecurity/helm-charts/trivy-operator", "targetRevision": "0.32.0"},
		}}}),
		deployment("cert-manager", 2, podWith(nil, "quay.io/jetstack/cert-manager-controller:v1.21.2")),
		ingressNaming("shop", "b", "letsencrypt-staging"),
		// c: nothing; an Ingress asking for a certificate.
		ingressNaming("api", "c", "letsencrypt-prod"),
		// d: an Ingress without annotations, no cert-manager.
		ingressNaming("plain", "d", ""),
	}
	objs[5].Cluster = "b"
	fs := Evaluate(&Input{Discovery: &render.Result{Clusters: []string{"a", "b", "c", "d"}, Objects: objs}})
	for _, tc := range []struct{ control, cluster, object, want string }{
		{"PLN-SEC-036", "a", "HelmRelease/scanner", reports.StatusPass},
		{"PLN-SEC-036", "b", "Application/scanner", reports.StatusPass},
		{"PLN-SEC-036", "c", "", reports.StatusFail},
		{"PLN-SEC-037", "a", "HelmRelease/certs", reports.StatusPass},
		{"PLN-SEC-037", "b", "Ingress/shop", reports.StatusFail},
		{"PLN-SEC-037", "b", "Deployment/cert-manager", ""},
		{"PLN-SEC-037", "c", "", reports.StatusFail},
		{"PLN-SEC-037", "d", "", ""},
	} {
		got := ""
		for _, f := range fs {
			if f.Control == tc.control && f.Cluster == tc.cluster && f.Object == tc.object {
				got = f.Status
			}
		}
		if got != tc.want {
			t.Errorf("%s cluster %s %q: status %q, want %q", tc.control, tc.cluster, tc.object, got, tc.want)
		}
	}
}
