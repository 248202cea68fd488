package schemas

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation"
)

// Metrics scraping: a service's metrics endpoint (services.<svc>.metrics)
// and the Prometheus of its cluster (clusters.<c>.monitoring). Seed 003
// "애플리케이션을 손쉽게 모니터링 가능하도록 설정 > 측정항목 HTTP 엔드포인트":
// applications expose Prometheus metrics at /metrics, and the endpoint is
// never exposed to the public internet; seed 004 "모니터링 및 로깅 > 2.
// Prometheus 및 Grafana": Managed Prometheus on AKS.

// The Prometheus flavours a cluster may scrape with.
const (
	PrometheusOperator     = "operator"      // Prometheus Operator: monitoring.coreos.com
	PrometheusAzureManaged = "azure-managed" // Azure Monitor managed Prometheus: azmonitoring.coreos.com
)

// Monitoring says which Prometheus scrapes the services of a cluster.
type Monitoring struct {
	// Prometheus is PrometheusOperator or PrometheusAzureManaged.
	Prometheus string `json:"prometheus"`
	// Namespace and PodLabels find the Prometheus pods (operator only; empty:
	// the generator's defaults).
	Namespace string            `json:"namespace,omitempty"`
	PodLabels map[string]string `json:"podLabels,omitempty"`
	// MonitorLabels go on every ServiceMonitor and PodMonitor.
	MonitorLabels map[string]string `json:"monitorLabels,omitempty"`
}

// Metrics is a workload's Prometheus metrics endpoint, resolved against its
// ports in one environment.
type Metrics struct {
	Port     int    `json:"port"`     // container port number
	PortName string `json:"portName"` // the container port's name
	Path     string `json:"path"`     // HTTP path, "/metrics" by default
	Interval string `json:"interval,omitempty"`
	// Service says the port is one of the workload's Service: scraped
	// through a ServiceMonitor, else through a PodMonitor.
	Service bool `json:"service"`
	// Scraper is the Prometheus of the environment's cluster.
	Scraper Scraper `json:"scraper"`
}

// Scraper is the Prometheus that scrapes a workload's metrics on its
// cluster, with the defaults applied.
type Scraper struct {
	Prometheus string `json:"prometheus"` // PrometheusOperator or PrometheusAzureManaged
	// Namespace and Pods find the scraping pods, for the NetworkPolicy.
	Namespace string            `json:"namespace"`
	Pods      map[string]string `json:"pods"`
	// MonitorLabels go on the ServiceMonitor or PodMonitor.
	MonitorLabels map[string]string `json:"monitorLabels,omitempty"`
}

// Where the scrapers run by default: a Prometheus Operator's Prometheus
// in "monitoring" (or the namespace of a kube-prometheus-stack addon), its
// pods labelled app.kubernetes.io/name=prometheus (the operator sets it);
// the managed add-on's collector, the ama-metrics Deployment in
// kube-system, whose pods are labelled rsName=ama-metrics.
const (
	defaultPrometheusNS    = "monitoring"
	prometheusStack        = "kube-prometheus-stack"
	azureManagedNamespace  = "kube-system"
	azureManagedPodLabel   = "rsName"
	azureManagedPodValue   = "ama-metrics"
	prometheusPodLabel     = "app.kubernetes.io/name"
	prometheusPodLabelName = "prometheus"
)

// scraperOf is the scraper of cluster, defaults applied.
func scraperOf(s *rawSpec, cluster string) Scraper {
	mo := s.Clusters[cluster].Monitoring
	if mo == nil {
		mo = &rawMonitoring{}
	}
	sc := Scraper{Prometheus: mo.Prometheus, MonitorLabels: mo.MonitorLabels}
	if sc.Prometheus == PrometheusAzureManaged {
		sc.Namespace, sc.Pods = azureManagedNamespace, map[string]string{azureManagedPodLabel: azureManagedPodValue}
		return sc
	}
	sc.Prometheus = PrometheusOperator
	sc.Namespace = defaultPrometheusNS
	for _, name := range sortedKeys(s.Addons) {
		if a := s.Addons[name]; a.Chart == prometheusStack || name == prometheusStack {
			sc.Namespace = a.Namespace
		}
	}
	if mo.Namespace != nil {
		sc.Namespace = *mo.Namespace
	}
	sc.Pods = mo.PodLabels
	if len(sc.Pods) == 0 {
		sc.Pods = map[string]string{prometheusPodLabel: prometheusPodLabelName}
	}
	return sc
}

type rawMonitoring struct {
	Prometheus    string            `json:"prometheus"`
	Namespace     *string           `json:"namespace"`
	PodLabels     map[string]string `json:"podLabels"`
	MonitorLabels map[string]string `json:"monitorLabels"`
}

