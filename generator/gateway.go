package generator

import (
	"maps"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/plinth-dev/plinth/generator/internal/tree"
	"github.com/plinth-dev/plinth/schemas"
)

// labelCanaryOf marks the canary's objects with the service they are a
// canary of.
const labelCanaryOf = tree.LabelCanaryOf

const gatewayAPI = "gateway.networking.k8s.io/v1"

// gatewayObjects are the environment's gateway namespace and Gateway
// (seed 004 "3. Ingress 컨트롤러 선택", Application Gateway for Containers):
// an HTTPS listener per hostname whose certificate cert-manager issues into
// the listener's Secret (the ClusterIssuer annotation, as on Ingresses), and
// routes accepted only from the environment's team namespaces, named by
// the label the API server sets on every namespace.
func (b *builder) gatewayObjects(env schemas.Environment, cluster schemas.Cluster) ([]tree.Object, error) {
	g := env.Gateway
	if g == nil {
		return nil, nil
	}
	nsLabels := b.commonLabels(map[string]string{labelEnv: env.Name, labelTier: env.Tier})
	psa := env.Policy.PodSecurity
	for mode, level := range map[string]string{"enforce": psa.Enforce, "audit": psa.Audit, "warn": psa.Warn} {
		if level != "" {
			nsLabels["pod-security.kubernetes.io/"+mode] = level
			nsLabels["pod-security.kubernetes.io/"+mode+"-version"] = "v" + cluster.KubernetesVersion
		}
	}
	annotations := map[string]string{annoIssuer: g.ClusterIssuer}
	maps.Copy(annotations, g.Annotations)
	gw := &gatewayv1.Gateway{
		TypeMeta: metav1.TypeMeta{APIVersion: gatewayAPI, Kind: "Gateway"},
		ObjectMeta: metav1.ObjectMeta{Name: g.Name, Namespace: g.Namespace, Annotations: annotations,
			Labels: b.commonLabels(map[string]string{labelEnv: env.Name})},
		Spec: gatewayv1.GatewaySpec{GatewayClassName: gatewayv1.ObjectName(g.ClassName)},
	}
	allowed := &gatewayv1.AllowedRoutes{
		Namespaces: &gatewayv1.RouteNamespaces{
			From: new(gatewayv1.NamespacesFromSelector),
			Selector: &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{
				Key: corev1.LabelMetadataName, Operator: metav1.LabelSelectorOpIn, Values: g.AllowedNamespaces,
			}}},
		},
		Kinds: []gatewayv1.RouteGroupKind{{Kind: "HTTPRoute"}, {Kind: "GRPCRoute"}},
	}
	for _, h := range g.Hostnames {
		name := schemas.ListenerName(h)
		gw.Spec.Listeners = append(gw.Spec.Listeners, gatewayv1.Listener{
			Name:     gatewayv1.SectionName(name),
			Hostname: new(gatewayv1.Hostname(h)),
			Port:     443,
			Protocol: gatewayv1.HTTPSProtocolType,
			TLS: &gatewayv1.ListenerTLSConfig{
				Mode:            new(gatewayv1.TLSModeTerminate),
				CertificateRefs: []gatewayv1.SecretObjectReference{{Kind: new(gatewayv1.Kind("Secret")), Name: gatewayv1.ObjectName(name + "-tls")}},
			},
			AllowedRoutes: allowed,
		})
	}
	return tree.FromTypedList([]any{
		&corev1.Namespace{
			TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Namespace"},
			ObjectMeta: metav1.ObjectMeta{Name: g.Namespace, Labels: nsLabels},
		},
		gw,
	})
}

