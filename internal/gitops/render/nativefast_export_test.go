package render

import (
	"math/rand/v2"
	"testing"

	"github.com/plinth-dev/plinth/internal/gitops/source"
)

// CheckTypedWalk holds the type check's walk to decodesIntoJSON on every
// object the native build accumulates in the kustomizations of snap (as
// read, and patched), and on mutations of each; it returns the number of
// objects.
func CheckTypedWalk(t *testing.T, snap *source.Snapshot, seed uint64) int {
	t.Helper()
	d := newRenderer(snap, Options{})
	rng := rand.New(rand.NewPCG(15, seed))
	var tally walkTally
	objects := 0
	for _, dir := range kustomizationDirs(snap) {
		res, ok := d.nativeAccumulate(dir, map[string]bool{}, 0)
		if !ok {
			continue
		}
		for _, r := range res {
			objects++
			tp := typedTarget(r.gvk)
			tally.check(t, r.value, tp)
			for i := 0; i < 4; i++ {
				tally.check(t, mutate(rng, r.value, 0), tp)
			}
		}
	}
	tally.done(t, 0.9)
	return objects
}

// CheckFastYAML11 holds the fast reader of kustomization and patch files
// to yaml.v2 (and their readers to kustomize's library) on in; it says
// whether the fast reader read it.
func CheckFastYAML11(t *testing.T, in string) bool {
	t.Helper()
	return checkFastYAML11(t, in)
}
