package checks

import (
	"github.com/plinth-dev/plinth/internal/baseline"
	"strings"
	"testing"

	"github.com/plinth-dev/plinth/internal/gitops/render"
	"github.com/plinth-dev/plinth/internal/gitops/repo"
	"github.com/plinth-dev/plinth/internal/gitops/source"
	"github.com/plinth-dev/plinth/reports"
)

func deployment(name string, replicas int, pod map[string]any) render.Object {
	return render.Object{APIVersion: "apps/v1", Kind: "Deployment", Name: name, Namespace: "team-prod", Cluster: "prod", File: "apps/" + name + ".yaml", Line: 1,
		Value: map[string]any{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": map[string]any{"name": name, "namespace": "team-prod"},
			"spec": map[string]any{"replicas": replicas, "template": map[string]any{"metadata": map[string]any{"labels": map[string]any{"app": name}}, "spec": pod}}}}
}

func podWith(sc map[string]any, image string) map[string]any {
	return map[string]any{"containers": []any{map[string]any{"name": "c", "image": image, "securityContext": sc}}}
}

func status(fs []reports.Finding, control, object string) string {
	for _, f := range fs {
		if f.Control == control && f.Object == object {
			return f.Status
		}
	}
	return ""
}

func TestWorkloadChecks(t *testing.T) {
	objs := []render.Object{
		deployment("root-by-uid", 1, podWith(map[string]any{"runAsUser": 0, "runAsNonRoot": true}, "r.io/a:1")),
		deployment("nonroot-by-uid", 1, podWith(map[string]any{"runAsUser": 1000}, "r.io/a@sha256:abc")),
		deployment("pod-level", 1, map[string]any{"securityContext": map[string]any{"runAsNonRoot": true, "seccompProfile": map[string]any{"type": "RuntimeDefault"}},
			"containers": []any{map[string]any{"name": "c", "image": "r.io/a:latest"}}}),
		deployment("caps", 1, podWith(map[string]any{"capabilities": map[string]any{"drop": []any{"all"}, "add": []any{"NET_BIND_SERVICE"}}, "allowPrivilegeEscalation": false}, "nginx")),
		deployment("caps-added", 1, podWith(map[string]any{"capabilities": map[string]any{"drop": []any{"ALL"}, "add": []any{"SYS_ADMIN"}}}, "localhost:5000/x:1")),
		deployment("weird-types", 1, map[string]any{"securityContext": "nonsense", "containers": "nope"}),
	}
	fs := Evaluate(&Input{Discovery: &render.Result{Clusters: []string{"prod"}, Objects: objs}})
	for _, tc := range []struct{ control, object, want string }{
		{"PLN-SEC-007", "Deployment/root-by-uid", reports.StatusFail},
		{"PLN-SEC-007", "Deployment/nonroot-by-uid", reports.StatusPass},
		{"PLN-SEC-007", "Deployment/pod-level", reports.StatusPass},
		{"PLN-SEC-011", "Deployment/pod-level", reports.StatusPass},
		{"PLN-SEC-011", "Deployment/caps", reports.StatusFail},
		{"PLN-SEC-019", "Deployment/pod-level", reports.StatusFail},
		{"PLN-SEC-019", "Deployment/nonroot-by-uid", reports.StatusPass},
		{"PLN-SEC-019", "Deployment/caps", reports.StatusFail},
		{"PLN-SEC-018", "Deployment/caps", reports.StatusFail},
		{"PLN-SEC-018", "Deployment/caps-added", reports.StatusPass},
		{"PLN-SEC-009", "Deployment/caps", reports.StatusPass},
		{"PLN-SEC-009", "Deployment/caps-added", reports.StatusFail},
		{"PLN-SEC-008", "Deployment/caps", reports.StatusPass},
		{"PLN-SEC-008", "Deployment/caps-added", reports.StatusFail},
		{"PLN-SEC-007", "Deployment/weird-types", ""}, // no containers: nothing to evaluate
		{"PLN-HA-009", "Deployment/caps", reports.StatusFail},
	} {
		if got := status(fs, tc.control, tc.object); got != tc.want {
			t.Errorf("%s %s: %q, want %q", tc.control, tc.object, got, tc.want)
		}
	}
}

