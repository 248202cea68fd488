package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/plinth-dev/plinth/internal/testutil/gittest"
	"github.com/plinth-dev/plinth/reports/render"
)

// copyRepo copies a hand-written GitOps repository of testdata/repos into a
// temporary plain directory (no history).
func copyRepo(t *testing.T, name string) string {
	t.Helper()
	src := filepath.Join("..", "..", "testdata", "repos", name)
	dst := filepath.Join(t.TempDir(), name)
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

func reportRun(args ...string) (int, string, string) {
	var out, errOut bytes.Buffer
	code := run(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestReportCommand(t *testing.T) {
	repo := copyRepo(t, "flux")
	outFile := filepath.Join(t.TempDir(), "report.sarif")
	tests := []struct {
		name  string
		args  []string
		env   map[string]string
		code  int
		check func(t *testing.T, stdout, stderr string)
	}{
		{"text", []string{"report", "--repo", repo, "--date", "2026-11-01"}, nil, exitOK, func(t *testing.T, out, _ string) {
			if !strings.Contains(out, "PLN-SEC-006 critical") || !strings.Contains(out, "apps/base/deployment.yaml:2") {
				t.Errorf("text report: %s", out)
			}
		}},
		{"json with SOURCE_DATE_EPOCH", []string{"report", "--repo", repo, "--format", "json"}, map[string]string{"SOURCE_DATE_EPOCH": "1793491200"}, exitOK, func(t *testing.T, out, _ string) {
			var r struct {
				SchemaVersion string `json:"schemaVersion"`
				Date          string `json:"date"`
				Findings      []any  `json:"findings"`
			}
			if err := json.Unmarshal([]byte(out), &r); err != nil {
				t.Fatal(err)
			}
			if r.SchemaVersion != "plinth.dev/report/v1" || r.Date != "2026-11-01T00:00:00Z" || len(r.Findings) == 0 {
				t.Errorf("json: schema %s date %s, %d findings", r.SchemaVersion, r.Date, len(r.Findings))
			}
		}},
		{"fail-on critical", []string{"report", "--repo", repo, "--fail-on", "critical", "-o", "markdown"}, nil, exitFailure, func(t *testing.T, out, errOut string) {
			if !strings.Contains(out, "## plinth baseline report") || !strings.Contains(errOut, "severity critical or higher") {
				t.Errorf("stdout %q stderr %q", out, errOut)
			}
		}},
		{"out file", []string{"report", "--repo", repo, "--format", "sarif", "--out", outFile}, nil, exitOK, func(t *testing.T, out, errOut string) {
			data, err := os.ReadFile(outFile)
			if err != nil || !bytes.Contains(data, []byte(`"version": "2.1.0"`)) || out != "" || !strings.Contains(errOut, "Score") || !strings.Contains(errOut, "coverage:") {
				t.Errorf("out file: %v %q %q", err, out, errOut)
			}
		}},
		{"korean junit", []string{"report", "--repo", repo, "--format", "junit", "--lang", "ko"}, nil, exitOK, func(t *testing.T, out, _ string) {
			if !strings.Contains(out, "특권 컨테이너 금지") {
				t.Errorf("junit ko: %.300s", out)
			}
		}},
		{"history on a plain directory", []string{"report", "--repo", repo, "--month", "2026-10"}, nil, exitFailure, func(t *testing.T, _, errOut string) {
			if !strings.Contains(errOut, "not a git repository") {
				t.Errorf("stderr %q", errOut)
			}
		}},
		{"one cluster", []string{"report", "--repo", repo, "--cluster", "prod", "-o", "json"}, nil, exitOK, func(t *testing.T, out, _ string) {
			if !strings.Contains(out, `"scopes": [`+"\n"+`    "prod"`) {
				t.Errorf("scopes: %.400s", out)
			}
		}},
		{"unknown cluster", []string{"report", "--repo", repo, "--cluster", "staging"}, nil, exitUsage, func(t *testing.T, _, errOut string) {
			if !strings.Contains(errOut, "--cluster staging") || !strings.Contains(errOut, "(it has prod)") {
				t.Errorf("stderr %q", errOut)
			}
		}},
		{"missing repo", []string{"report"}, nil, exitUsage, nil},
		{"unknown format", []string{"report", "--repo", repo, "--format", "yaml"}, nil, exitUsage, nil},
		{"unknown fail-on", []string{"report", "--repo", repo, "--fail-on", "severe"}, nil, exitUsage, nil},
		{"unknown lang", []string{"report", "--repo", repo, "--lang", "fr"}, nil, exitUsage, nil},
		{"bad date", []string{"report", "--repo", repo, "--date", "tomorrow"}, nil, exitUsage, nil},
		{"month and since", []string{"report", "--repo", repo, "--month", "2026-10", "--since", "HEAD"}, nil, exitUsage, nil},
		{"no such repo", []string{"report", "--repo", filepath.Join(repo, "nope")}, nil, exitFailure, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("SOURCE_DATE_EPOCH", "")
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			code, out, errOut := reportRun(tc.args...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d; stderr: %s", code, tc.code, errOut)
			}
			if tc.check != nil {
				tc.check(t, out, errOut)
			}
		})
	}
}

// TestReportCoverage: --fail-on-coverage exits 1 below the percentage of
// sources evaluated, every text format names the source not evaluated with
// its reason, and -v prints progress on standard error.
func TestReportCoverage(t *testing.T) {
	repo := copyRepo(t, "flux")
	remote := `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {name: redis, namespace: flux-system}
spec:
  chart:
    spec:
      chart: redis
      sourceRef: {kind: HelmRepository, name: bitnami}
`
	if err := os.WriteFile(filepath.Join(repo, "clusters", "prod", "redis.yaml"), []byte(remote), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := reportRun("report", "--repo", repo, "--format", "json", "--date", "2026-11-01")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var r struct {
		Coverage struct {
			Percent                      float64
			Sources, Rendered, Workloads int
			NotEvaluated                 int                             `json:"notEvaluated"`
			Skipped                      []struct{ File, Reason string } `json:"notEvaluatedSources"`
		}
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	c := r.Coverage
	found := false
	for _, s := range c.Skipped {
		found = found || s.File == "clusters/prod/redis.yaml" && s.Reason == "remote chart"
	}
	if c.NotEvaluated == 0 || c.Sources != c.Rendered+c.NotEvaluated || c.Workloads == 0 || len(c.Skipped) != c.NotEvaluated || !found ||
		c.Percent != float64(c.Rendered*1000/c.Sources)/10 {
		t.Fatalf("coverage %+v", c)
	}
	tests := []struct {
		name  string
		args  []string
		code  int
		check func(t *testing.T, stdout, stderr string)
	}{
		{"below the gate", []string{"--fail-on-coverage", "100"}, exitFailure, func(t *testing.T, _, errOut string) {
			if !strings.Contains(errOut, "is below --fail-on-coverage 100%") || !strings.Contains(errOut, strconv.Itoa(c.NotEvaluated)+" not evaluated") {
				t.Errorf("stderr %q", errOut)
			}
		}},
		{"at the gate", []string{"--fail-on-coverage", strconv.FormatFloat(c.Percent, 'f', 1, 64)}, exitOK, nil},
		{"zero gate", []string{"--fail-on-coverage", "0"}, exitOK, nil},
		{"gate out of range", []string{"--fail-on-coverage", "101"}, exitUsage, nil},
		{"text names the source", nil, exitOK, func(t *testing.T, out, _ string) {
			if !strings.Contains(out, "clusters/prod/redis.yaml:1 remote chart") || !strings.Contains(out, strconv.Itoa(c.NotEvaluated)+" not evaluated") {
				t.Errorf("text: %s", out)
			}
		}},
		{"markdown names the source", []string{"-o", "markdown"}, exitOK, func(t *testing.T, out, _ string) {
			if !strings.Contains(out, "`clusters/prod/redis.yaml:1` | remote chart") {
				t.Errorf("markdown: %s", out)
			}
		}},
		{"sarif notes the source", []string{"-o", "sarif"}, exitOK, func(t *testing.T, out, _ string) {
			if !strings.Contains(out, `"uri": "clusters/prod/redis.yaml"`) || !strings.Contains(out, `"notEvaluated": `+strconv.Itoa(c.NotEvaluated)) {
				t.Errorf("sarif: %.2000s", out)
			}
		}},
		{"junit skips the source", []string{"-o", "junit"}, exitOK, func(t *testing.T, out, _ string) {
			if !strings.Contains(out, `name="not evaluated clusters/prod/redis.yaml:1"`) {
				t.Errorf("junit: %s", out)
			}
		}},
		{"verbose progress", []string{"-v"}, exitOK, func(t *testing.T, _, errOut string) {
			for _, want := range []string{"report: repository", "opened", "working tree rendered and checked", "cluster prod:", "evaluated in"} {
				if !strings.Contains(errOut, want) {
					t.Errorf("-v: stderr lacks %q: %s", want, errOut)
				}
			}
		}},
		{"quiet without -v", nil, exitOK, func(t *testing.T, _, errOut string) {
			if errOut != "" {
				t.Errorf("stderr without -v: %q", errOut)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := reportRun(append([]string{"report", "--repo", repo, "--date", "2026-11-01"}, tc.args...)...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d; stderr: %s", code, tc.code, errOut)
			}
			if tc.check != nil {
				tc.check(t, out, errOut)
			}
		})
	}
}

func TestReportDeterministic(t *testing.T) {
	repo := copyRepo(t, "argocd")
	var outs []string
	for i := 0; i < 2; i++ {
		code, out, errOut := reportRun("report", "--repo", repo, "--format", "json", "--date", "2026-11-01")
		if code != exitOK {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		outs = append(outs, out)
	}
	if outs[0] != outs[1] {
		t.Error("two runs on the same input differ")
	}
}

// TestReportEveryFormat runs plinth report in every format of the
// registry and each of its languages, into --out: binary formats too.
func TestReportEveryFormat(t *testing.T) {
	repo := copyRepo(t, "helm")
	dir := t.TempDir()
	for _, rd := range render.All() {
		for _, lang := range rd.Languages {
			out := filepath.Join(dir, rd.Name+"."+lang)
			if code, _, errOut := reportRun("report", "--repo", repo, "--format", rd.Name, "--lang", lang, "--out", out); code != exitOK {
				t.Fatalf("%s %s: exit %d: %s", rd.Name, lang, code, errOut)
			}
			if data, err := os.ReadFile(out); err != nil || len(data) == 0 {
				t.Errorf("%s %s: %d bytes, %v", rd.Name, lang, len(data), err)
			}
		}
	}
	code, out, _ := reportRun("report", "--help")
	if code != exitOK || !strings.Contains(out, "output format: text|json|markdown|sarif|junit|pdf") {
		t.Errorf("report --help: exit %d, formats not listed:\n%s", code, out)
	}
}

// TestReportDatedByCommit: without --date or SOURCE_DATE_EPOCH a git
// repository's report is dated by its commit, so two PDFs of the same
// state are the same bytes.
func TestReportDatedByCommit(t *testing.T) {
	t.Setenv("SOURCE_DATE_EPOCH", "")
	repo := gittest.New(t)
	repo.CopyDir(filepath.Join("..", "..", "testdata", "repos", "flux"))
	repo.Commit("initial", gittest.Date(2026, 9, 20))
	dir := t.TempDir()
	var pdfs [][]byte
	for i := range 2 {
		out := filepath.Join(dir, strconv.Itoa(i)+".pdf")
		if code, _, errOut := reportRun("report", "--repo", repo.Dir, "--format", "pdf", "--out", out); code != exitOK {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		data, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		pdfs = append(pdfs, data)
	}
	if !bytes.Equal(pdfs[0], pdfs[1]) {
		t.Error("two PDFs of the same state differ")
	}
	_, out, _ := reportRun("report", "--repo", repo.Dir, "--format", "json")
	var r struct{ Date, CommitDate string }
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	if r.Date == "" || r.Date != r.CommitDate {
		t.Errorf("date %q, commit date %q: want the commit's", r.Date, r.CommitDate)
	}
}

// failingWriter takes n bytes, then fails.
type failingWriter struct{ n int }

func (w *failingWriter) Write(p []byte) (int, error) {
	if len(p) > w.n {
		k := w.n
		w.n = 0
		return k, errors.New("no space left on device")
	}
	w.n -= len(p)
	return len(p), nil
}

// TestReportStdoutFails: a standard output that fails is a write error
// naming it, exit 1, for a format that streams (json) as for one held
// until whole (text), whether it fails at once or partway.
func TestReportStdoutFails(t *testing.T) {
	repo := copyRepo(t, "helm")
	for _, format := range []string{"json", "text"} {
		for _, n := range []int{0, 1000} {
			var errOut strings.Builder
			code := run([]string{"report", "--repo", repo, "--format", format, "--date", "2026-11-01"}, &failingWriter{n: n}, &errOut)
			if code != exitFailure || !strings.Contains(errOut.String(), "Error: write report: no space left on device") {
				t.Errorf("%s, failing after %d bytes: exit %d, %s", format, n, code, errOut.String())
			}
		}
	}
}