// httpRoute is the service's HTTPRoute on its environment's Gateway: its
// hostnames and matches, to the service's port, and with a canary weighted
// between the two Services (seed 004 "고급 기능 - 트래픽 분할 (Canary)").
func httpRoute(w schemas.Workload, labels map[string]string) *gatewayv1.HTTPRoute {
	r := w.Route
	rt := &gatewayv1.HTTPRoute{
		TypeMeta:   metav1.TypeMeta{APIVersion: gatewayAPI, Kind: "HTTPRoute"},
		ObjectMeta: metav1.ObjectMeta{Name: w.Name, Namespace: w.Namespace, Labels: labels},
	}
	rt.Spec.CommonRouteSpec, rt.Spec.Hostnames = parentRefs(r), hostnames(r.Hostnames)
	var backends []gatewayv1.HTTPBackendRef
	for _, b := range weightedBackends(w, w.Port) {
		backends = append(backends, gatewayv1.HTTPBackendRef{BackendRef: b})
	}
	for _, rule := range r.Rules {
		m := gatewayv1.HTTPRouteMatch{Path: &gatewayv1.HTTPPathMatch{
			Type: new(gatewayv1.PathMatchType(rule.Path.Type)), Value: new(rule.Path.Value),
		}}
		for _, h := range rule.Headers {
			m.Headers = append(m.Headers, gatewayv1.HTTPHeaderMatch{
				Type: new(gatewayv1.HeaderMatchType(h.Type)), Name: gatewayv1.HTTPHeaderName(h.Name), Value: h.Value,
			})
		}
		rt.Spec.Rules = append(rt.Spec.Rules, gatewayv1.HTTPRouteRule{Matches: []gatewayv1.HTTPRouteMatch{m}, BackendRefs: backends})
	}
	return rt
}

// grpcRoute is the service's GRPCRoute to its gRPC port (seed 004 "3.
// Ingress 컨트롤러 선택", "gRPC 지원"), weighted like the HTTPRoute.
func grpcRoute(w schemas.Workload, labels map[string]string, port int) *gatewayv1.GRPCRoute {
	var backends []gatewayv1.GRPCBackendRef
	for _, b := range weightedBackends(w, port) {
		backends = append(backends, gatewayv1.GRPCBackendRef{BackendRef: b})
	}
	rt := &gatewayv1.GRPCRoute{
		TypeMeta:   metav1.TypeMeta{APIVersion: gatewayAPI, Kind: "GRPCRoute"},
		ObjectMeta: metav1.ObjectMeta{Name: w.Name, Namespace: w.Namespace, Labels: labels},
	}
	rt.Spec.CommonRouteSpec, rt.Spec.Hostnames = parentRefs(w.Route), hostnames(w.GRPCRouteHostnames())
	rt.Spec.Rules = []gatewayv1.GRPCRouteRule{{BackendRefs: backends}}
	return rt
}

// parentRefs attach a route to its environment's Gateway.
func parentRefs(r *schemas.Route) gatewayv1.CommonRouteSpec {
	g := r.Gateway
	if g == nil {
		return gatewayv1.CommonRouteSpec{}
	}
	return gatewayv1.CommonRouteSpec{ParentRefs: []gatewayv1.ParentReference{{
		Group: new(gatewayv1.Group(gatewayv1.GroupName)), Kind: new(gatewayv1.Kind("Gateway")),
		Namespace: new(gatewayv1.Namespace(g.Namespace)), Name: gatewayv1.ObjectName(g.Name),
	}}}
}

func hostnames(hosts []string) []gatewayv1.Hostname {
	out := make([]gatewayv1.Hostname, 0, len(hosts))
	for _, h := range hosts {
		out = append(out, gatewayv1.Hostname(h))
	}
	return out
}

// weightedBackends are a route's references to port of the service's
// Service and, with a canary, of the canary's, weighted 100-weight and
// weight (seed 004 "고급 기능 - 트래픽 분할 (Canary)").
func weightedBackends(w schemas.Workload, port int) []gatewayv1.BackendRef {
	backend := func(name string) gatewayv1.BackendRef {
		return gatewayv1.BackendRef{BackendObjectReference: gatewayv1.BackendObjectReference{
			Kind: new(gatewayv1.Kind("Service")), Name: gatewayv1.ObjectName(name), Port: new(gatewayv1.PortNumber(int32(port))),
		}}
	}
	out := []gatewayv1.BackendRef{backend(w.Name)}
	if c := w.Route.Canary; c != nil && w.Kind != "CronJob" {
		out[0].Weight = new(int32(100 - c.Weight))
		canary := backend(c.Name)
		canary.Weight = new(int32(c.Weight))
		out = append(out, canary)
	}
	return out
}

