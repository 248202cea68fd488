package generator

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/plinth-dev/plinth/generator/internal/tree"
	"github.com/plinth-dev/plinth/schemas"
)

// Labels and annotations plinth sets.
const (
	labelName    = tree.LabelName
	labelTeam    = tree.LabelTeam
	labelEnv     = tree.LabelEnv
	labelTier    = tree.LabelTier
	labelWIUse   = "azure.workload.identity/use"
	annoWIClient = "azure.workload.identity/client-id"
	annoGKEGSA   = "iam.gke.io/gcp-service-account"
	annoIssuer   = "cert-manager.io/cluster-issuer"
	// Images are pinned (tag or digest, never :latest) and the platform
	// wants IfNotPresent; kube-score's Always rule is waived explicitly.
	annoKubeScoreIgnore = "kube-score/ignore"
	kubeScoreIgnored    = "container-image-pull-policy"
	clusterIssuer       = tree.ClusterIssuer
	ingressClass        = tree.IngressClass
	secretsMount        = "/mnt/secrets-store"
	csiDriver           = "secrets-store.csi.k8s.io"
	defaultIngNS        = "ingress-nginx"
	defaultVelero       = "velero"
	// GKE's managed Secret Manager add-on registers its own CSI driver
	// (the open-source Google provider, "gcp", runs under csiDriver).
	csiDriverGKE = "secrets-store-gke.csi.k8s.io"
)

// builder renders the objects of environments of one model.
type builder struct {
	m         *schemas.Model
	ingressNS string // namespace of the ingress controller
	veleroNS  string // namespace of Velero
}

func newBuilder(m *schemas.Model) *builder {
	b := &builder{m: m, ingressNS: defaultIngNS, veleroNS: defaultVelero}
	for _, a := range m.Addons {
		switch {
		case a.Name == "ingress-nginx" || a.Chart == "ingress-nginx":
			b.ingressNS = a.Namespace
		case a.Name == "velero" || a.Chart == "velero":
			b.veleroNS = a.Namespace
		}
	}
	return b
}

func (b *builder) commonLabels(extra map[string]string) map[string]string {
	return tree.CommonLabels(b.m, extra)
}

var namespaceOf = tree.NamespaceOf

// environment builds every object of one environment.
func (b *builder) environment(env schemas.Environment, cluster schemas.Cluster) (*tree.Env, error) {
	eo := &tree.Env{Env: env, Cluster: cluster, Infra: map[string][]tree.Object{}}
	for _, t := range b.m.Teams {
		objs, err := b.teamNamespace(env, cluster, t)
		if err != nil {
			return nil, fmt.Errorf("environment %s, team %s: %w", env.Name, t.Name, err)
		}
		eo.Infra[t.Name] = objs
	}
	if env.Backup != nil {
		o, err := b.schedule(env)
		if err != nil {
			return nil, fmt.Errorf("environment %s: backup: %w", env.Name, err)
		}
		eo.Velero = &o
	}
	gw, err := b.gatewayObjects(env, cluster)
	if err != nil {
		return nil, fmt.Errorf("environment %s: gateway: %w", env.Name, err)
	}
	eo.Gateway = gw
	byName := make(map[string]*schemas.Workload, len(env.Workloads))
	callers := map[string][]string{}
	for i := range env.Workloads {
		w := &env.Workloads[i]
		byName[w.Name] = w
		for _, d := range w.DependsOn {
			callers[d] = append(callers[d], w.Name)
		}
	}
	wos, err := b.workloads(env, byName, callers)
	if err != nil {
		return nil, err
	}
	eo.Workloads = append(eo.Workloads, wos...)
	if err := b.escape(eo); err != nil {
		return nil, fmt.Errorf("environment %s: %w", env.Name, err)
	}
	return eo, nil
}

