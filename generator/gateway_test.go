package generator

import (
	"os"
	"path/filepath"
	"testing"

	"k8s.io/apimachinery/pkg/labels"

	"github.com/plinth-dev/plinth/schemas"
)

// gatewayPlatform: api (with a route and, in production, a canary) calls
// queue; dev has no gateway and no route.
const gatewayPlatform = `package p

platform: {name: "gw", registries: ["r.example.com"], gitops: repo: "https://git.example.com/gw.git"}
clusters: one: {provider: "aks", kubernetesVersion: "1.34", zones: ["1", "2", "3"]}
environments: {
	dev: {tier: "development", cluster: "one"}
	live: {
		tier: "production", cluster: "one", backup: {schedule: "@daily", ttl: "720h"}
		gateway: {hostnames: ["api.example.com", "*.rpc.example.com"], sourceRanges: ["10.225.0.0/24"]}
	}
}
teams: ops: access: {}
#res: {requests: {cpu: "100m", memory: "64Mi"}, limits: {cpu: "200m", memory: "128Mi"}}
services: {
	api: {
		team: "ops", blueprint: "web", image: "r.example.com/api:1.0.0", port: 8080, resources: #res
		dependsOn: ["queue"]
		ports: [{name: "rpc", port: 9090, appProtocol: "kubernetes.io/h2c"}]
		route: {
			hostnames: ["api.example.com"]
			grpcHostnames: ["api.rpc.example.com"]
			rules: [{path: {type: "Exact", value: "/v1"}, headers: [{name: "x-tenant", value: "a"}]}]
			canary: {image: "r.example.com/api:1.1.0", weight: 25}
		}
		overrides: dev: route: null
	}
	queue: {team: "ops", blueprint: "web", image: "r.example.com/queue:2.0.0", port: 9000, resources: #res}
	// gRPC only: a GRPCRoute on the route's hostnames, no HTTPRoute.
	ledger: {
		team: "ops", blueprint: "web", image: "r.example.com/ledger:1.0.0", resources: #res
		ports: [{name: "grpc", port: 50051}]
		probes: {liveness: "/healthz", readiness: "/readyz"}
		route: hostnames: ["ledger.rpc.example.com"]
		overrides: dev: route: null
	}
}
`

