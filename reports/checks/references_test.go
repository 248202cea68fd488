package checks

import (
	"strings"
	"testing"

	"github.com/plinth-dev/plinth/internal/gitops/render"
	"github.com/plinth-dev/plinth/reports"
)

func object(apiVersion, kind, name string, value map[string]any) render.Object {
	value["apiVersion"], value["kind"] = apiVersion, kind
	return render.Object{APIVersion: apiVersion, Kind: kind, Name: name, Namespace: "team-prod", Cluster: "prod", File: "x.yaml", Line: 1, Value: value}
}

func rule(groups, resources, verbs []any) map[string]any {
	return map[string]any{"apiGroups": groups, "resources": resources, "verbs": verbs}
}

func ctr(extra map[string]any) map[string]any {
	c := map[string]any{"name": "c", "image": "r.io/a:1"}
	for k, v := range extra {
		c[k] = v
	}
	return c
}

func TestReferenceAndRBACChecks(t *testing.T) {
	probe := map[string]any{"httpGet": map[string]any{"path": "/health", "port": 8080}}
	objs := []render.Object{
		// RBAC
		object("rbac.authorization.k8s.io/v1", "RoleBinding", "ns-admin", map[string]any{"roleRef": map[string]any{"kind": "ClusterRole", "name": "cluster-admin"},
			"subjects": []any{map[string]any{"kind": "Group", "name": "g"}}}),
		object("rbac.authorization.k8s.io/v1", "RoleBinding", "viewers", map[string]any{"roleRef": map[string]any{"kind": "ClusterRole", "name": "view"}}),
		object("rbac.authorization.k8s.io/v1", "Role", "wild", map[string]any{"rules": []any{rule([]any{""}, []any{"*"}, []any{"get"})}}),
		object("rbac.authorization.k8s.io/v1", "Role", "secrets", map[string]any{"rules": []any{rule([]any{""}, []any{"secrets"}, []any{"list"})}}),
		object("rbac.authorization.k8s.io/v1", "Role", "exec", map[string]any{"rules": []any{rule([]any{""}, []any{"*/exec"}, []any{"create"})}}),
		object("rbac.authorization.k8s.io/v1", "ClusterRole", "escalate", map[string]any{"rules": []any{rule([]any{"rbac.authorization.k8s.io"}, []any{"roles"}, []any{"bind", "escalate"})}}),
		object("rbac.authorization.k8s.io/v1", "Role", "reader", map[string]any{"rules": []any{rule([]any{"apps"}, []any{"deployments"}, []any{"get", "list"})}}),
		object("rbac.authorization.k8s.io/v1", "ClusterRole", "system:thing", map[string]any{"rules": []any{rule([]any{"*"}, []any{"*"}, []any{"*"})}}),
		// Workloads: "web" is well formed, "bare" breaks most pod rules.
		deployment("web", 3, map[string]any{"serviceAccountName": "web", "containers": []any{ctr(map[string]any{
			"livenessProbe": probe, "readinessProbe": map[string]any{"httpGet": map[string]any{"path": "/ready", "port": 8080}}, "imagePullPolicy": "IfNotPresent"})}}),
		object("v1", "ServiceAccount", "web", map[string]any{"automountServiceAccountToken": false}),
		object("v1", "Pod", "bare", map[string]any{"metadata": map[string]any{"labels": map[string]any{"app": "bare"},
			"annotations": map[string]any{"container.apparmor.security.beta.kubernetes.io/c": "unconfined"}},
			"spec": map[string]any{"securityContext": map[string]any{"sysctls": []any{map[string]any{"name": "kernel.msgmax", "value": "1"}}},
				"containers": []any{ctr(map[string]any{"image": "r.io/a:latest", "imagePullPolicy": "IfNotPresent",
					"ports":           []any{map[string]any{"containerPort": 80, "hostPort": 80}},
					"env":             []any{map[string]any{"name": "PW", "valueFrom": map[string]any{"secretKeyRef": map[string]any{"name": "db", "key": "pw"}}}},
					"securityContext": map[string]any{"procMount": "Unmasked"},
					"livenessProbe":   probe, "readinessProbe": probe})}}}),
		deployment("pinned-always", 1, map[string]any{"automountServiceAccountToken": true, "serviceAccountName": "default",
			"containers": []any{ctr(map[string]any{"imagePullPolicy": "Always", "securityContext": map[string]any{"seLinuxOptions": map[string]any{"type": "spc_t"}}})}}),
		// References
		object("v1", "Service", "web", map[string]any{"spec": map[string]any{"selector": map[string]any{"app": "web"}}}),
		object("v1", "Service", "ghost", map[string]any{"spec": map[string]any{"type": "NodePort", "selector": map[string]any{"app": "gone"}, "externalIPs": []any{"1.2.3.4"}}}),
		object("v1", "Service", "external", map[string]any{"spec": map[string]any{"type": "ExternalName", "externalName": "db.example.com"}}),
		object("networking.k8s.io/v1", "Ingress", "web", map[string]any{"spec": map[string]any{"rules": []any{map[string]any{"http": map[string]any{"paths": []any{
			map[string]any{"backend": map[string]any{"service": map[string]any{"name": "web"}}}}}}}}}),
		object("networking.k8s.io/v1", "Ingress", "dangling", map[string]any{"spec": map[string]any{"defaultBackend": map[string]any{"service": map[string]any{"name": "nope"}}}}),
		object("gateway.networking.k8s.io/v1", "HTTPRoute", "route", map[string]any{"spec": map[string]any{"rules": []any{map[string]any{"backendRefs": []any{
			map[string]any{"name": "web"}, map[string]any{"name": "web", "namespace": "other"}}}}}}),
		object("networking.k8s.io/v1", "NetworkPolicy", "all", map[string]any{"spec": map[string]any{"podSelector": map[string]any{}}}),
		object("networking.k8s.io/v1", "NetworkPolicy", "typo", map[string]any{"spec": map[string]any{"podSelector": map[string]any{"matchLabels": map[string]any{"app": "wbe"}}}}),
		object("policy/v1", "PodDisruptionBudget", "web", map[string]any{"spec": map[string]any{"minAvailable": 3, "selector": map[string]any{"matchLabels": map[string]any{"app": "web"}}}}),
		object("policy/v1", "PodDisruptionBudget", "zero", map[string]any{"spec": map[string]any{"maxUnavailable": "0%", "selector": map[string]any{"matchLabels": map[string]any{"app": "web"}}}}),
		object("policy/v1", "PodDisruptionBudget", "ok", map[string]any{"spec": map[string]any{"maxUnavailable": 1, "selector": map[string]any{"matchLabels": map[string]any{"app": "bare"}}}}),
		object("policy/v1", "PodDisruptionBudget", "noselector", map[string]any{"spec": map[string]any{"maxUnavailable": 1}}),
		object("autoscaling/v2", "HorizontalPodAutoscaler", "web", map[string]any{"spec": map[string]any{"minReplicas": 2, "scaleTargetRef": map[string]any{"kind": "Deployment", "name": "web"}}}),
		object("autoscaling/v2", "HorizontalPodAutoscaler", "lost", map[string]any{"spec": map[string]any{"scaleTargetRef": map[string]any{"kind": "Deployment", "name": "renamed"}}}),
	}
	fs := Evaluate(&Input{Discovery: &render.Result{Clusters: []string{"prod"}, Objects: objs}})
	for _, tc := range []struct{ control, object, want string }{
		{"PLN-SEC-025", "RoleBinding/ns-admin", reports.StatusFail},
		{"PLN-SEC-025", "RoleBinding/viewers", reports.StatusPass},
		{"PLN-SEC-026", "Role/wild", reports.StatusFail},
		{"PLN-SEC-026", "Role/reader", reports.StatusPass},
		{"PLN-SEC-026", "ClusterRole/system:thing", ""},
		{"PLN-SEC-027", "Role/secrets", reports.StatusFail},
		{"PLN-SEC-027", "Role/wild", reports.StatusFail}, // * includes secrets
		{"PLN-SEC-027", "Role/reader", reports.StatusPass},
		{"PLN-SEC-028", "Role/exec", reports.StatusFail},
		{"PLN-SEC-028", "Role/secrets", reports.StatusPass},
		{"PLN-SEC-029", "ClusterRole/escalate", reports.StatusFail},
		{"PLN-SEC-029", "Role/reader", reports.StatusPass},
		{"PLN-SEC-030", "Deployment/web", reports.StatusPass},
		{"PLN-SEC-030", "Pod/bare", reports.StatusFail},
		{"PLN-SEC-030", "Deployment/pinned-always", reports.StatusFail},
		{"PLN-SEC-031", "Deployment/web", reports.StatusPass},
		{"PLN-SEC-031", "Pod/bare", reports.StatusFail},
		{"PLN-SEC-031", "Deployment/pinned-always", reports.StatusFail},
		{"PLN-SEC-032", "Pod/bare", reports.StatusFail},
		{"PLN-SEC-032", "Deployment/web", reports.StatusPass},
		{"PLN-SEC-033", "Pod/bare", reports.StatusFail},
		{"PLN-SEC-033", "Deployment/web", reports.StatusPass},
		{"PLN-SEC-034", "Pod/bare", reports.StatusFail},
		{"PLN-SEC-034", "Deployment/pinned-always", reports.StatusFail},
		{"PLN-SEC-034", "Deployment/web", reports.StatusPass},
		{"PLN-SEC-035", "Pod/bare", reports.StatusFail},
		{"PLN-SEC-035", "Deployment/pinned-always", reports.StatusFail},
		{"PLN-SEC-035", "Deployment/web", reports.StatusPass},
		{"PLN-HA-011", "Pod/bare", reports.StatusFail},
		{"PLN-HA-011", "Deployment/web", reports.StatusPass},
		{"PLN-HA-012", "PodDisruptionBudget/web", reports.StatusFail}, // minAvailable 3 of 3 replicas (HPA min 2 counts: 2 <= 3)
		{"PLN-HA-012", "PodDisruptionBudget/zero", reports.StatusFail},
		{"PLN-HA-012", "PodDisruptionBudget/ok", reports.StatusPass},
		{"PLN-HA-013", "PodDisruptionBudget/ok", reports.StatusPass},
		{"PLN-HA-013", "PodDisruptionBudget/noselector", reports.StatusFail},
		{"PLN-HA-014", "Pod/bare", reports.StatusFail},
		{"PLN-HA-014", "Deployment/web", reports.StatusPass},
		{"PLN-HA-014", "Deployment/pinned-always", ""}, // no probes: not applicable
		{"PLN-RES-007", "HorizontalPodAutoscaler/web", reports.StatusPass},
		{"PLN-RES-007", "HorizontalPodAutoscaler/lost", reports.StatusFail},
		{"PLN-NET-008", "Service/ghost", reports.StatusFail},
		{"PLN-NET-008", "Service/web", reports.StatusPass},
		{"PLN-NET-009", "Service/ghost", reports.StatusFail},
		{"PLN-NET-009", "Service/web", reports.StatusPass},
		{"PLN-NET-010", "Ingress/web", reports.StatusPass},
		{"PLN-NET-010", "Ingress/dangling", reports.StatusFail},
		{"PLN-NET-010", "HTTPRoute/route", reports.StatusFail}, // other/web does not exist
		{"PLN-NET-011", "Service/web", reports.StatusPass},
		{"PLN-NET-011", "Service/ghost", reports.StatusFail},
		{"PLN-NET-011", "Service/external", ""},
		{"PLN-NET-012", "NetworkPolicy/all", reports.StatusPass},
		{"PLN-NET-012", "NetworkPolicy/typo", reports.StatusFail},
	} {
		if got := status(fs, tc.control, tc.object); got != tc.want {
			t.Errorf("%s %s: %q, want %q", tc.control, tc.object, got, tc.want)
		}
	}
}

