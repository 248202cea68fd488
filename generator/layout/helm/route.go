package helm

import (
	"github.com/plinth-dev/plinth/generator/internal/tree"
	"github.com/plinth-dev/plinth/schemas"
)

// chartRoute are the values of a service's HTTPRoute (templates/httproute.yaml,
// when HTTP) and GRPCRoute (templates/grpcroute.yaml, when GRPC is set).
type chartRoute struct {
	Parent    *chartParent        `json:"parent"`
	HTTP      bool                `json:"http"`
	Hostnames []string            `json:"hostnames"`
	Rules     []schemas.RouteRule `json:"rules"`
	Backends  []chartBackend      `json:"backends"`
	GRPC      *chartGRPCRoute     `json:"grpc"`
}

type chartGRPCRoute struct {
	Hostnames []string       `json:"hostnames"`
	Backends  []chartBackend `json:"backends"`
}

type chartParent struct {
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
}

type chartBackend struct {
	Name   string `json:"name"`
	Port   int    `json:"port"`
	Weight *int   `json:"weight,omitempty"`
}

// chartCanary are the values of the canary's objects (templates/canary.yaml).
type chartCanary struct {
	Name     string            `json:"name"`
	Image    string            `json:"image"`
	Replicas int               `json:"replicas"`
	Labels   map[string]string `json:"labels"`
	PDB      bool              `json:"pdb"`
}

// routeValues are the route and canary values of a workload, nil for what
// it does not have (the core builds the route of a workload with a port,
// the canary of a Deployment).
func routeValues(wo tree.Workload) (*chartRoute, *chartCanary) {
	w := wo.Spec
	if w.Route == nil || w.Port == 0 {
		return nil, nil
	}
	r := &chartRoute{Hostnames: w.Route.Hostnames, Rules: w.Route.Rules, Backends: backends(w, w.Port)}
	r.HTTP, _ = w.RouteKinds()
	if p, ok := w.GRPCPort(); ok {
		r.GRPC = &chartGRPCRoute{Hostnames: w.GRPCRouteHostnames(), Backends: backends(w, p.Port)}
	}
	if g := w.Route.Gateway; g != nil {
		r.Parent = &chartParent{Namespace: g.Namespace, Name: g.Name}
	}
	c := w.Route.Canary
	if c == nil || w.Kind == "CronJob" {
		return r, nil
	}
	labels := map[string]string{tree.LabelName: c.Name, tree.LabelCanaryOf: w.Name}
	for k, v := range wo.Labels {
		if _, ok := labels[k]; !ok {
			labels[k] = v
		}
	}
	return r, &chartCanary{Name: c.Name, Image: c.Image, Replicas: c.Replicas, Labels: labels, PDB: w.PDB && c.Replicas > 1}
}

// backends are a route's Services on port: the service's and, weighted, the
// canary's.
func backends(w schemas.Workload, port int) []chartBackend {
	out := []chartBackend{{Name: w.Name, Port: port}}
	if c := w.Route.Canary; c != nil && w.Kind != "CronJob" {
		out[0].Weight = new(100 - c.Weight)
		out = append(out, chartBackend{Name: c.Name, Port: port, Weight: new(c.Weight)})
	}
	return out
}
