package conformance

import (
	"context"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/plinth-dev/plinth/schemas"
)

// TestMonitorCRDs checks that the API server validates ServiceMonitors and
// PodMonitors of both groups plinth writes (the Prometheus Operator's and
// Azure Monitor managed Prometheus'), so that the zero problems of the
// conformance test on the init example's monitors mean something.
func TestMonitorCRDs(t *testing.T) {
	srv := startServer(t)
	ns := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "v1", "kind": "Namespace", "metadata": map[string]any{"name": "harness-metrics"},
	}}
	monitor := func(apiVersion, kind, name string, endpoint map[string]any) Object {
		endpoints := "endpoints"
		if kind == "PodMonitor" {
			endpoints = "podMetricsEndpoints"
		}
		return Object{Source: "t", Value: &unstructured.Unstructured{Object: map[string]any{
			"apiVersion": apiVersion, "kind": kind,
			"metadata": map[string]any{"name": name, "namespace": "harness-metrics"},
			"spec": map[string]any{
				"selector": map[string]any{"matchLabels": map[string]any{"app.kubernetes.io/name": "api"}},
				endpoints:  []any{endpoint},
			},
		}}}
	}
	good := map[string]any{"port": "http", "path": "/metrics", "interval": "30s"}
	r := &Rendered{
		Namespaces:    []string{"harness-metrics"},
		namespaceObjs: map[string]*unstructured.Unstructured{"harness-metrics": ns},
		Objects: []Object{
			monitor("monitoring.coreos.com/v1", "ServiceMonitor", "operator-sm", good),
			monitor("monitoring.coreos.com/v1", "PodMonitor", "operator-pm", good),
			monitor("azmonitoring.coreos.com/v1", "ServiceMonitor", "azure-sm", good),
			monitor("azmonitoring.coreos.com/v1", "PodMonitor", "azure-pm", good),
			monitor("azmonitoring.coreos.com/v1", "ServiceMonitor", "bad-interval", map[string]any{"port": "http", "interval": "30 seconds"}),
			monitor("monitoring.coreos.com/v1", "PodMonitor", "unknown-field", map[string]any{"port": "http", "pth": "/metrics"}),
		},
	}
	problems, err := srv.Apply(context.Background(), r)
	if err != nil {
		t.Fatal(err)
	}
	all := strings.Join(problems, "\n")
	for _, want := range []string{
		"ServiceMonitor harness-metrics/bad-interval",
		"PodMonitor harness-metrics/unknown-field",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("problems do not name %s:\n%s", want, all)
		}
	}
	if len(problems) != 2 {
		t.Errorf("want 2 problems (the bad monitors), got:\n%s", all)
	}
}

// monitorKind is the kind of the scrape configuration of a workload with
// metrics.
func monitorKind(w schemas.Workload) string {
	if w.Metrics.Service {
		return "ServiceMonitor"
	}
	return "PodMonitor"
}