// teamNamespace builds the namespace-level objects of a team in an environment.
func (b *builder) teamNamespace(env schemas.Environment, cluster schemas.Cluster, t schemas.Team) ([]tree.Object, error) {
	ns := namespaceOf(t.Name, env.Name)
	labels := b.commonLabels(map[string]string{labelTeam: t.Name})
	var typed []any

	nsLabels := b.commonLabels(map[string]string{labelTeam: t.Name, labelEnv: env.Name, labelTier: env.Tier})
	// Seed 004 "2. Pod Security Standards": PSA enforce/audit/warn labels.
	psa := env.Policy.PodSecurity
	for mode, level := range map[string]string{"enforce": psa.Enforce, "audit": psa.Audit, "warn": psa.Warn} {
		if level != "" {
			nsLabels["pod-security.kubernetes.io/"+mode] = level
			nsLabels["pod-security.kubernetes.io/"+mode+"-version"] = "v" + cluster.KubernetesVersion
		}
	}
	typed = append(typed, &corev1.Namespace{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Namespace"},
		ObjectMeta: metav1.ObjectMeta{Name: ns, Labels: nsLabels},
	})

	// Seed 004 "1. Azure AD 통합 및 RBAC": AAD groups bound to the built-in
	// roles in the namespace only.
	for _, r := range []struct {
		role   string
		groups []string
	}{{"admin", t.Access.Admin}, {"edit", t.Access.Edit}, {"view", t.Access.View}} {
		if len(r.groups) == 0 {
			continue
		}
		groups := append([]string(nil), r.groups...)
		sort.Strings(groups)
		rb := &rbacv1.RoleBinding{
			TypeMeta:   metav1.TypeMeta{APIVersion: "rbac.authorization.k8s.io/v1", Kind: "RoleBinding"},
			ObjectMeta: metav1.ObjectMeta{Name: t.Name + "-" + r.role, Namespace: ns, Labels: labels},
			RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: r.role},
		}
		for _, g := range groups {
			rb.Subjects = append(rb.Subjects, rbacv1.Subject{Kind: rbacv1.GroupKind, APIGroup: rbacv1.GroupName, Name: g})
		}
		typed = append(typed, rb)
	}

	// Seed 004 "리소스 관리 > 1. Resource Quotas".
	if q := t.Quota; q != nil {
		hard := corev1.ResourceList{}
		reqCPU, err := quantity("quota.cpu", q.CPU)
		if err != nil {
			return nil, err
		}
		reqMem, err := quantity("quota.memory", q.Memory)
		if err != nil {
			return nil, err
		}
		limCPU, err := limitQuantity("quota.limitsCPU", q.LimitsCPU, reqCPU)
		if err != nil {
			return nil, err
		}
		limMem, err := limitQuantity("quota.limitsMemory", q.LimitsMemory, reqMem)
		if err != nil {
			return nil, err
		}
		hard[corev1.ResourceRequestsCPU] = reqCPU
		hard[corev1.ResourceRequestsMemory] = reqMem
		hard[corev1.ResourceLimitsCPU] = limCPU
		hard[corev1.ResourceLimitsMemory] = limMem
		if q.Pods > 0 {
			hard[corev1.ResourcePods] = *resource.NewQuantity(int64(q.Pods), resource.DecimalSI)
		}
		typed = append(typed, &corev1.ResourceQuota{
			TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "ResourceQuota"},
			ObjectMeta: metav1.ObjectMeta{Name: t.Name, Namespace: ns, Labels: labels},
			Spec:       corev1.ResourceQuotaSpec{Hard: hard},
		})
	}

	// Seed 004 "리소스 관리 > 2. LimitRange".
	lr := env.Policy.LimitRange
	item := corev1.LimitRangeItem{Type: corev1.LimitTypeContainer}
	var err error
	if item.Default, err = resourceList("limitRange.default", lr.Default); err != nil {
		return nil, err
	}
	if item.DefaultRequest, err = resourceList("limitRange.defaultRequest", lr.DefaultRequest); err != nil {
		return nil, err
	}
	if item.Max, err = resourceList("limitRange.max", lr.Max); err != nil {
		return nil, err
	}
	if item.Default != nil || item.DefaultRequest != nil || item.Max != nil {
		typed = append(typed, &corev1.LimitRange{
			TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "LimitRange"},
			ObjectMeta: metav1.ObjectMeta{Name: t.Name, Namespace: ns, Labels: labels},
			Spec:       corev1.LimitRangeSpec{Limits: []corev1.LimitRangeItem{item}},
		})
	}

	// Seed 004 "2. Network Policy": deny everything, then allow DNS.
	typed = append(typed,
		&networkingv1.NetworkPolicy{
			TypeMeta:   metav1.TypeMeta{APIVersion: "networking.k8s.io/v1", Kind: "NetworkPolicy"},
			ObjectMeta: metav1.ObjectMeta{Name: "default-deny", Namespace: ns, Labels: labels},
			Spec: networkingv1.NetworkPolicySpec{
				PodSelector: metav1.LabelSelector{},
				PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeIngress, networkingv1.PolicyTypeEgress},
			},
		},
		&networkingv1.NetworkPolicy{
			TypeMeta:   metav1.TypeMeta{APIVersion: "networking.k8s.io/v1", Kind: "NetworkPolicy"},
			ObjectMeta: metav1.ObjectMeta{Name: "allow-dns", Namespace: ns, Labels: labels},
			Spec: networkingv1.NetworkPolicySpec{
				PodSelector: metav1.LabelSelector{},
				PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeEgress},
				Egress: []networkingv1.NetworkPolicyEgressRule{{
					To: []networkingv1.NetworkPolicyPeer{{
						NamespaceSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"kubernetes.io/metadata.name": "kube-system"}},
						PodSelector:       &metav1.LabelSelector{MatchLabels: map[string]string{"k8s-app": "kube-dns"}},
					}},
					Ports: []networkingv1.NetworkPolicyPort{
						{Protocol: new(corev1.ProtocolUDP), Port: new(intstr.FromInt32(53))},
						{Protocol: new(corev1.ProtocolTCP), Port: new(intstr.FromInt32(53))},
					},
				}},
			},
		},
	)
	return tree.FromTypedList(typed)
}