type rawMetrics struct {
	Port     *metricsPort `json:"port"`
	Path     string       `json:"path"`
	Interval *string      `json:"interval"`
}

// metricsPort is a port by number or by name.
type metricsPort struct {
	Number int
	Name   string
}

func (p *metricsPort) UnmarshalJSON(b []byte) error {
	if err := json.Unmarshal(b, &p.Name); err == nil {
		return nil
	}
	if err := json.Unmarshal(b, &p.Number); err != nil {
		return fmt.Errorf("decode metrics port: %w", err)
	}
	return nil
}

func (p metricsPort) String() string {
	if p.Name != "" {
		return fmt.Sprintf("%q", p.Name)
	}
	return fmt.Sprint(p.Number)
}

// promDurationRE is the duration of the Prometheus Operator's CRDs
// (monitoringv1.Duration).
var promDurationRE = regexp.MustCompile(`^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$`)

// monitoring checks a cluster's monitoring block and resolves it (nil when
// not declared).
func (l *loader) monitoring(name string, c rawCluster) *Monitoring {
	mo := c.Monitoring
	if mo == nil {
		return nil
	}
	at := []string{"clusters", name, "monitoring"}
	if mo.Prometheus == "" {
		mo.Prometheus = PrometheusOperator
	}
	out := &Monitoring{Prometheus: mo.Prometheus, PodLabels: mo.PodLabels, MonitorLabels: mo.MonitorLabels}
	if mo.Prometheus == PrometheusAzureManaged {
		if c.Provider != "aks" {
			l.addAt("monitoring-provider", appendPath(at, "prometheus"), "Azure Monitor managed Prometheus runs on aks clusters only, and cluster %q is %s: use prometheus: \"operator\" with a Prometheus Operator on the cluster", name, c.Provider)
		}
		for _, f := range []struct {
			name string
			set  bool
		}{{"namespace", mo.Namespace != nil}, {"podLabels", mo.PodLabels != nil}} {
			if f.set {
				l.addAt("monitoring", appendPath(at, f.name), "%s finds the pods of a Prometheus Operator's Prometheus: the managed add-on's collector (ama-metrics) always runs in kube-system; remove %s", f.name, f.name)
			}
		}
	}
	if mo.Namespace != nil {
		if errs := validation.IsDNS1123Label(*mo.Namespace); len(errs) > 0 {
			l.addAt("monitoring", appendPath(at, "namespace"), "namespace %q of the Prometheus pods is not a namespace name (a DNS-1123 label)", *mo.Namespace)
		}
		out.Namespace = *mo.Namespace
	}
	for _, f := range []struct {
		name   string
		labels map[string]string
	}{{"podLabels", mo.PodLabels}, {"monitorLabels", mo.MonitorLabels}} {
		for _, k := range sortedKeys(f.labels) {
			v := f.labels[k]
			if errs := append(validation.IsQualifiedName(k), validation.IsValidLabelValue(v)...); len(errs) > 0 {
				l.addAt("monitoring", appendPath(at, f.name, k), "label %s: %q is not a Kubernetes label: %s", k, v, strings.Join(errs, "; "))
			}
		}
	}
	return out
}

// checkMetricsFields checks a metrics block declared at path at (on the
// service or in an override).
func (l *loader) checkMetricsFields(mt *rawMetrics, at []string) {
	if mt == nil {
		return
	}
	if !strings.HasPrefix(mt.Path, "/") || strings.ContainsAny(mt.Path, " \t\n?#") {
		l.addAt("metrics-path", appendPath(at, "path"), "metrics path %q must be an absolute HTTP path without query, such as \"/metrics\"", mt.Path)
	}
	if mt.Interval != nil && (*mt.Interval == "" || *mt.Interval == "0" || !promDurationRE.MatchString(*mt.Interval)) {
		l.addAt("duration", appendPath(at, "interval"), "interval %q is not a Prometheus duration such as \"30s\" or \"1m\"", *mt.Interval)
	}
	if p := mt.Port; p != nil && p.Name == "" {
		l.checkPort(p.Number, appendPath(at, "port"))
	}
}

