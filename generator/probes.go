package generator

import (
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/plinth-dev/plinth/generator/internal/tree"
	"github.com/plinth-dev/plinth/schemas"
)

// containerProbes are the probes of a workload as resolved by the schema
// (ports named, timings set). A liveness and a readiness probe that both
// open the same TCP port differ in their timings (the default liveness
// probe is slower); the liveness one names the port by number, because
// kube-score (pod-probes-identical) compares TCP probes by their port
// value alone and would call them identical.
func containerProbes(w schemas.Workload) tree.ContainerProbes {
	ports := w.AllPorts()
	out := tree.ContainerProbes{
		Liveness:  kubeProbe(w.Probes.Liveness, ports),
		Readiness: kubeProbe(w.Probes.Readiness, ports),
		Startup:   kubeProbe(w.Probes.Startup, ports),
	}
	if l, r := w.Probes.Liveness, w.Probes.Readiness; l != nil && r != nil && l.TCP != nil && r.TCP != nil && l.TCP.Port == r.TCP.Port {
		if n := portNumber(ports, l.TCP.Port); n > 0 {
			out.Liveness.TCPSocket.Port = intstr.FromInt32(n)
		}
	}
	return out
}

// kubeProbe is the Kubernetes form of a probe; ports are referred to by
// name, except gRPC's, which the API takes as a number only.
func kubeProbe(p *schemas.Probe, ports []schemas.Port) *corev1.Probe {
	if p == nil {
		return nil
	}
	k := &corev1.Probe{
		InitialDelaySeconds: int32(p.InitialDelaySeconds),
		PeriodSeconds:       int32(p.PeriodSeconds),
		TimeoutSeconds:      int32(p.TimeoutSeconds),
		FailureThreshold:    int32(p.FailureThreshold),
		SuccessThreshold:    int32(p.SuccessThreshold),
	}
	switch {
	case p.HTTP != nil:
		k.HTTPGet = &corev1.HTTPGetAction{Path: p.HTTP.Path, Port: intstr.FromString(p.HTTP.Port)}
	case p.TCP != nil:
		k.TCPSocket = &corev1.TCPSocketAction{Port: intstr.FromString(p.TCP.Port)}
	case p.GRPC != nil:
		// service is always written ("": the server as a whole), since
		// the API type does not omit an unset one and the chart's values
		// would carry it as null.
		k.GRPC = &corev1.GRPCAction{Port: portNumber(ports, p.GRPC.Port), Service: new(p.GRPC.Service)}
	case p.Exec != nil:
		k.Exec = &corev1.ExecAction{Command: append([]string(nil), p.Exec.Command...)}
	}
	return k
}

// portNumber is the number of the port named name, or 0.
func portNumber(ports []schemas.Port, name string) int32 {
	for _, p := range ports {
		if p.Name == name {
			return int32(p.Port)
		}
	}
	return 0
}
