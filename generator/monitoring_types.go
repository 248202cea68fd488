package generator

import metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

// The Prometheus Operator's ServiceMonitor and PodMonitor (monitoring.coreos.com/v1),
// reduced to the fields plinth sets, with the JSON names and omitempty/pointer
// semantics of the upstream types so the marshalled objects are the same bytes
// (monitoring_types_test.go compares them): importing the upstream API package
// cost the binary about 0.6 MB.

// Kinds of the scrape configuration.
const (
	serviceMonitorKind = "ServiceMonitor"
	podMonitorKind     = "PodMonitor"
)

// monitoringAPIVersion is the Prometheus Operator's group and version.
const monitoringAPIVersion = "monitoring.coreos.com/v1"

// serviceMonitor scrapes the endpoints of a Service.
type serviceMonitor struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`
	Spec              serviceMonitorSpec `json:"spec"`
}

// serviceMonitorSpec holds the fields of a ServiceMonitor's spec that plinth sets.
type serviceMonitorSpec struct {
	Endpoints             []monitorEndpoint    `json:"endpoints"`
	Selector              metav1.LabelSelector `json:"selector"`
	NamespaceSelector     namespaceSelector    `json:"namespaceSelector,omitempty"`
	LabelLimit            *int64               `json:"labelLimit,omitempty"`
	LabelNameLengthLimit  *int64               `json:"labelNameLengthLimit,omitempty"`
	LabelValueLengthLimit *int64               `json:"labelValueLengthLimit,omitempty"`
}

// monitorEndpoint is a ServiceMonitor endpoint.
type monitorEndpoint struct {
	Port     string `json:"port,omitempty"`
	Path     string `json:"path,omitempty"`
	Interval string `json:"interval,omitempty"`
}

// podMonitor scrapes pods directly.
type podMonitor struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`
	Spec              podMonitorSpec `json:"spec"`
}

// podMonitorSpec holds the fields of a PodMonitor's spec that plinth sets.
type podMonitorSpec struct {
	PodMetricsEndpoints   []podMetricsEndpoint `json:"podMetricsEndpoints"`
	Selector              metav1.LabelSelector `json:"selector"`
	NamespaceSelector     namespaceSelector    `json:"namespaceSelector,omitempty"`
	LabelLimit            *int64               `json:"labelLimit,omitempty"`
	LabelNameLengthLimit  *int64               `json:"labelNameLengthLimit,omitempty"`
	LabelValueLengthLimit *int64               `json:"labelValueLengthLimit,omitempty"`
}

// podMetricsEndpoint is a PodMonitor endpoint.
type podMetricsEndpoint struct {
	Port     *string `json:"port,omitempty"`
	Path     string  `json:"path,omitempty"`
	Interval string  `json:"interval,omitempty"`
}

// namespaceSelector is always empty (the monitor's own namespace) and, as
// upstream, marshalled as {}.
type namespaceSelector struct {
	Any        bool     `json:"any,omitempty"`
	MatchNames []string `json:"matchNames,omitempty"`
}
