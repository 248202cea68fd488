package generator

import "github.com/plinth-dev/plinth/schemas"

// gitopsEngine is a GitOps engine: it writes the entry directory of a cluster
// (clusters/<cluster>/) that deploys the cluster's environments.
type gitopsEngine struct {
	name    string
	cluster func(t *tree, c schemas.Cluster, eos []*envObjects) error
}

// flavor is a layout of the workloads under apps/.
type flavor struct {
	name string
	apps func(t *tree, eos []*envObjects) error
}

// The registry: the one place engine and flavor names are known. The first
// of each is the default.
var (
	engines = []gitopsEngine{
		{EngineFlux, (*tree).fluxCluster},
		{EngineArgoCD, (*tree).argoCluster},
	}
	flavors = []flavor{
		{FlavorKustomize, (*tree).kustomizeApps},
		{FlavorHelm, (*tree).helmApps},
	}
)

// Engines lists the GitOps engines Generate writes for.
func Engines() []string {
	names := make([]string, len(engines))
	for i, e := range engines {
		names[i] = e.name
	}
	return names
}

// Flavors lists the layouts of the workloads.
func Flavors() []string {
	names := make([]string, len(flavors))
	for i, f := range flavors {
		names[i] = f.name
	}
	return names
}

// lookup returns the registered entry named name (ok false: none).
func lookup[T any](list []T, nameOf func(T) string, name string) (T, bool) {
	for _, x := range list {
		if nameOf(x) == name {
			return x, true
		}
	}
	var zero T
	return zero, false
}

func engineNamed(name string) (gitopsEngine, bool) {
	return lookup(engines, func(e gitopsEngine) string { return e.name }, name)
}

func flavorNamed(name string) (flavor, bool) {
	return lookup(flavors, func(f flavor) string { return f.name }, name)
}
