package generator

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Small typed structs for the custom resources plinth writes. They carry
// only the fields plinth sets; the offline validator checks them against the
// published CRD schemas.

// crd is the common head of a custom resource (an object of a kind a CRD
// defines: Flux, Argo CD, Velero, Secrets Store CSI).
type crd struct {
	metav1.TypeMeta `json:",inline"`
	Metadata        metav1.ObjectMeta `json:"metadata"`
	Spec            any               `json:"spec"`
}

func newCRD(apiVersion, kind, name, namespace string, spec any) *crd {
	return &crd{
		TypeMeta: metav1.TypeMeta{APIVersion: apiVersion, Kind: kind},
		Metadata: metav1.ObjectMeta{Name: name, Namespace: namespace},
		Spec:     spec,
	}
}

// Flux source-controller.

type fluxGitRepositorySpec struct {
	Interval string           `json:"interval"`
	URL      string           `json:"url"`
	Ref      fluxGitReference `json:"ref"`
}

type fluxGitReference struct {
	Branch string `json:"branch"`
}

type fluxHelmRepositorySpec struct {
	Interval string `json:"interval"`
	URL      string `json:"url"`
	Type     string `json:"type,omitempty"`
}

// Flux kustomize-controller.

type fluxKustomizationSpec struct {
	Interval      string         `json:"interval"`
	RetryInterval string         `json:"retryInterval,omitempty"`
	Timeout       string         `json:"timeout,omitempty"`
	Path          string         `json:"path"`
	Prune         bool           `json:"prune"`
	Wait          bool           `json:"wait"`
	SourceRef     fluxRef        `json:"sourceRef"`
	DependsOn     []fluxDepends  `json:"dependsOn,omitempty"`
	HealthChecks  []fluxResource `json:"healthChecks,omitempty"`
}

type fluxRef struct {
	Kind      string `json:"kind"`
	Name      string `json:"name"`
	Namespace string `json:"namespace,omitempty"`
}

type fluxDepends struct {
	Name      string `json:"name"`
	Namespace string `json:"namespace,omitempty"`
}

type fluxResource struct {
	APIVersion string `json:"apiVersion,omitempty"`
	Kind       string `json:"kind"`
	Name       string `json:"name"`
	Namespace  string `json:"namespace,omitempty"`
}

// Flux helm-controller.

type fluxHelmReleaseSpec struct {
	Interval         string              `json:"interval"`
	ReleaseName      string              `json:"releaseName,omitempty"`
	TargetNamespace  string              `json:"targetNamespace,omitempty"`
	StorageNamespace string              `json:"storageNamespace,omitempty"`
	Chart            fluxHelmChartTmpl   `json:"chart"`
	Install          *fluxHelmInstall    `json:"install,omitempty"`
	Upgrade          *fluxHelmUpgrade    `json:"upgrade,omitempty"`
	Values           map[string]any      `json:"values,omitempty"`
	DependsOn        []fluxDepends       `json:"dependsOn,omitempty"`
	DriftDetection   *fluxDriftDetection `json:"driftDetection,omitempty"`
}

type fluxHelmChartTmpl struct {
	Spec fluxHelmChartSpec `json:"spec"`
}

type fluxHelmChartSpec struct {
	Chart             string   `json:"chart"`
	Version           string   `json:"version,omitempty"`
	ReconcileStrategy string   `json:"reconcileStrategy,omitempty"`
	SourceRef         fluxRef  `json:"sourceRef"`
	ValuesFiles       []string `json:"valuesFiles,omitempty"`
}

type fluxHelmInstall struct {
	CreateNamespace bool             `json:"createNamespace,omitempty"`
	Remediation     *fluxRemediation `json:"remediation,omitempty"`
}

type fluxHelmUpgrade struct {
	Remediation *fluxRemediation `json:"remediation,omitempty"`
}

type fluxRemediation struct {
	Retries int `json:"retries"`
}

type fluxDriftDetection struct {
	Mode string `json:"mode"`
}

// Argo CD.

type argoApplicationSpec struct {
	Project     string          `json:"project"`
	Source      argoSource      `json:"source"`
	Destination argoDestination `json:"destination"`
	SyncPolicy  *argoSyncPolicy `json:"syncPolicy,omitempty"`
}

type argoSource struct {
	RepoURL        string    `json:"repoURL"`
	TargetRevision string    `json:"targetRevision"`
	Path           string    `json:"path,omitempty"`
	Chart          string    `json:"chart,omitempty"`
	Helm           *argoHelm `json:"helm,omitempty"`
}

type argoHelm struct {
	ReleaseName  string         `json:"releaseName,omitempty"`
	ValueFiles   []string       `json:"valueFiles,omitempty"`
	ValuesObject map[string]any `json:"valuesObject,omitempty"`
}

type argoDestination struct {
	Server    string `json:"server"`
	Namespace string `json:"namespace,omitempty"`
}

type argoSyncPolicy struct {
	Automated   *argoAutomated `json:"automated,omitempty"`
	SyncOptions []string       `json:"syncOptions,omitempty"`
}

type argoAutomated struct {
	Prune    bool `json:"prune"`
	SelfHeal bool `json:"selfHeal"`
}

type argoApplicationSetSpec struct {
	GoTemplate        bool                  `json:"goTemplate"`
	GoTemplateOptions []string              `json:"goTemplateOptions,omitempty"`
	Generators        []argoGenerator       `json:"generators"`
	Template          argoApplicationTmpl   `json:"template"`
	SyncPolicy        *argoAppSetSyncPolicy `json:"syncPolicy,omitempty"`
}

type argoAppSetSyncPolicy struct {
	PreserveResourcesOnDeletion bool `json:"preserveResourcesOnDeletion"`
}

type argoGenerator struct {
	Git *argoGitGenerator `json:"git,omitempty"`
}

type argoGitGenerator struct {
	RepoURL     string              `json:"repoURL"`
	Revision    string              `json:"revision"`
	Directories []argoGitDirectory  `json:"directories"`
	Values      map[string]string   `json:"values,omitempty"`
	Files       []map[string]string `json:"files,omitempty"`
}

type argoGitDirectory struct {
	Path string `json:"path"`
}

type argoApplicationTmpl struct {
	Metadata argoTmplMeta        `json:"metadata"`
	Spec     argoApplicationSpec `json:"spec"`
}

type argoTmplMeta struct {
	Name        string            `json:"name"`
	Labels      map[string]string `json:"labels,omitempty"`
	Annotations map[string]string `json:"annotations,omitempty"`
}

type argoAppProjectSpec struct {
	Description                string             `json:"description,omitempty"`
	SourceRepos                []string           `json:"sourceRepos"`
	Destinations               []argoDestination  `json:"destinations"`
	ClusterResourceWhitelist   []metav1.GroupKind `json:"clusterResourceWhitelist"`
	NamespaceResourceBlacklist []metav1.GroupKind `json:"namespaceResourceBlacklist,omitempty"`
}

// Velero.

type veleroScheduleSpec struct {
	Schedule                   string           `json:"schedule"`
	UseOwnerReferencesInBackup bool             `json:"useOwnerReferencesInBackup"`
	Template                   veleroBackupSpec `json:"template"`
}

type veleroBackupSpec struct {
	IncludedNamespaces []string `json:"includedNamespaces"`
	TTL                string   `json:"ttl"`
	SnapshotVolumes    *bool    `json:"snapshotVolumes,omitempty"`
}

// Secrets Store CSI driver.

type secretProviderClassSpec struct {
	Provider   string            `json:"provider"`
	Parameters map[string]string `json:"parameters"`
}