// canaryObjects are the canary's Deployment and Service, and its
// PodDisruptionBudget under the same rule as the service's (a PDB policy
// and more than one replica), derived from the service's own objects in
// typed: the same hardened pod, ServiceAccount (so the same workload
// identity), secrets and ports, with the canary's image, replicas and
// labels. Its pods are labelled app.kubernetes.io/name=<service>-canary,
// so neither version's selectors take the other's pods. It has no
// HorizontalPodAutoscaler: its share of the traffic is the route's weight,
// and its replicas are fixed for the length of the trial.
func (b *builder) canaryObjects(w schemas.Workload, typed []any) []any {
	c := w.Route.Canary
	labels := b.commonLabels(map[string]string{labelName: c.Name, labelTeam: w.Team, labelCanaryOf: w.Name})
	selector := map[string]string{labelName: c.Name}
	var out []any
	for _, o := range typed {
		switch v := o.(type) {
		case *appsv1.Deployment:
			d := v.DeepCopy()
			d.Name, d.Labels = c.Name, labels
			d.Spec.Replicas = new(int32(c.Replicas))
			d.Spec.Selector = &metav1.LabelSelector{MatchLabels: selector}
			pod := &d.Spec.Template
			pod.Labels[labelName], pod.Labels[labelCanaryOf] = c.Name, w.Name
			for i := range pod.Spec.Containers {
				if pod.Spec.Containers[i].Name == w.Name {
					pod.Spec.Containers[i].Image = c.Image
				}
			}
			for i := range pod.Spec.TopologySpreadConstraints {
				pod.Spec.TopologySpreadConstraints[i].LabelSelector = &metav1.LabelSelector{MatchLabels: selector}
			}
			if a := pod.Spec.Affinity; a != nil && a.PodAntiAffinity != nil {
				for i := range a.PodAntiAffinity.PreferredDuringSchedulingIgnoredDuringExecution {
					a.PodAntiAffinity.PreferredDuringSchedulingIgnoredDuringExecution[i].PodAffinityTerm.LabelSelector = &metav1.LabelSelector{MatchLabels: selector}
				}
			}
			out = append(out, d)
		case *corev1.Service:
			s := v.DeepCopy()
			s.Name, s.Labels, s.Spec.Selector = c.Name, labels, selector
			out = append(out, s)
		}
	}
	if w.PDB && c.Replicas > 1 {
		out = append(out, &policyv1.PodDisruptionBudget{
			TypeMeta:   metav1.TypeMeta{APIVersion: "policy/v1", Kind: "PodDisruptionBudget"},
			ObjectMeta: metav1.ObjectMeta{Name: c.Name, Namespace: w.Namespace, Labels: labels},
			Spec: policyv1.PodDisruptionBudgetSpec{
				MaxUnavailable: new(intstr.FromInt32(1)),
				Selector:       &metav1.LabelSelector{MatchLabels: selector},
			},
		})
	}
	return out
}

// routeObjects are the objects a workload's route adds: the HTTPRoute
// (unless its primary port is its gRPC port), the GRPCRoute of its gRPC
// port, and the canary's.
func (b *builder) routeObjects(w schemas.Workload, labels map[string]string, typed []any) []any {
	if w.Route == nil || w.Port == 0 {
		return nil
	}
	var out []any
	http, grpc := w.RouteKinds()
	if http {
		out = append(out, httpRoute(w, labels))
	}
	if p, ok := w.GRPCPort(); grpc && ok {
		out = append(out, grpcRoute(w, labels, p.Port))
	}
	if w.Route.Canary != nil && w.Kind != "CronJob" {
		out = append(out, b.canaryObjects(w, typed)...)
	}
	return out
}

// netpolSelector selects the pods of a workload and of its canary, which
// its NetworkPolicy covers alike.
func netpolSelector(w schemas.Workload, selector map[string]string) metav1.LabelSelector {
	if w.Route == nil || w.Route.Canary == nil {
		return metav1.LabelSelector{MatchLabels: selector}
	}
	return metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{
		Key: labelName, Operator: metav1.LabelSelectorOpIn, Values: []string{w.Name, w.Route.Canary.Name},
	}}}
}

// gatewayPeers are what a routed workload's NetworkPolicy admits from its
// gateway: the gateway's namespace (an in-cluster data plane) and its
// source ranges (one outside the cluster, like Application Gateway for
// Containers in its subnet).
func gatewayPeers(w schemas.Workload) []peerRef {
	if w.Route == nil || w.Route.Gateway == nil {
		return nil
	}
	g := w.Route.Gateway
	out := []peerRef{{Namespace: g.Namespace}}
	for _, r := range g.SourceRanges {
		out = append(out, peerRef{CIDR: r})
	}
	return out
}

// canaryPeer is the peer a dependency admits for a caller's canary pods
// (which call what the service calls).
func canaryPeer(cw *schemas.Workload) []peerRef {
	if cw.Route == nil || cw.Route.Canary == nil || cw.Port == 0 {
		return nil
	}
	return []peerRef{{Namespace: cw.Namespace, Name: cw.Route.Canary.Name}}
}
