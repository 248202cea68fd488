package repo

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Action says what a change does to a file.
type Action string

// The actions of a change; the values are the words messages use.
const (
	Added   Action = "added"
	Changed Action = "changed"
	Removed Action = "removed"
)

// Letter is the action as git's status letter: A, M or D.
func (a Action) Letter() string {
	switch a {
	case Added:
		return "A"
	case Removed:
		return "D"
	}
	return "M"
}

// Change is one file a plan adds, changes or removes.
type Change struct {
	Path   string
	Action Action
	Old    []byte // nil when Added
	New    []byte // nil when Removed
	// Edited marks a Changed or Removed file the old manifest owns whose
	// content is not what plinth wrote (its SHA-256 differs from the one
	// recorded): someone edited it by hand. Writers refuse to overwrite or
	// delete it unless forced.
	Edited bool
}

// Edited returns the changes that overwrite or delete files edited by hand.
func Edited(changes []Change) []Change {
	var out []Change
	for _, c := range changes {
		if c.Edited {
			out = append(out, c)
		}
	}
	return out
}

// Count returns the number of added, changed and removed files.
func Count(changes []Change) (added, changed, removed int) {
	for _, c := range changes {
		switch c.Action {
		case Added:
			added++
		case Changed:
			changed++
		case Removed:
			removed++
		}
	}
	return added, changed, removed
}

// Tree is the current state of a tree a plan replaces files in (a directory
// on disk, a git tree).
type Tree interface {
	// Stat says whether a file is at p and, when one is, whether it holds
	// exactly data.
	Stat(p string, data []byte) (exists, same bool, err error)
	// ReadFile returns the file at p; an error matching fs.ErrNotExist
	// when there is none.
	ReadFile(p string) ([]byte, error)
}

// Changes is what replacing a tree's generated files does.
type Changes struct {
	List      []Change // in path order
	Unchanged int      // files already up to date
}

// NotOwnedError lists files that differ from the generated ones but that the
// tree's manifest does not list: plinth does not overwrite them.
type NotOwnedError struct{ Paths []string }

func (e *NotOwnedError) Error() string {
	return fmt.Sprintf("%s not owned by plinth (not in %s)", strings.Join(e.Paths, ", "), ManifestPath)
}

// Plan computes what writing files (slash paths relative to the tree's root,
// the new manifest among them) into old changes: files added, files changed
// (only those the old manifest lists, and the manifest itself) and files the
// old manifest lists that are no longer generated. Every path is checked with
// CheckPath; a *ManifestError is an old manifest that cannot be trusted, a
// *NotOwnedError names files plinth would overwrite but does not own. Owned
// files changed or removed whose content is not the SHA-256 the old manifest
// records are marked Edited.
func Plan(old Tree, files map[string][]byte) (*Changes, error) {
	paths := make([]string, 0, len(files))
	for p := range files {
		if err := CheckPath(p); err != nil {
			return nil, err
		}
		paths = append(paths, p)
	}
	sort.Strings(paths)
	owned, err := readManifest(old)
	if err != nil {
		return nil, err
	}
	pl := &Changes{}
	var unowned []string
	for _, p := range paths {
		exists, same, err := old.Stat(p, files[p])
		switch {
		case err != nil:
			return nil, err
		case !exists:
			pl.List = append(pl.List, Change{Path: p, Action: Added, New: files[p]})
		case same:
			pl.Unchanged++
		case p == ManifestPath || owned.Owns(p):
			prev, err := old.ReadFile(p)
			if err != nil {
				return nil, err
			}
			pl.List = append(pl.List, Change{Path: p, Action: Changed, Old: prev, New: files[p], Edited: owned.Edited(p, prev)})
		default:
			unowned = append(unowned, p)
		}
	}
	if len(unowned) > 0 {
		return nil, &NotOwnedError{Paths: unowned}
	}
	for _, f := range owned.Files {
		if _, ok := files[f.Path]; ok {
			continue
		}
		exists, _, err := old.Stat(f.Path, nil)
		if err != nil {
			return nil, err
		}
		if !exists {
			continue
		}
		prev, err := old.ReadFile(f.Path)
		if err != nil {
			return nil, err
		}
		pl.List = append(pl.List, Change{Path: f.Path, Action: Removed, Old: prev, Edited: owned.Edited(f.Path, prev)})
	}
	sort.Slice(pl.List, func(i, j int) bool { return pl.List[i].Path < pl.List[j].Path })
	return pl, nil
}

// readManifest reads the manifest of old; a tree without one owns nothing.
func readManifest(old Tree) (*Manifest, error) {
	data, err := old.ReadFile(ManifestPath)
	if errors.Is(err, fs.ErrNotExist) {
		return &Manifest{Generator: "plinth"}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", ManifestPath, err)
	}
	return ParseManifest(data)
}

// Dir is a tree on disk, rooted at a directory (which need not exist).
type Dir string

// Stat reads the file at p and compares it with data.
func (d Dir) Stat(p string, data []byte) (exists, same bool, err error) {
	cur, err := d.ReadFile(p)
	if errors.Is(err, fs.ErrNotExist) {
		return false, false, nil
	}
	if err != nil {
		return false, false, err
	}
	return true, bytes.Equal(cur, data), nil
}

// ReadFile reads the file at p.
func (d Dir) ReadFile(p string) ([]byte, error) {
	return os.ReadFile(filepath.Join(string(d), filepath.FromSlash(p)))
}
