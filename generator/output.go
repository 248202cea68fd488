// Package generator turns a platform model into a GitOps repository tree:
// Kubernetes objects laid out for Kustomize or Helm, plus the Flux or Argo CD
// objects that deploy them, validated before anything is written.
package generator

import (
	"path"
	"strings"
)

// Options select what Generate renders.
type Options struct {
	Engine string   // "flux" | "argocd"; empty: the platform's gitops.engine
	Flavor string   // "kustomize" | "helm"; empty: "kustomize"
	Envs   []string // environments to render; empty: all
	// RepoPath is the output's directory inside the GitOps repository
	// (publish --path); paths in Flux/Argo CD objects are prefixed with it.
	RepoPath string
	// FullCheck has the self-check build every kustomization with
	// kustomize (krusty) and render and lint every values file with the
	// Helm SDK as well, requiring the same objects as plinth's own
	// rendering (internal/gitops/render), which checks by default.
	FullCheck bool
}

// Output is a rendered tree: slash-separated paths relative to the output
// root mapped to file contents. It includes the ownership manifest.
type Output struct {
	Files map[string][]byte
	// clusters maps the cluster and environment names of the platform to
	// their cluster (Cluster).
	clusters map[string]string
}

// Cluster is the cluster a generated path deploys to: the first path element
// naming a cluster or an environment (whose cluster it is), without its
// extension; "" for files of no one cluster.
func (o *Output) Cluster(p string) string {
	for _, el := range strings.Split(p, "/") {
		if c, ok := o.clusters[strings.TrimSuffix(el, path.Ext(el))]; ok {
			return c
		}
	}
	return ""
}
