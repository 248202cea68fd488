package generator

import (
	"testing"

	"github.com/plinth-dev/plinth/schemas"
)

// TestNamedPorts checks the objects of a service with several named ports:
// every port a container port with its name and protocol, the Service
// exposing the served ones by name (with appProtocol), the callers admitted
// on every served port and the caller's egress to all of them. Generate
// renders the chart for every values file, so both flavors are checked to
// deploy exactly these objects.
func TestNamedPorts(t *testing.T) {
	m := egressModel([]string{"queue"}, nil, nil)
	for i := range m.Environments {
		q := &m.Environments[i].Workloads[1]
		q.Ports = []schemas.Port{
			{Name: "http", Port: 9000, Protocol: "TCP", Service: true},
			{Name: "grpc", Port: 9090, Protocol: "TCP", AppProtocol: "kubernetes.io/h2c", Service: true},
			{Name: "stats", Port: 8125, Protocol: "UDP", Service: true},
			{Name: "metrics", Port: 9100, Protocol: "TCP", Service: false},
		}
	}
	out := generateChecked(t, m)
	want := map[string]struct{ kind, name, yaml string }{
		"container ports": {"Deployment", "queue", `
- {name: http, containerPort: 9000, protocol: TCP}
- {name: grpc, containerPort: 9090, protocol: TCP}
- {name: stats, containerPort: 8125, protocol: UDP}
- {name: metrics, containerPort: 9100, protocol: TCP}
`},
		"service ports": {"Service", "queue", `
- {name: http, port: 9000, targetPort: http, protocol: TCP}
- {name: grpc, port: 9090, targetPort: grpc, protocol: TCP, appProtocol: kubernetes.io/h2c}
- {name: stats, port: 8125, targetPort: stats, protocol: UDP}
`},
		"callers admitted on served ports": {"NetworkPolicy", "queue", `
- from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: ops-live}}, podSelector: {matchLabels: {app.kubernetes.io/name: api}}}]
  ports: [{protocol: TCP, port: 9000}, {protocol: TCP, port: 9090}, {protocol: UDP, port: 8125}]
`},
		"caller's egress to served ports": {"NetworkPolicy", "api", `
- to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: ops-live}}, podSelector: {matchLabels: {app.kubernetes.io/name: queue}}}]
  ports: [{protocol: TCP, port: 9000}, {protocol: TCP, port: 9090}, {protocol: UDP, port: 8125}]
`},
	}
	objs := build(t, out, "apps/live")
	for name, w := range want {
		var got any
		for _, o := range objs {
			if o["kind"] != w.kind || dig(o, "metadata", "name") != w.name {
				continue
			}
			switch w.kind {
			case "Deployment":
				got = dig(o, "spec", "template", "spec", "containers").([]any)[0].(map[string]any)["ports"]
			case "Service":
				got = dig(o, "spec", "ports")
			case "NetworkPolicy":
				if w.name == "queue" {
					got = dig(o, "spec", "ingress")
				} else {
					got = dig(o, "spec", "egress")
				}
			}
		}
		if g, wy, ok := sameYAML(t, got, w.yaml); !ok {
			t.Errorf("%s:\n%s\nwant:\n%s", name, g, wy)
		}
	}
}
