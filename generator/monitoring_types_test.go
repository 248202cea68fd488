package generator

import (
	"encoding/json"
	"testing"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// TestMonitorTypesMarshalLikeUpstream proves plinth's monitor structs give
// the same JSON as the Prometheus Operator's types for the values plinth sets.
func TestMonitorTypesMarshalLikeUpstream(t *testing.T) {
	tm := func(kind string) metav1.TypeMeta {
		return metav1.TypeMeta{APIVersion: monitoringAPIVersion, Kind: kind}
	}
	om := metav1.ObjectMeta{Name: "api", Namespace: "shop", Labels: map[string]string{"app": "api", "release": "prom"}}
	sel := metav1.LabelSelector{MatchLabels: map[string]string{"app": "api"}}
	lc, ln, lv := new(int64(63)), new(int64(511)), new(int64(1023))
	cases := []struct {
		name       string
		ours, them any
	}{
		{"service monitor, full",
			&serviceMonitor{TypeMeta: tm(serviceMonitorKind), ObjectMeta: om, Spec: serviceMonitorSpec{Selector: sel,
				Endpoints: []monitorEndpoint{{Port: "metrics", Path: "/metrics", Interval: "30s"}}, LabelLimit: lc, LabelNameLengthLimit: ln, LabelValueLengthLimit: lv}},
			&monitoringv1.ServiceMonitor{TypeMeta: tm(monitoringv1.ServiceMonitorsKind), ObjectMeta: om, Spec: monitoringv1.ServiceMonitorSpec{Selector: sel,
				Endpoints: []monitoringv1.Endpoint{{Port: "metrics", Path: "/metrics", Interval: "30s"}}, LabelLimit: lc, LabelNameLengthLimit: ln, LabelValueLengthLimit: lv}}},
		{"service monitor, bare",
			&serviceMonitor{TypeMeta: tm(serviceMonitorKind), Spec: serviceMonitorSpec{Endpoints: []monitorEndpoint{{Port: "m"}}}},
			&monitoringv1.ServiceMonitor{TypeMeta: tm(monitoringv1.ServiceMonitorsKind), Spec: monitoringv1.ServiceMonitorSpec{Endpoints: []monitoringv1.Endpoint{{Port: "m"}}}}},
		{"pod monitor, full",
			&podMonitor{TypeMeta: tm(podMonitorKind), ObjectMeta: om, Spec: podMonitorSpec{Selector: sel,
				PodMetricsEndpoints: []podMetricsEndpoint{{Port: new("metrics"), Path: "/metrics", Interval: "1m"}}, LabelLimit: lc, LabelNameLengthLimit: ln, LabelValueLengthLimit: lv}},
			&monitoringv1.PodMonitor{TypeMeta: tm(monitoringv1.PodMonitorsKind), ObjectMeta: om, Spec: monitoringv1.PodMonitorSpec{Selector: sel,
				PodMetricsEndpoints: []monitoringv1.PodMetricsEndpoint{{Port: new("metrics"), Path: "/metrics", Interval: "1m"}}, LabelLimit: lc, LabelNameLengthLimit: ln, LabelValueLengthLimit: lv}}},
		{"pod monitor, bare",
			&podMonitor{TypeMeta: tm(podMonitorKind), Spec: podMonitorSpec{PodMetricsEndpoints: []podMetricsEndpoint{{Port: new("m")}}}},
			&monitoringv1.PodMonitor{TypeMeta: tm(monitoringv1.PodMonitorsKind), Spec: monitoringv1.PodMonitorSpec{PodMetricsEndpoints: []monitoringv1.PodMetricsEndpoint{{Port: new("m")}}}}},
	}
	if monitoringAPIVersion != monitoringv1.SchemeGroupVersion.String() {
		t.Fatalf("monitoringAPIVersion = %q, upstream %q", monitoringAPIVersion, monitoringv1.SchemeGroupVersion.String())
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ours, err := json.Marshal(c.ours)
			if err != nil {
				t.Fatal(err)
			}
			them, err := json.Marshal(c.them)
			if err != nil {
				t.Fatal(err)
			}
			if string(ours) != string(them) {
				t.Errorf("JSON differs:\nours:     %s\nupstream: %s", ours, them)
			}
		})
	}
}
