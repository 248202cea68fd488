package generator

import (
	"sort"
	"sync"

	"github.com/plinth-dev/plinth/generator/internal/tree"
	"github.com/plinth-dev/plinth/generator/validate"
)

// prepareValidation compiles, in the background, the validation schemas
// of the kinds the environments' objects have, for their clusters'
// Kubernetes versions, while the layout runs: the self-check compiled each
// on first use under the validator's lock, with the other checks waiting
// (half a second of one core at 2,000 services). The returned wait ends
// when it is done. It changes nothing the checks find: a kind not compiled
// yet is compiled by the check that needs it, and an error here is
// reported there too.
func prepareValidation(envs []*tree.Env) (wait func()) {
	kinds := map[string]map[string]bool{} // Kubernetes version -> kinds
	add := func(version string, objs []tree.Object) {
		if kinds[version] == nil {
			kinds[version] = map[string]bool{}
		}
		for _, o := range objs {
			kinds[version][o.APIVersion+"/"+o.Kind] = true
		}
	}
	for _, eo := range envs {
		v := eo.Cluster.KubernetesVersion
		for _, team := range tree.SortedKeys(eo.Infra) {
			add(v, eo.Infra[team])
		}
		add(v, eo.Gateway)
		if eo.Velero != nil {
			add(v, []tree.Object{*eo.Velero})
		}
		for _, wo := range eo.Workloads {
			add(v, wo.Objects)
			add(v, wo.Extra)
		}
	}
	var wg sync.WaitGroup
	for version, set := range kinds {
		keys := make([]string, 0, len(set))
		for k := range set {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		wg.Go(func() { _ = validate.Prepare(version, keys) })
	}
	return wg.Wait
}