// schedule is the Velero Schedule of an environment (seed 004 "3. Backup 및
// Disaster Recovery": daily schedule over the environment's namespaces).
func (b *builder) schedule(env schemas.Environment) (tree.Object, error) {
	var nss []string
	for _, t := range b.m.Teams {
		nss = append(nss, namespaceOf(t.Name, env.Name))
	}
	c := tree.NewCR("velero.io/v1", "Schedule", env.Name, b.veleroNS, veleroScheduleSpec{
		Schedule:                   env.Backup.Schedule,
		UseOwnerReferencesInBackup: false,
		Template:                   veleroBackupSpec{IncludedNamespaces: nss, TTL: env.Backup.TTL},
	})
	c.Metadata.Labels = b.commonLabels(map[string]string{labelEnv: env.Name})
	return tree.FromTyped(c)
}

// workload builds the objects of one workload.
func (b *builder) workload(w schemas.Workload, byName map[string]*schemas.Workload, callers []string) (tree.Workload, error) {
	wo := tree.Workload{Spec: w}
	labels := b.commonLabels(map[string]string{labelName: w.Name, labelTeam: w.Team})
	selector := map[string]string{labelName: w.Name}
	meta := func(name string) metav1.ObjectMeta {
		return metav1.ObjectMeta{Name: name, Namespace: w.Namespace, Labels: labels}
	}
	var typed []any

	// ServiceAccount: Workload Identity when set, no token otherwise.
	sa := &corev1.ServiceAccount{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "ServiceAccount"},
		ObjectMeta: meta(w.Name),
	}
	switch w.Identity.Provider() {
	case "aks":
		sa.Annotations = map[string]string{annoWIClient: w.Identity.ClientID}
		sa.Labels = b.commonLabels(map[string]string{labelName: w.Name, labelTeam: w.Team, labelWIUse: "true"})
	case "gke":
		// GKE Workload Identity: the IAM service account the pods act as.
		// Pods get its tokens from the GKE metadata server, which knows
		// the pod's service account on its own; the Secret Manager add-on
		// asks the kubelet for a token of it. Neither reads a mounted
		// service account token, so it stays off.
		sa.Annotations = map[string]string{annoGKEGSA: w.Identity.GCPServiceAccount}
		sa.AutomountServiceAccountToken = new(false)
	default:
		sa.AutomountServiceAccountToken = new(false)
	}
	typed = append(typed, sa)

	pod, err := b.podTemplate(w, labels, selector)
	if err != nil {
		return wo, err
	}
	configurePod(w, &pod)
	place(&pod.Spec, w)
	c := pod.Spec.Containers[0]
	wo.Probes = tree.ContainerProbes{Liveness: c.LivenessProbe, Readiness: c.ReadinessProbe, Startup: c.StartupProbe}
	pdb := false
	switch w.Kind {
	case "CronJob":
		pod.Spec.RestartPolicy = corev1.RestartPolicyOnFailure
		pod.Spec.TopologySpreadConstraints = nil
		pod.Spec.Affinity = nil
		typed = append(typed, &batchv1.CronJob{
			TypeMeta:   metav1.TypeMeta{APIVersion: "batch/v1", Kind: "CronJob"},
			ObjectMeta: controllerMeta(meta(w.Name)),
			Spec: batchv1.CronJobSpec{
				Schedule:                   w.Schedule,
				ConcurrencyPolicy:          batchv1.ForbidConcurrent,
				StartingDeadlineSeconds:    new(int64(300)),
				SuccessfulJobsHistoryLimit: new(int32(3)),
				FailedJobsHistoryLimit:     new(int32(1)),
				JobTemplate: batchv1.JobTemplateSpec{
					ObjectMeta: metav1.ObjectMeta{Labels: labels},
					Spec: batchv1.JobSpec{
						BackoffLimit:            new(int32(2)),
						TTLSecondsAfterFinished: new(int32(86400)),
						Template:                pod,
					},
				},
			},
		})
	default:
		d := &appsv1.Deployment{
			TypeMeta:   metav1.TypeMeta{APIVersion: "apps/v1", Kind: "Deployment"},
			ObjectMeta: controllerMeta(meta(w.Name)),
			Spec: appsv1.DeploymentSpec{
				Selector:             &metav1.LabelSelector{MatchLabels: selector},
				RevisionHistoryLimit: new(int32(5)),
				Template:             pod,
			},
		}
		if w.Autoscale == nil {
			d.Spec.Replicas = new(int32(w.Replicas))
		}
		typed = append(typed, d)

		replicas := w.Replicas
		if w.Autoscale != nil {
			replicas = w.Autoscale.Min
			typed = append(typed, &autoscalingv2.HorizontalPodAutoscaler{
				TypeMeta:   metav1.TypeMeta{APIVersion: "autoscaling/v2", Kind: "HorizontalPodAutoscaler"},
				ObjectMeta: meta(w.Name),
				Spec: autoscalingv2.HorizontalPodAutoscalerSpec{
					ScaleTargetRef: autoscalingv2.CrossVersionObjectReference{APIVersion: "apps/v1", Kind: "Deployment", Name: w.Name},
					MinReplicas:    new(int32(w.Autoscale.Min)),
					MaxReplicas:    int32(w.Autoscale.Max),
					Metrics: []autoscalingv2.MetricSpec{{
						Type: autoscalingv2.ResourceMetricSourceType,
						Resource: &autoscalingv2.ResourceMetricSource{
							Name:   corev1.ResourceCPU,
							Target: autoscalingv2.MetricTarget{Type: autoscalingv2.UtilizationMetricType, AverageUtilization: new(int32(w.Autoscale.CPUUtilization))},
						},
					}},
				},
			})
		}
		pdb = w.PDB && replicas > 1
		if pdb {
			typed = append(typed, &policyv1.PodDisruptionBudget{
				TypeMeta:   metav1.TypeMeta{APIVersion: "policy/v1", Kind: "PodDisruptionBudget"},
				ObjectMeta: meta(w.Name),
				Spec: policyv1.PodDisruptionBudgetSpec{
					MaxUnavailable: new(intstr.FromInt32(1)),
					Selector:       &metav1.LabelSelector{MatchLabels: selector},
				},
			})
		}
	}

	if w.Port > 0 {
		typed = append(typed, &corev1.Service{
			TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Service"},
			ObjectMeta: meta(w.Name),
			Spec: corev1.ServiceSpec{
				Type:     corev1.ServiceTypeClusterIP,
				Selector: selector,
				Ports:    servicePorts(w),
			},
		})
	}

	if w.Ingress != nil && w.Port > 0 {
		path := w.Ingress.Path
		if path == "" {
			path = "/"
		}
		ing := &networkingv1.Ingress{
			TypeMeta:   metav1.TypeMeta{APIVersion: "networking.k8s.io/v1", Kind: "Ingress"},
			ObjectMeta: meta(w.Name),
			Spec: networkingv1.IngressSpec{
				IngressClassName: new(ingressClass),
				TLS:              []networkingv1.IngressTLS{{Hosts: []string{w.Ingress.Host}, SecretName: w.Name + "-tls"}},
				Rules: []networkingv1.IngressRule{{
					Host: w.Ingress.Host,
					IngressRuleValue: networkingv1.IngressRuleValue{HTTP: &networkingv1.HTTPIngressRuleValue{
						Paths: []networkingv1.HTTPIngressPath{{
							Path:     path,
							PathType: new(networkingv1.PathTypePrefix),
							Backend: networkingv1.IngressBackend{Service: &networkingv1.IngressServiceBackend{
								Name: w.Name, Port: networkingv1.ServiceBackendPort{Name: w.PortName()},
							}},
						}},
					}},
				}},
			},
		}
		ing.Annotations = map[string]string{annoIssuer: b.m.ClusterIssuer()}
		typed = append(typed, ing)
	}
	typed = append(typed, b.routeObjects(w, labels, typed)...)

	if w.Secrets != nil {
		typed = append(typed, b.secretProviderClass(w, labels))
	}
	if cm := configMap(w, labels); cm != nil {
		typed = append(typed, cm)
	}
	if w.Metrics != nil {
		typed = append(typed, b.monitor(w, labels, selector))
	}

	plan := b.netpolPlan(w, byName, callers)
	if np := b.networkPolicy(w, labels, selector, plan); np != nil {
		typed = append(typed, np)
	}
	if wo.Objects, err = tree.FromTypedList(typed); err != nil {
		return wo, err
	}
	tree.SortObjects(wo.Objects)
	wo.Labels, wo.PDB, wo.Plan = labels, pdb, plan
	wo.Requirements, err = requirements(w.Resources)
	return wo, err
}

