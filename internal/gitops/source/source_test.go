package source_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/plinth-dev/plinth/internal/gitops/source"
	"github.com/plinth-dev/plinth/internal/testutil/gittest"
)

func TestGitSnapshot(t *testing.T) {
	repo := gittest.New(t)
	repo.Write("a/b.yaml", []byte("x: 1\n"))
	repo.Symlink("a/link.yaml", "b.yaml")
	repo.Symlink("a/out.yaml", "../../outside")
	repo.Symlink("abs.yaml", "/etc/passwd")
	c1 := repo.Commit("one", gittest.Date(2026, 1, 2))
	repo.Write("a/c.yaml", []byte("y: 2\n"))
	repo.Commit("two", gittest.Date(2026, 2, 2))

	r, err := source.Open(context.Background(), repo.Dir, source.Options{})
	if err != nil {
		t.Fatal(err)
	}
	c, err := r.Resolve(c1)
	if err != nil {
		t.Fatal(err)
	}
	s, err := r.Snapshot(c, c1)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(s.Paths(), ","); got != "a/b.yaml,a/link.yaml,a/out.yaml,abs.yaml" {
		t.Errorf("paths at first commit: %s", got)
	}
	if f, _ := s.File("a/link.yaml"); f.Err != nil || string(f.Data) != "x: 1\n" {
		t.Errorf("link inside: %+v", f)
	}
	for _, p := range []string{"a/out.yaml", "abs.yaml"} {
		if f, _ := s.File(p); f.Err == nil || !strings.Contains(f.Err.Error(), "outside the repository") || f.Data != nil {
			t.Errorf("%s: %+v", p, f)
		}
	}
	head, _ := r.Resolve("HEAD")
	last, err := r.LastBefore(head, gittest.Date(2026, 2, 1))
	if err != nil || last == nil || last.Hash.String() != c1 {
		t.Errorf("LastBefore: %v %v", last, err)
	}
	between, err := r.Between(c, head)
	if err != nil || len(between) != 1 || between[0].Hash != head.Hash {
		t.Errorf("Between: %v %v", between, err)
	}
	if !s.IsDir("a") || s.IsDir("b") || len(s.List("a")) != 3 || len(s.Walk("a")) != 3 {
		t.Errorf("dirs: IsDir(a)=%v List=%v Walk=%v", s.IsDir("a"), s.List("a"), s.Walk("a"))
	}
}

func TestIsURL(t *testing.T) {
	for in, want := range map[string]bool{
		"https://github.com/x/y.git": true, "git@github.com:x/y.git": true, "file:///tmp/x": true,
		"./repo": false, "/abs/repo": false, "C:/x": false,
	} {
		if source.IsURL(in) != want {
			t.Errorf("IsURL(%q) = %v", in, !want)
		}
	}
}

func TestOpenErrors(t *testing.T) {
	f := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(f, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{f, filepath.Join(t.TempDir(), "missing")} {
		if _, err := source.Open(context.Background(), p, source.Options{}); err == nil {
			t.Errorf("Open(%s): no error", p)
		}
	}
}

// FuzzFromFiles: arbitrary paths never escape or panic.
func FuzzFromFiles(f *testing.F) {
	f.Add("a/b.yaml", "../x", "/etc/passwd", []byte("x"))
	f.Fuzz(func(t *testing.T, p1, p2, p3 string, data []byte) {
		s := source.FromFiles("fuzz", map[string][]byte{p1: data, p2: data, p3: data})
		for _, p := range s.Paths() {
			if strings.HasPrefix(p, "../") || strings.HasPrefix(p, "/") || p == ".." {
				t.Fatalf("path %q escapes", p)
			}
		}
	})
}

// TestResolveExplainsMissingBranch: a HEAD pointing at a branch that does
// not exist (a bare repository made with another default branch) gets an
// error that says so and lists the branches to pass to --ref.
func TestResolveExplainsMissingBranch(t *testing.T) {
	repo := gittest.New(t)
	repo.Write("a.yaml", []byte("x: 1\n"))
	repo.Commit("one", gittest.Date(2026, 1, 2)) // on master
	if err := os.WriteFile(filepath.Join(repo.Dir, ".git", "HEAD"), []byte("ref: refs/heads/main\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r, err := source.Open(context.Background(), repo.Dir, source.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for rev, want := range map[string]string{
		"":     `revision "HEAD": reference not found: HEAD points to refs/heads/main, which does not exist; pass --ref (branches: master)`,
		"nope": `revision "nope": reference not found; pass --ref (branches: master)`,
	} {
		if _, err := r.Resolve(rev); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Resolve(%q): %v, want %q", rev, err, want)
		}
	}
	if c, err := r.Resolve("master"); err != nil || c == nil {
		t.Errorf("Resolve(master): %v", err)
	}
}

// TestLargeBlobNotInflated reads a repository holding a 64 MiB file (zeros:
// a few hundred KiB in git), loose, packed and cloned from a URL: the file is
// not evaluated and named as too large. Read locally it is never inflated
// (the bytes allocated while opening and reading stay far below its size).
// Cloned, go-git v5 inflates each object once while indexing the pack (into
// one reused buffer, then dropped: the clone is on disk); in memory storage
// it was kept besides, more than twice its size.
func TestLargeBlobNotInflated(t *testing.T) {
	gittest.Need(t)
	const size = 64 << 20
	repo := gittest.New(t)
	repo.Write("apps/big.yaml", make([]byte, size))
	repo.Write("apps/small.yaml", []byte("kind: ConfigMap\n"))
	gittest.Git(t, repo.Dir, "add", "-A") // the git CLI streams the file; go-git's add holds it
	gittest.Git(t, repo.Dir, "commit", "-q", "-m", "big")
	if err := os.Remove(filepath.Join(repo.Dir, "apps", "big.yaml")); err != nil {
		t.Fatal(err) // the work tree copy plays no part
	}
	packed := t.TempDir()
	gittest.Git(t, packed, "clone", "-q", "--bare", repo.Dir, ".")
	gittest.Git(t, packed, "gc", "-q")
	for _, tc := range []struct {
		name, location string
		maxAlloc       uint64
	}{
		{"loose object", repo.Dir, size / 4},
		{"packed object", packed, size / 4},
		{"cloned from a URL", "file://" + filepath.ToSlash(packed), size * 3 / 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			r, err := source.Open(context.Background(), tc.location, source.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			c, err := r.Resolve("")
			if err != nil {
				t.Fatal(err)
			}
			s, err := r.Snapshot(c, "HEAD")
			if err != nil {
				t.Fatal(err)
			}
			runtime.ReadMemStats(&after)
			f, ok := s.File("apps/big.yaml")
			if !ok || !errors.Is(f.Err, source.ErrTooLarge) || f.Data != nil || !strings.Contains(f.Err.Error(), "apps/big.yaml: not evaluated: file too large") {
				t.Fatalf("big file: %+v", f)
			}
			if f, _ := s.File("apps/small.yaml"); f == nil || string(f.Data) != "kind: ConfigMap\n" {
				t.Errorf("small file: %+v", f)
			}
			if grew := after.TotalAlloc - before.TotalAlloc; grew > tc.maxAlloc {
				t.Errorf("opening and reading allocated %d MiB for a %d MiB file that is not read (bound %d MiB)", grew>>20, size>>20, tc.maxAlloc>>20)
			}
		})
	}
}
