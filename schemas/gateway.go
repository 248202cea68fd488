package schemas

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation"
)

// Gateway is an environment's Gateway API Gateway (seed 004 "3. Ingress
// 컨트롤러 선택": Application Gateway for Containers speaks the Gateway
// API): one HTTPS listener per hostname, certificates from cert-manager,
// routes accepted from the environment's team namespaces only.
type Gateway struct {
	Name          string   `json:"name"`      // GatewayName
	Namespace     string   `json:"namespace"` // <env>-gateway
	ClassName     string   `json:"className"`
	Hostnames     []string `json:"hostnames"`
	ClusterIssuer string   `json:"clusterIssuer"`
	// SourceRanges are the addresses an out-of-cluster data plane sends
	// from; NetworkPolicies of routed services admit them.
	SourceRanges []string          `json:"sourceRanges,omitempty"`
	Annotations  map[string]string `json:"annotations,omitempty"`
	// AllowedNamespaces are the team namespaces of the environment, the
	// only ones whose routes may attach.
	AllowedNamespaces []string `json:"allowedNamespaces"`
	Pos               Pos      `json:"-"`
}

// GatewayName is the name of every environment's Gateway, in the
// environment's gateway namespace.
const GatewayName = "gateway"

// GatewayNamespace is the namespace of an environment's Gateway.
func GatewayNamespace(env string) string { return env + "-gateway" }

// Route is a service's HTTPRoute on its environment's Gateway.
type Route struct {
	Hostnames []string    `json:"hostnames"`
	Rules     []RouteRule `json:"rules"` // at least one: PathPrefix "/" by default
	// GRPCHostnames are the GRPCRoute's hostnames when they differ from
	// Hostnames (a service with an HTTP and a gRPC port).
	GRPCHostnames []string `json:"grpcHostnames,omitempty"`
	Canary        *Canary  `json:"canary,omitempty"`
	// Gateway is the environment's Gateway the route attaches to (nil when
	// the environment declares none, which is an error).
	Gateway *Gateway `json:"-"`
}

// RouteRule is one match of a route: a path and optional headers.
type RouteRule struct {
	Path    PathMatch     `json:"path"`
	Headers []HeaderMatch `json:"headers,omitempty"`
}

// PathMatch is a Gateway API path match ("PathPrefix" | "Exact").
type PathMatch struct {
	Type  string `json:"type"`
	Value string `json:"value"`
}

// HeaderMatch is a Gateway API header match ("Exact" | "RegularExpression").
type HeaderMatch struct {
	Name  string `json:"name"`
	Value string `json:"value"`
	Type  string `json:"type"`
}

// Canary is a second version of a service receiving Weight percent of its
// route's traffic: its own Deployment and Service, named Name.
type Canary struct {
	Name     string `json:"name"` // <service>-canary
	Image    string `json:"image"`
	Replicas int    `json:"replicas"`
	Weight   int    `json:"weight"` // 0..100
}

// CanaryReplicas is the number of canary pods the workload runs (0 without
// a canary).
func (w *Workload) CanaryReplicas() int {
	if w.Route == nil || w.Route.Canary == nil {
		return 0
	}
	return w.Route.Canary.Replicas
}

type rawGateway struct {
	ClassName     string            `json:"className"`
	Hostnames     []string          `json:"hostnames"`
	ClusterIssuer string            `json:"clusterIssuer"`
	SourceRanges  []string          `json:"sourceRanges"`
	Annotations   map[string]string `json:"annotations"`
}

type rawRoute struct {
	Hostnames     []string       `json:"hostnames"`
	Rules         []rawRouteRule `json:"rules"`
	GRPCHostnames []string       `json:"grpcHostnames"`
	Canary        *struct {
		Image    string `json:"image"`
		Replicas *int   `json:"replicas"`
		Weight   int    `json:"weight"`
	} `json:"canary"`
}

type rawRouteRule struct {
	Path    *PathMatch    `json:"path"`
	Headers []HeaderMatch `json:"headers"`
}

// An HTTP header name (RFC 7230 token), as the Gateway API CRD requires.
var headerNameRE = regexp.MustCompile(`^[A-Za-z0-9!#$%&'*+\-.^_` + "`" + `|~]+$`)

