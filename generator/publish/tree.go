package publish

import (
	"errors"
	"fmt"
	"io"
	"path"
	"sort"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"

	"github.com/plinth-dev/plinth/generator"
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

// treeEditor applies a node tree to a git tree, writing only the blobs and
// trees on changed paths; untouched subtrees keep their hashes.
type treeEditor struct {
	s       storer.EncodedObjectStorer
	owned   map[string]bool // repo paths plinth wrote last time
	changes []Change
	unowned []string // existing files plinth would overwrite but does not own
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
			case isFile:
				if !e.owned[p] {
					e.unowned = append(e.unowned, p)
				}
				oldData, err := readBlob(e.s, ent.Hash)
				if err != nil {
					return plumbing.ZeroHash, false, fmt.Errorf("read %s: %w", p, err)
				}
				e.changes = append(e.changes, Change{Path: p, Action: Modified, Old: oldData, New: kid.data})
			default:
				e.changes = append(e.changes, Change{Path: p, Action: Added, New: kid.data})
			}
			if err := writeBlob(e.s, kid.data); err != nil {
				return plumbing.ZeroHash, false, fmt.Errorf("store %s: %w", p, err)
			}
			entries[name] = object.TreeEntry{Name: name, Mode: filemode.Regular, Hash: kid.hash}
			changed = true
			continue
		}
		if kid.del && isFile {
			oldData, err := readBlob(e.s, ent.Hash)
			if err != nil {
				return plumbing.ZeroHash, false, fmt.Errorf("read %s: %w", p, err)
			}
			e.changes = append(e.changes, Change{Path: p, Action: Removed, Old: oldData})
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

// cleanPath checks that p is a clean, relative slash path that stays inside
// the tree and does not touch .git.
func cleanPath(p string) error {
	if p == "" || strings.HasPrefix(p, "/") || path.Clean(p) != p || p == "." {
		return fmt.Errorf("path %q is not a clean relative path", p)
	}
	if strings.IndexFunc(p, func(r rune) bool { return r < 0x20 || r == 0x7f }) >= 0 {
		return fmt.Errorf("path %q contains a control character", p)
	}
	for _, el := range strings.Split(p, "/") {
		if el == ".." || strings.EqualFold(el, ".git") || strings.ContainsAny(el, "\x00\\") {
			return fmt.Errorf("path %q leaves the output directory or touches .git", p)
		}
	}
	return nil
}

// ownedFiles reads the file list of an ownership manifest (see
// generator.ParseManifest); paths under .git are dropped as well, so a
// damaged manifest can never remove anything outside the output.
func ownedFiles(data []byte) ([]string, error) {
	m, err := generator.ParseManifest(data)
	if err != nil {
		if inner := errors.Unwrap(err); inner != nil {
			err = inner
		}
		return nil, err
	}
	out := make([]string, 0, len(m.Files))
	for _, f := range m.Files {
		if cleanPath(f.Path) == nil {
			out = append(out, f.Path)
		}
	}
	return out, nil
}
