package publish

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/plinth-dev/plinth/generator"
	"github.com/plinth-dev/plinth/internal/gitops/repo"
	"github.com/plinth-dev/plinth/internal/testutil/synth"
)

// synthOutputs generates a synthetic platform of n services, and the same
// platform with one service's image changed; it returns both outputs and the
// changed service's name.
func synthOutputs(tb testing.TB, n int) (before, after *generator.Output, service string) {
	tb.Helper()
	m := synth.Load(tb, n)
	before, err := generator.Generate(m, generator.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	service = m.Services[n/2].Name
	for i := range m.Environments {
		for j := range m.Environments[i].Workloads {
			if w := &m.Environments[i].Workloads[j]; w.Name == service {
				w.Image = strings.Split(w.Image, ":")[0] + ":9.9.9"
			}
		}
	}
	after, err = generator.Generate(m, generator.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	return before, after, service
}

// TestOneServiceChangeCommitsOnlyItsFiles publishes a synthetic platform,
// changes one service and checks the commit touches only that service's
// files and the ownership manifest.
func TestOneServiceChangeCommitsOnlyItsFiles(t *testing.T) {
	needGit(t)
	before, after, service := synthOutputs(t, 40)
	bare := newBare(t, t.TempDir(), "gitops.git")
	ctx := context.Background()
	opts := testOpts(bare, nil)
	if _, err := Publish(ctx, before, opts); err != nil {
		t.Fatal(err)
	}
	res, err := Publish(ctx, after, opts)
	if err != nil {
		t.Fatal(err)
	}
	changed := strings.Split(git(t, bare, "show", "--name-only", "--format=", "main"), "\n")
	if len(changed) < 2 || len(changed) != len(res.Changes) {
		t.Fatalf("changed files %q, result %d changes", changed, len(res.Changes))
	}
	for _, p := range changed {
		if p != repo.ManifestPath && !strings.Contains(p, service) {
			t.Errorf("%s changed, but only %s changed in the platform", p, service)
		}
	}
	fsck(t, bare)
}

// BenchmarkPublish500 measures publish of a 500-service synthetic platform
// against a local bare repository: the in-memory clone alone, a no-op
// publish (clone + tree build), and a one-service change (clone, build,
// commit, push). git-cli is the same one-service change done with the git CLI
// (clone with checkout, write every generated file, git add -A, commit, push),
// measured in the same run for comparison.
func BenchmarkPublish500(b *testing.B) {
	needGit(b)
	before, after, _ := synthOutputs(b, 500)
	bare := newBare(b, b.TempDir(), "gitops.git")
	ctx := context.Background()
	opts := testOpts(bare, nil)
	opts.Getenv = func(string) string { return "" }
	if _, err := Publish(ctx, before, opts); err != nil {
		b.Fatal(err)
	}

	b.Run("clone", func(b *testing.B) {
		for b.Loop() {
			rem, err := resolveRemote(bare, opts.Getenv)
			if err != nil {
				b.Fatal(err)
			}
			s, err := newSession(rem, "main", "")
			if err != nil {
				b.Fatal(err)
			}
			if _, err := s.head(ctx); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(len(before.Files)), "files-in-tree")
	})
	b.Run("build-noop", func(b *testing.B) {
		rem, _ := resolveRemote(bare, opts.Getenv)
		s, _ := newSession(rem, "main", "")
		head, err := s.head(ctx)
		if err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			_, changes, err := s.build(head, "", before)
			if err != nil || len(changes) != 0 {
				b.Fatalf("build: %v, %d changes", err, len(changes))
			}
		}
	})
	b.Run("noop", func(b *testing.B) {
		for b.Loop() {
			res, err := Publish(ctx, before, opts)
			if err != nil || res.Commit != "" {
				b.Fatalf("no-op publish: %v %q", err, res.Commit)
			}
		}
	})
	b.Run("one-service", func(b *testing.B) {
		outs := []*generator.Output{after, before}
		i := 0
		for b.Loop() {
			res, err := Publish(ctx, outs[i%2], opts)
			if err != nil || res.Commit == "" {
				b.Fatalf("publish: %v", err)
			}
			b.ReportMetric(float64(len(res.Changes)), "files-committed/op")
			i++
		}
	})
	b.Run("git-cli", func(b *testing.B) {
		// Start from "before" (the last loop may have left "after").
		if _, err := Publish(ctx, before, opts); err != nil {
			b.Fatal(err)
		}
		outs := []*generator.Output{after, before}
		i := 0
		home := b.TempDir()
		for b.Loop() {
			work := filepath.Join(b.TempDir(), "w")
			gitQuiet(b, home, "", "clone", "-q", bare, work)
			paths := make([]string, 0, len(outs[i%2].Files))
			for p := range outs[i%2].Files {
				paths = append(paths, p)
			}
			sort.Strings(paths)
			for _, p := range paths {
				full := filepath.Join(work, filepath.FromSlash(p))
				if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
					b.Fatal(err)
				}
				if err := os.WriteFile(full, outs[i%2].Files[p], 0o644); err != nil {
					b.Fatal(err)
				}
			}
			gitQuiet(b, home, work, "add", "-A")
			gitQuiet(b, home, work, "commit", "-q", "-m", fmt.Sprintf("change %d", i))
			gitQuiet(b, home, work, "push", "-q", "origin", "main")
			i++
		}
	})
}

// gitQuiet runs git without per-call temp dirs (benchmark loops).
func gitQuiet(b *testing.B, home, dir string, args ...string) {
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = gitEnv(home)
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}
