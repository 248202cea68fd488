package source_test

import (
	"context"
	"os"
	"path/filepath"
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

	r, err := source.Open(context.Background(), repo.Dir)
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
		if _, err := source.Open(context.Background(), p); err == nil {
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
	r, err := source.Open(context.Background(), repo.Dir)
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
