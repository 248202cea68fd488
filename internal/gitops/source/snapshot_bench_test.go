package source_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/plinth-dev/plinth/internal/testutil/cputime"

	"github.com/plinth-dev/plinth/generator"
	"github.com/plinth-dev/plinth/internal/gitops/source"
	"github.com/plinth-dev/plinth/internal/testutil/gittest"
	"github.com/plinth-dev/plinth/internal/testutil/synth"
)

// synthRepo commits plinth's output for a synthetic platform of n services
// (layout flavor), then the same with a few files changed, and returns the
// repository and the two commits.
func synthRepo(tb testing.TB, n int, flavor string) (dir, first, second string) {
	tb.Helper()
	out, err := generator.Generate(synth.Load(tb, n), generator.Options{Flavor: flavor})
	if err != nil {
		tb.Fatal(err)
	}
	r := gittest.New(tb)
	for p, data := range out.Files {
		r.Write(p, data)
	}
	first = r.Commit("generated", gittest.Date(2026, 10, 1))
	changed := 0
	for p, data := range out.Files {
		if changed == 5 {
			break
		}
		r.Write(p, append(append([]byte(nil), data...), "# changed\n"...))
		changed++
	}
	second = r.Commit("changed", gittest.Date(2026, 10, 15))
	return r.Dir, first, second
}

// BenchmarkSnapshot reads one state, and two states (a --since report), of
// the 500-service repository, its objects loose (as go-git commits them) and
// packed (as after a clone or git gc).
func BenchmarkSnapshot(b *testing.B) {
	dir, first, second := synthRepo(b, 500, generator.FlavorKustomize)
	packed := b.TempDir()
	gittest.Git(b, packed, "clone", "-q", "--bare", dir, ".")
	gittest.Git(b, packed, "gc", "-q")
	for _, loc := range []struct{ name, dir string }{{"loose", dir}, {"packed", packed}} {
		for _, states := range []int{1, 2} {
			for _, impl := range []string{"go-git", "store"} {
				b.Run(fmt.Sprintf("%s/states=%d/%s", loc.name, states, impl), func(b *testing.B) {
					cpu0 := cputime.Self()
					for b.Loop() {
						r, err := source.Open(context.Background(), loc.dir, source.Options{})
						if err != nil {
							b.Fatal(err)
						}
						for i, ref := range []string{second, first}[:states] {
							c, err := r.Resolve(ref)
							if err != nil {
								b.Fatal(err)
							}
							snapshot := r.Snapshot
							if impl == "go-git" {
								snapshot = r.GoGitSnapshot
							}
							s, err := snapshot(c, ref)
							if err != nil || len(s.Paths()) == 0 {
								b.Fatal(i, err)
							}
						}
						r.Close()
					}
					b.ReportMetric((cputime.Self()-cpu0).Seconds()/float64(b.N), "cpu-s/op")
				})
			}
		}
	}
}
