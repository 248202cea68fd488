// Package bench compares plinth's generate (render + offline validation)
// with the equivalent CLI pipeline — `kustomize build` of every overlay plus
// `kubeconform -strict` of the result — on the same synthetic platforms and
// the same schemas (exported from generator/validate). Run with `make bench`;
// the peers are installed by .ci/steps.d/tools.sh.
package bench

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"sigs.k8s.io/yaml"
)

// Tool finds a peer CLI in $PATH or $(go env GOPATH)/bin.
func Tool(name string) (string, error) {
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	gopath := os.Getenv("GOPATH")
	if gopath == "" {
		if home, err := os.UserHomeDir(); err == nil {
			gopath = filepath.Join(home, "go")
		}
	}
	p := filepath.Join(gopath, "bin", name)
	if _, err := os.Stat(p); err != nil {
		return "", fmt.Errorf("%s not found in PATH or %s (run .ci/steps.d/tools.sh)", name, filepath.Dir(p))
	}
	return p, nil
}

// Overlays returns the directories a Flux bootstrap builds from a generated
// kustomize tree: every clusters/<cluster> entry directory and the path of
// every Flux Kustomization in it, sorted.
func Overlays(root string) ([]string, error) {
	entries, err := filepath.Glob(filepath.Join(root, "clusters", "*", "*.yaml"))
	if err != nil {
		return nil, err
	}
	set := map[string]bool{}
	for _, f := range entries {
		set[filepath.ToSlash(mustRel(root, filepath.Dir(f)))] = true
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		for _, doc := range bytes.Split(b, []byte("\n---")) {
			var o struct {
				APIVersion string `json:"apiVersion"`
				Kind       string `json:"kind"`
				Spec       struct {
					Path string `json:"path"`
				} `json:"spec"`
			}
			if err := yaml.Unmarshal(doc, &o); err != nil {
				return nil, fmt.Errorf("%s: %w", f, err)
			}
			if o.Kind == "Kustomization" && strings.HasPrefix(o.APIVersion, "kustomize.toolkit.fluxcd.io/") && o.Spec.Path != "" {
				set[path.Clean(strings.TrimPrefix(o.Spec.Path, "./"))] = true
			}
		}
	}
	if len(set) == 0 {
		return nil, fmt.Errorf("%s: no clusters/<cluster> entry directories", root)
	}
	out := make([]string, 0, len(set))
	for d := range set {
		out = append(out, d)
	}
	sort.Strings(out)
	return out, nil
}

func mustRel(base, p string) string {
	r, err := filepath.Rel(base, p)
	if err != nil {
		return p
	}
	return r
}

// Result is one run of the peer pipeline.
type Result struct {
	Build, Validate time.Duration // kustomize builds (in parallel), kubeconform
	Objects         int           // resources kubeconform validated
	PeakRSS         int64         // largest peak resident set of one peer process, bytes (0 if unknown)
}

// Total is the wall time of the pipeline.
func (r Result) Total() time.Duration { return r.Build + r.Validate }

// RunPeers builds every overlay of root with the kustomize CLI (GOMAXPROCS
// builds at a time) into work, then validates all output with one
// `kubeconform -strict` run (GOMAXPROCS workers) against the schemas at
// schemaLocation. Any build failure or invalid resource is an error.
func RunPeers(kustomize, kubeconform, root, work, schemaLocation string) (Result, error) {
	var res Result
	overlays, err := Overlays(root)
	if err != nil {
		return res, err
	}
	outDir := filepath.Join(work, "built")
	if err := os.RemoveAll(outDir); err != nil {
		return res, err
	}
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return res, err
	}
	start := time.Now()
	var (
		mu   sync.Mutex
		errs []error
		wg   sync.WaitGroup
	)
	next := make(chan int)
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for i := range next {
				out := filepath.Join(outDir, fmt.Sprintf("%03d.yaml", i))
				rss, err := run(kustomize, []string{"build", filepath.Join(root, overlays[i]), "-o", out})
				mu.Lock()
				res.PeakRSS = max(res.PeakRSS, rss)
				if err != nil {
					errs = append(errs, fmt.Errorf("kustomize build %s: %w", overlays[i], err))
				}
				mu.Unlock()
			}
		})
	}
	for i := range overlays {
		next <- i
	}
	close(next)
	wg.Wait()
	res.Build = time.Since(start)
	if len(errs) > 0 {
		return res, errors.Join(errs...)
	}

	start = time.Now()
	cmd := exec.Command(kubeconform, "-strict", "-summary", "-output", "json",
		"-n", fmt.Sprint(runtime.GOMAXPROCS(0)), "-schema-location", schemaLocation, outDir)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	rss, err := runMeasured(cmd)
	res.Validate = time.Since(start)
	res.PeakRSS = max(res.PeakRSS, rss)
	var summary struct {
		Summary struct {
			Valid, Invalid, Errors, Skipped int
		} `json:"summary"`
	}
	if jerr := yaml.Unmarshal(stdout.Bytes(), &summary); jerr != nil {
		return res, fmt.Errorf("kubeconform: %v: %s%s", err, stdout.String(), stderr.String())
	}
	s := summary.Summary
	res.Objects = s.Valid + s.Invalid + s.Errors + s.Skipped
	if err != nil || s.Invalid > 0 || s.Errors > 0 || s.Skipped > 0 {
		return res, fmt.Errorf("kubeconform: %d invalid, %d errors, %d skipped (%v): %.2000s%s", s.Invalid, s.Errors, s.Skipped, err, stdout.String(), stderr.String())
	}
	return res, nil
}

// run executes a command and returns its peak resident set size.
func run(bin string, args []string) (int64, error) {
	cmd := exec.Command(bin, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	rss, err := runMeasured(cmd)
	if err != nil {
		return rss, fmt.Errorf("%v: %s", err, strings.TrimSpace(stderr.String()))
	}
	return rss, nil
}

// runMeasured runs cmd and samples its peak resident set (VmHWM in
// /proc/<pid>/status) every 5 ms until it exits; 0 where /proc is missing.
// The rusage of a child is no use here: Go starts children with
// CLONE_VM|CLONE_VFORK, so the kernel carries the parent's high-water mark
// over into the child's ru_maxrss.
func runMeasured(cmd *exec.Cmd) (int64, error) {
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	status := fmt.Sprintf("/proc/%d/status", cmd.Process.Pid)
	var peak int64
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for {
		if hwm := vmHWM(status); hwm > peak {
			peak = hwm
		}
		select {
		case err := <-done:
			return peak, err
		case <-tick.C:
		}
	}
}

// vmHWM reads the peak resident set, in bytes, from a /proc status file.
func vmHWM(file string) int64 {
	b, err := os.ReadFile(file)
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			if err == nil {
				return kb * 1024
			}
		}
	}
	return 0
}

// PeakRSSSelf is this process's peak resident set in bytes (0 if unknown).
func PeakRSSSelf() int64 { return vmHWM("/proc/self/status") }
