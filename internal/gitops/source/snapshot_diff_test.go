package source_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/plinth-dev/plinth/generator"
	"github.com/plinth-dev/plinth/internal/gitops/source"
	"github.com/plinth-dev/plinth/internal/testutil/gittest"
)

// sameSnapshot fails unless got and want hold the same files, contents,
// errors, links and directories.
func sameSnapshot(t *testing.T, got, want *source.Snapshot) {
	t.Helper()
	if got.Repo != want.Repo || got.Ref != want.Ref || got.Commit != want.Commit || !got.CommitDate.Equal(want.CommitDate) || got.Remote != want.Remote {
		t.Errorf("header: %q %q %q %v %q, want %q %q %q %v %q", got.Repo, got.Ref, got.Commit, got.CommitDate, got.Remote,
			want.Repo, want.Ref, want.Commit, want.CommitDate, want.Remote)
	}
	if !slices.Equal(got.Paths(), want.Paths()) {
		t.Fatalf("paths:\n%v\nwant\n%v", got.Paths(), want.Paths())
	}
	dirs := map[string]bool{}
	for _, p := range want.Paths() {
		g, _ := got.File(p)
		w, _ := want.File(p)
		if g.Path != w.Path || g.Link != w.Link || !bytes.Equal(g.Data, w.Data) || (g.Data == nil) != (w.Data == nil) {
			t.Errorf("%s: path %q link %q %d bytes (nil %v), want %q %q %d bytes (nil %v)", p, g.Path, g.Link, len(g.Data), g.Data == nil,
				w.Path, w.Link, len(w.Data), w.Data == nil)
		}
		if (g.Err == nil) != (w.Err == nil) || g.Err != nil && g.Err.Error() != w.Err.Error() ||
			errors.Is(g.Err, source.ErrTooLarge) != errors.Is(w.Err, source.ErrTooLarge) {
			t.Errorf("%s: error %v, want %v", p, g.Err, w.Err)
		}
		for d := path.Dir(p); d != "."; d = path.Dir(d) {
			dirs[d] = true
		}
	}
	for d := range dirs {
		if !got.IsDir(d) || !slices.Equal(got.List(d), want.List(d)) || !slices.Equal(got.Walk(d), want.Walk(d)) {
			t.Errorf("directory %s: %v %v, want %v", d, got.IsDir(d), got.List(d), want.List(d))
		}
	}
}

