package schemas_test

import (
	"reflect"
	"testing"

	"github.com/plinth-dev/plinth/schemas"
)

// TestPortsResolve checks the ports of a workload per environment: the
// port shorthand first (named "http"), then the declared ports with the
// schema's defaults; an override replaces the whole list; the primary port
// is the served "http" port, else the first served one.
func TestPortsResolve(t *testing.T) {
	http := schemas.Port{Name: "http", Port: 8080, Protocol: "TCP", Service: true}
	grpc := schemas.Port{Name: "grpc", Port: 9090, Protocol: "TCP", AppProtocol: "kubernetes.io/h2c", Service: true}
	metrics := schemas.Port{Name: "metrics", Port: 9100, Protocol: "TCP", Service: false}
	tests := []struct {
		name, svc   string
		env         string
		wantPorts   []schemas.Port
		wantPrimary int
		wantName    string
	}{
		{
			name:      "shorthand alone is the port http",
			svc:       `port: 8080`,
			env:       "prod",
			wantPorts: []schemas.Port{http}, wantPrimary: 8080, wantName: "http",
		},
		{
			name: "shorthand first, then the declared ports with defaults",
			svc: `port: 8080
	ports: [{name: "grpc", port: 9090, appProtocol: "kubernetes.io/h2c"}, {name: "metrics", port: 9100, service: false}]`,
			env:       "prod",
			wantPorts: []schemas.Port{http, grpc, metrics}, wantPrimary: 8080, wantName: "http",
		},
		{
			name:      "without http the first served port is primary",
			svc:       `ports: [{name: "metrics", port: 9100, service: false}, {name: "grpc", port: 9090, appProtocol: "kubernetes.io/h2c"}]`,
			env:       "prod",
			wantPorts: []schemas.Port{metrics, grpc}, wantPrimary: 9090, wantName: "grpc",
		},
		{
			name: "an override replaces the list",
			svc: `port: 8080
	ports: [{name: "grpc", port: 9090, appProtocol: "kubernetes.io/h2c"}]
	overrides: dev: ports: [{name: "metrics", port: 9100, service: false}]`,
			env:       "dev",
			wantPorts: []schemas.Port{http, metrics}, wantPrimary: 8080, wantName: "http",
		},
		{
			name: "an empty override list leaves the shorthand",
			svc: `port: 8080
	ports: [{name: "grpc", port: 9090, appProtocol: "kubernetes.io/h2c"}]
	overrides: dev: ports: []`,
			env:       "dev",
			wantPorts: []schemas.Port{http}, wantPrimary: 8080, wantName: "http",
		},
		{
			name:      "UDP may reuse a TCP number",
			svc:       `ports: [{name: "dns-tcp", port: 5353}, {name: "dns", port: 5353, protocol: "UDP"}]`,
			env:       "prod",
			wantPorts: []schemas.Port{{Name: "dns-tcp", Port: 5353, Protocol: "TCP", Service: true}, {Name: "dns", Port: 5353, Protocol: "UDP", Service: true}}, wantPrimary: 5353, wantName: "dns-tcp",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writePlatform(t, map[string]string{"p.cue": removalPlatform + `
services: api: {
	team: "shop", blueprint: "web", image: "demo.azurecr.io/api:1.0.0", resources: #res
	` + tt.svc + `
}
`})
			m, err := schemas.Load(dir)
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			w := workload(t, m, tt.env, "api")
			if !reflect.DeepEqual(w.Ports, tt.wantPorts) {
				t.Errorf("ports = %+v, want %+v", w.Ports, tt.wantPorts)
			}
			if w.Port != tt.wantPrimary || w.PortName() != tt.wantName {
				t.Errorf("primary = %d %q, want %d %q", w.Port, w.PortName(), tt.wantPrimary, tt.wantName)
			}
		})
	}
}

// TestPortsWorkerWithoutServedPort checks that a worker whose ports are all
// unserved has container ports but no Service (Port 0) and no dependants.
func TestPortsWorkerWithoutServedPort(t *testing.T) {
	dir := writePlatform(t, map[string]string{"p.cue": removalPlatform + `
services: q: {
	team: "shop", blueprint: "worker", image: "demo.azurecr.io/q:1.0.0", resources: #res, replicas: 2
	ports: [{name: "metrics", port: 9100, service: false}]
}
`})
	m, err := schemas.Load(dir)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	w := workload(t, m, "prod", "q")
	if w.Port != 0 || len(w.Ports) != 1 || len(w.ServedPorts()) != 0 || w.PortName() != "metrics" {
		t.Errorf("port %d ports %+v served %+v name %q", w.Port, w.Ports, w.ServedPorts(), w.PortName())
	}
}
