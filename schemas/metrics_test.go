package schemas_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/plinth-dev/plinth/schemas"
)

// TestMetricsResolve checks the metrics endpoint of a service per
// environment: defaults, overrides that replace it, null that removes it,
// and the rules that depend on the environment (a path published by the
// environment's ingress).
func TestMetricsResolve(t *testing.T) {
	const svc = `services: api: {
	team: "shop", blueprint: "web", image: "demo.azurecr.io/api:1.0.0", port: 8080, resources: #res
`
	type want struct {
		none     bool
		path     string
		interval string
		port     string // port name, "http" when empty
		number   int    // 8080 when 0
		podOnly  bool   // a port the Service does not expose
	}
	tests := []struct {
		name   string
		fields string
		want   map[string]want // by environment
		errs   []string        // "path: rule: message part"
	}{
		{
			name:   "defaults",
			fields: `metrics: {}`,
			want:   map[string]want{"dev": {path: "/metrics"}, "staging": {path: "/metrics"}, "prod": {path: "/metrics"}},
		},
		{
			name: "replaced in staging, removed in dev",
			fields: `metrics: {port: "http", path: "/internal/metrics", interval: "15s"}
	overrides: staging: metrics: interval: "1m"
	overrides: dev: metrics: null`,
			want: map[string]want{"dev": {none: true}, "staging": {path: "/metrics", interval: "1m"}, "prod": {path: "/internal/metrics", interval: "15s"}},
		},
		{
			name:   "by port number",
			fields: `metrics: port: 8080`,
			want:   map[string]want{"prod": {path: "/metrics"}},
		},
		{
			name: "an ingress on another path",
			fields: `metrics: {}
	ingress: {host: "api.example.com", path: "/api"}
	overrides: staging: ingress: {host: "staging.api.example.com", path: "/api"}`,
			want: map[string]want{"prod": {path: "/metrics"}},
		},
		{
			name: "a prefix that is not a path element does not publish",
			fields: `metrics: path: "/metricsx"
	ingress: {host: "api.example.com", path: "/metrics"}
	overrides: staging: ingress: {host: "staging.api.example.com", path: "/metrics"}`,
			want: map[string]want{"prod": {path: "/metricsx"}},
		},
		{
			name: "published by the ingress of production only",
			fields: `metrics: {}
	ingress: {host: "api.example.com", path: "/api"}
	overrides: prod: ingress: {host: "api.example.com", path: "/"}`,
			errs: []string{`services.api.metrics: metrics-published: metrics path /metrics on port "http" is published on the ingress api.example.com/ (ingress.path): metrics must not be exposed outside the cluster (seed 003); serve them on another port, or move the ingress path (in environment prod)`},
		},
		{
			name: "published at the same path, declared in an override",
			fields: `ingress: {host: "api.example.com", path: "/internal"}
	overrides: staging: ingress: null
	overrides: dev: ingress: null
	overrides: prod: metrics: path: "/internal/metrics"`,
			errs: []string{`services.api.overrides.prod.metrics.path: metrics-published: metrics path /internal/metrics on port "http" is published on the ingress api.example.com/internal`},
		},
		{
			name: "the port named metrics by default, not on the Service",
			fields: `ports: [{name: "metrics", port: 9090, service: false}]
	metrics: {}`,
			want: map[string]want{"prod": {path: "/metrics", port: "metrics", number: 9090, podOnly: true}},
		},
		{
			name: "a declared port by number, on the Service; the http port in staging",
			fields: `ports: [{name: "admin", port: 9091, appProtocol: "http"}]
	metrics: port: 9091
	overrides: staging: metrics: port: "http"`,
			want: map[string]want{"prod": {path: "/metrics", port: "admin", number: 9091}, "staging": {path: "/metrics"}},
		},
		{
			name: "a separate port is not published by the ingress",
			fields: `ports: [{name: "metrics", port: 9090}]
	metrics: path: "/"
	ingress: {host: "api.example.com", path: "/"}
	overrides: staging: ingress: null
	overrides: dev: ingress: null`,
			want: map[string]want{"prod": {path: "/", port: "metrics", number: 9090}},
		},
		{
			name: "a UDP port",
			fields: `ports: [{name: "statsd", port: 8125, protocol: "UDP"}]
	metrics: port: "statsd"`,
			errs: []string{`services.api.metrics.port: metrics-port: metrics port "statsd" is UDP: Prometheus scrapes over HTTP, on a TCP port`},
		},
		{
			name:   "a port the service does not have",
			fields: `metrics: port: 9090`,
			errs:   []string{`services.api.metrics.port: metrics-port: metrics port 9090 is not a port of the service: use one of "http" (8080) by name or number`},
		},
		{
			name:   "a port name the service does not have",
			fields: `metrics: port: "admin"`,
			errs:   []string{`services.api.metrics.port: metrics-port: metrics port "admin" is not a port of the service`},
		},
		{
			name:   "a relative path and a bad interval",
			fields: `metrics: {path: "metrics", interval: "30 seconds"}`,
			errs: []string{
				`services.api.metrics.path: metrics-path: metrics path "metrics" must be an absolute HTTP path`,
				`services.api.metrics.interval: duration: interval "30 seconds" is not a Prometheus duration`,
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := writePlatform(t, map[string]string{"p.cue": removalPlatform + svc + "\t" + tc.fields + "\n}\n"})
			m, err := schemas.Load(dir)
			checkErrs(t, err, tc.errs)
			if err != nil {
				return
			}
			for env, want := range tc.want {
				got := workload(t, m, env, "api").Metrics
				switch {
				case want.none && got != nil:
					t.Errorf("%s: metrics %+v, want none", env, *got)
				case want.none:
				case got == nil:
					t.Errorf("%s: no metrics, want %+v", env, want)
				default:
					if want.port == "" {
						want.port, want.number = "http", 8080
					}
					if got.Path != want.path || got.Interval != want.interval || got.Port != want.number || got.PortName != want.port || got.Service == want.podOnly {
						t.Errorf("%s: metrics %+v, want %+v", env, *got, want)
					}
				}
			}
		})
	}
}

