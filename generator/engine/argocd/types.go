package argocd

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Small typed structs for the Argo CD objects plinth writes: only the
// fields plinth sets.

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
	Retry       *argoRetry     `json:"retry,omitempty"`
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
