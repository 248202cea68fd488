package publish

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/plinth-dev/plinth/generator"
	"github.com/plinth-dev/plinth/internal/gitops/repo"
)

// memSession is a session whose trees and commits live in memory only; it
// never talks to a remote.
func memSession(t testing.TB) *session {
	t.Helper()
	s, err := newSession(&remote{URL: "file:///nonexistent", Display: "mem"}, "main", "")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// step builds out on base, commits the result and returns the commit and
// the changes.
func step(t testing.TB, s *session, base plumbing.Hash, sub string, out *generator.Output) (plumbing.Hash, []repo.Change) {
	t.Helper()
	tree, changes, err := s.build(base, sub, out)
	if err != nil {
		t.Fatalf("build: %v", err)
	}
	if len(changes) == 0 {
		return base, nil
	}
	c, err := s.commit(tree, base, "m", object.Signature{Name: "t", Email: "t@t"}, time.Unix(0, 0))
	if err != nil {
		t.Fatal(err)
	}
	return c, changes
}

// files lists the files of a commit's tree with their contents.
func files(t testing.TB, s *session, commit plumbing.Hash) map[string]string {
	t.Helper()
	c, err := object.GetCommit(s.repo.Storer, commit)
	if err != nil {
		t.Fatal(err)
	}
	tree, err := c.Tree()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	err = tree.Files().ForEach(func(f *object.File) error {
		r, err := f.Reader()
		if err != nil {
			return err
		}
		defer r.Close()
		data, err := io.ReadAll(r)
		got[f.Name] = string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// TestTreeNames covers git's tree order, where a directory sorts as if its
// name ended in "/" ("a.b" < "a/" < "a0"), and deep, shared prefixes.
func TestTreeNames(t *testing.T) {
	s := memSession(t)
	set := map[string]string{"a.b": "1", "a/x": "2", "a0": "3", "a-/y": "4", "b/c/d/e/f.yaml": "5", "b/c/g": "6"}
	c1, changes := step(t, s, plumbing.ZeroHash, "", output(set))
	if len(changes) != len(set)+1 {
		t.Fatalf("%d changes", len(changes))
	}
	got := files(t, s, c1)
	for p, v := range set {
		if got[p] != v {
			t.Errorf("%s = %q, want %q", p, got[p], v)
		}
	}
	// Re-encoding every tree must give the same hashes: entries were sorted.
	c, _ := object.GetCommit(s.repo.Storer, c1)
	tree, _ := c.Tree()
	if err := tree.Files().ForEach(func(*object.File) error { return nil }); err != nil {
		t.Fatal(err)
	}
	walker := object.NewTreeWalker(tree, true, nil)
	defer walker.Close()
	for {
		_, ent, err := walker.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if !ent.Mode.IsFile() {
			sub, err := object.GetTree(s.repo.Storer, ent.Hash)
			if err != nil {
				t.Fatal(err)
			}
			if !sort.IsSorted(object.TreeEntrySorter(sub.Entries)) {
				t.Errorf("tree %s is not in git order", ent.Name)
			}
		}
	}
}

// FuzzTreeEdit checks the tree editor against a plain map model: publishing
// a set of files yields exactly them (plus hand-written files), publishing it
// again changes nothing, and dropping files removes exactly those.
func FuzzTreeEdit(f *testing.F) {
	f.Add("a/b.yaml\na/c.yaml\nd.yaml", "a/b.yaml", "hand/x.md")
	f.Add("x\nx.y\nx/z\nx-/w", "x/z", "x.y/q")
	f.Fuzz(func(t *testing.T, paths, drop, hand string) {
		want := map[string]string{}
		for i, p := range strings.Split(paths, "\n") {
			if repo.CheckPath(p) == nil && p != repo.ManifestPath && !strings.HasPrefix(p, ".plinth/manifest.json/") && len(want) < 40 {
				want[p] = fmt.Sprintf("content %d\n", i)
			}
		}
		if len(want) == 0 || conflicting(with(want, map[string]string{repo.ManifestPath: ""})) {
			return
		}
		s := memSession(t)
		base := plumbing.ZeroHash
		// A hand-written file first, when it does not clash with the output.
		handFiles := map[string]string{}
		if repo.CheckPath(hand) == nil && want[hand] == "" && !strings.HasPrefix(hand, ".plinth/") &&
			!conflicting(with(want, map[string]string{hand: "mine\n", repo.ManifestPath: ""})) {
			e := &treeEditor{s: s.repo.Storer}
			root := &node{}
			n := root.insert(hand)
			n.put, n.data, n.hash = true, []byte("mine\n"), blobHash([]byte("mine\n"))
			tree, _, err := e.apply(plumbing.ZeroHash, root, "")
			if err != nil {
				t.Fatal(err)
			}
			base, err = s.commit(tree, plumbing.ZeroHash, "hand", object.Signature{Name: "h", Email: "h@h"}, time.Unix(0, 0))
			if err != nil {
				t.Fatal(err)
			}
			handFiles[hand] = "mine\n"
		}
		c1, changes := step(t, s, base, "", output(want))
		if len(changes) != len(want)+1 {
			t.Fatalf("first publish: %d changes for %d files", len(changes), len(want))
		}
		got := files(t, s, c1)
		if len(got) != len(want)+1+len(handFiles) {
			t.Fatalf("tree has %d files, want %d", len(got), len(want)+1+len(handFiles))
		}
		for p, v := range with(want, handFiles) {
			if got[p] != v {
				t.Fatalf("%s = %q, want %q", p, got[p], v)
			}
		}
		if c2, changes := step(t, s, c1, "", output(want)); c2 != c1 || len(changes) != 0 {
			t.Fatalf("second publish changed %d files", len(changes))
		}
		var dropped []string
		for _, p := range strings.Split(drop, "\n") {
			if _, ok := want[p]; ok && len(want)-len(dropped) > 1 {
				dropped = append(dropped, p)
			}
		}
		if len(dropped) == 0 {
			return
		}
		next := with(want, nil, dropped...)
		c3, changes := step(t, s, c1, "", output(next))
		removed := 0
		for _, c := range changes {
			if c.Action == repo.Removed {
				removed++
			}
		}
		if removed != len(uniq(dropped)) {
			t.Fatalf("removed %d files, want %d", removed, len(uniq(dropped)))
		}
		got = files(t, s, c3)
		if len(got) != len(next)+1+len(handFiles) {
			t.Fatalf("after drop: %d files, want %d", len(got), len(next)+1+len(handFiles))
		}
	})
}

// conflicting reports whether one path of set is a directory of another.
func conflicting(set map[string]string) bool {
	for p := range set {
		for i := range p {
			if p[i] == '/' {
				if _, ok := set[p[:i]]; ok {
					return true
				}
			}
		}
	}
	return false
}

func uniq(s []string) map[string]bool {
	m := map[string]bool{}
	for _, v := range s {
		m[v] = true
	}
	return m
}