// podTemplate is the restricted pod of a workload (seed 004 "Restricted Pod
// Security Context", "2. Multi-Zone Deployment").
func (b *builder) podTemplate(w schemas.Workload, labels, selector map[string]string) (corev1.PodTemplateSpec, error) {
	res, err := requirements(w.Resources)
	if err != nil {
		return corev1.PodTemplateSpec{}, err
	}
	podLabels := map[string]string{}
	for k, v := range labels {
		podLabels[k] = v
	}
	// Azure Workload Identity's webhook injects its own projected token
	// (audience api://AzureADTokenExchange) into pods with this label, so
	// the Kubernetes API token is never mounted (PLN-SEC-030).
	azureIdentity := w.Identity.Provider() == "aks"
	if azureIdentity {
		podLabels[labelWIUse] = "true"
	}
	sec := w.Security
	c := corev1.Container{
		Name:            w.Name,
		Image:           w.Image,
		ImagePullPolicy: corev1.PullIfNotPresent,
		Resources:       res,
		SecurityContext: &corev1.SecurityContext{
			RunAsNonRoot:             new(true),
			RunAsUser:                new(sec.RunAsUser),
			RunAsGroup:               new(sec.RunAsGroup),
			AllowPrivilegeEscalation: new(false),
			ReadOnlyRootFilesystem:   new(sec.ReadOnlyRootFilesystem),
			Capabilities:             &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}},
			SeccompProfile:           &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
		},
		VolumeMounts: []corev1.VolumeMount{{Name: "tmp", MountPath: "/tmp"}},
	}
	c.Ports = containerPorts(w)
	if w.Kind != "CronJob" {
		probes := containerProbes(w)
		c.LivenessProbe, c.ReadinessProbe, c.StartupProbe = probes.Liveness, probes.Readiness, probes.Startup
	}
	volumes := []corev1.Volume{{Name: "tmp", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}}}
	if w.Secrets != nil {
		c.VolumeMounts = append(c.VolumeMounts, corev1.VolumeMount{Name: "secrets-store", MountPath: secretsMount, ReadOnly: true})
		volumes = append(volumes, corev1.Volume{Name: "secrets-store", VolumeSource: corev1.VolumeSource{CSI: &corev1.CSIVolumeSource{
			Driver:           secretsDriver(w.Secrets),
			ReadOnly:         new(true),
			VolumeAttributes: map[string]string{"secretProviderClass": w.Name},
		}}})
	}
	spec := corev1.PodSpec{
		ServiceAccountName:           w.Name,
		AutomountServiceAccountToken: new(false),
		SecurityContext: &corev1.PodSecurityContext{
			RunAsNonRoot:   new(true),
			RunAsUser:      new(sec.RunAsUser),
			RunAsGroup:     new(sec.RunAsGroup),
			FSGroup:        new(sec.RunAsGroup),
			SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
		},
		Containers: []corev1.Container{c},
		Volumes:    volumes,
	}
	sel := &metav1.LabelSelector{MatchLabels: selector}
	if w.ZoneSpread {
		spec.TopologySpreadConstraints = append(spec.TopologySpreadConstraints, corev1.TopologySpreadConstraint{
			MaxSkew: 1, TopologyKey: "topology.kubernetes.io/zone", WhenUnsatisfiable: corev1.DoNotSchedule, LabelSelector: sel,
		})
	}
	spec.TopologySpreadConstraints = append(spec.TopologySpreadConstraints, corev1.TopologySpreadConstraint{
		MaxSkew: 1, TopologyKey: "kubernetes.io/hostname", WhenUnsatisfiable: corev1.ScheduleAnyway, LabelSelector: sel,
	})
	spec.Affinity = &corev1.Affinity{PodAntiAffinity: &corev1.PodAntiAffinity{
		PreferredDuringSchedulingIgnoredDuringExecution: []corev1.WeightedPodAffinityTerm{{
			Weight:          100,
			PodAffinityTerm: corev1.PodAffinityTerm{LabelSelector: sel, TopologyKey: "kubernetes.io/hostname"},
		}},
	}}
	return corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: podLabels}, Spec: spec}, nil
}

