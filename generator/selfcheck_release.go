package generator

import (
	"cmp"
	"slices"
	"sync"

	"github.com/plinth-dev/plinth/generator/internal/tree"
)

// The self-check's Builder keeps every file it parsed, so that the
// kustomizations sharing a base (one per environment) parse it once; kept
// to the end, the parsed bases of a large platform were most of the
// self-check's memory. Building the kustomizations that share bases one
// after the other, and forgetting a base's files once the last of them is
// built, keeps the sharing and frees the memory as the check goes. Neither
// changes what a build gives, nor the order errors are reported in.

// buildOrder is the order to start the root checks in: grouped by the
// first path a root includes beyond its own directory (the overlays of one
// team in every environment, which include the same bases), then in the
// order of roots.
func buildOrder(roots []tree.RootCheck) []int {
	keys := make([]string, len(roots))
	order := make([]int, len(roots))
	for i, rc := range roots {
		order[i] = i
		keys[i] = rc.Dir + "/"
		for _, p := range rc.Include {
			if p != rc.Dir+"/" && (keys[i] == rc.Dir+"/" || p < keys[i]) {
				keys[i] = p
			}
		}
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(keys[a], keys[b]) })
	return order
}

// docRelease forgets the files under an included path once every root that
// includes it is built.
type docRelease struct {
	forget func(paths []string) // render.Builder.Forget
	paths  []string             // the tree's files, sorted
	mu     sync.Mutex
	left   map[string]int // include path: roots still to build
}

func newDocRelease(forget func([]string), files map[string][]byte, roots []tree.RootCheck) *docRelease {
	r := &docRelease{forget: forget, paths: tree.SortedKeys(files), left: map[string]int{}}
	for _, rc := range roots {
		for _, p := range rc.Include {
			r.left[p]++
		}
	}
	return r
}

// built records that rc was built, forgetting what no other root reads.
func (r *docRelease) built(rc tree.RootCheck) {
	for _, p := range rc.Include {
		r.mu.Lock()
		r.left[p]--
		last := r.left[p] == 0
		r.mu.Unlock()
		if last {
			r.forget(tree.Under(r.paths, p))
		}
	}
}
