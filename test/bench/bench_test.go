package bench

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/plinth-dev/plinth/generator"
	"github.com/plinth-dev/plinth/generator/validate"
	"github.com/plinth-dev/plinth/internal/gcpolicy"
	"github.com/plinth-dev/plinth/internal/testutil/synth"
	"github.com/plinth-dev/plinth/schemas"
)

// peers returns the kustomize and kubeconform binaries, skipping the
// benchmark when they are missing outside CI.
func peers(tb testing.TB) (kustomize, kubeconform string) {
	tb.Helper()
	k, err1 := Tool("kustomize")
	c, err2 := Tool("kubeconform")
	if err := firstErr(err1, err2); err != nil {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("peer tools missing in CI: %v", err)
		}
		tb.Skipf("skipping the peer comparison: %v", err)
	}
	return k, c
}

func firstErr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

var fluxKustomize = generator.Options{Engine: generator.EngineFlux, Flavor: generator.FlavorKustomize}

// BenchmarkGenerateVsPeers times generator.Generate (render + validate, warm
// schema caches: ns/op) and, in the same run, the CLI pipeline on its output
// (peer-ms/op, outside ns/op), and reports their ratio (plinth/peer) and
// that of a fresh plinth process's wall time (plinth-cold/peer). The peak resident
// memory of a fresh process loading and generating the platform
// (plinth-peak-MiB, with its wall time plinth-cold-ms) and of the largest
// peer process (peer-peak-MiB) are measured once per size.
func BenchmarkGenerateVsPeers(b *testing.B) {
	b.Cleanup(gcpolicy.Set()) // the command's GC policy: measure what users get
	kustomize, kubeconform := peers(b)
	for _, n := range []int{100, 500, 2000} {
		b.Run(fmt.Sprintf("services=%d", n), func(b *testing.B) {
			work := b.TempDir()
			platform := filepath.Join(work, "platform")
			if err := synth.Write(platform, n); err != nil {
				b.Fatal(err)
			}
			m, err := schemas.Load(platform)
			if err != nil {
				b.Fatal(err)
			}
			out, err := generator.Generate(m, fluxKustomize) // warm-up; its output feeds the peers
			if err != nil {
				b.Fatal(err)
			}
			repo := filepath.Join(work, "fleet")
			if err := generator.Write(out, repo); err != nil {
				b.Fatal(err)
			}
			location, err := exportSchemas(m, filepath.Join(work, "schemas"))
			if err != nil {
				b.Fatal(err)
			}
			coldWall, plinthRSS, err := generateInChild(platform)
			if err != nil {
				b.Fatal(err)
			}

			var peerTotal time.Duration
			var last Result
			for b.Loop() {
				if _, err := generator.Generate(m, fluxKustomize); err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				last, err = RunPeers(kustomize, kubeconform, repo, work, location)
				if err != nil {
					b.Fatal(err)
				}
				peerTotal += last.Total()
				b.StartTimer()
			}
			plinthPerOp := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
			peerPerOp := float64(peerTotal.Nanoseconds()) / float64(b.N)
			b.ReportMetric(peerPerOp/1e6, "peer-ms/op")
			b.ReportMetric(plinthPerOp/peerPerOp, "plinth/peer")
			b.ReportMetric(float64(coldWall.Milliseconds()), "plinth-cold-ms")
			// a fresh plinth process loading and generating, as users run it
			b.ReportMetric(float64(coldWall.Nanoseconds())/peerPerOp, "plinth-cold/peer")
			b.ReportMetric(float64(plinthRSS)/(1<<20), "plinth-peak-MiB")
			b.ReportMetric(float64(last.PeakRSS)/(1<<20), "peer-peak-MiB")
			b.ReportMetric(float64(last.Objects), "objects")
		})
	}
}

// exportSchemas writes the embedded schemas of the platform's Kubernetes
// version for kubeconform; all clusters must share one version.
func exportSchemas(m *schemas.Model, dir string) (string, error) {
	version := ""
	for _, c := range m.Clusters {
		if version != "" && c.KubernetesVersion != version {
			return "", fmt.Errorf("clusters use several Kubernetes versions (%s, %s): one kubeconform run cannot check them", version, c.KubernetesVersion)
		}
		version = c.KubernetesVersion
	}
	if _, err := validate.ExportStandalone(version, dir); err != nil {
		return "", err
	}
	return validate.KubeconformLocation(dir), nil
}

// generateInChild loads and generates the platform in a fresh process (this
// test binary running TestGenerateChild) and returns its wall time and peak
// resident memory.
func generateInChild(platform string) (time.Duration, int64, error) {
	cmd := exec.Command(os.Args[0], "-test.run=^TestGenerateChild$", "-test.bench=^$", "-test.count=1")
	cmd.Env = append(os.Environ(), "PLINTH_BENCHPEER_PLATFORM="+platform)
	start := time.Now()
	out, err := cmd.CombinedOutput()
	wall := time.Since(start)
	_, after, ok := strings.Cut(string(out), "generated, peak-rss=")
	if err != nil || !ok {
		return 0, 0, fmt.Errorf("child generate: %v: %s", err, out)
	}
	rss, err := strconv.ParseInt(strings.Fields(after)[0], 10, 64)
	return wall, rss, err
}

// TestGenerateChild is the child process of generateInChild; it does
// nothing in a normal test run.
func TestGenerateChild(t *testing.T) {
	dir := os.Getenv("PLINTH_BENCHPEER_PLATFORM")
	if dir == "" {
		t.Skip("only run as the child of BenchmarkGenerateVsPeers")
	}
	m, err := schemas.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	out, err := generator.Generate(m, fluxKustomize)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Printf("%d files generated, peak-rss=%d\n", len(out.Files), PeakRSSSelf())
}

// TestPeersAcceptOutput runs the CLI pipeline once on a small platform: the
// standalone kustomize builds every overlay and kubeconform -strict accepts
// all of it with plinth's exported schemas.
func TestPeersAcceptOutput(t *testing.T) {
	kustomize, kubeconform := peers(t)
	work := t.TempDir()
	platform := filepath.Join(work, "platform")
	if err := synth.Write(platform, 20); err != nil {
		t.Fatal(err)
	}
	m, err := schemas.Load(platform)
	if err != nil {
		t.Fatal(err)
	}
	out, err := generator.Generate(m, fluxKustomize)
	if err != nil {
		t.Fatal(err)
	}
	repo := filepath.Join(work, "fleet")
	if err := generator.Write(out, repo); err != nil {
		t.Fatal(err)
	}
	location, err := exportSchemas(m, filepath.Join(work, "schemas"))
	if err != nil {
		t.Fatal(err)
	}
	res, err := RunPeers(kustomize, kubeconform, repo, work, location)
	if err != nil {
		t.Fatal(err)
	}
	if res.Objects < 100 {
		t.Errorf("kubeconform validated %d objects, want every generated one", res.Objects)
	}
}
