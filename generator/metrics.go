package generator

import (
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/plinth-dev/plinth/generator/internal/tree"
	"github.com/plinth-dev/plinth/schemas"
)

// Scrape configuration of a workload's metrics endpoint (seed 003
// "애플리케이션을 손쉽게 모니터링 가능하도록 설정"): a ServiceMonitor when the
// port is on the workload's Service, else a PodMonitor, of the Prometheus
// Operator (monitoring.coreos.com) or of Azure Monitor managed Prometheus
// (azmonitoring.coreos.com, the same CRDs under another group: seed 004
// "모니터링 및 로깅 > 2. Prometheus 및 Grafana"), and the NetworkPolicy rule
// that lets the scraper through the namespace's default deny on the metrics
// port only.

// API versions of the scrape configuration.
var monitorAPIVersion = map[string]string{
	schemas.PrometheusOperator:     monitoringAPIVersion,
	schemas.PrometheusAzureManaged: "azmonitoring.coreos.com/v1",
}

// Azure Monitor's managed Prometheus drops the targets of a monitor that
// sets no label limits; these are the limits its documented templates set.
var azureLabelLimits = struct{ count, name, value int64 }{63, 511, 1023}

// monitor is the ServiceMonitor or PodMonitor of a workload with metrics
// (w.Metrics set), labelled like its other objects plus the cluster's
// monitor labels.
func (b *builder) monitor(w schemas.Workload, labels, selector map[string]string) any {
	mt := w.Metrics
	ml := make(map[string]string, len(labels)+len(mt.Scraper.MonitorLabels))
	for k, v := range mt.Scraper.MonitorLabels {
		ml[k] = v
	}
	for k, v := range labels {
		ml[k] = v
	}
	head := func(kind string) (metav1.TypeMeta, metav1.ObjectMeta) {
		return metav1.TypeMeta{APIVersion: monitorAPIVersion[mt.Scraper.Prometheus], Kind: kind},
			metav1.ObjectMeta{Name: w.Name, Namespace: w.Namespace, Labels: ml}
	}
	var limits struct{ count, name, value *int64 }
	if mt.Scraper.Prometheus == schemas.PrometheusAzureManaged {
		limits.count, limits.name, limits.value = new(azureLabelLimits.count), new(azureLabelLimits.name), new(azureLabelLimits.value)
	}
	sel := metav1.LabelSelector{MatchLabels: selector}
	if mt.Service {
		tm, om := head(serviceMonitorKind)
		return &serviceMonitor{TypeMeta: tm, ObjectMeta: om, Spec: serviceMonitorSpec{
			Selector:              sel,
			Endpoints:             []monitorEndpoint{{Port: mt.PortName, Path: mt.Path, Interval: mt.Interval}},
			LabelLimit:            limits.count,
			LabelNameLengthLimit:  limits.name,
			LabelValueLengthLimit: limits.value,
		}}
	}
	tm, om := head(podMonitorKind)
	return &podMonitor{TypeMeta: tm, ObjectMeta: om, Spec: podMonitorSpec{
		Selector:              sel,
		PodMetricsEndpoints:   []podMetricsEndpoint{{Port: new(mt.PortName), Path: mt.Path, Interval: mt.Interval}},
		LabelLimit:            limits.count,
		LabelNameLengthLimit:  limits.name,
		LabelValueLengthLimit: limits.value,
	}}
}

// scrapePeer is who the workload's NetworkPolicy lets scrape its metrics,
// nil without metrics.
func scrapePeer(w schemas.Workload) *tree.ScrapePeer {
	if w.Metrics == nil {
		return nil
	}
	return &tree.ScrapePeer{Namespace: w.Metrics.Scraper.Namespace, Pods: w.Metrics.Scraper.Pods, Port: w.Metrics.Port}
}

// scrapeRule is the ingress rule that admits the scraper on the metrics
// port only.
func scrapeRule(s tree.ScrapePeer) networkingv1.NetworkPolicyIngressRule {
	return networkingv1.NetworkPolicyIngressRule{
		From: []networkingv1.NetworkPolicyPeer{{
			NamespaceSelector: nsSelector(s.Namespace),
			PodSelector:       &metav1.LabelSelector{MatchLabels: s.Pods},
		}},
		Ports: []networkingv1.NetworkPolicyPort{{Protocol: new(corev1.ProtocolTCP), Port: new(intstr.FromInt32(int32(s.Port)))}},
	}
}