func TestNamespaceAndAvailabilityChecks(t *testing.T) {
	spread := map[string]any{
		"topologySpreadConstraints": []any{map[string]any{"topologyKey": "topology.kubernetes.io/zone"}, map[string]any{"topologyKey": "kubernetes.io/hostname"}},
		"containers":                []any{map[string]any{"name": "c", "image": "r.io/a:1"}},
	}
	objs := []render.Object{
		deployment("spread", 3, spread),
		deployment("lonely", 3, podWith(nil, "r.io/a:1")),
		{APIVersion: "policy/v1", Kind: "PodDisruptionBudget", Name: "spread", Namespace: "team-prod", Cluster: "prod",
			Value: map[string]any{"spec": map[string]any{"selector": map[string]any{"matchExpressions": []any{map[string]any{"key": "app", "operator": "In", "values": []any{"spread"}}}}}}},
		{APIVersion: "networking.k8s.io/v1", Kind: "NetworkPolicy", Name: "deny", Namespace: "team-prod", Cluster: "prod",
			Value: map[string]any{"spec": map[string]any{"podSelector": map[string]any{}, "policyTypes": []any{"Ingress", "Egress"}}}},
		{APIVersion: "velero.io/v1", Kind: "Schedule", Name: "daily", Namespace: "velero", Cluster: "prod",
			Value: map[string]any{"spec": map[string]any{"template": map[string]any{"includedNamespaces": []any{"team-prod"}}}}},
		{APIVersion: "v1", Kind: "Namespace", Name: "team-prod", Cluster: "prod", File: "ns.yaml", Line: 3,
			Value: map[string]any{"metadata": map[string]any{"labels": map[string]any{"pod-security.kubernetes.io/enforce": "baseline"}}}},
	}
	st := &ClusterState{ClusterState: repo.ClusterState{Name: "prod", Zones: []string{"1", "2", "3"}, Environments: []repo.EnvState{{Name: "prod", Tier: "production", Namespaces: []string{"team-prod"}}},
		Settings: map[string]any{"aad": map[string]any{"managed": true}, "autoscaler": map[string]any{"enabled": false, "minCount": 3}, "networkPolicy": "none"}}}
	fs := Evaluate(&Input{Discovery: &render.Result{Clusters: []string{"prod"}, Objects: objs}, States: map[string]*ClusterState{"prod": st}})
	for _, tc := range []struct{ control, object, want string }{
		{"PLN-HA-003", "Deployment/spread", reports.StatusPass},
		{"PLN-HA-003", "Deployment/lonely", reports.StatusFail},
		{"PLN-HA-004", "Deployment/spread", reports.StatusPass},
		{"PLN-HA-005", "Deployment/lonely", reports.StatusFail},
		{"PLN-SEC-003", "NetworkPolicy/deny", reports.StatusPass},
		{"PLN-NET-005", "NetworkPolicy/deny", reports.StatusPass},
		{"PLN-RES-003", "Namespace/team-prod", reports.StatusFail},
		{"PLN-HA-008", "Schedule/daily", reports.StatusPass},
		{"PLN-SEC-005", "Namespace/team-prod", reports.StatusFail}, // production must be restricted
		{"PLN-SEC-001", "Cluster/prod", reports.StatusPass},
		{"PLN-RES-006", "Cluster/prod", reports.StatusFail}, // enabled: false wins over other keys
		{"PLN-HA-002", "Cluster/prod", reports.StatusPass},
		{"PLN-SEC-004", "Cluster/prod", reports.StatusFail},
		{"PLN-HA-001", "Cluster/prod", reports.StatusPass},
	} {
		if got := status(fs, tc.control, tc.object); got != tc.want {
			t.Errorf("%s %s: %q, want %q", tc.control, tc.object, got, tc.want)
		}
	}
	for _, f := range fs {
		if f.Control == "PLN-RES-003" && (f.File != "ns.yaml" || f.Line != 3 || f.Environment != "prod") {
			t.Errorf("absence finding location: %+v", f)
		}
	}
}

func TestImageHelpers(t *testing.T) {
	for in, want := range map[string]string{"nginx": "docker.io", "library/nginx:1": "docker.io", "r.io/x:1": "r.io", "localhost/x": "localhost", "host:5000/x": "host:5000"} {
		if got := imageRegistry(in); got != want {
			t.Errorf("imageRegistry(%q) = %q, want %q", in, got, want)
		}
	}
	for v, want := range map[any]bool{true: true, "calico": true, "false": false, "": false, nil: false, 0: false, 3: true} {
		if baseline.Truthy(v) != want {
			t.Errorf("truthy(%v) != %v", v, want)
		}
	}
}