// gateway checks an environment's gateway and resolves it; nil when the
// environment declares none.
func (l *loader) gateway(s *rawSpec, env string, e rawEnvironment) *Gateway {
	g := e.Gateway
	if g == nil {
		return nil
	}
	at := []string{"environments", env, "gateway"}
	if strings.TrimSpace(g.ClassName) == "" || len(validation.IsDNS1123Subdomain(g.ClassName)) > 0 {
		l.addAt("gateway", appendPath(at, "className"), "gateway className %q must name a GatewayClass (e.g. \"azure-alb-external\" for Application Gateway for Containers, \"gke-l7-global-external-managed\" on GKE)", g.ClassName)
	}
	if g.ClusterIssuer != "" && len(validation.IsDNS1123Subdomain(g.ClusterIssuer)) > 0 {
		l.addAt("gateway", appendPath(at, "clusterIssuer"), "clusterIssuer %q must name a cert-manager ClusterIssuer", g.ClusterIssuer)
	}
	if len(g.Hostnames) == 0 {
		l.addAt("gateway-hostname", appendPath(at, "hostnames"), "a gateway needs at least one hostname: each becomes an HTTPS listener with its certificate")
	}
	seen := map[string]bool{}
	for i, h := range g.Hostnames {
		hat := appendPath(at, "hostnames", fmt.Sprint(i))
		switch {
		case !validHostname(h):
			l.addAt("gateway-hostname", hat, "gateway hostname %q must be a DNS name like \"shop.example.com\" or a wildcard like \"*.example.com\" (lowercase, no scheme or port)", h)
		case seen[listenerName(h)]:
			l.addAt("gateway-hostname", hat, "gateway hostname %q is listed twice: list each hostname once", h)
		}
		seen[listenerName(h)] = true
	}
	for i, r := range g.SourceRanges {
		l.checkCIDR("sourceRanges", r, appendPath(at, "sourceRanges", fmt.Sprint(i)))
	}
	for _, k := range sortedKeys(g.Annotations) {
		if errs := validation.IsQualifiedName(k); len(errs) > 0 {
			l.addAt("gateway", appendPath(at, "annotations", k), "annotation key %q is not a qualified name (prefix/name, e.g. \"alb.networking.azure.io/alb-id\"): %s", k, strings.Join(errs, "; "))
		}
	}
	out := &Gateway{Name: GatewayName, Namespace: GatewayNamespace(env), ClassName: g.ClassName,
		Hostnames: slices.Clone(g.Hostnames), ClusterIssuer: g.ClusterIssuer, SourceRanges: slices.Clone(g.SourceRanges),
		Annotations: g.Annotations, Pos: l.pathPos(at)}
	for _, t := range sortedKeys(s.Teams) {
		out.AllowedNamespaces = append(out.AllowedNamespaces, t+"-"+env)
	}
	return out
}

// ListenerName is the name of a gateway's listener for a hostname:
// "https-" and the hostname with "*" as "wildcard" and dots as dashes.
func ListenerName(host string) string { return listenerName(host) }

func listenerName(host string) string {
	return "https-" + strings.ReplaceAll(strings.Replace(host, "*", "wildcard", 1), ".", "-")
}

// validHostname accepts a DNS name with a dot, or "*." and one.
func validHostname(h string) bool {
	name := strings.TrimPrefix(h, "*.")
	return len(validation.IsDNS1123Subdomain(name)) == 0 && strings.Contains(name, ".")
}

