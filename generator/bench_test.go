package generator

import (
	"fmt"
	"runtime"
	"runtime/metrics"
	"sync/atomic"
	"testing"
	"time"

	"github.com/plinth-dev/plinth/internal/testutil/cputime"

	"github.com/plinth-dev/plinth/generator/internal/tree"
	"github.com/plinth-dev/plinth/internal/gcpolicy"
	"github.com/plinth-dev/plinth/internal/testutil/synth"
	"github.com/plinth-dev/plinth/schemas"
)

// BenchmarkGenerate renders and checks synthetic platforms (3 environments)
// of 100, 500 and 2000 services: object building, layout, the self-check's
// builds (internal/gitops/render), offline schema validation, as generate
// runs by default (not the full check the package's tests force).
// peak-heap-MiB is the largest live heap seen while it ran.
func BenchmarkGenerate(b *testing.B) {
	b.Cleanup(gcpolicy.SetGenerate()) // the command's GC policy: measure what users get
	full := testFullCheck
	testFullCheck = false
	b.Cleanup(func() { testFullCheck = full })
	b.Cleanup(tree.CrossCheck(nil)) // as the command writes YAML: directly
	for _, n := range []int{100, 500, 2000} {
		for _, flavor := range []string{FlavorKustomize, FlavorHelm} {
			if flavor == FlavorHelm && n > 500 {
				continue // the helm flavor's cost per service is shown by 100 and 500
			}
			b.Run(fmt.Sprintf("services=%d/%s", n, flavor), func(b *testing.B) {
				dir := b.TempDir()
				if err := synth.Write(dir, n); err != nil {
					b.Fatal(err)
				}
				m, err := schemas.Load(dir)
				if err != nil {
					b.Fatal(err)
				}
				stop := samplePeakHeap()
				cpu0 := cputime.Self()
				b.ResetTimer()
				var files int
				for b.Loop() {
					out, err := Generate(m, Options{Flavor: flavor})
					if err != nil {
						b.Fatal(err)
					}
					files = len(out.Files)
				}
				b.StopTimer()
				// CPU seconds (user+system) per op: stable on a shared machine
				// where wall time depends on the neighbours.
				b.ReportMetric((cputime.Self()-cpu0).Seconds()/float64(b.N), "cpu-s/op")
				b.ReportMetric(float64(stop())/(1<<20), "peak-heap-MiB")
				b.ReportMetric(float64(files), "files")
			})
		}
	}
}

// samplePeakHeap samples the live heap until the returned function is
// called, which returns the largest value seen.
func samplePeakHeap() func() uint64 {
	runtime.GC()
	var peak atomic.Uint64
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(s)
			if v := s[0].Value.Uint64(); v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() uint64 {
		close(done)
		<-finished
		return peak.Load()
	}
}