// TestMonitoring checks a cluster's monitoring block and its rules.
func TestMonitoring(t *testing.T) {
	const head = `package anything
platform: {name: "demo", registries: ["demo.azurecr.io"], gitops: repo: "https://git.example.com/demo-gitops.git"}
environments: dev: {tier: "development", cluster: "c"}
teams: shop: access: {}
`
	tests := []struct {
		name    string
		cluster string
		want    *schemas.Monitoring
		errs    []string
	}{
		{name: "not declared", cluster: `{provider: "gke", kubernetesVersion: "1.34"}`},
		{
			name:    "operator by default",
			cluster: `{provider: "gke", kubernetesVersion: "1.34", monitoring: {namespace: "prometheus", monitorLabels: release: "kube-prometheus-stack"}}`,
			want:    &schemas.Monitoring{Prometheus: "operator", Namespace: "prometheus", MonitorLabels: map[string]string{"release": "kube-prometheus-stack"}},
		},
		{
			name:    "azure-managed on aks",
			cluster: `{provider: "aks", kubernetesVersion: "1.34", monitoring: prometheus: "azure-managed"}`,
			want:    &schemas.Monitoring{Prometheus: "azure-managed"},
		},
		{
			name:    "azure-managed on gke",
			cluster: `{provider: "gke", kubernetesVersion: "1.34", monitoring: prometheus: "azure-managed"}`,
			errs:    []string{`clusters.c.monitoring.prometheus: monitoring-provider: Azure Monitor managed Prometheus runs on aks clusters only, and cluster "c" is gke`},
		},
		{
			name:    "operator settings with azure-managed",
			cluster: `{provider: "aks", kubernetesVersion: "1.34", monitoring: {prometheus: "azure-managed", namespace: "monitoring"}}`,
			errs:    []string{`clusters.c.monitoring.namespace: monitoring: namespace finds the pods of a Prometheus Operator's Prometheus`},
		},
		{
			name:    "bad namespace and labels",
			cluster: `{provider: "generic", kubernetesVersion: "1.34", monitoring: {namespace: "Monitoring", podLabels: "app/x/y": "p", monitorLabels: release: "not ok"}}`,
			errs: []string{
				`clusters.c.monitoring.namespace: monitoring: namespace "Monitoring" of the Prometheus pods is not a namespace name`,
				`clusters.c.monitoring.podLabels."app/x/y": monitoring: label app/x/y`,
				`clusters.c.monitoring.monitorLabels.release: monitoring: label release: "not ok" is not a Kubernetes label`,
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := writePlatform(t, map[string]string{"p.cue": head + "clusters: c: " + tc.cluster + "\n"})
			m, err := schemas.Load(dir)
			checkErrs(t, err, tc.errs)
			if err != nil {
				return
			}
			got := m.Clusters[0].Monitoring
			if (got == nil) != (tc.want == nil) || got != nil && (got.Prometheus != tc.want.Prometheus || got.Namespace != tc.want.Namespace || len(got.MonitorLabels) != len(tc.want.MonitorLabels)) {
				t.Errorf("monitoring %+v, want %+v", got, tc.want)
			}
		})
	}
}

