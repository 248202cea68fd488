package generator

import (
	"github.com/plinth-dev/plinth/generator/engine/argocd"
	"github.com/plinth-dev/plinth/generator/engine/flux"
	"github.com/plinth-dev/plinth/generator/internal/tree"
	"github.com/plinth-dev/plinth/generator/layout/helm"
	"github.com/plinth-dev/plinth/generator/layout/kustomize"
	"github.com/plinth-dev/plinth/schemas"
)

// Engines and flavors Generate accepts.
const (
	EngineFlux      = "flux"
	EngineArgoCD    = "argocd"
	FlavorKustomize = "kustomize"
	FlavorHelm      = "helm"
)

// gitopsEngine is a GitOps engine (generator/engine/...): it writes the
// entry directory of a cluster (clusters/<cluster>/) that deploys the
// cluster's environments, wrapping what the layout deploys in each
// (tree.Env.Apps: a directory of team kustomizations or chart releases).
type gitopsEngine interface {
	Cluster(t *tree.Tree, c schemas.Cluster, envs []*tree.Env) error
}

// layout is a layout of the workloads under apps/ (generator/layout/...):
// it writes their files and says, per environment, what to deploy.
type layout interface {
	Apps(t *tree.Tree, envs []*tree.Env) ([]tree.Apps, error)
}

type named[T any] struct {
	name string
	impl T
}

// The registry: the one place engine and flavor names are known. The first
// of each is the default.
var (
	engines = []named[gitopsEngine]{
		{EngineFlux, flux.Engine{}},
		{EngineArgoCD, argocd.Engine{}},
	}
	layouts = []named[layout]{
		{FlavorKustomize, kustomize.Layout{}},
		{FlavorHelm, helm.Layout{}},
	}
)

// Engines lists the GitOps engines Generate writes for.
func Engines() []string { return names(engines) }

// Flavors lists the layouts of the workloads.
func Flavors() []string { return names(layouts) }

func names[T any](list []named[T]) []string {
	out := make([]string, len(list))
	for i, x := range list {
		out[i] = x.name
	}
	return out
}

// lookup returns the registered entry named name (ok false: none).
func lookup[T any](list []named[T], name string) (T, bool) {
	for _, x := range list {
		if x.name == name {
			return x.impl, true
		}
	}
	var zero T
	return zero, false
}

func engineNamed(name string) (gitopsEngine, bool) { return lookup(engines, name) }

func layoutNamed(name string) (layout, bool) { return lookup(layouts, name) }