// resolveMetrics resolves the metrics endpoint of w against its ports in
// environment env, with the declared block at path at, and checks that no
// published route serves it.
func (l *loader) resolveMetrics(s *rawSpec, cluster string, w *Workload, mt *rawMetrics, env string, at []string) {
	if mt == nil {
		w.Metrics = nil
		return
	}
	m := &Metrics{Path: mt.Path, Scraper: scraperOf(s, cluster)}
	if mt.Interval != nil {
		m.Interval = *mt.Interval
	}
	if m.Path == "" {
		m.Path = "/metrics"
	}
	ports := w.AllPorts()
	if len(ports) == 0 {
		l.addEnv("metrics-port", at, env, "metrics are scraped from a port of the service, and it has none: add port: <1-65535> (or a port in ports), or remove metrics")
		w.Metrics = nil
		return
	}
	port, ok := metricsPortOf(w, mt.Port)
	if !ok {
		var names []string
		for _, p := range ports {
			names = append(names, fmt.Sprintf("%q (%d)", p.Name, p.Port))
		}
		l.addEnv("metrics-port", appendPath(at, "port"), env, "metrics port %s is not a port of the service: use one of %s by name or number, or leave port out", mt.Port, strings.Join(names, ", "))
		w.Metrics = nil
		return
	}
	if port.Protocol != "TCP" {
		l.addEnv("metrics-port", appendPath(at, "port"), env, "metrics port %q is %s: Prometheus scrapes over HTTP, on a TCP port", port.Name, port.Protocol)
		w.Metrics = nil
		return
	}
	m.Port, m.PortName, m.Service = port.Port, port.Name, port.Service
	w.Metrics = m
	pathAt := appendPath(at, "path")
	if !l.user.LookupPath(makePath(pathAt)).Exists() {
		pathAt = at // the default path
	}
	for _, pub := range publishedPaths(w) {
		if pub.Port == m.PortName && (pub.Path == m.Path || !pub.Exact && pathCovers(pub.Path, m.Path)) {
			l.addEnv("metrics-published", pathAt, env, "metrics path %s on port %q is published on the %s %s (%s): metrics must not be exposed outside the cluster (seed 003); serve them on another port, or move the %s path", m.Path, m.PortName, pub.Via, pub.Host+pub.Path, pub.Field, pub.Via)
		}
	}
}

// metricsPortName is the port metrics are scraped from by default, when
// the service declares one of this name.
const metricsPortName = "metrics"

// metricsPortOf is the port of w that metrics.port names (by name, or a TCP
// port by number); when port is nil, the port named "metrics", else the
// primary port, else the first one.
func metricsPortOf(w *Workload, port *metricsPort) (Port, bool) {
	ports := w.AllPorts()
	if len(ports) == 0 {
		return Port{}, false
	}
	for _, p := range ports {
		switch {
		case port == nil && p.Name == metricsPortName,
			port != nil && port.Name != "" && p.Name == port.Name,
			port != nil && port.Name == "" && p.Port == port.Number && p.Protocol == "TCP":
			return p, true
		}
	}
	if port != nil {
		return Port{}, false
	}
	if p, ok := w.PrimaryPort(); ok {
		return p, true
	}
	return ports[0], true
}

// Published is an HTTP path a workload publishes outside the cluster on one
// of its ports, by an Ingress (or another route kind).
type Published struct {
	Port  string // the Service port's name
	Host  string
	Path  string // a path prefix: it publishes every path it covers
	Exact bool   // Path is matched exactly (a route's Exact match), not as a prefix
	Via   string // "ingress", ...
	Field string // the service field that declares it
}

// publishedPaths are the (port, path) pairs w publishes outside the cluster.
// Every kind of route that publishes a service adds its pairs here.
func publishedPaths(w *Workload) []Published {
	var out []Published
	if in := w.Ingress; in != nil && w.Port > 0 {
		path := in.Path
		if path == "" {
			path = "/"
		}
		out = append(out, Published{Port: w.PortName(), Host: in.Host, Path: path, Via: "ingress", Field: "ingress.path"})
	}
	// A Gateway API HTTPRoute sends its rules' paths to the primary port
	// (the GRPCRoute serves gRPC methods, not HTTP paths).
	if r := w.Route; r != nil && w.Port > 0 && len(r.Hostnames) > 0 {
		for i, rule := range r.Rules {
			path := rule.Path.Value
			if path == "" {
				path = "/"
			}
			out = append(out, Published{Port: w.PortName(), Host: r.Hostnames[0], Path: path, Exact: rule.Path.Type == "Exact",
				Via: "route", Field: fmt.Sprintf("route.rules[%d].path", i)})
		}
	}
	return out
}

// pathCovers reports whether prefix, matched as a Prefix path (element by
// element, as Ingress and Gateway API routes do), covers path.
func pathCovers(prefix, path string) bool {
	prefix = strings.TrimSuffix(prefix, "/")
	if prefix == "" {
		return true
	}
	return path == prefix || strings.HasPrefix(path, prefix+"/")
}