// compareStates reads every revision of revs at location with the object
// store (one repository: the later states share what the earlier read)
// and with go-git alone, and fails unless both give the same snapshot or
// the same error.
func compareStates(t *testing.T, location string, revs ...string) *source.Repository {
	t.Helper()
	fast, err := source.Open(context.Background(), location, source.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer fast.Close()
	t.Cleanup(func() { fast.Close() })
	slow, err := source.Open(context.Background(), location, source.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer slow.Close()
	for _, rev := range revs {
		c, err := fast.Resolve(rev)
		if err != nil {
			t.Fatal(err)
		}
		got, gotErr := fast.Snapshot(c, rev)
		want, wantErr := slow.GoGitSnapshot(c, rev)
		if (gotErr == nil) != (wantErr == nil) || gotErr != nil && gotErr.Error() != wantErr.Error() {
			t.Fatalf("%s: error %v, want %v", rev, gotErr, wantErr)
		}
		if wantErr == nil {
			sameSnapshot(t, got, want)
		}
	}
	return fast
}

// repack packs every object of the repository at dir with git (args: the
// options of git repack, e.g. -f for new deltas) and removes the loose ones.
func repack(t *testing.T, dir string, args ...string) {
	t.Helper()
	gittest.Git(t, dir, append([]string{"repack", "-a", "-d", "-q"}, args...)...)
	gittest.Git(t, dir, "prune-packed")
}

// TestStoreSnapshotEqualsGoGit: the snapshots the object store reads (loose
// objects, packs with offset and reference deltas, a linked work tree, a
// clone, two states sharing their objects) hold exactly what go-git reads
// one object after the other, including files too large, symbolic links
// inside and outside the repository and unreadable objects.
func TestStoreSnapshotEqualsGoGit(t *testing.T) {
	gittest.Need(t)
	hostile := func(t *testing.T) (string, []string) {
		r := gittest.New(t)
		big := bytes.Repeat([]byte("a: 1\n"), 9<<20/5) // above the 8 MiB limit
		r.Write("apps/big.yaml", big)
		r.Write("apps/small.yaml", []byte("kind: ConfigMap\n"))
		r.Write("apps/empty.yaml", nil)
		r.Write("apps/copy.yaml", []byte("kind: ConfigMap\n")) // the same blob as small.yaml
		r.Symlink("apps/link.yaml", "small.yaml")
		r.Symlink("apps/chain.yaml", "link.yaml")
		r.Symlink("apps/dir", "../apps")
		r.Symlink("apps/out.yaml", "../../outside")
		r.Symlink("abs.yaml", "/etc/passwd")
		r.Symlink("dangling.yaml", "missing.yaml")
		c1 := r.Commit("one", gittest.Date(2026, 1, 2))
		big[100] = 'b' // a delta of a blob too large
		r.Write("apps/big.yaml", big)
		r.Write("apps/small.yaml", []byte("kind: ConfigMap\nmetadata: {name: x}\n"))
		r.Write("apps/more/new.yaml", []byte("kind: Secret\n"))
		r.Remove("apps/copy.yaml")
		c2 := r.Commit("two", gittest.Date(2026, 2, 2))
		return r.Dir, []string{c2, c1, c2}
	}
	synthetic := func(t *testing.T) (string, []string) {
		dir, first, second := synthRepo(t, 20, generator.FlavorHelm)
		return dir, []string{second, first}
	}
	fixtures := func(t *testing.T) (string, []string) {
		r := gittest.New(t)
		var revs []string
		for i, name := range []string{"plain", "flux", "argocd", "helm"} {
			r.CopyDir(filepath.Join("..", "..", "..", "testdata", "repos", name))
			revs = append(revs, r.Commit(name, gittest.Date(2026, 3, i+1)))
		}
		return r.Dir, revs
	}
	for _, repo := range []struct {
		name string
		make func(*testing.T) (string, []string)
	}{{"hostile", hostile}, {"synthetic", synthetic}, {"testdata-repos", fixtures}} {
		t.Run(repo.name, func(t *testing.T) {
			dir, revs := repo.make(t)
			// Every tree and blob is read by the object store (sizes of
			// blobs too large included), none by go-git.
			storeOnly := func(t *testing.T, location string) {
				if n := compareStates(t, location, revs...).GoGitReads(); n != 0 {
					t.Errorf("go-git read %d objects", n)
				}
			}
			t.Run("loose", func(t *testing.T) { storeOnly(t, dir) })
			wt := filepath.Join(t.TempDir(), "linked")
			gittest.Git(t, dir, "worktree", "add", "-q", "--detach", wt, revs[0])
			t.Run("linked-worktree", func(t *testing.T) { storeOnly(t, wt) })
			packed := t.TempDir()
			gittest.Git(t, packed, "clone", "-q", "--bare", dir, ".")
			t.Run("cloned-url", func(t *testing.T) { storeOnly(t, "file://"+filepath.ToSlash(packed)) })
			repack(t, packed, "-f")
			t.Run("packed-offset-deltas", func(t *testing.T) { storeOnly(t, packed) })
			gittest.Git(t, packed, "-c", "repack.useDeltaBaseOffset=false", "repack", "-a", "-d", "-f", "-q")
			t.Run("packed-reference-deltas", func(t *testing.T) { storeOnly(t, packed) })
		})
	}
}

// TestStoreSnapshotUnreadable: objects missing or corrupt, loose or in a
// pack, are reported as go-git reports them.
func TestStoreSnapshotUnreadable(t *testing.T) {
	gittest.Need(t)
	r := gittest.New(t)
	r.Write("a.yaml", []byte("kind: A\n"))
	r.Write("b.yaml", []byte("kind: B\n"))
	r.Write("c.yaml", bytes.Repeat([]byte("kind: C\n"), 100))
	r.Symlink("l.yaml", "c.yaml")
	c := r.Commit("one", gittest.Date(2026, 1, 2))
	blob := func(name string) string { return gittest.Git(t, r.Dir, "rev-parse", c+":"+name) }
	packed := t.TempDir()
	gittest.Git(t, packed, "clone", "-q", "--bare", r.Dir, ".")
	repack(t, packed)

	// Loose objects (go-git wrote them): a missing, b not zlib, c cut short.
	loose := func(h string) string { return filepath.Join(r.Dir, ".git", "objects", h[:2], h[2:]) }
	if err := os.Remove(loose(blob("a.yaml"))); err != nil {
		t.Fatal(err)
	}
	for name, keep := range map[string]int{"b.yaml": 0, "c.yaml": 12} {
		p := loose(blob(name))
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		data = append(data[:keep:keep], "not zlib"...)
		if err := os.Chmod(p, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// In the pack: the deflated data of c overwritten.
	packs, _ := filepath.Glob(filepath.Join(packed, "objects", "pack", "*.pack"))
	if len(packs) != 1 {
		t.Fatalf("packs: %v", packs)
	}
	h := blob("c.yaml")
	for _, line := range strings.Split(gittest.Git(t, packed, "verify-pack", "-v", strings.TrimSuffix(packs[0], ".pack")+".idx"), "\n") {
		if f := strings.Fields(line); len(f) >= 5 && f[0] == h {
			off, _ := strconv.ParseInt(f[4], 10, 64)
			if err := os.Chmod(packs[0], 0o644); err != nil {
				t.Fatal(err)
			}
			fh, err := os.OpenFile(packs[0], os.O_RDWR, 0)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := fh.WriteAt([]byte("\xff\xff\xff\xff\xff\xff"), off+4); err != nil {
				t.Fatal(err)
			}
			fh.Close()
		}
	}
	for _, dir := range []string{r.Dir, packed} {
		fast := compareStates(t, dir, c)
		cm, _ := fast.Resolve(c)
		s, err := fast.Snapshot(cm, c)
		if err != nil {
			t.Fatal(err)
		}
		unreadable := []string{"a.yaml", "b.yaml", "c.yaml", "l.yaml"}
		if dir == packed {
			unreadable = []string{"c.yaml", "l.yaml"}
		}
		for _, name := range unreadable {
			if f, _ := s.File(name); f == nil || f.Err == nil {
				t.Errorf("%s: %+v, want an error", name, f)
			}
		}
	}
}

// TestStoreSnapshotTreesNotPlain: trees go-git walks itself (names that are
// not plain, or that it refuses; modes git no longer writes; a subtree
// missing, not a tree or malformed) give the snapshot, or the error,
// go-git gives.
func TestStoreSnapshotTreesNotPlain(t *testing.T) {
	gittest.Need(t)
	r := gittest.New(t)
	r.Write("ünï/a.yaml", []byte("kind: A\n"))
	r.Write("a:b.yaml", []byte("kind: B\n"))
	r.Write("with space.yaml", []byte("kind: C\n"))
	r.Write(".github/x.yaml", []byte("kind: D\n"))
	revs := []string{r.Commit("names", gittest.Date(2026, 1, 2))}
	repo, err := git.PlainOpen(r.Dir)
	if err != nil {
		t.Fatal(err)
	}
	store := func(typ plumbing.ObjectType, data []byte) plumbing.Hash {
		o := repo.Storer.NewEncodedObject()
		o.SetType(typ)
		w, _ := o.Writer()
		w.Write(data)
		w.Close()
		h, err := repo.Storer.SetEncodedObject(o)
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	tree := func(entries ...string) []byte { // mode, name, hash, ...
		var b []byte
		for i := 0; i+2 < len(entries); i += 3 {
			h := plumbing.NewHash(entries[i+2])
			b = append(fmt.Appendf(b, "%s %s\x00", entries[i], entries[i+1]), h[:]...)
		}
		return b
	}
	blob := store(plumbing.BlobObject, []byte("kind: E\n")).String()
	sub := store(plumbing.TreeObject, tree("100644", "x.yaml", blob)).String()
	for _, root := range [][]byte{
		tree("100644", "a.yaml", blob, "40000", ".GIT", sub),
		tree("100644", "a.yaml", blob, "40000", "d", sub, "40000", "..", sub, "100644", "z.yaml", blob),
		tree("40000", "d", sub, "40000", "git~1", sub),
		tree("100664", "old.yaml", blob, "40000", "d", sub),
		tree("100644", "a.yaml", blob, "40000", "missing", plumbing.ZeroHash.String(), "100644", "z.yaml", blob),
		tree("100644", "a.yaml", blob, "40000", "blob", blob, "100644", "z.yaml", blob),
		tree("100644", "a.yaml", blob, "40000", "bad", store(plumbing.TreeObject, tree("100644", "x", blob)[:12]).String(), "100644", "z.yaml", blob),
		tree("100644", "a.yaml", blob)[:15],
	} {
		c := &object.Commit{
			Author:    object.Signature{Name: "t", Email: "t@example.com", When: gittest.Date(2026, 1, 3)},
			Committer: object.Signature{Name: "t", Email: "t@example.com", When: gittest.Date(2026, 1, 3)},
			Message:   "raw", TreeHash: store(plumbing.TreeObject, root),
		}
		o := repo.Storer.NewEncodedObject()
		if err := c.Encode(o); err != nil {
			t.Fatal(err)
		}
		h, err := repo.Storer.SetEncodedObject(o)
		if err != nil {
			t.Fatal(err)
		}
		revs = append(revs, h.String())
	}
	compareStates(t, r.Dir, revs...)
}
