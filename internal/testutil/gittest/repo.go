// (repo.go) gittest also builds real git repositories for tests: files are
// copied from a directory (or given in memory) and committed with go-git at
// fixed dates, so commit hashes are reproducible.
package gittest

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// Repo is a git work tree under construction.
type Repo struct {
	t    testing.TB
	Dir  string
	repo *git.Repository
}

// New initialises an empty repository in a temporary directory.
func New(t testing.TB) *Repo {
	t.Helper()
	dir := t.TempDir()
	repo, err := git.PlainInit(dir, false)
	if err != nil {
		t.Fatalf("git init: %v", err)
	}
	return &Repo{t: t, Dir: dir, repo: repo}
}

// FromDir creates a repository holding a copy of src, committed once at date.
func FromDir(t testing.TB, src string, date time.Time) *Repo {
	t.Helper()
	r := New(t)
	r.CopyDir(src)
	r.Commit("initial", date)
	return r
}

// CopyDir copies the files of src into the work tree.
func (r *Repo) CopyDir(src string) {
	r.t.Helper()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(r.Dir, rel), 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(r.Dir, rel), data, 0o644)
	})
	if err != nil {
		r.t.Fatalf("copy %s: %v", src, err)
	}
}

// Write writes a file of the work tree (slash-separated path).
func (r *Repo) Write(name string, data []byte) {
	r.t.Helper()
	p := filepath.Join(r.Dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		r.t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		r.t.Fatal(err)
	}
}

// Remove deletes a file of the work tree.
func (r *Repo) Remove(name string) {
	r.t.Helper()
	if err := os.Remove(filepath.Join(r.Dir, filepath.FromSlash(name))); err != nil {
		r.t.Fatal(err)
	}
}

// Symlink creates a symbolic link name -> target in the work tree.
func (r *Repo) Symlink(name, target string) {
	r.t.Helper()
	p := filepath.Join(r.Dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		r.t.Fatal(err)
	}
	if err := os.Symlink(target, p); err != nil {
		r.t.Fatal(err)
	}
}

// Commit stages everything and commits it at date; it returns the hash.
func (r *Repo) Commit(msg string, date time.Time) string {
	r.t.Helper()
	wt, err := r.repo.Worktree()
	if err != nil {
		r.t.Fatal(err)
	}
	if err := wt.AddWithOptions(&git.AddOptions{All: true}); err != nil {
		r.t.Fatalf("git add: %v", err)
	}
	sig := &object.Signature{Name: "Plinth Test", Email: "test@plinth.dev", When: date}
	h, err := wt.Commit(msg, &git.CommitOptions{Author: sig, Committer: sig, AllowEmptyCommits: true})
	if err != nil {
		r.t.Fatalf("git commit: %v", err)
	}
	return h.String()
}

// Date is a fixed UTC date for fixtures.
func Date(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 12, 0, 0, 0, time.UTC)
}

// String describes the repository.
func (r *Repo) String() string { return fmt.Sprintf("git repository %s", r.Dir) }
