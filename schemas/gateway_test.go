package schemas_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/plinth-dev/plinth/schemas"
)

// gatewayPlatform is removalPlatform with a gateway in staging and prod.
const gatewayPlatform = removalPlatform + `
environments: staging: gateway: hostnames: ["*.staging.example.com"]
environments: prod: gateway: {className: "gke-l7-global-external-managed", hostnames: ["api.example.com"], sourceRanges: ["10.0.8.0/24"]}
teams: ops: access: {}
`

// TestRouteResolves checks a route per environment: removed by null,
// replaced by an override, its defaults, the canary's replicas from the
// tier, and the gateway it attaches to.
func TestRouteResolves(t *testing.T) {
	type want struct {
		hostnames []string
		rules     []schemas.RouteRule
		canary    *schemas.Canary
	}
	root := []schemas.RouteRule{{Path: schemas.PathMatch{Type: "PathPrefix", Value: "/"}}}
	tests := []struct {
		name  string
		route string
		want  map[string]*want // per environment; nil: no route
	}{
		{
			name: "default rule, canary replicas from the tier, removed in dev",
			route: `route: {hostnames: ["api.example.com"], canary: {image: "demo.azurecr.io/api:1.1.0", weight: 25}}
	overrides: dev: route: null
	overrides: staging: route: hostnames: ["api.staging.example.com"]`,
			want: map[string]*want{
				"dev":     nil,
				"staging": {hostnames: []string{"api.staging.example.com"}, rules: root},
				"prod": {hostnames: []string{"api.example.com"}, rules: root,
					canary: &schemas.Canary{Name: "api-canary", Image: "demo.azurecr.io/api:1.1.0", Replicas: 2, Weight: 25}},
			},
		},
		{
			name: "matches with defaults, explicit canary replicas",
			route: `route: {
		hostnames: ["api.example.com"]
		rules: [{path: {type: "Exact", value: "/v1"}}, {headers: [{name: "x-canary", value: "always"}]}]
		canary: {image: "demo.azurecr.io/api:1.1.0", weight: 0, replicas: 3}
	}
	overrides: dev: route: null
	overrides: staging: route: null`,
			want: map[string]*want{
				"dev": nil, "staging": nil,
				"prod": {hostnames: []string{"api.example.com"}, rules: []schemas.RouteRule{
					{Path: schemas.PathMatch{Type: "Exact", Value: "/v1"}},
					{Path: schemas.PathMatch{Type: "PathPrefix", Value: "/"}, Headers: []schemas.HeaderMatch{{Name: "x-canary", Value: "always", Type: "Exact"}}},
				}, canary: &schemas.Canary{Name: "api-canary", Image: "demo.azurecr.io/api:1.1.0", Replicas: 3, Weight: 0}},
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src := gatewayPlatform + `
services: api: {
	team: "shop", blueprint: "web", image: "demo.azurecr.io/api:1.0.0", port: 8080, resources: #res
	` + tc.route + "\n}\n"
			m, err := schemas.Load(writePlatform(t, map[string]string{"p.cue": src}))
			if err != nil {
				t.Fatal(err)
			}
			for env, want := range tc.want {
				r := workload(t, m, env, "api").Route
				if (r == nil) != (want == nil) {
					t.Fatalf("%s: route %+v, want %+v", env, r, want)
				}
				if r == nil {
					continue
				}
				if !slices.Equal(r.Hostnames, want.hostnames) {
					t.Errorf("%s: hostnames %v, want %v", env, r.Hostnames, want.hostnames)
				}
				if !slices.EqualFunc(r.Rules, want.rules, func(a, b schemas.RouteRule) bool {
					return a.Path == b.Path && slices.Equal(a.Headers, b.Headers)
				}) {
					t.Errorf("%s: rules %+v, want %+v", env, r.Rules, want.rules)
				}
				if (r.Canary == nil) != (want.canary == nil) || r.Canary != nil && *r.Canary != *want.canary {
					t.Errorf("%s: canary %+v, want %+v", env, r.Canary, want.canary)
				}
				if r.Gateway == nil || r.Gateway.Namespace != env+"-gateway" || r.Gateway.Name != "gateway" {
					t.Fatalf("%s: gateway %+v", env, r.Gateway)
				}
				if want := []string{"ops-" + env, "shop-" + env}; !slices.Equal(r.Gateway.AllowedNamespaces, want) {
					t.Errorf("%s: allowed namespaces %v, want %v", env, r.Gateway.AllowedNamespaces, want)
				}
			}
		})
	}
}

// TestGatewayDefaults checks the gateway's defaults and declared values.
func TestGatewayDefaults(t *testing.T) {
	m, err := schemas.Load(writePlatform(t, map[string]string{"p.cue": gatewayPlatform}))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]*schemas.Gateway{}
	for _, e := range m.Environments {
		got[e.Name] = e.Gateway
	}
	if got["dev"] != nil {
		t.Errorf("dev: gateway %+v, want none", got["dev"])
	}
	if g := got["staging"]; g == nil || g.ClassName != "azure-alb-external" || g.ClusterIssuer != "letsencrypt-prod" {
		t.Errorf("staging: %+v, want the defaults azure-alb-external and letsencrypt-prod", g)
	}
	if g := got["prod"]; g == nil || g.ClassName != "gke-l7-global-external-managed" || !slices.Equal(g.SourceRanges, []string{"10.0.8.0/24"}) {
		t.Errorf("prod: %+v", g)
	}
}

