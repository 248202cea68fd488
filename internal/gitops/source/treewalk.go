package source

import (
	"bytes"
	"io"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// The trees of a snapshot are walked over their bytes when they are plain:
// every tree is read by the object store, every entry has one of the modes
// git writes and a plain name (plainName), and the trees are at most
// maxPlainDepth deep and hold at most maxPlainEntries entries in all
// (counted along the walk). go-git's tree walker gives the same entries in
// the same order then, without an error, and costs a decoded tree per
// tree and a string per entry name more. Anything else is walked by
// go-git, which gives its usual entries and errors.
const (
	maxPlainDepth   = 256
	maxPlainEntries = 4 * maxFiles
)

// treeSource returns the bytes of the tree h, or false.
type treeSource func(h plumbing.Hash) ([]byte, bool)

// plainTrees says whether the trees from root are plain: it walks them all
// (reading them), without making a string, and counts their entries that
// are not trees (at most maxFiles) and those that are.
func plainTrees(trees treeSource, root plumbing.Hash) (files, dirs int, ok bool) {
	data, ok := trees(root)
	if !ok {
		return 0, 0, false
	}
	stack := [][]byte{data}
	for n := 0; len(stack) > 0; n++ {
		top := len(stack) - 1
		if len(stack[top]) == 0 {
			stack = stack[:top]
			continue
		}
		mode, name, h, rest, ok := nextTreeEntry(stack[top])
		if !ok || !plainName(name) || n > maxPlainEntries {
			return 0, 0, false
		}
		stack[top] = rest
		if mode != filemode.Dir {
			files = min(files+1, maxFiles)
			continue
		}
		dirs++
		sub, ok := trees(h)
		if !ok || len(stack) >= maxPlainDepth {
			return 0, 0, false
		}
		stack = append(stack, sub)
	}
	return files, dirs, true
}

// nextTreeEntry reads the first entry of a tree's bytes: "<mode> <name>\x00"
// and 20 bytes of hash. ok is false unless the mode is one git writes (as
// go-git gives it: canonical) and the entry is whole with a name.
func nextTreeEntry(data []byte) (mode filemode.FileMode, name []byte, h plumbing.Hash, rest []byte, ok bool) {
	sp := bytes.IndexByte(data, ' ')
	if sp < 0 {
		return 0, nil, h, nil, false
	}
	switch string(data[:sp]) {
	case "100644":
		mode = filemode.Regular
	case "100755":
		mode = filemode.Executable
	case "40000":
		mode = filemode.Dir
	case "120000":
		mode = filemode.Symlink
	case "160000":
		mode = filemode.Submodule
	default:
		return 0, nil, h, nil, false
	}
	data = data[sp+1:]
	nul := bytes.IndexByte(data, 0)
	if nul <= 0 || len(data)-nul-1 < len(h) {
		return 0, nil, h, nil, false
	}
	copy(h[:], data[nul+1:])
	return mode, data[:nul], h, data[nul+1+len(h):], true
}

// plainName says whether an entry name is printable ASCII without a path
// separator or a colon, is not "." or "..", and is not ".git" or "git~1"
// (in any case) followed by nothing but dots and spaces: a name go-git's
// tree walker accepts (its path checks refuse control characters, empty
// names, volume names, "." and "..", and ".git" with its HFS+ and NTFS
// variants, all of them outside this set).
func plainName(name []byte) bool {
	if len(name) == 0 || string(name) == "." || string(name) == ".." {
		return false
	}
	for _, c := range name {
		if c < 0x20 || c > 0x7e || c == '/' || c == '\\' || c == ':' {
			return false
		}
	}
	for _, dotGit := range []string{".git", "git~1"} {
		if len(name) >= len(dotGit) && bytes.EqualFold(name[:len(dotGit)], []byte(dotGit)) && len(bytes.Trim(name[len(dotGit):], ". ")) == 0 {
			return false
		}
	}
	return true
}

// treeWalker walks plain trees (plainTrees) as go-git's tree walker does:
// depth first, a directory's entry before its entries, the entries of a
// tree in their order, each named by its path.
type treeWalker struct {
	trees treeSource
	stack []treeLevel
}

type treeLevel struct {
	data []byte // the entries left
	dir  string // the tree's path ("" for the root)
}

func newTreeWalker(trees treeSource, root plumbing.Hash) *treeWalker {
	data, _ := trees(root)
	return &treeWalker{trees: trees, stack: []treeLevel{{data: data}}}
}

// Next returns the next entry and its path, or io.EOF.
func (w *treeWalker) Next() (string, object.TreeEntry, error) {
	for len(w.stack) > 0 {
		top := &w.stack[len(w.stack)-1]
		if len(top.data) == 0 {
			w.stack = w.stack[:len(w.stack)-1]
			continue
		}
		mode, name, h, rest, _ := nextTreeEntry(top.data)
		top.data = rest
		var p string
		if top.dir == "" {
			p = string(name)
		} else {
			p = top.dir + "/" + string(name)
		}
		entry := object.TreeEntry{Name: p[len(p)-len(name):], Mode: mode, Hash: h}
		if mode == filemode.Dir {
			sub, _ := w.trees(h)
			w.stack = append(w.stack, treeLevel{data: sub, dir: p})
		}
		return p, entry, nil
	}
	return "", object.TreeEntry{}, io.EOF
}