// checkRouteFields checks a route as declared at path at.
func (l *loader) checkRouteFields(s *rawSpec, r *rawRoute, at []string) {
	if len(r.Hostnames) == 0 {
		l.addAt("route-hostname", appendPath(at, "hostnames"), "a route needs at least one hostname the gateway serves")
	}
	for _, field := range []struct {
		name  string
		hosts []string
	}{{"hostnames", r.Hostnames}, {"grpcHostnames", r.GRPCHostnames}} {
		for i, h := range field.hosts {
			if !validHostname(h) {
				l.addAt("route-hostname", appendPath(at, field.name, fmt.Sprint(i)), "route hostname %q must be a DNS name like \"shop.example.com\" or a wildcard like \"*.example.com\" (lowercase, no scheme or port)", h)
			}
		}
	}
	for i, h := range r.GRPCHostnames {
		if slices.ContainsFunc(r.Hostnames, func(o string) bool { return hostCovers(o, h) }) {
			l.addAt("route-hostname", appendPath(at, "grpcHostnames", fmt.Sprint(i)), "gRPC hostname %q is also an HTTP hostname of the route: a listener takes an HTTPRoute or a GRPCRoute per hostname, not both", h)
		}
	}
	for i, rule := range r.Rules {
		rat := appendPath(at, "rules", fmt.Sprint(i))
		if p := rule.Path; p != nil && (!strings.HasPrefix(p.Value, "/") || strings.ContainsAny(p.Value, " \t\n")) {
			l.addAt("route-match", appendPath(rat, "path", "value"), "path %q must be an absolute path such as \"/\" or \"/api\"", p.Value)
		}
		for j, h := range rule.Headers {
			if !headerNameRE.MatchString(h.Name) {
				l.addAt("route-match", appendPath(rat, "headers", fmt.Sprint(j), "name"), "header name %q is not an HTTP header name (letters, digits and !#$%%&'*+-.^_`|~)", h.Name)
			}
			if h.Type == "RegularExpression" {
				if _, err := regexp.Compile(h.Value); err != nil {
					l.addAt("route-match", appendPath(rat, "headers", fmt.Sprint(j), "value"), "header value %q is not a regular expression: %v", h.Value, err)
				}
			}
		}
	}
	if c := r.Canary; c != nil {
		cat := appendPath(at, "canary")
		l.checkImage(c.Image, s.Platform.Registries, appendPath(cat, "image"))
		if c.Replicas != nil {
			l.checkReplicas(*c.Replicas, appendPath(cat, "replicas"))
		}
		if c.Weight < 0 || c.Weight > 100 {
			l.addAt("canary-weight", appendPath(cat, "weight"), "canary weight is the percentage of the route's traffic the canary gets, 0..100, got %d", c.Weight)
		}
	}
}

// route converts a declared route: one PathPrefix "/" rule when none is
// given, defaults filled in.
func route(r rawRoute, svc string) *Route {
	out := &Route{Hostnames: slices.Clone(r.Hostnames), GRPCHostnames: slices.Clone(r.GRPCHostnames)}
	for _, rule := range r.Rules {
		rr := RouteRule{Path: PathMatch{Type: "PathPrefix", Value: "/"}}
		if p := rule.Path; p != nil {
			rr.Path = *p
			if rr.Path.Type == "" {
				rr.Path.Type = "PathPrefix"
			}
		}
		for _, h := range rule.Headers {
			if h.Type == "" {
				h.Type = "Exact"
			}
			rr.Headers = append(rr.Headers, h)
		}
		out.Rules = append(out.Rules, rr)
	}
	if len(out.Rules) == 0 {
		out.Rules = []RouteRule{{Path: PathMatch{Type: "PathPrefix", Value: "/"}}}
	}
	if c := r.Canary; c != nil {
		out.Canary = &Canary{Name: svc + "-canary", Image: c.Image, Weight: c.Weight, Replicas: -1}
		if c.Replicas != nil {
			out.Canary.Replicas = *c.Replicas
		}
	}
	return out
}

