package publish

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"
)

// node is one path element of the edits applied to a tree: a file to write,
// a stale file to remove, or a directory holding further edits.
type node struct {
	kids map[string]*node
	put  bool // write data at this path
	data []byte
	hash plumbing.Hash
	del  bool // remove the file at this path if there is one
}

func (n *node) child(name string) *node {
	if n.kids == nil {
		n.kids = map[string]*node{}
	}
	k := n.kids[name]
	if k == nil {
		k = &node{}
		n.kids[name] = k
	}
	return k
}

// insert walks p (a clean slash path) creating nodes and returns the leaf.
func (n *node) insert(p string) *node {
	cur := n
	for _, el := range strings.Split(p, "/") {
		cur = cur.child(el)
	}
	return cur
}

func (n *node) hasPut() bool {
	if n.put {
		return true
	}
	for _, k := range n.kids {
		if k.hasPut() {
			return true
		}
	}
	return false
}

// treeEditor applies a node tree (the puts and removals of a repo.Plan) to a
// git tree, writing only the blobs and trees on changed paths; untouched
// subtrees keep their hashes.
type treeEditor struct {
	s       storer.EncodedObjectStorer
	clashes []string // file/directory conflicts
}

// apply edits the tree old (zero: none) and returns the new tree's hash, or
// empty=true when nothing is left in it.
func (e *treeEditor) apply(old plumbing.Hash, n *node, dir string) (plumbing.Hash, bool, error) {
	entries := map[string]object.TreeEntry{}
	if !old.IsZero() {
		t, err := object.GetTree(e.s, old)
		if err != nil {
			return plumbing.ZeroHash, false, fmt.Errorf("read tree %s: %w", displayDir(dir), err)
		}
		for _, ent := range t.Entries {
			entries[ent.Name] = ent
		}
	}
	changed := false
	names := make([]string, 0, len(n.kids))
	for name := range n.kids {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		kid := n.kids[name]
		p := path.Join(dir, name)
		ent, exists := entries[name]
		isDir := exists && ent.Mode == filemode.Dir
		isFile := exists && (ent.Mode == filemode.Regular || ent.Mode == filemode.Executable ||
			ent.Mode == filemode.Deprecated || ent.Mode == filemode.Symlink)
		if exists && !isDir && !isFile {
			if kid.hasPut() {
				e.clashes = append(e.clashes, p+" is a submodule in the repository")
			}
			continue
		}
		if kid.put {
			switch {
			case isDir:
				e.clashes = append(e.clashes, p+" is a directory in the repository; plinth writes a file there")
				continue
			case isFile && ent.Hash == kid.hash && ent.Mode != filemode.Symlink:
				continue // unchanged
			}
			if err := writeBlob(e.s, kid.data); err != nil {
				return plumbing.ZeroHash, false, fmt.Errorf("store %s: %w", p, err)
			}
			entries[name] = object.TreeEntry{Name: name, Mode: filemode.Regular, Hash: kid.hash}
			changed = true
			continue
		}
		if kid.del && isFile {
			delete(entries, name)
			changed = true
			exists, isFile = false, false
		}
		if len(kid.kids) == 0 {
			continue
		}
		if isFile {
			if kid.hasPut() {
				e.clashes = append(e.clashes, p+" is a file in the repository; plinth writes a directory there")
			}
			continue
		}
		var sub plumbing.Hash
		if isDir {
			sub = ent.Hash
		}
		nh, empty, err := e.apply(sub, kid, p)
		if err != nil {
			return plumbing.ZeroHash, false, err
		}
		switch {
		case isDir && empty:
			delete(entries, name)
			changed = true
		case isDir && nh != ent.Hash:
			entries[name] = object.TreeEntry{Name: name, Mode: filemode.Dir, Hash: nh}
			changed = true
		case !isDir && !empty:
			entries[name] = object.TreeEntry{Name: name, Mode: filemode.Dir, Hash: nh}
			changed = true
		}
	}
	if !changed {
		return old, len(entries) == 0, nil
	}
	if len(entries) == 0 {
		return plumbing.ZeroHash, true, nil
	}
	h, err := writeTree(e.s, entries)
	return h, false, err
}