// TestRouteAndCanary checks the HTTPRoute, the canary's objects and the
// NetworkPolicies around them, in every engine and flavor (generateChecked:
// both flavors deploy exactly these objects).
func TestRouteAndCanary(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "p.cue"), []byte(gatewayPlatform), 0o644); err != nil {
		t.Fatal(err)
	}
	m, err := schemas.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := generateChecked(t, m)
	byID := func(dir string) map[string]map[string]any {
		objs := map[string]map[string]any{}
		for _, o := range build(t, out, dir) {
			objs[o["kind"].(string)+"/"+dig(o, "metadata", "name").(string)] = o
		}
		return objs
	}
	live, dev := byID("apps/live"), byID("apps/dev")

	parent := "parentRefs: [{group: gateway.networking.k8s.io, kind: Gateway, namespace: live-gateway, name: gateway}]\n"
	for _, r := range []struct{ id, spec string }{
		{"HTTPRoute/api", parent + `hostnames: [api.example.com]
rules:
- matches: [{path: {type: Exact, value: /v1}, headers: [{type: Exact, name: x-tenant, value: a}]}]
  backendRefs:
  - {kind: Service, name: api, port: 8080, weight: 75}
  - {kind: Service, name: api-canary, port: 8080, weight: 25}
`},
		{"GRPCRoute/api", parent + `hostnames: [api.rpc.example.com]
rules:
- backendRefs:
  - {kind: Service, name: api, port: 9090, weight: 75}
  - {kind: Service, name: api-canary, port: 9090, weight: 25}
`},
		// gRPC only: no HTTPRoute.
		{"GRPCRoute/ledger", parent + `hostnames: [ledger.rpc.example.com]
rules:
- backendRefs: [{kind: Service, name: ledger, port: 50051}]
`},
	} {
		if g, w, ok := sameYAML(t, live[r.id]["spec"], r.spec); !ok {
			t.Errorf("%s spec:\n%s\nwant:\n%s", r.id, g, w)
		}
	}
	if live["HTTPRoute/ledger"] != nil {
		t.Errorf("HTTPRoute ledger: want none (its only port is gRPC)")
	}
	if ports := dig(live["Service/api-canary"], "spec", "ports").([]any); len(ports) != 2 {
		t.Errorf("canary Service ports %v, want the service's two", ports)
	}

	// Each version's selectors take its own pods only.
	for _, pair := range [][2]string{{"api", "api-canary"}, {"api-canary", "api"}} {
		own, other := live["Deployment/"+pair[0]], live["Deployment/"+pair[1]]
		if own == nil || other == nil {
			t.Fatalf("Deployments %v missing", pair)
		}
		podLabels := func(d map[string]any) labels.Set {
			s := labels.Set{}
			for k, v := range dig(d, "spec", "template", "metadata", "labels").(map[string]any) {
				s[k] = v.(string)
			}
			return s
		}
		for _, sel := range []struct {
			what string
			m    any
		}{
			{"Deployment selector", dig(own, "spec", "selector", "matchLabels")},
			{"Service selector", dig(live["Service/"+pair[0]], "spec", "selector")},
		} {
			set := labels.Set{}
			for k, v := range sel.m.(map[string]any) {
				set[k] = v.(string)
			}
			if s := labels.SelectorFromSet(set); !s.Matches(podLabels(own)) || s.Matches(podLabels(other)) {
				t.Errorf("%s of %s (%v): must select its own pods and not those of %s", sel.what, pair[0], set, pair[1])
			}
		}
	}
	canary := live["Deployment/api-canary"]
	if img := dig(canary, "spec", "template", "spec", "containers").([]any)[0].(map[string]any)["image"]; img != "r.example.com/api:1.1.0" {
		t.Errorf("canary image %v", img)
	}
	if sa := dig(canary, "spec", "template", "spec", "serviceAccountName"); sa != "api" {
		t.Errorf("canary ServiceAccount %v, want the service's", sa)
	}
	if r := dig(canary, "spec", "replicas"); r != int64(2) && r != float64(2) && r != 2 {
		t.Errorf("canary replicas %v (%T), want the production minimum 2", r, r)
	}
	if live["PodDisruptionBudget/api-canary"] == nil || live["HorizontalPodAutoscaler/api-canary"] != nil {
		t.Errorf("canary: want a PodDisruptionBudget and no autoscaler")
	}

	if g, w, ok := sameYAML(t, live["NetworkPolicy/api"]["spec"], `
podSelector: {matchExpressions: [{key: app.kubernetes.io/name, operator: In, values: [api, api-canary]}]}
policyTypes: [Ingress, Egress]
ingress:
- from:
  - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: live-gateway}}
  - ipBlock: {cidr: 10.225.0.0/24}
  ports: [{protocol: TCP, port: 8080}, {protocol: TCP, port: 9090}]
egress:
- to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: ops-live}}, podSelector: {matchLabels: {app.kubernetes.io/name: queue}}}]
  ports: [{protocol: TCP, port: 9000}]
`); !ok {
		t.Errorf("NetworkPolicy api spec:\n%s\nwant:\n%s", g, w)
	}
	if g, w, ok := sameYAML(t, dig(live["NetworkPolicy/queue"], "spec", "ingress"), `
- from:
  - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: ops-live}}
    podSelector: {matchLabels: {app.kubernetes.io/name: api}}
  - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: ops-live}}
    podSelector: {matchLabels: {app.kubernetes.io/name: api-canary}}
  ports: [{protocol: TCP, port: 9000}]
`); !ok {
		t.Errorf("NetworkPolicy queue ingress (the canary calls what api calls):\n%s\nwant:\n%s", g, w)
	}

	for _, id := range []string{"HTTPRoute/api", "GRPCRoute/api", "GRPCRoute/ledger", "Deployment/api-canary", "Service/api-canary", "PodDisruptionBudget/api-canary"} {
		if dev[id] != nil {
			t.Errorf("dev: %s, want none (route: null)", id)
		}
	}
	if g, w, ok := sameYAML(t, dig(dev["NetworkPolicy/api"], "spec", "podSelector"), `{matchLabels: {app.kubernetes.io/name: api}}`); !ok {
		t.Errorf("dev: NetworkPolicy api podSelector:\n%s\nwant:\n%s", g, w)
	}

	infra := byID("infrastructure/live")
	gw := infra["Gateway/gateway"]
	if g, w, ok := sameYAML(t, gw["spec"], `
gatewayClassName: azure-alb-external
listeners:
- name: https-api-example-com
  hostname: api.example.com
  port: 443
  protocol: HTTPS
  tls: {mode: Terminate, certificateRefs: [{kind: Secret, name: https-api-example-com-tls}]}
  allowedRoutes:
    kinds: [{kind: HTTPRoute}, {kind: GRPCRoute}]
    namespaces:
      from: Selector
      selector: {matchExpressions: [{key: kubernetes.io/metadata.name, operator: In, values: [ops-live]}]}
- name: https-wildcard-rpc-example-com
  hostname: "*.rpc.example.com"
  port: 443
  protocol: HTTPS
  tls: {mode: Terminate, certificateRefs: [{kind: Secret, name: https-wildcard-rpc-example-com-tls}]}
  allowedRoutes:
    kinds: [{kind: HTTPRoute}, {kind: GRPCRoute}]
    namespaces:
      from: Selector
      selector: {matchExpressions: [{key: kubernetes.io/metadata.name, operator: In, values: [ops-live]}]}
`); !ok {
		t.Errorf("Gateway spec:\n%s\nwant:\n%s", g, w)
	}
	if a := dig(gw, "metadata", "annotations", "cert-manager.io/cluster-issuer"); a != "letsencrypt-prod" {
		t.Errorf("Gateway cluster issuer annotation %v", a)
	}
	if infra["Namespace/live-gateway"] == nil || byID("infrastructure/dev")["Gateway/gateway"] != nil {
		t.Errorf("want the gateway namespace in live and no gateway in dev")
	}
}