// controllerMeta adds the annotations of a pod controller.
func controllerMeta(m metav1.ObjectMeta) metav1.ObjectMeta {
	m.Annotations = map[string]string{annoKubeScoreIgnore: kubeScoreIgnored}
	return m
}

// secretsDriver is the CSI driver that mounts the secrets' store.
func secretsDriver(s *schemas.Secrets) string {
	if s.Provider() == "gke" {
		return csiDriverGKE
	}
	return csiDriver
}

// secretProviderClass names the secrets to mount, never their values: Key
// Vault objects (seed 004 "4. Azure Key Vault 통합", Workload Identity
// variant) or Google Secret Manager secrets through GKE's Secret Manager
// add-on (provider "gke"), each at the latest version, in a file named
// after it.
func (b *builder) secretProviderClass(w schemas.Workload, labels map[string]string) any {
	objs := append([]string(nil), w.Secrets.Objects...)
	sort.Strings(objs)
	var provider string
	var params map[string]string
	if w.Secrets.Provider() == "gke" {
		var list strings.Builder
		for _, o := range objs {
			fmt.Fprintf(&list, "- resourceName: %q\n  path: %q\n", "projects/"+w.Secrets.GCPProject+"/secrets/"+o+"/versions/latest", o)
		}
		provider = "gke"
		params = map[string]string{"secrets": strings.TrimSuffix(list.String(), "\n")}
	} else {
		var arr strings.Builder
		arr.WriteString("array:\n")
		for _, o := range objs {
			fmt.Fprintf(&arr, "  - |\n    objectName: %s\n    objectType: secret\n", o)
		}
		provider = "azure"
		params = map[string]string{
			"usePodIdentity":       "false",
			"useVMManagedIdentity": "false",
			"keyvaultName":         w.Secrets.KeyVault,
			"objects":              strings.TrimSuffix(arr.String(), "\n"),
		}
		if w.Identity.Provider() == "aks" {
			params["clientID"] = w.Identity.ClientID
		}
		if w.Secrets.TenantID != "" {
			params["tenantId"] = w.Secrets.TenantID
		}
	}
	c := tree.NewCR("secrets-store.csi.x-k8s.io/v1", "SecretProviderClass", w.Name, w.Namespace,
		secretProviderClassSpec{Provider: provider, Parameters: params, SecretObjects: secretObjects(w)})
	c.Metadata.Labels = labels
	return c
}

