package source

import (
	"errors"
	"fmt"
	"io"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/storage/memory"
)

// rawTree is the bytes of a tree of entries {mode, name, hash}.
func rawTree(entries ...[3]string) []byte {
	var b []byte
	for _, e := range entries {
		b = fmt.Appendf(b, "%s %s\x00", e[0], e[1])
		h := plumbing.NewHash(e[2])
		b = append(b, h[:]...)
	}
	return b
}

// storeObject writes an object of type typ into st and returns its hash.
func storeObject(tb testing.TB, st *memory.Storage, typ plumbing.ObjectType, data []byte) plumbing.Hash {
	tb.Helper()
	o := st.NewEncodedObject()
	o.SetType(typ)
	w, _ := o.Writer()
	w.Write(data)
	w.Close()
	h, err := st.SetEncodedObject(o)
	if err != nil {
		tb.Fatal(err)
	}
	return h
}

// treeWalkNames are names go-git's walker refuses or accepts, plain or not.
var treeWalkNames = []string{
	"a.yaml", ".github", "with space.yaml", "values-dev+x@1.yaml", "git", "gitx", ".gi", "con", "NUL",
	".git", ".GIT", ".Git", ".git.", ".git ", ".git. .", ".git:x", ".git.x", ".gitx", ".GITHUB", "git~1 .", "git~10", ".gitmodules", ".gitignore", "git~1", "GIT~1", "git~2",
	".", "..", "...", "a/b", "a\\b", "C:", "a:b", "a\x01b", "a\x7fb", "ünï.yaml", ".g\u200cit", "\u200e.git",
}

// FuzzTreeWalk holds the walk of plain trees to go-git's tree walker: when
// plainTrees accepts a root tree (its bytes: the input; it may name the
// trees sub and sub2, the blob b), go-git walks it without an error and
// gives the same entries, paths and order as treeWalker.
func FuzzTreeWalk(f *testing.F) {
	type obj struct {
		typ  plumbing.ObjectType
		data []byte
	}
	st := memory.NewStorage()
	b := storeObject(f, st, plumbing.BlobObject, []byte("kind: A\n"))
	sub2Data := rawTree([3]string{"100644", "x.yaml", b.String()})
	sub2 := storeObject(f, st, plumbing.TreeObject, sub2Data)
	subData := rawTree(
		[3]string{"100644", "a.yaml", b.String()}, [3]string{"40000", "d", sub2.String()},
		[3]string{"160000", "m", b.String()}, [3]string{"120000", "l", b.String()}, [3]string{"100755", "run.sh", b.String()})
	sub := storeObject(f, st, plumbing.TreeObject, subData)
	fixture := []obj{{plumbing.BlobObject, []byte("kind: A\n")}, {plumbing.TreeObject, sub2Data}, {plumbing.TreeObject, subData}}
	for _, name := range treeWalkNames {
		for _, mode := range []string{"100644", "40000"} {
			f.Add(rawTree([3]string{mode, name, sub.String()}))
		}
		f.Add(rawTree([3]string{"100644", "z", b.String()}, [3]string{"40000", "s", sub.String()}, [3]string{"40000", name, sub2.String()}))
	}
	for _, mode := range []string{"100664", "040000", "644", "100000", "1006440", ""} {
		f.Add(rawTree([3]string{mode, "a.yaml", b.String()}, [3]string{"40000", "s", sub.String()}))
	}
	f.Add(rawTree([3]string{"40000", "missing", plumbing.ZeroHash.String()}))
	f.Add(rawTree([3]string{"40000", "blob", b.String()}))
	f.Add([]byte{})
	f.Add(rawTree([3]string{"100644", "a", b.String()})[:20])
	f.Fuzz(func(t *testing.T, data []byte) {
		st := memory.NewStorage()
		trees := map[plumbing.Hash][]byte{}
		for _, o := range append(fixture, obj{plumbing.TreeObject, data}) {
			h := storeObject(t, st, o.typ, o.data)
			if o.typ == plumbing.TreeObject {
				trees[h] = o.data
			}
		}
		root := storeObject(t, st, plumbing.TreeObject, data)
		src := func(h plumbing.Hash) ([]byte, bool) {
			d, ok := trees[h]
			return d, ok
		}
		if _, _, plain := plainTrees(src, root); !plain {
			return
		}
		tree, err := object.GetTree(st, root)
		if err != nil {
			t.Fatalf("plain, but go-git: %v", err)
		}
		gw := object.NewTreeWalker(tree, true, nil)
		defer gw.Close()
		w := newTreeWalker(src, root)
		for i := 0; ; i++ {
			name, entry, err := gw.Next()
			gotName, got, gotErr := w.Next()
			if !errors.Is(gotErr, err) || gotName != name || got != entry {
				t.Fatalf("entry %d: %q %+v %v, go-git %q %+v %v", i, gotName, got, gotErr, name, entry, err)
			}
			if errors.Is(err, io.EOF) {
				return
			}
			if err != nil {
				t.Fatalf("plain, but go-git: %v", err)
			}
		}
	})
}

// TestPlainName: every name plainName accepts, go-git's walker accepts.
func TestPlainName(t *testing.T) {
	for _, name := range treeWalkNames {
		want := name != "." && name != ".." && !isGoGitRefused(t, name)
		if got := plainName([]byte(name)); got && !want {
			t.Errorf("%q: plain, but go-git refuses it", name)
		}
	}
	for _, name := range []string{"a.yaml", ".github", ".gitignore", ".git.x", "git~10", "git~2", "with space.yaml", "git", ".gi", "NUL", "..."} {
		if !plainName([]byte(name)) {
			t.Errorf("%q: not plain", name)
		}
	}
}

// isGoGitRefused says whether go-git's tree walker refuses an entry name.
func isGoGitRefused(t *testing.T, name string) bool {
	st := memory.NewStorage()
	b := storeObject(t, st, plumbing.BlobObject, nil)
	root := storeObject(t, st, plumbing.TreeObject, rawTree([3]string{"100644", name, b.String()}))
	tree, err := object.GetTree(st, root)
	if err != nil {
		return true
	}
	_, _, err = object.NewTreeWalker(tree, true, nil).Next()
	return err != nil
}
