//go:build unix

package scan_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/plinth-dev/plinth/internal/testutil/cputime"

	"github.com/plinth-dev/plinth/generator"
	"github.com/plinth-dev/plinth/internal/gcpolicy"
	"github.com/plinth-dev/plinth/internal/testutil/gittest"
	"github.com/plinth-dev/plinth/internal/testutil/synth"
	"github.com/plinth-dev/plinth/reports/scan"
	"github.com/plinth-dev/plinth/schemas"
)

// generatedRepo commits plinth's output for a synthetic platform of n
// services into a git repository and writes the objects the report engine
// renders from it into multi-document YAML files of one directory (the
// input kube-score gets, so both tools see the same manifests).
func generatedRepo(b *testing.B, n int) (repo string, manifests []string) {
	b.Helper()
	repo, manifests, _ = generatedRepoFlavor(b, n, generator.FlavorKustomize)
	return repo, manifests
}

// maxRenderedFile bounds each file of the rendered manifests, well under
// the size over which source skips a file (8 MiB), so that plinth report
// on the directory reads every object kube-score reads.
const maxRenderedFile = 2 << 20

// splitRendered cuts a multi-document stream of objects, each starting
// with a "---" line, into parts of at most max bytes, at document starts
// (a single larger document makes a part of its own).
func splitRendered(data []byte, max int) [][]byte {
	var parts [][]byte
	for len(data) > 0 {
		end := len(data)
		if end > max {
			end = bytes.LastIndex(data[:min(len(data), max+len("---\n"))], []byte("\n---\n")) + 1
			if end <= 0 {
				end = bytes.Index(data[1:], []byte("\n---\n")) + 2
				if end <= 1 {
					end = len(data)
				}
			}
		}
		parts = append(parts, data[:end])
		data = data[end:]
	}
	return parts
}

// generatedRepoFlavor is generatedRepo for one layout (generator.FlavorKustomize
// or generator.FlavorHelm); it also returns the repository's handle so a
// benchmark can commit a second state.
func generatedRepoFlavor(b *testing.B, n int, flavor string) (repo string, manifests []string, r *gittest.Repo) {
	b.Helper()
	dir := b.TempDir()
	if err := synth.Write(filepath.Join(dir, "platform"), n); err != nil {
		b.Fatal(err)
	}
	m, err := schemas.Load(filepath.Join(dir, "platform"))
	if err != nil {
		b.Fatal(err)
	}
	out, err := generator.Generate(m, generator.Options{Flavor: flavor})
	if err != nil {
		b.Fatal(err)
	}
	r = gittest.New(b)
	for p, data := range out.Files {
		r.Write(p, data)
	}
	r.Commit("generated", gittest.Date(2026, 10, 1))
	data, objects := renderedYAML(b, out.Files)
	if err := os.Mkdir(filepath.Join(dir, "rendered"), 0o755); err != nil {
		b.Fatal(err)
	}
	for i, part := range splitRendered(data, maxRenderedFile) {
		p := filepath.Join(dir, "rendered", fmt.Sprintf("rendered-%03d.yaml", i))
		if err := os.WriteFile(p, part, 0o644); err != nil {
			b.Fatal(err)
		}
		manifests = append(manifests, p)
	}
	b.Logf("%s, %d services: %d files in the repository, %d rendered objects (%d bytes in %d files)", flavor, n, len(out.Files), objects, len(data), len(manifests))
	return r.Dir, manifests, r
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

func runKubeScore(b *testing.B, bin string, manifests []string) {
	cmd := exec.Command(bin, append([]string{"score", "--output-format", "ci"}, manifests...)...)
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
	runReportOpts(b, scan.Options{Repo: repo, Date: reportDate})
}

func runReportOpts(b *testing.B, opts scan.Options) {
	r, err := scan.Run(context.Background(), opts)
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
			cpu0 := cputime.Self()
			for b.Loop() {
				runReport(b, repo)
			}
			cpu := cputime.Self() - cpu0
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/service")
			b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/op")
			b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N)/float64(n), "cpu-ns/service")
		})
	}
}