// TestProviderSpecificControls: Azure-only declared controls are n/a on a
// GKE cluster (pointing at its provider line); the others are evaluated.
func TestProviderSpecificControls(t *testing.T) {
	data := []byte("{\n  \"name\": \"eu\",\n  \"provider\": \"gke\",\n  \"settings\": {\"workloadIdentity\": true}\n}\n")
	for _, tc := range []struct {
		provider string
		want     map[string]string
	}{
		{"gke", map[string]string{"PLN-SEC-001": reports.StatusNA, "PLN-SEC-014": reports.StatusNA, "PLN-SEC-016": reports.StatusNA,
			"PLN-MON-001": reports.StatusNA, "PLN-NET-001": reports.StatusNA, "PLN-SEC-020": reports.StatusPass, "PLN-OPS-002": reports.StatusFail}},
		{"aks", map[string]string{"PLN-SEC-001": reports.StatusFail, "PLN-SEC-014": reports.StatusFail, "PLN-SEC-016": reports.StatusFail,
			"PLN-MON-001": reports.StatusFail, "PLN-NET-001": reports.StatusFail, "PLN-SEC-020": reports.StatusPass}},
		{"", map[string]string{"PLN-SEC-001": reports.StatusFail, "PLN-NET-001": reports.StatusFail}}, // unknown: evaluated
	} {
		t.Run(tc.provider, func(t *testing.T) {
			st := &ClusterState{File: repo.ClusterStatePath("eu"), Data: data,
				ClusterState: repo.ClusterState{Name: "eu", Provider: tc.provider, Settings: map[string]any{"workloadIdentity": true}}}
			fs := Evaluate(&Input{Discovery: &render.Result{Clusters: []string{"eu"}}, States: map[string]*ClusterState{"eu": st}})
			for control, want := range tc.want {
				if got := status(fs, control, "Cluster/eu"); got != want {
					t.Errorf("%s: %q, want %q", control, got, want)
				}
			}
			for _, f := range fs {
				if f.Status == reports.StatusNA && f.Object == "Cluster/eu" && (f.Line != 3 || f.Message != "applies to aks clusters; this one is gke") {
					t.Errorf("n/a finding: %s:%d %q", f.File, f.Line, f.Message)
				}
			}
		})
	}
}

func TestOpenEgress(t *testing.T) {
	np := func(name string, egress ...any) render.Object {
		spec := map[string]any{"podSelector": map[string]any{}, "policyTypes": []any{"Egress"}}
		if egress != nil {
			spec["egress"] = egress
		}
		return render.Object{APIVersion: "networking.k8s.io/v1", Kind: "NetworkPolicy", Name: name, Namespace: "team-prod", Cluster: "prod",
			File: "np.yaml", Line: 1, Value: map[string]any{"spec": spec}}
	}
	ipBlock := func(cidr string, except ...any) map[string]any {
		b := map[string]any{"cidr": cidr}
		if except != nil {
			b["except"] = except
		}
		return map[string]any{"ipBlock": b}
	}
	port := func(p any) []any { return []any{map[string]any{"protocol": "TCP", "port": p}} }
	objs := []render.Object{
		np("deny-all"),
		np("dns-anywhere", map[string]any{"ports": []any{map[string]any{"protocol": "UDP", "port": 53}, map[string]any{"protocol": "TCP", "port": 53}}}),
		np("internet", map[string]any{"to": []any{ipBlock("0.0.0.0/0")}, "ports": port(443)}),
		np("internet-v6", map[string]any{"to": []any{ipBlock("::/0")}}),
		np("internet-but-private", map[string]any{"to": []any{ipBlock("0.0.0.0/0", "10.0.0.0/8")}, "ports": port(443)}),
		np("no-to", map[string]any{"ports": port("https")}),
		np("empty-peer", map[string]any{"to": []any{map[string]any{}}, "ports": port(443)}),
		np("subnet", map[string]any{"to": []any{ipBlock("10.240.4.0/24")}, "ports": port(5671)}),
		np("service", map[string]any{"to": []any{map[string]any{"namespaceSelector": map[string]any{}, "podSelector": map[string]any{}}}}),
	}
	fs := Evaluate(&Input{Discovery: &render.Result{Clusters: []string{"prod"}, Objects: objs}})
	for name, want := range map[string]string{
		"deny-all": "", "dns-anywhere": reports.StatusPass, "internet": reports.StatusFail, "internet-v6": reports.StatusFail,
		"internet-but-private": reports.StatusPass, "no-to": reports.StatusFail, "empty-peer": reports.StatusFail,
		"subnet": reports.StatusPass, "service": reports.StatusPass,
	} {
		if got := status(fs, "PLN-NET-007", "NetworkPolicy/"+name); got != want {
			t.Errorf("%s: %q, want %q", name, got, want)
		}
	}
	for _, f := range fs {
		if f.Control == "PLN-NET-007" && f.Object == "NetworkPolicy/no-to" && !strings.Contains(f.Message, "egress rule 1 allows every address on port(s) https") {
			t.Errorf("message: %s", f.Message)
		}
	}
}

