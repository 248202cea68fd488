package generator

import (
	"testing"

	"github.com/plinth-dev/plinth/schemas"
)

// TestProbes checks the container probes of each kind in both flavors
// (Generate renders the chart for every values file and compares it with
// the kustomize objects): HTTP and TCP by port name, gRPC by number (the
// API takes no name), exec, startup, the timings as resolved; a TCP
// liveness probe on the readiness probe's port names it by number.
func TestProbes(t *testing.T) {
	ports := []schemas.Port{
		{Name: "http", Port: 9000, Protocol: "TCP", Service: true},
		{Name: "grpc", Port: 9090, Protocol: "TCP", Service: true},
	}
	timings := func(p schemas.Probe, period int) *schemas.Probe {
		p.PeriodSeconds, p.TimeoutSeconds, p.FailureThreshold = period, 2, 3
		return &p
	}
	tests := []struct {
		name   string
		probes schemas.Probes
		want   string
	}{
		{
			name: "default TCP probes",
			probes: schemas.Probes{
				Liveness:  timings(schemas.Probe{TCP: &schemas.TCPProbe{Port: "http"}}, 20),
				Readiness: timings(schemas.Probe{TCP: &schemas.TCPProbe{Port: "http"}}, 5),
			},
			want: `
livenessProbe: {tcpSocket: {port: 9000}, periodSeconds: 20, timeoutSeconds: 2, failureThreshold: 3}
readinessProbe: {tcpSocket: {port: http}, periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 3}
`,
		},
		{
			name: "grpc, http with a success threshold, exec startup",
			probes: schemas.Probes{
				Liveness:  &schemas.Probe{GRPC: &schemas.GRPCProbe{Port: "grpc", Service: "live"}, InitialDelaySeconds: 5, PeriodSeconds: 15, TimeoutSeconds: 3, FailureThreshold: 4},
				Readiness: &schemas.Probe{HTTP: &schemas.HTTPProbe{Path: "/ready", Port: "grpc"}, PeriodSeconds: 5, TimeoutSeconds: 2, FailureThreshold: 3, SuccessThreshold: 2},
				Startup:   &schemas.Probe{Exec: &schemas.ExecProbe{Command: []string{"/bin/started"}}, PeriodSeconds: 10, TimeoutSeconds: 2, FailureThreshold: 30},
			},
			want: `
livenessProbe: {grpc: {port: 9090, service: live}, initialDelaySeconds: 5, periodSeconds: 15, timeoutSeconds: 3, failureThreshold: 4}
readinessProbe: {httpGet: {path: /ready, port: grpc}, periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 3, successThreshold: 2}
startupProbe: {exec: {command: [/bin/started]}, periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 30}
`,
		},
		{
			name: "grpc without a service checks the whole server",
			probes: schemas.Probes{
				Readiness: timings(schemas.Probe{GRPC: &schemas.GRPCProbe{Port: "grpc"}}, 5),
			},
			want: `
readinessProbe: {grpc: {port: 9090, service: ""}, periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 3}
`,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := egressModel([]string{"queue"}, nil, nil)
			for i := range m.Environments {
				q := &m.Environments[i].Workloads[1]
				q.Ports, q.Probes = ports, tc.probes
			}
			out := generateChecked(t, m)
			var got map[string]any
			for _, o := range build(t, out, "apps/live") {
				if o["kind"] == "Deployment" && dig(o, "metadata", "name") == "queue" {
					c := dig(o, "spec", "template", "spec", "containers").([]any)[0].(map[string]any)
					got = map[string]any{}
					for _, k := range []string{"livenessProbe", "readinessProbe", "startupProbe"} {
						if v, ok := c[k]; ok {
							got[k] = v
						}
					}
				}
			}
			if g, w, ok := sameYAML(t, got, tc.want); !ok {
				t.Errorf("probes:\n%s\nwant:\n%s", g, w)
			}
		})
	}
}