// TestRouteRules checks the rules of routes and gateways that depend on the
// environment, at the line they point at.
func TestRouteRules(t *testing.T) {
	tests := []struct {
		name  string
		extra string
		want  []string // "path: rule: fragment"
	}{
		{
			name:  "wildcard listener serves a name under it, not the bare domain",
			extra: `route: hostnames: ["a.staging.example.com", "staging.example.com"]` + "\n\toverrides: dev: route: null\n\toverrides: prod: route: null",
			want:  []string{`services.api.route.hostnames[1]: route-hostname: route hostname "staging.example.com" is not served by the gateway`},
		},
		{
			name:  "no gateway in dev",
			extra: `route: hostnames: ["api.example.com"]` + "\n\toverrides: staging: route: null",
			want:  []string{"services.api.route: gateway-required: the environment declares no gateway for the route to attach to: add environments.dev.gateway"},
		},
		{
			name: "a canary with weight and no replicas; below the tier minimum",
			extra: `route: {hostnames: ["api.example.com"], canary: {image: "demo.azurecr.io/api:1.1.0", weight: 5, replicas: 0}}
	overrides: dev: route: null
	overrides: staging: route: null`,
			want: []string{
				"services.api.route.canary.replicas: min-replicas: the canary needs at least 2 replicas in this tier, got 0 (in environment prod)",
				"services.api.route.canary.weight: canary-weight: weight 5 sends traffic to a canary with 0 replicas",
			},
		},
		{
			name: "header name and regular expression",
			extra: `route: {hostnames: ["api.example.com"], rules: [{headers: [{name: "x bad", value: "1"}, {name: "x-ok", value: "(", type: "RegularExpression"}]}]}
	overrides: dev: route: null
	overrides: staging: route: null`,
			want: []string{
				`services.api.route.rules[0].headers[0].name: route-match: header name "x bad" is not an HTTP header name`,
				`services.api.route.rules[0].headers[1].value: route-match: header value "(" is not a regular expression`,
			},
		},
		{
			name: "an HTTP and a gRPC port need grpcHostnames apart from the hostnames",
			extra: `ports: [{name: "grpc", port: 9090}]
	route: hostnames: ["api.example.com"]
	overrides: dev: route: null
	overrides: staging: route: {hostnames: ["a.staging.example.com"], grpcHostnames: ["a.staging.example.com"]}`,
			want: []string{
				`services.api.route: route-hostname: the gRPC port "grpc" gets a GRPCRoute beside the HTTPRoute, and a listener takes one of them per hostname: add route.grpcHostnames (in environment prod)`,
				`services.api.overrides.staging.route.grpcHostnames[0]: route-hostname: gRPC hostname "a.staging.example.com" is also an HTTP hostname of the route`,
			},
		},
		{
			name: "grpcHostnames without a gRPC port",
			extra: `route: {hostnames: ["api.example.com"], grpcHostnames: ["rpc.example.com"]}
	overrides: dev: route: null
	overrides: staging: route: null`,
			want: []string{
				`services.api.route.grpcHostnames: route-hostname: grpcHostnames need a served gRPC port`,
				`services.api.route.grpcHostnames[0]: route-hostname: route hostname "rpc.example.com" is not served by the gateway`,
			},
		},
		{
			name: "the canary counts in the quota",
			extra: `route: {hostnames: ["api.example.com"], canary: {image: "demo.azurecr.io/api:1.1.0", weight: 5, replicas: 4}}
	overrides: dev: route: null
	overrides: staging: route: null
}
teams: shop: quota: {cpu: "2", memory: "1Gi", pods: 5
`,
			want: []string{`teams.shop.quota.pods: quota: the pods of team "shop" do not fit the quota (5): prod needs 6`},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src := gatewayPlatform + `
services: api: {
	team: "shop", blueprint: "web", image: "demo.azurecr.io/api:1.0.0", port: 8080, resources: #res
	` + tc.extra + "\n}\n"
			_, err := schemas.Load(writePlatform(t, map[string]string{"p.cue": src}))
			var errs schemas.Errors
			if !errors.As(err, &errs) {
				t.Fatalf("want located errors, got %v", err)
			}
			var got []string
			for _, e := range errs {
				got = append(got, e.Path+": "+e.Rule+": "+e.Msg)
				if e.Pos.Line == 0 {
					t.Errorf("not located: %v", e)
				}
			}
			for _, w := range tc.want {
				if !slices.ContainsFunc(got, func(g string) bool { return strings.HasPrefix(g, w) }) {
					t.Errorf("no error %q in:\n%s", w, strings.Join(got, "\n"))
				}
			}
			if len(got) != len(tc.want) {
				t.Errorf("got %d errors, want %d:\n%s", len(got), len(tc.want), strings.Join(got, "\n"))
			}
		})
	}
}