// plinthCLI builds the plinth command into a temporary directory as `make
// build` builds it, the binary users run: static (CGO_ENABLED=0) and
// without symbol table. Built with cgo it is another program: dynamically
// linked, exporting every symbol (kustomize's plugin loader imports
// "plugin"), 110 MB instead of 60, loaded and relocated at every start.
func plinthCLI(b *testing.B) string {
	b.Helper()
	bin := filepath.Join(b.TempDir(), "plinth")
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags", "-s -w", "-o", bin, "github.com/plinth-dev/plinth/cmd/plinth")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// runCLI runs plinth report on repo in its own process, as users run it,
// with the report in format.
func runCLI(b *testing.B, bin, repo, format string, args ...string) {
	cmd := exec.Command(bin, append([]string{"report", "--repo", repo, "--format", format, "--date", reportDate.Format(time.DateOnly)}, args...)...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil || out.Len() == 0 {
		b.Fatalf("plinth report --format %s: %v\n%s", format, err, errOut.Bytes())
	}
}

// BenchmarkReportVsKubeScore measures, in one run, plinth report on the
// git repository and kube-score on the manifests the report renders from
// it (multi-document files, each under source's size limit).
//
// The headline figures compare processes, as users run them: the plinth
// command (reading the repository, discovering and rendering every
// kustomization and chart, evaluating the baseline, writing the report)
// against the kube-score command, each started afresh for every run:
// cpu-ratio with the JSON report (every finding, as kube-score's ci output
// has every check), cpu-ratio-text with the default text report.
// warm-cpu-ratio is scan.Run in this process, again and again (warm heap
// and caches: what a long-lived process would pay, not a CLI run), and
// warm-cpu-ratio-rendered scan.Run on the rendered manifests alone.
//
// Each iteration runs the pair in both orders: kube-score then the JSON
// report, and later the JSON report then kube-score. On a virtual machine
// whose host takes freed memory back, a command started right after
// another that freed much memory pays for every page it touches
// (plinth's JSON report after kube-score: ~0.9 s instead of ~0.7 s;
// kube-score after plinth: no change), so one order would charge one of
// them only. The JSON report's CPU in each position is reported too
// (report-after-peer-cpu-s, report-first-cpu-s).
func BenchmarkReportVsKubeScore(b *testing.B) {
	b.Cleanup(gcpolicy.Set()) // the command's GC policy: measure what users get
	for _, bc := range []struct {
		flavor string
		n      int
	}{{generator.FlavorKustomize, 100}, {generator.FlavorKustomize, 500}, {generator.FlavorHelm, 100}, {generator.FlavorHelm, 500}} {
		b.Run(fmt.Sprintf("layout=%s/services=%d", bc.flavor, bc.n), func(b *testing.B) {
			ks := kubeScore(b)
			cli := plinthCLI(b)
			repo, manifests, _ := generatedRepoFlavor(b, bc.n, bc.flavor)
			var cliJSON, cliText, warm, warmRendered, kube time.Duration
			var ksWall, cliWall time.Duration
			var jsonAfter, jsonFirst time.Duration // the JSON report after kube-score, and before it
			var nAfter, nFirst int
			json := func() {
				k0, t0 := cputime.Children(), time.Now()
				runCLI(b, cli, repo, "json")
				cliJSON, cliWall = cliJSON+cputime.Children()-k0, cliWall+time.Since(t0)
			}
			score := func() {
				k0, t0 := cputime.Children(), time.Now()
				runKubeScore(b, ks, manifests)
				kube, ksWall = kube+cputime.Children()-k0, ksWall+time.Since(t0)
			}
			b.ResetTimer()
			for b.Loop() {
				j0 := cliJSON
				score()
				json()
				jsonAfter, nAfter = jsonAfter+cliJSON-j0, nAfter+1
				k1 := cputime.Children()
				runCLI(b, cli, repo, "text")
				k2 := cputime.Children()
				c0 := cputime.Self()
				runReport(b, repo)
				c1 := cputime.Self()
				runReport(b, filepath.Dir(manifests[0]))
				c2 := cputime.Self()
				cliText = cliText + k2 - k1
				warm, warmRendered = warm+c1-c0, warmRendered+c2-c1
				j0 = cliJSON
				json()
				score()
				jsonFirst, nFirst = jsonFirst+cliJSON-j0, nFirst+1
			}
			// CPU time (user+system) is what a shared CI machine does not distort.
			// Two JSON reports and two kube-score runs an iteration; one
			// of everything else.
			perKS := kube.Seconds() / float64(nAfter+nFirst)
			n := float64(b.N)
			b.ReportMetric(cliJSON.Seconds()/kube.Seconds(), "cpu-ratio")
			b.ReportMetric(cliText.Seconds()/n/perKS, "cpu-ratio-text")
			b.ReportMetric(warm.Seconds()/n/perKS, "warm-cpu-ratio")
			b.ReportMetric(warmRendered.Seconds()/n/perKS, "warm-cpu-ratio-rendered")
			b.ReportMetric(cliJSON.Seconds()/float64(nAfter+nFirst), "report-cpu-s/op")
			if nAfter > 0 {
				b.ReportMetric(jsonAfter.Seconds()/float64(nAfter), "report-after-peer-cpu-s")
			}
			if nFirst > 0 {
				b.ReportMetric(jsonFirst.Seconds()/float64(nFirst), "report-first-cpu-s")
			}
			b.ReportMetric(perKS, "kube-score-cpu-s/op")
			b.ReportMetric(cliWall.Seconds()/ksWall.Seconds(), "wall-ratio")
		})
	}
}

// changeServices writes a second state of a generated repository: the
// synthetic platform of n services with the image of a few services bumped,
// generated again in layout flavor and committed on top of r's first
// state. It returns the new commit.
func changeServices(b *testing.B, r *gittest.Repo, n int, flavor string) string {
	b.Helper()
	dir := filepath.Join(b.TempDir(), "platform")
	if err := synth.Write(dir, n); err != nil {
		b.Fatal(err)
	}
	changed := 0
	for i := 1; i < n && changed < 5; i += n / 5 {
		name := fmt.Sprintf("svc%04d", i)
		file := filepath.Join(dir, fmt.Sprintf("services-team%03d.cue", i/synth.ServicesPerTeam))
		data, err := os.ReadFile(file)
		if err != nil {
			b.Fatal(err)
		}
		old := fmt.Sprintf("synth.azurecr.io/%s:1.%d.0", name, i%7)
		if !bytes.Contains(data, []byte(old)) {
			b.Fatalf("%s: no %s", file, old)
		}
		data = bytes.Replace(data, []byte(old), fmt.Appendf(nil, "synth.azurecr.io/%s:9.9.9", name), 1)
		if err := os.WriteFile(file, data, 0o644); err != nil {
			b.Fatal(err)
		}
		changed++
	}
	m, err := schemas.Load(dir)
	if err != nil {
		b.Fatal(err)
	}
	out, err := generator.Generate(m, generator.Options{Flavor: flavor})
	if err != nil {
		b.Fatal(err)
	}
	for p, data := range out.Files {
		r.Write(p, data)
	}
	return r.Commit("bump five images", gittest.Date(2026, 10, 15))
}

// BenchmarkReportTwoStates measures, in one run, plinth report on one state
// of the 500-service repository and plinth report --since on two states (the
// second changing five services' images): cpu-ratio = two states / one
// state, each a plinth command started afresh (text report); warm-cpu-ratio
// the same with scan.Run in this process, again and again.
func BenchmarkReportTwoStates(b *testing.B) {
	b.Cleanup(gcpolicy.Set()) // the command's GC policy: measure what users get
	for _, flavor := range []string{generator.FlavorKustomize, generator.FlavorHelm} {
		b.Run(fmt.Sprintf("layout=%s/services=500", flavor), func(b *testing.B) {
			const n = 500
			cli := plinthCLI(b)
			repo, _, r := generatedRepoFlavor(b, n, flavor)
			first, err := exec.Command("git", "-C", repo, "rev-parse", "HEAD").Output()
			if err != nil {
				b.Fatal(err)
			}
			changeServices(b, r, n, flavor)
			since := string(bytes.TrimSpace(first))
			var one, two, oneCPU, twoCPU time.Duration
			b.ResetTimer()
			for b.Loop() {
				k0 := cputime.Children()
				runCLI(b, cli, repo, "text")
				k1 := cputime.Children()
				runCLI(b, cli, repo, "text", "--since", since)
				k2, c0 := cputime.Children(), cputime.Self()
				runReport(b, repo)
				c1 := cputime.Self()
				runReportOpts(b, scan.Options{Repo: repo, Since: since, Date: reportDate})
				one, two = one+k1-k0, two+k2-k1
				oneCPU, twoCPU = oneCPU+c1-c0, twoCPU+cputime.Self()-c1
			}
			b.ReportMetric(one.Seconds()/float64(b.N), "one-state-cpu-s/op")
			b.ReportMetric(two.Seconds()/float64(b.N), "two-states-cpu-s/op")
			b.ReportMetric(two.Seconds()/one.Seconds(), "cpu-ratio")
			b.ReportMetric(twoCPU.Seconds()/oneCPU.Seconds(), "warm-cpu-ratio")
		})
	}
}

func TestSplitRendered(t *testing.T) {
	doc := func(n int) string { return "---\nkind: X\ndata: " + strings.Repeat("x", n) + "\n" }
	for _, tc := range []struct {
		name  string
		in    string
		max   int
		parts int
	}{
		{"empty", "", 10, 0},
		{"under the bound", doc(1) + doc(2), 100, 1},
		{"two per part", doc(10) + doc(10) + doc(10) + doc(10), 2 * len(doc(10)), 2},
		{"one per part", doc(10) + doc(10) + doc(10), len(doc(10)) + 5, 3},
		{"a larger document alone", doc(1) + doc(50) + doc(1), 30, 3},
		{"one larger document", doc(50), 30, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			parts := splitRendered([]byte(tc.in), tc.max)
			if len(parts) != tc.parts {
				t.Errorf("%d parts, want %d", len(parts), tc.parts)
			}
			var joined []byte
			for _, p := range parts {
				if !bytes.HasPrefix(p, []byte("---\n")) {
					t.Errorf("part %q does not start a document", p)
				}
				if len(p) > tc.max && strings.Count(string(p), "---\n") > 1 {
					t.Errorf("part of %d bytes over %d with more than one document", len(p), tc.max)
				}
				joined = append(joined, p...)
			}
			if string(joined) != tc.in {
				t.Errorf("parts join to %q, want %q", joined, tc.in)
			}
		})
	}
}