// checkWorkloadRoute applies the rules of a route that depend on the
// environment: a port, the environment's gateway and its hostnames, the
// canary's replicas. replicasAt locates the canary's replicas.
func (l *loader) checkWorkloadRoute(w *Workload, env Environment, routeAt []string) {
	r := w.Route
	if r == nil {
		return
	}
	r.Gateway = env.Gateway
	if w.Port == 0 {
		l.addEnv("port-required", routeAt, env.Name, "a service with a route needs a port: add port: <1-65535>")
	}
	if g := env.Gateway; g == nil {
		l.addEnv("gateway-required", routeAt, env.Name, "the environment declares no gateway for the route to attach to: add environments.%s.gateway: {hostnames: [...]} or remove the route there with overrides: %s: route: null", env.Name, env.Name)
	} else if served := slices.DeleteFunc(slices.Clone(g.Hostnames), func(h string) bool { return !validHostname(h) }); len(served) > 0 {
		// A gateway without a valid hostname has its own error.
		for _, field := range []struct {
			name  string
			hosts []string
		}{{"hostnames", r.Hostnames}, {"grpcHostnames", r.GRPCHostnames}} {
			for i, h := range field.hosts {
				if validHostname(h) && !slices.ContainsFunc(served, func(lh string) bool { return hostCovers(lh, h) }) {
					l.addEnv("route-hostname", appendPath(routeAt, field.name, fmt.Sprint(i)), env.Name, "route hostname %q is not served by the gateway (hostnames %s): add it to environments.%s.gateway.hostnames", h, strings.Join(g.Hostnames, ", "), env.Name)
				}
			}
		}
	}
	http, grpc := w.RouteKinds()
	switch {
	case http && grpc && len(r.GRPCHostnames) == 0:
		p, _ := w.GRPCPort()
		l.addEnv("route-hostname", routeAt, env.Name, "the gRPC port %q gets a GRPCRoute beside the HTTPRoute, and a listener takes one of them per hostname: add route.grpcHostnames", p.Name)
	case !grpc && len(r.GRPCHostnames) > 0:
		l.addEnv("route-hostname", appendPath(routeAt, "grpcHostnames"), env.Name, "grpcHostnames need a served gRPC port (appProtocol grpc or kubernetes.io/h2c, or named grpc)")
	}
	c := r.Canary
	if c == nil {
		return
	}
	cat := appendPath(routeAt, "canary")
	if c.Replicas < 0 {
		c.Replicas = max(1, env.Policy.MinReplicas)
	} else if w.Kind == "Deployment" && c.Replicas < env.Policy.MinReplicas {
		l.addEnv("min-replicas", appendPath(cat, "replicas"), env.Name, "the canary needs at least %d replicas in this tier, got %d", env.Policy.MinReplicas, c.Replicas)
	}
	if c.Replicas == 0 && c.Weight > 0 {
		l.addEnv("canary-weight", appendPath(cat, "weight"), env.Name, "weight %d sends traffic to a canary with 0 replicas: set weight: 0 or give it replicas", c.Weight)
	}
	if len(c.Name) > 63 {
		l.addAt("name-length", []string{"services", w.Name}, "the canary's name %q (<service>-canary) is %d characters: names must fit 63; shorten the service name", c.Name, len(c.Name))
	}
}

// hostCovers reports whether a listener hostname serves a route hostname:
// equal, or a wildcard listener and a name under it (and the converse for
// a wildcard route, whose hostnames intersect the listener's).
func hostCovers(listener, route string) bool {
	if listener == route {
		return true
	}
	if strings.HasPrefix(listener, "*.") && strings.HasSuffix(route, listener[1:]) {
		return true
	}
	return strings.HasPrefix(route, "*.") && strings.HasSuffix(listener, route[1:])
}

// gatewayDefaults fills the schema's defaults of gateways into a spec
// decoded from the user's values alone (when the schema reported errors).
func (s *rawSpec) gatewayDefaults() {
	for _, e := range s.Environments {
		if g := e.Gateway; g != nil {
			if g.ClassName == "" {
				g.ClassName = "azure-alb-external"
			}
		}
	}
}

// GRPCPort is the served port a GRPCRoute sends to: the first one with
// appProtocol grpc or kubernetes.io/h2c, or named grpc.
func (w *Workload) GRPCPort() (Port, bool) {
	for _, p := range w.ServedPorts() {
		if p.AppProtocol == "grpc" || p.AppProtocol == "kubernetes.io/h2c" || p.Name == "grpc" {
			return p, true
		}
	}
	return Port{}, false
}

// RouteKinds says which routes a workload's route becomes: an HTTPRoute to
// its primary port unless that is its gRPC port, a GRPCRoute to its gRPC
// port when it has one. Both false without a route or a served port.
func (w *Workload) RouteKinds() (http, grpc bool) {
	if w.Route == nil {
		return false, false
	}
	g, grpc := w.GRPCPort()
	p, served := w.PrimaryPort()
	return served && (!grpc || p.Name != g.Name), grpc
}

// GRPCRouteHostnames are the hostnames of the route's GRPCRoute: its
// grpcHostnames, else its hostnames when there is no HTTPRoute.
func (w *Workload) GRPCRouteHostnames() []string {
	http, _ := w.RouteKinds()
	if len(w.Route.GRPCHostnames) > 0 || http {
		return w.Route.GRPCHostnames
	}
	return w.Route.Hostnames
}

// defaultGatewayIssuers gives the gateways that name no ClusterIssuer the
// platform's: the cert-manager addon's issuer, as the Ingresses name it.
func defaultGatewayIssuers(m *Model) {
	for i := range m.Environments {
		if g := m.Environments[i].Gateway; g != nil && g.ClusterIssuer == "" {
			g.ClusterIssuer = m.ClusterIssuer()
		}
	}
}
