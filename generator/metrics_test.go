package generator

import (
	"fmt"

	"testing"

	"github.com/plinth-dev/plinth/schemas"
)

// metricsModel has a production environment "live" and a development
// environment "lab"; service api (port 8080, called by web) exposes the
// metrics of each environment (nil: none).
func metricsModel(live, lab *schemas.Metrics) *schemas.Model {
	m := egressModel(nil, nil, nil)
	for i, mt := range []*schemas.Metrics{lab, live} { // environments are sorted: lab, live
		env := &m.Environments[i]
		env.Workloads[0].Metrics = mt
		env.Workloads[1].DependsOn = []string{"api"}
	}
	return m
}

var (
	operatorScraper = schemas.Scraper{Prometheus: schemas.PrometheusOperator, Namespace: "monitoring",
		Pods: map[string]string{"app.kubernetes.io/name": "prometheus"}, MonitorLabels: map[string]string{"release": "kps"}}
	azureScraper = schemas.Scraper{Prometheus: schemas.PrometheusAzureManaged, Namespace: "kube-system",
		Pods: map[string]string{"rsName": "ama-metrics"}}
)

// TestMetrics checks the scrape configuration of a service per environment
// (a ServiceMonitor or PodMonitor of the Prometheus Operator or of Azure
// Monitor managed Prometheus) and the rule of its NetworkPolicy that admits
// the scraper on the metrics port only, after the callers' rule. Generate
// builds every overlay and renders the chart for every values file, so both
// flavors are checked to deploy exactly these objects.
func TestMetrics(t *testing.T) {
	const callers = `
- from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: ops-%s}}, podSelector: {matchLabels: {app.kubernetes.io/name: queue}}}]
  ports: [{protocol: TCP, port: 8080}]`
	tests := []struct {
		name      string
		live, lab *schemas.Metrics
		// want*Monitor: the monitor's apiVersion, kind and spec ("" none);
		// want*Scrape: the scraper's rule of the NetworkPolicy.
		wantLiveMonitor, wantLabMonitor string
		wantLiveScrape, wantLabScrape   string
	}{
		{
			name: "Azure managed in production, the operator in development",
			live: &schemas.Metrics{Port: 8080, PortName: "http", Path: "/metrics", Interval: "30s", Service: true, Scraper: azureScraper},
			lab:  &schemas.Metrics{Port: 8080, PortName: "http", Path: "/internal/metrics", Service: true, Scraper: operatorScraper},
			wantLiveMonitor: `
apiVersion: azmonitoring.coreos.com/v1
kind: ServiceMonitor
labels: {app.kubernetes.io/managed-by: plinth, app.kubernetes.io/name: api, app.kubernetes.io/part-of: egress, plinth.dev/team: ops}
spec:
  selector: {matchLabels: {app.kubernetes.io/name: api}}
  namespaceSelector: {}
  endpoints: [{port: http, path: /metrics, interval: 30s}]
  labelLimit: 63
  labelNameLengthLimit: 511
  labelValueLengthLimit: 1023
`,
			wantLabMonitor: `
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
labels: {app.kubernetes.io/managed-by: plinth, app.kubernetes.io/name: api, app.kubernetes.io/part-of: egress, plinth.dev/team: ops, release: kps}
spec:
  selector: {matchLabels: {app.kubernetes.io/name: api}}
  namespaceSelector: {}
  endpoints: [{port: http, path: /internal/metrics}]
`,
			wantLiveScrape: `
- from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}, podSelector: {matchLabels: {rsName: ama-metrics}}}]
  ports: [{protocol: TCP, port: 8080}]`,
			wantLabScrape: `
- from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: monitoring}}, podSelector: {matchLabels: {app.kubernetes.io/name: prometheus}}}]
  ports: [{protocol: TCP, port: 8080}]`,
		},
		{
			name: "a port the Service does not expose: PodMonitor; none in development",
			live: &schemas.Metrics{Port: 8080, PortName: "http", Path: "/metrics", Scraper: operatorScraper},
			wantLiveMonitor: `
apiVersion: monitoring.coreos.com/v1
kind: PodMonitor
labels: {app.kubernetes.io/managed-by: plinth, app.kubernetes.io/name: api, app.kubernetes.io/part-of: egress, plinth.dev/team: ops, release: kps}
spec:
  selector: {matchLabels: {app.kubernetes.io/name: api}}
  namespaceSelector: {}
  podMetricsEndpoints: [{port: http, path: /metrics}]
`,
			wantLiveScrape: `
- from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: monitoring}}, podSelector: {matchLabels: {app.kubernetes.io/name: prometheus}}}]
  ports: [{protocol: TCP, port: 8080}]`,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out := generateChecked(t, metricsModel(tc.live, tc.lab))
			for _, env := range []struct{ name, monitor, scrape string }{
				{"live", tc.wantLiveMonitor, tc.wantLiveScrape}, {"lab", tc.wantLabMonitor, tc.wantLabScrape},
			} {
				var monitor, ingress any
				for _, o := range build(t, out, "apps/"+env.name) {
					switch {
					case o["kind"] == "ServiceMonitor" || o["kind"] == "PodMonitor":
						if dig(o, "metadata", "name") != "api" || dig(o, "metadata", "namespace") != "ops-"+env.name {
							t.Errorf("%s: monitor %v", env.name, o["metadata"])
						}
						if monitor != nil {
							t.Errorf("%s: two monitors", env.name)
						}
						monitor = map[string]any{"apiVersion": o["apiVersion"], "kind": o["kind"], "labels": dig(o, "metadata", "labels"), "spec": o["spec"]}
					case o["kind"] == "NetworkPolicy" && dig(o, "metadata", "name") == "api":
						ingress = dig(o, "spec", "ingress")
					}
				}
				want := env.monitor
				if want == "" {
					want = "null"
				}
				if g, w, ok := sameYAML(t, monitor, want); !ok {
					t.Errorf("%s: monitor:\n%s\nwant:\n%s", env.name, g, w)
				}
				wantIngress := fmt.Sprintf(callers, env.name) + env.scrape
				if g, w, ok := sameYAML(t, ingress, wantIngress); !ok {
					t.Errorf("%s: NetworkPolicy api ingress:\n%s\nwant:\n%s", env.name, g, w)
				}
			}
		})
	}
}
