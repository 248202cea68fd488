package helm

import (
	"github.com/plinth-dev/plinth/generator/internal/tree"
)

// chartMetrics are the values of the chart's metrics template: the
// ServiceMonitor or PodMonitor of the service, read from the object the core
// built, so the chart renders the same one.
type chartMetrics struct {
	APIVersion  string            `json:"apiVersion"`
	Kind        string            `json:"kind"` // ServiceMonitor or PodMonitor
	Port        string            `json:"port"` // container port name
	Path        string            `json:"path"`
	Interval    string            `json:"interval,omitempty"`
	Labels      map[string]string `json:"labels"` // added to the service's labels
	LabelLimits *labelLimits      `json:"labelLimits,omitempty"`
}

type labelLimits struct {
	Count int64 `json:"count"`
	Name  int64 `json:"name"`
	Value int64 `json:"value"`
}

// metricsValues are the chart values of the workload's monitor, nil when it
// has none.
func metricsValues(wo tree.Workload) *chartMetrics {
	for _, o := range wo.Objects {
		var endpoints string
		switch {
		case o.Kind == "ServiceMonitor":
			endpoints = "endpoints"
		case o.Kind == "PodMonitor":
			endpoints = "podMetricsEndpoints"
		default:
			continue
		}
		md, _ := o.Value["metadata"].(map[string]any)
		spec, _ := o.Value["spec"].(map[string]any)
		v := &chartMetrics{APIVersion: o.APIVersion, Kind: o.Kind, Labels: map[string]string{}}
		labels, _ := md["labels"].(map[string]any)
		for k, l := range labels {
			if s, _ := l.(string); wo.Labels[k] != s {
				v.Labels[k] = s
			}
		}
		if eps, _ := spec[endpoints].([]any); len(eps) > 0 {
			ep, _ := eps[0].(map[string]any)
			v.Port, _ = ep["port"].(string)
			v.Path, _ = ep["path"].(string)
			v.Interval, _ = ep["interval"].(string)
		}
		if n, ok := spec["labelLimit"].(float64); ok {
			nameLen, _ := spec["labelNameLengthLimit"].(float64)
			valueLen, _ := spec["labelValueLengthLimit"].(float64)
			v.LabelLimits = &labelLimits{Count: int64(n), Name: int64(nameLen), Value: int64(valueLen)}
		}
		return v
	}
	return nil
}
