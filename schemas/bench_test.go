package schemas_test

import (
	"fmt"
	"testing"

	"github.com/plinth-dev/plinth/internal/testutil/cputime"

	"github.com/plinth-dev/plinth/internal/gcpolicy"
	"github.com/plinth-dev/plinth/internal/testutil/synth"
	"github.com/plinth-dev/plinth/schemas"
)

// BenchmarkLoad validates synthetic platforms of growing size under the
// command's GC policy; time per service should stay about constant (linear
// growth). cpu-s/op (user+system CPU seconds per load) is steadier than
// ns/op on a shared machine.
func BenchmarkLoad(b *testing.B) {
	b.Cleanup(gcpolicy.Set()) // as plinth validate runs
	for _, n := range []int{100, 500, 2000} {
		dir := b.TempDir()
		if err := synth.Write(dir, n); err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("services=%d", n), func(b *testing.B) {
			cpu0 := cputime.Self()
			for b.Loop() {
				m, err := schemas.Load(dir)
				if err != nil {
					b.Fatal(err)
				}
				if len(m.Services) != n {
					b.Fatalf("got %d services, want %d", len(m.Services), n)
				}
			}
			b.ReportMetric((cputime.Self()-cpu0).Seconds()/float64(b.N), "cpu-s/op")
			// About constant across sizes when time grows linearly.
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/service")
		})
	}
}

func TestSynthValid(t *testing.T) {
	for _, n := range []int{0, 1, 45} {
		dir := t.TempDir()
		if err := synth.Write(dir, n); err != nil {
			t.Fatal(err)
		}
		m, err := schemas.Load(dir)
		if err != nil {
			t.Fatalf("synth.Write(%d) is invalid:\n%v", n, err)
		}
		if len(m.Services) != n || len(m.Environments) != 3 {
			t.Fatalf("synth.Write(%d): %d services, %d environments", n, len(m.Services), len(m.Environments))
		}
	}
}
