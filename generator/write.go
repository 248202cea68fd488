package generator

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/plinth-dev/plinth/internal/gitops/repo"
)

// WriteStats says what Write changed.
type WriteStats struct {
	Written   int // files created or changed
	Unchanged int // files already up to date
	Removed   int // stale files of the previous run removed
}

// Write puts a rendered tree into dir (created if needed). New and changed
// files are first written to a staging directory next to dir, then moved
// into place; files the previous manifest lists and the new tree does not
// are removed. Files plinth does not own are never touched: if one sits
// where the tree needs a file, Write fails. On any error dir is left as it
// was.
func Write(out *Output, dir string) error {
	_, err := WriteWithStats(out, dir)
	return err
}

// WriteWithStats is Write, also reporting what changed.
func WriteWithStats(out *Output, dir string) (WriteStats, error) {
	var st WriteStats
	pl, err := plan(out, dir)
	if err != nil {
		return st, err
	}
	st.Unchanged = pl.Unchanged
	var changed, stale []string
	for _, c := range pl.List {
		if c.Action == repo.Removed {
			stale = append(stale, c.Path)
		} else {
			changed = append(changed, c.Path)
		}
	}
	if len(changed) == 0 && len(stale) == 0 {
		return st, nil
	}

	abs, err := filepath.Abs(dir)
	if err != nil {
		return st, fmt.Errorf("write: %w", err)
	}
	_, statErr := os.Stat(abs)
	fresh := errors.Is(statErr, fs.ErrNotExist)
	parents := &moves{} // parent directories created for a fresh tree
	if fresh {
		if err := parents.mkdirs(filepath.Dir(abs)); err != nil {
			parents.undo()
			return st, fmt.Errorf("write: %w", err)
		}
	}
	stage, err := os.MkdirTemp(filepath.Dir(abs), "."+filepath.Base(abs)+".plinth-*")
	if err != nil {
		parents.undo()
		return st, fmt.Errorf("write: staging directory next to %s: %w", dir, err)
	}
	// On failure the staging directory goes first, then the parents made
	// for it; on success only the (empty) staging directory.
	ok := false
	defer func() {
		os.RemoveAll(stage)
		if !ok {
			parents.undo()
		}
	}()
	newDir, oldDir := filepath.Join(stage, "new"), filepath.Join(stage, "old")
	for _, p := range changed {
		if err := writeFile(filepath.Join(newDir, filepath.FromSlash(p)), out.Files[p]); err != nil {
			return st, fmt.Errorf("write: staging %s: %w", p, err)
		}
	}

	if fresh {
		// A new tree moves into place in one rename.
		if err := rename(newDir, abs); err != nil {
			return st, fmt.Errorf("write: %w", err)
		}
		ok = true
		st.Written = len(changed)
		return st, nil
	}

	// Move into place, remembering how to undo every step. The manifest
	// goes last, so an interrupted run still leaves the old manifest.
	tx := &moves{}
	manifestLast := func(ps []string) []string {
		ps = slices.DeleteFunc(slices.Clone(ps), func(p string) bool { return p == repo.ManifestPath })
		if slices.Contains(changed, repo.ManifestPath) {
			ps = append(ps, repo.ManifestPath)
		}
		return ps
	}
	for _, p := range append(slices.Clone(stale), changed...) {
		target := filepath.Join(abs, filepath.FromSlash(p))
		if _, err := os.Lstat(target); err == nil {
			if err := tx.move(target, filepath.Join(oldDir, filepath.FromSlash(p))); err != nil {
				tx.undo()
				return st, fmt.Errorf("write: %w", err)
			}
		}
	}
	for _, p := range manifestLast(changed) {
		if err := tx.move(filepath.Join(newDir, filepath.FromSlash(p)), filepath.Join(abs, filepath.FromSlash(p))); err != nil {
			tx.undo()
			return st, fmt.Errorf("write: %w", err)
		}
	}
	// Remove directories that only held stale files.
	for _, p := range stale {
		removeEmptyParents(abs, path.Dir(p))
	}
	ok = true
	st.Written, st.Removed = len(changed), len(stale)
	return st, nil
}

// Check compares dir with out without writing anything: the files Write
// would add, change or remove (stale files the previous manifest lists),
// in path order; none when dir is up to date. A file plinth does not own
// where the tree needs one is an error, as for Write.
func Check(out *Output, dir string) ([]repo.Change, error) {
	pl, err := plan(out, dir)
	if err != nil {
		return nil, err
	}
	return pl.List, nil
}

// plan decides what writing out into dir changes, refusing to overwrite
// files plinth does not own.
func plan(out *Output, dir string) (*repo.Changes, error) {
	if out == nil || out.Files == nil {
		return nil, fmt.Errorf("write: nothing to write")
	}
	pl, err := repo.Plan(repo.Dir(dir), out.Files)
	var notOwned *repo.NotOwnedError
	switch {
	case errors.As(err, &notOwned):
		return nil, fmt.Errorf("write %s: %s exists and is not owned by plinth (not in %s); move it away or delete it",
			dir, strings.Join(notOwned.Paths, ", "), repo.ManifestPath)
	case err != nil:
		return nil, fmt.Errorf("write %s: %w", dir, err)
	}
	return pl, nil
}

// rename is os.Rename; tests replace it to inject failures.
var rename = os.Rename

func writeFile(p string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	return os.WriteFile(p, data, 0o644)
}

// moves is a journal of renames that can be undone in reverse order.
type moves struct {
	done    [][2]string
	created []string // directories created for targets
}

func (m *moves) move(from, to string) error {
	if err := m.mkdirs(filepath.Dir(to)); err != nil {
		return err
	}
	if err := rename(from, to); err != nil {
		return err
	}
	m.done = append(m.done, [2]string{from, to})
	return nil
}

func (m *moves) mkdirs(dir string) error {
	var missing []string
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(d); err == nil {
			break
		}
		missing = append(missing, d)
		if filepath.Dir(d) == d {
			break
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	m.created = append(m.created, missing...)
	return nil
}

func (m *moves) undo() {
	for i := len(m.done) - 1; i >= 0; i-- {
		_ = os.Rename(m.done[i][1], m.done[i][0])
	}
	sort.Sort(sort.Reverse(sort.StringSlice(m.created)))
	for _, d := range m.created {
		_ = os.Remove(d) // only succeeds when empty
	}
}

// removeEmptyParents removes dir (relative to root) and its parents while
// they are empty, never root itself.
func removeEmptyParents(root, dir string) {
	for dir != "." && dir != "/" && dir != "" {
		if err := os.Remove(filepath.Join(root, filepath.FromSlash(dir))); err != nil {
			return
		}
		dir = path.Dir(dir)
	}
}