// TestSecretNumericKeys is issue 11 item 9: a Secret whose data keys are
// numbers holds data, and fails PLN-SEC-015 like any other.
func TestSecretNumericKeys(t *testing.T) {
	snap := source.FromFiles("test", map[string][]byte{
		"clusters/prod/secret.yaml": []byte("apiVersion: v1\nkind: Secret\nmetadata: {name: db, namespace: team-prod}\ndata: {123: cGFzcw==}\n---\napiVersion: v1\nkind: Secret\nmetadata: {name: empty, namespace: team-prod}\n"),
	})
	res := render.Render(snap, render.Options{})
	if len(res.Objects) != 2 {
		t.Fatalf("rendered %d objects, want 2: %+v", len(res.Objects), res.Problems)
	}
	fs := Evaluate(&Input{Discovery: res})
	if got := status(fs, "PLN-SEC-015", "Secret/db"); got != reports.StatusFail {
		t.Errorf("Secret with data key 123: %q, want %q", got, reports.StatusFail)
	}
	if got := status(fs, "PLN-SEC-015", "Secret/empty"); got != reports.StatusPass {
		t.Errorf("Secret without data: %q, want %q", got, reports.StatusPass)
	}
}

// Every kind that runs pods is a workload, by API group: an Argo Rollout
// with a pod template fails what a Deployment would; one with workloadRef
// is not a second workload; a "Deployment" of another group is not one.
func TestWorkloadKinds(t *testing.T) {
	bare := podWith(nil, "r.io/a:1")
	as := func(apiVersion, kind, name string, spec map[string]any) render.Object {
		o := deployment(name, 2, bare)
		o.APIVersion, o.Kind = apiVersion, kind
		o.Value["apiVersion"], o.Value["kind"] = apiVersion, kind
		if spec != nil {
			o.Value["spec"] = spec
		}
		return o
	}
	objs := []render.Object{
		as("apps/v1", "Deployment", "deploy", nil),
		as("argoproj.io/v1alpha1", "Rollout", "rollout", nil),
		as("argoproj.io/v1alpha1", "Rollout", "ref", map[string]any{"workloadRef": map[string]any{"kind": "Deployment", "name": "deploy"}}),
		as("example.com/v1", "Deployment", "crd", nil),
		as("apps/v1", "StatefulSet", "sts", nil),
		as("apps/v1", "DaemonSet", "ds", nil),
		as("apps/v1", "ReplicaSet", "rs", nil),
		as("batch/v1", "Job", "job", nil),
		as("batch/v1", "CronJob", "cron", map[string]any{"jobTemplate": map[string]any{"spec": map[string]any{"template": map[string]any{"spec": bare}}}}),
		as("v1", "Pod", "pod", bare),
	}
	fs := Evaluate(&Input{Discovery: &render.Result{Clusters: []string{"prod"}, Objects: objs}})
	for _, tc := range []struct{ control, object, want string }{
		{"PLN-SEC-007", "Deployment/deploy", reports.StatusFail},
		{"PLN-SEC-007", "Rollout/rollout", reports.StatusFail},
		{"PLN-RES-001", "Rollout/rollout", reports.StatusFail},
		{"PLN-HA-004", "Rollout/rollout", status(fs, "PLN-HA-004", "Deployment/deploy")},
		{"PLN-SEC-007", "Rollout/ref", ""},
		{"PLN-SEC-007", "Deployment/crd", ""},
		{"PLN-SEC-007", "StatefulSet/sts", reports.StatusFail},
		{"PLN-SEC-007", "DaemonSet/ds", reports.StatusFail},
		{"PLN-SEC-007", "ReplicaSet/rs", reports.StatusFail},
		{"PLN-SEC-007", "Job/job", reports.StatusFail},
		{"PLN-SEC-007", "CronJob/cron", reports.StatusFail},
		{"PLN-SEC-007", "Pod/pod", reports.StatusFail},
	} {
		if got := status(fs, tc.control, tc.object); got != tc.want || (tc.want == "" && tc.control == "PLN-HA-004") {
			t.Errorf("%s %s: %q, want %q", tc.control, tc.object, got, tc.want)
		}
	}
}