type (
	netpolPlan = tree.NetpolPlan
	peerRef    = tree.PeerRef
)

func (b *builder) netpolPlan(w schemas.Workload, byName map[string]*schemas.Workload, callers []string) netpolPlan {
	var p netpolPlan
	if w.Port > 0 {
		p.Ports = tree.NetpolPorts(w.ServedPorts())
		if w.Ingress != nil {
			p.From = append(p.From, peerRef{Namespace: b.ingressNS})
		}
		p.From = append(p.From, gatewayPeers(w)...)
		cs := append([]string(nil), callers...)
		sort.Strings(cs)
		for _, c := range cs {
			if cw, ok := byName[c]; ok {
				p.From = append(p.From, peerRef{Namespace: cw.Namespace, Name: cw.Name})
				p.From = append(p.From, canaryPeer(cw)...)
			}
		}
	}
	for _, d := range w.DependsOn {
		if dw, ok := byName[d]; ok {
			p.Egress = append(p.Egress, peerRef{Namespace: dw.Namespace, Name: dw.Name, Ports: tree.NetpolPorts(dw.ServedPorts())})
		}
	}
	p.EgressCIDR = w.Egress
	p.Scrape = scrapePeer(w)
	if w.Identity.Provider() == "gke" {
		p.EgressCIDR = slices.Concat(w.Egress, gkeMetadataEgress)
	}
	return p
}