// Without trusted registries, public registries fail as not private and
// the message says how to configure the list.
func TestPublicRegistries(t *testing.T) {
	for _, tc := range []struct {
		image string
		fail  bool
	}{
		{"nginx:1.27", true},
		{"docker.io/library/nginx:1.27", true},
		{"ghcr.io/org/app:1", true},
		{"quay.io/org/app:1", true},
		{"registry.k8s.io/pause:3.10", true},
		{"public.ecr.aws/org/app:1", true},
		{"mcr.microsoft.com/dotnet/aspnet:8.0", true},
		{"myregistry.azurecr.io/app:1", false},
		{"europe-docker.pkg.dev/p/r/app:1", false},
	} {
		fs := Evaluate(&Input{Discovery: &render.Result{Clusters: []string{"prod"}, Objects: []render.Object{deployment("d", 1, podWith(nil, tc.image))}}})
		got := ""
		for _, f := range fs {
			if f.Control == "PLN-SEC-018" {
				got = f.Status
				if tc.fail && !containsAll(f.Message, "not a private", "trustedRegistries") {
					t.Errorf("%s: message %q does not say how to configure trusted registries", tc.image, f.Message)
				}
			}
		}
		if want := map[bool]string{true: reports.StatusFail, false: reports.StatusPass}[tc.fail]; got != want {
			t.Errorf("%s: %q, want %q", tc.image, got, want)
		}
	}
}

func containsAll(s string, parts ...string) bool {
	for _, p := range parts {
		if !strings.Contains(s, p) {
			return false
		}
	}
	return true
}