// checkErrs checks that err holds exactly the wanted located errors, each
// given as "path: rule: message part" (none: err is nil).
func checkErrs(t *testing.T, err error, want []string) {
	t.Helper()
	if len(want) == 0 {
		if err != nil {
			t.Fatalf("want a valid platform, got %v", err)
		}
		return
	}
	var errs schemas.Errors
	if !errors.As(err, &errs) {
		t.Fatalf("want located errors, got %v", err)
	}
	if len(errs) != len(want) {
		t.Errorf("got %d errors, want %d:\n%v", len(errs), len(want), err)
	}
	for _, w := range want {
		found := false
		for _, e := range errs {
			prefix := e.Path + ": " + e.Rule + ": "
			if strings.HasPrefix(w, prefix) && strings.Contains(e.Msg, strings.TrimPrefix(w, prefix)) {
				found = true
			}
			if e.Pos.Line == 0 {
				t.Errorf("unlocated error %v", e)
			}
		}
		if !found {
			t.Errorf("no error %q in:\n%v", w, err)
		}
	}
}

// TestScraper checks who scrapes a service's metrics in each environment:
// the defaults of each Prometheus, the namespace of a kube-prometheus-stack
// addon, and the cluster's own settings.
func TestScraper(t *testing.T) {
	const head = `package anything
platform: {name: "demo", registries: ["demo.azurecr.io"], gitops: repo: "https://git.example.com/demo-gitops.git"}
environments: dev: {tier: "development", cluster: "c"}
teams: shop: access: {}
services: api: {
	team: "shop", blueprint: "web", image: "demo.azurecr.io/api:1.0.0", port: 8080
	resources: {requests: {cpu: "100m", memory: "64Mi"}, limits: {cpu: "200m", memory: "128Mi"}}
	metrics: {}
}
`
	const stack = `addons: kps: {chart: "kube-prometheus-stack", repo: "https://prometheus-community.github.io/helm-charts", version: "65.1.0", namespace: "observability"}
`
	tests := []struct {
		name, src string
		want      schemas.Scraper
	}{
		{
			name: "operator without a monitoring block",
			src:  `clusters: c: {provider: "generic", kubernetesVersion: "1.34"}`,
			want: schemas.Scraper{Prometheus: "operator", Namespace: "monitoring", Pods: map[string]string{"app.kubernetes.io/name": "prometheus"}},
		},
		{
			name: "operator in the namespace of kube-prometheus-stack",
			src:  `clusters: c: {provider: "generic", kubernetesVersion: "1.34"}` + "\n" + stack,
			want: schemas.Scraper{Prometheus: "operator", Namespace: "observability", Pods: map[string]string{"app.kubernetes.io/name": "prometheus"}},
		},
		{
			name: "operator as declared",
			src:  `clusters: c: {provider: "generic", kubernetesVersion: "1.34", monitoring: {namespace: "prom", podLabels: app: "prom", monitorLabels: team: "sre"}}` + "\n" + stack,
			want: schemas.Scraper{Prometheus: "operator", Namespace: "prom", Pods: map[string]string{"app": "prom"}, MonitorLabels: map[string]string{"team": "sre"}},
		},
		{
			name: "Azure managed",
			src:  `clusters: c: {provider: "aks", kubernetesVersion: "1.34", monitoring: prometheus: "azure-managed"}` + "\n" + stack,
			want: schemas.Scraper{Prometheus: "azure-managed", Namespace: "kube-system", Pods: map[string]string{"rsName": "ama-metrics"}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := schemas.Load(writePlatform(t, map[string]string{"p.cue": head + tc.src + "\n"}))
			if err != nil {
				t.Fatal(err)
			}
			got := workload(t, m, "dev", "api").Metrics.Scraper
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("scraper %+v, want %+v", got, tc.want)
			}
		})
	}
}
