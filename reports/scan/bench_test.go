//go:build unix

package scan_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"sigs.k8s.io/yaml"

	"github.com/plinth-dev/plinth/generator"
	"github.com/plinth-dev/plinth/internal/gcpolicy"
	"github.com/plinth-dev/plinth/internal/gitops/render"
	"github.com/plinth-dev/plinth/internal/gitops/source"
	"github.com/plinth-dev/plinth/internal/testutil/gittest"
	"github.com/plinth-dev/plinth/internal/testutil/synth"
	"github.com/plinth-dev/plinth/reports/scan"
	"github.com/plinth-dev/plinth/schemas"
)

// generatedRepo commits plinth's output for a synthetic platform of n
// services into a git repository and writes the objects the report engine
// renders from it into one multi-document YAML file (the input kube-score
// gets, so both tools see the same manifests).
func generatedRepo(b *testing.B, n int) (repo, manifests string) {
	b.Helper()
	dir := b.TempDir()
	if err := synth.Write(filepath.Join(dir, "platform"), n); err != nil {
		b.Fatal(err)
	}
	m, err := schemas.Load(filepath.Join(dir, "platform"))
	if err != nil {
		b.Fatal(err)
	}
	out, err := generator.Generate(m, generator.Options{})
	if err != nil {
		b.Fatal(err)
	}
	r := gittest.New(b)
	for p, data := range out.Files {
		r.Write(p, data)
	}
	r.Commit("generated", gittest.Date(2026, 10, 1))
	res := render.Render(source.FromFiles("bench", out.Files), render.Options{})
	var buf bytes.Buffer
	for _, o := range res.Objects {
		data, err := yaml.Marshal(o.Value)
		if err != nil {
			b.Fatal(err)
		}
		buf.WriteString("---\n")
		buf.Write(data)
	}
	if err := os.Mkdir(filepath.Join(dir, "rendered"), 0o755); err != nil {
		b.Fatal(err)
	}
	manifests = filepath.Join(dir, "rendered", "rendered.yaml")
	if err := os.WriteFile(manifests, buf.Bytes(), 0o644); err != nil {
		b.Fatal(err)
	}
	b.Logf("%d services: %d files in the repository, %d rendered objects (%d bytes)", n, len(out.Files), len(res.Objects), buf.Len())
	return r.Dir, manifests
}

func kubeScore(b *testing.B) string {
	b.Helper()
	if p, err := exec.LookPath("kube-score"); err == nil {
		return p
	}
	if gopath, err := exec.Command("go", "env", "GOPATH").Output(); err == nil {
		p := filepath.Join(string(bytes.TrimSpace(gopath)), "bin", "kube-score")
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		b.Fatal("kube-score is not installed (.ci/steps.d/tools.sh installs it)")
	}
	b.Skip("kube-score is not installed: go install github.com/zegl/kube-score/cmd/kube-score@v1.20.0")
	return ""
}

func runKubeScore(b *testing.B, bin, manifests string) {
	cmd := exec.Command(bin, "score", "--output-format", "ci", manifests)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	if _, ok := err.(*exec.ExitError); err != nil && !ok {
		b.Fatal(err)
	}
	if out.Len() == 0 || bytes.Contains(out.Bytes(), []byte("Failed to score")) {
		b.Fatalf("kube-score: %s", out.Bytes())
	}
}

func runReport(b *testing.B, repo string) {
	r, err := scan.Run(context.Background(), scan.Options{Repo: repo, Date: reportDate})
	if err != nil {
		b.Fatal(err)
	}
	if len(r.Findings) == 0 {
		b.Fatal("no findings")
	}
}

// BenchmarkReport: plinth report on generated repositories; linear growth
// shows in ns/service.
func BenchmarkReport(b *testing.B) {
	b.Cleanup(gcpolicy.Set()) // the command's GC policy: measure what users get
	for _, n := range []int{100, 500, 2000} {
		b.Run(fmt.Sprintf("services=%d", n), func(b *testing.B) {
			repo, _ := generatedRepo(b, n)
			b.ResetTimer()
			cpu0 := cpuTime(syscall.RUSAGE_SELF)
			for b.Loop() {
				runReport(b, repo)
			}
			cpu := cpuTime(syscall.RUSAGE_SELF) - cpu0
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/service")
			b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/op")
			b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N)/float64(n), "cpu-ns/service")
		})
	}
}

// BenchmarkReportVsKubeScore measures, in one run, plinth report on the
// git repository (reading it, discovering and rendering every kustomization
// and chart, evaluating the baseline), plinth report on the rendered
// manifests alone (one YAML file: parsing and evaluation) and kube-score on
// that same file. ratio = full report / kube-score; ratio-rendered =
// report on the rendered manifests / kube-score.
func BenchmarkReportVsKubeScore(b *testing.B) {
	b.Cleanup(gcpolicy.Set()) // the command's GC policy: measure what users get
	for _, n := range []int{100, 500} {
		b.Run(fmt.Sprintf("services=%d", n), func(b *testing.B) {
			bin := kubeScore(b)
			repo, manifests := generatedRepo(b, n)
			var report, rendered, ks, reportCPU, renderedCPU, ksCPU time.Duration
			b.ResetTimer()
			for b.Loop() {
				t0, c0 := time.Now(), cpuTime(syscall.RUSAGE_SELF)
				runReport(b, repo)
				t1, c1 := time.Now(), cpuTime(syscall.RUSAGE_SELF)
				runReport(b, filepath.Dir(manifests))
				t2, c2, k2 := time.Now(), cpuTime(syscall.RUSAGE_SELF), cpuTime(syscall.RUSAGE_CHILDREN)
				runKubeScore(b, bin, manifests)
				report, rendered, ks = report+t1.Sub(t0), rendered+t2.Sub(t1), ks+time.Since(t2)
				reportCPU, renderedCPU, ksCPU = reportCPU+c1-c0, renderedCPU+c2-c1, ksCPU+cpuTime(syscall.RUSAGE_CHILDREN)-k2
			}
			// CPU time (user+system) is what a shared CI machine does not distort.
			b.ReportMetric(reportCPU.Seconds()/ksCPU.Seconds(), "cpu-ratio")
			b.ReportMetric(renderedCPU.Seconds()/ksCPU.Seconds(), "cpu-ratio-rendered")
			b.ReportMetric(report.Seconds()/float64(b.N), "report-s/op")
			b.ReportMetric(rendered.Seconds()/float64(b.N), "rendered-report-s/op")
			b.ReportMetric(ks.Seconds()/float64(b.N), "kube-score-s/op")
			b.ReportMetric(report.Seconds()/ks.Seconds(), "ratio")
			b.ReportMetric(rendered.Seconds()/ks.Seconds(), "ratio-rendered")
		})
	}
}

// cpuTime is the user+system CPU time of this process or of its waited-for children.
func cpuTime(who int) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(who, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