func displayDir(dir string) string {
	if dir == "" {
		return "/"
	}
	return dir
}

func writeTree(s storer.EncodedObjectStorer, entries map[string]object.TreeEntry) (plumbing.Hash, error) {
	t := &object.Tree{Entries: make([]object.TreeEntry, 0, len(entries))}
	for _, ent := range entries {
		t.Entries = append(t.Entries, ent)
	}
	sort.Sort(object.TreeEntrySorter(t.Entries))
	obj := s.NewEncodedObject()
	if err := t.Encode(obj); err != nil {
		return plumbing.ZeroHash, err
	}
	return s.SetEncodedObject(obj)
}

func writeBlob(s storer.EncodedObjectStorer, data []byte) error {
	obj := s.NewEncodedObject()
	obj.SetType(plumbing.BlobObject)
	obj.SetSize(int64(len(data)))
	w, err := obj.Writer()
	if err != nil {
		return err
	}
	if _, err := w.Write(data); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	_, err = s.SetEncodedObject(obj)
	return err
}

func readBlob(s storer.EncodedObjectStorer, h plumbing.Hash) ([]byte, error) {
	b, err := object.GetBlob(s, h)
	if err != nil {
		return nil, err
	}
	r, err := b.Reader()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return io.ReadAll(r)
}

// blobHash is the git object id of data as a blob.
func blobHash(data []byte) plumbing.Hash {
	return plumbing.ComputeHash(plumbing.BlobObject, data)
}

// gitTree is a git tree as a repo.Tree: its files (regular, executable or
// links) under a directory, by path relative to it.
type gitTree struct {
	s     storer.EncodedObjectStorer
	files map[string]object.TreeEntry
}

// newGitTree indexes the files of tree root under dir ("": all); a missing
// dir holds none.
func newGitTree(s storer.EncodedObjectStorer, root plumbing.Hash, dir string) (*gitTree, error) {
	g := &gitTree{s: s, files: map[string]object.TreeEntry{}}
	if root.IsZero() {
		return g, nil
	}
	t, err := object.GetTree(s, root)
	if err != nil {
		return nil, fmt.Errorf("read tree %s: %w", root, err)
	}
	if dir != "" {
		t, err = t.Tree(dir)
		if errors.Is(err, object.ErrDirectoryNotFound) {
			return g, nil
		}
		if err != nil {
			return nil, fmt.Errorf("read tree %s: %w", dir, err)
		}
	}
	return g, g.index(t, "")
}

func (g *gitTree) index(t *object.Tree, dir string) error {
	for _, ent := range t.Entries {
		p := path.Join(dir, ent.Name)
		switch ent.Mode {
		case filemode.Dir:
			sub, err := object.GetTree(g.s, ent.Hash)
			if err != nil {
				return fmt.Errorf("read tree %s: %w", p, err)
			}
			if err := g.index(sub, p); err != nil {
				return err
			}
		case filemode.Regular, filemode.Executable, filemode.Deprecated, filemode.Symlink:
			g.files[p] = ent
		}
	}
	return nil
}

// Stat compares blob hashes; a link never holds what plinth writes.
func (g *gitTree) Stat(p string, data []byte) (exists, same bool, err error) {
	ent, ok := g.files[p]
	if !ok {
		return false, false, nil
	}
	return true, ent.Mode != filemode.Symlink && ent.Hash == blobHash(data), nil
}

func (g *gitTree) ReadFile(p string) ([]byte, error) {
	ent, ok := g.files[p]
	if !ok {
		return nil, fmt.Errorf("%s: %w", p, fs.ErrNotExist)
	}
	data, err := readBlob(g.s, ent.Hash)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", p, err)
	}
	return data, nil
}
