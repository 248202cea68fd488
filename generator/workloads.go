package generator

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/plinth-dev/plinth/generator/internal/tree"
	"github.com/plinth-dev/plinth/schemas"
)

// workloads builds the workloads of one environment on GOMAXPROCS
// goroutines (the environments alone keep two cores busy only while two of
// them are left): each result goes to its index, so the order is the
// environment's, and the error is that of the first workload in that order
// that fails, as if they had been built one after the other.
func (b *builder) workloads(env schemas.Environment, byName map[string]*schemas.Workload, callers map[string][]string) ([]tree.Workload, error) {
	n := len(env.Workloads)
	out := make([]tree.Workload, n)
	errs := make([]error, n)
	var next atomic.Int64
	var failed atomic.Bool // no new workload starts after a failure
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), n) {
		wg.Go(func() {
			for !failed.Load() {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				w := env.Workloads[i]
				wo, err := b.workload(w, byName, callers[w.Name])
				if err != nil {
					errs[i] = fmt.Errorf("environment %s, service %s: %w", env.Name, w.Name, err)
					failed.Store(true)
					return
				}
				out[i] = wo
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}
