package generator

import (
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/plinth-dev/plinth/generator/internal/tree"
	"github.com/plinth-dev/plinth/schemas"
)

// containerPorts are every port of a workload, by name and protocol.
func containerPorts(w schemas.Workload) []corev1.ContainerPort {
	var out []corev1.ContainerPort
	for _, p := range w.AllPorts() {
		out = append(out, corev1.ContainerPort{Name: p.Name, ContainerPort: int32(p.Port), Protocol: corev1.Protocol(p.Protocol)})
	}
	return out
}

// servicePorts are the ports the workload's Service exposes, each to the
// container port of its name.
func servicePorts(w schemas.Workload) []corev1.ServicePort {
	var out []corev1.ServicePort
	for _, p := range w.ServedPorts() {
		sp := corev1.ServicePort{Name: p.Name, Port: int32(p.Port), TargetPort: intstr.FromString(p.Name), Protocol: corev1.Protocol(p.Protocol)}
		if p.AppProtocol != "" {
			sp.AppProtocol = new(p.AppProtocol)
		}
		out = append(out, sp)
	}
	return out
}

// netpolPorts are the ports of a NetworkPolicy rule.
func netpolPorts(ports []tree.NetpolPort) []networkingv1.NetworkPolicyPort {
	var out []networkingv1.NetworkPolicyPort
	for _, p := range ports {
		out = append(out, networkingv1.NetworkPolicyPort{Protocol: new(corev1.Protocol(p.Protocol)), Port: new(intstr.FromInt32(int32(p.Port)))})
	}
	return out
}