// gkeMetadataEgress lets pods with GKE Workload Identity through the
// namespace's default deny to the GKE metadata server on their node, where
// they get their Google credentials: at 169.254.169.254 (TCP 80, 8080) with
// GKE Dataplane V2, at 169.254.169.252 (TCP 987, 988) with Calico network
// policy. Nothing else answers on these link-local addresses.
var gkeMetadataEgress = []schemas.Egress{
	{CIDR: "169.254.169.254/32", Ports: []int{80, 8080}, Protocol: "TCP"},
	{CIDR: "169.254.169.252/32", Ports: []int{987, 988}, Protocol: "TCP"},
}

// networkPolicy is the allow policy of a workload, nil when it needs none.
func (b *builder) networkPolicy(w schemas.Workload, labels, selector map[string]string, p netpolPlan) *networkingv1.NetworkPolicy {
	np := &networkingv1.NetworkPolicy{
		TypeMeta:   metav1.TypeMeta{APIVersion: "networking.k8s.io/v1", Kind: "NetworkPolicy"},
		ObjectMeta: metav1.ObjectMeta{Name: w.Name, Namespace: w.Namespace, Labels: labels},
		Spec:       networkingv1.NetworkPolicySpec{PodSelector: netpolSelector(w, selector)},
	}
	if len(p.From) > 0 {
		rule := networkingv1.NetworkPolicyIngressRule{
			Ports: netpolPorts(p.Ports),
		}
		for _, f := range p.From {
			if f.CIDR != "" {
				rule.From = append(rule.From, networkingv1.NetworkPolicyPeer{IPBlock: &networkingv1.IPBlock{CIDR: f.CIDR}})
				continue
			}
			peer := networkingv1.NetworkPolicyPeer{NamespaceSelector: nsSelector(f.Namespace)}
			if f.Name != "" {
				peer.PodSelector = &metav1.LabelSelector{MatchLabels: map[string]string{labelName: f.Name}}
			}
			rule.From = append(rule.From, peer)
		}
		np.Spec.PolicyTypes = append(np.Spec.PolicyTypes, networkingv1.PolicyTypeIngress)
		np.Spec.Ingress = []networkingv1.NetworkPolicyIngressRule{rule}
	}
	if p.Scrape != nil {
		if len(np.Spec.Ingress) == 0 {
			np.Spec.PolicyTypes = append(np.Spec.PolicyTypes, networkingv1.PolicyTypeIngress)
		}
		np.Spec.Ingress = append(np.Spec.Ingress, scrapeRule(*p.Scrape))
	}
	for _, e := range p.Egress {
		rule := networkingv1.NetworkPolicyEgressRule{To: []networkingv1.NetworkPolicyPeer{{
			NamespaceSelector: nsSelector(e.Namespace),
			PodSelector:       &metav1.LabelSelector{MatchLabels: map[string]string{labelName: e.Name}},
		}}}
		rule.Ports = netpolPorts(e.Ports)
		np.Spec.Egress = append(np.Spec.Egress, rule)
	}
	for _, e := range p.EgressCIDR {
		rule := networkingv1.NetworkPolicyEgressRule{To: []networkingv1.NetworkPolicyPeer{{
			IPBlock: &networkingv1.IPBlock{CIDR: e.CIDR, Except: e.Except},
		}}}
		for _, port := range e.Ports {
			rule.Ports = append(rule.Ports, networkingv1.NetworkPolicyPort{Protocol: new(corev1.Protocol(e.Protocol)), Port: new(intstr.FromInt32(int32(port)))})
		}
		np.Spec.Egress = append(np.Spec.Egress, rule)
	}
	if len(np.Spec.Egress) > 0 {
		np.Spec.PolicyTypes = append(np.Spec.PolicyTypes, networkingv1.PolicyTypeEgress)
	}
	if len(np.Spec.PolicyTypes) == 0 {
		return nil
	}
	return np
}

func nsSelector(ns string) *metav1.LabelSelector {
	return &metav1.LabelSelector{MatchLabels: map[string]string{"kubernetes.io/metadata.name": ns}}
}

func quantity(field, s string) (resource.Quantity, error) {
	q, err := resource.ParseQuantity(s)
	if err != nil {
		return q, fmt.Errorf("%s: %q is not a Kubernetes quantity", field, s)
	}
	return q, nil
}

// limitQuantity is the given limit, or twice the request when empty.
func limitQuantity(field, s string, req resource.Quantity) (resource.Quantity, error) {
	if s != "" {
		return quantity(field, s)
	}
	l := req.DeepCopy()
	l.Add(req)
	return l, nil
}

func resourceList(field string, r schemas.Resources) (corev1.ResourceList, error) {
	if r.CPU == "" && r.Memory == "" {
		return nil, nil
	}
	l := corev1.ResourceList{}
	if r.CPU != "" {
		q, err := quantity(field+".cpu", r.CPU)
		if err != nil {
			return nil, err
		}
		l[corev1.ResourceCPU] = q
	}
	if r.Memory != "" {
		q, err := quantity(field+".memory", r.Memory)
		if err != nil {
			return nil, err
		}
		l[corev1.ResourceMemory] = q
	}
	return l, nil
}

// Ephemeral storage of every container: the read-only root filesystem
// leaves only /tmp and logs, so a small request and a bounded limit keep a
// runaway writer from filling the node (kube-score CRITICAL otherwise).
var (
	ephemeralRequest = resource.MustParse("64Mi")
	ephemeralLimit   = resource.MustParse("1Gi")
)

func requirements(r schemas.Requirements) (corev1.ResourceRequirements, error) {
	req, err := resourceList("resources.requests", r.Requests)
	if err != nil {
		return corev1.ResourceRequirements{}, err
	}
	lim, err := resourceList("resources.limits", r.Limits)
	if err != nil {
		return corev1.ResourceRequirements{}, err
	}
	if req == nil {
		req = corev1.ResourceList{}
	}
	if lim == nil {
		lim = corev1.ResourceList{}
	}
	req[corev1.ResourceEphemeralStorage] = ephemeralRequest
	lim[corev1.ResourceEphemeralStorage] = ephemeralLimit
	return corev1.ResourceRequirements{Requests: req, Limits: lim}, nil
}
