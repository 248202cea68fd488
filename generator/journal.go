package generator

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"

	"github.com/plinth-dev/plinth/internal/fsguard"
	"github.com/plinth-dev/plinth/internal/gitops/repo"
)

// Where a write keeps its unfinished state, inside the tree (so on the same
// file system: every move is a rename, never a copy across devices).
const (
	stagingDir  = ".plinth/staging"      // new/<path>: staged files; old/<path>: replaced ones
	journalPath = ".plinth/journal.json" // the moves; its presence commits the write
	journalTmp  = ".plinth/journal.json.tmp"
	newDir      = stagingDir + "/new/"
	oldDir      = stagingDir + "/old/"
)

// Directions of a journal.
const (
	forward  = "forward"  // finish the moves
	backward = "backward" // undo them (a move failed)
)

// journal lists the moves of one write. Each step is idempotent in both
// directions, decided from what is on disk: a staged new file still in
// new/ has not been moved in; a replaced file in old/ has been moved out.
type journal struct {
	Version   int    `json:"version"`
	Direction string `json:"direction"`
	Steps     []step `json:"steps"`
}

// step is one path: Old when a file is there to move out of the way (a
// changed or stale file), New when a staged file moves in.
type step struct {
	Path string `json:"path"`
	Old  bool   `json:"old,omitempty"`
	New  bool   `json:"new,omitempty"`
}

// tx is a write in progress on a locked root.
type tx struct {
	r *fsguard.Root
	j journal
}

// failMove, when set by a test, fails the forward move of a step.
var failMove func(p string) error

// newTx orders the steps of changes: removals first (a stale file may sit
// where a directory is needed), then files moved in, the manifest last.
func newTx(r *fsguard.Root, changes []repo.Change) *tx {
	t := &tx{r: r, j: journal{Version: 1, Direction: forward}}
	var puts []step
	var manifest *step
	for _, c := range changes {
		s := step{Path: c.Path, Old: c.Action != repo.Added, New: c.Action != repo.Removed}
		switch {
		case c.Path == repo.ManifestPath:
			manifest = &s
		case s.New:
			puts = append(puts, s)
		default:
			t.j.Steps = append(t.j.Steps, s)
		}
	}
	t.j.Steps = append(t.j.Steps, puts...)
	if manifest != nil {
		t.j.Steps = append(t.j.Steps, *manifest)
	}
	return t
}

// stage writes the new files into the staging directory, stopping when ctx
// ends. Any leftovers are removed first. The directories are written on
// both cores, each through a handle opened once (fsguard.Dirs); the error is
// that of the first directory in path order that failed.
func (t *tx) stage(ctx context.Context, files map[string][]byte) error {
	if err := t.r.RemoveAll(stagingDir); err != nil {
		return err
	}
	staged := map[string]bool{}
	for _, s := range t.j.Steps {
		if s.New {
			staged[s.Path] = true
		}
	}
	byDir := filesByDir(staged)
	err := eachDir(t.r, len(byDir), func(ds *fsguard.Dirs, i int) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		dir := byDir[i]
		d, err := ds.Make(path.Join(newDir, dir.name))
		if err != nil {
			return fmt.Errorf("staging: %w", err)
		}
		for _, elem := range dir.elems {
			if err := d.Create(elem, files[dir.path(elem)]); err != nil {
				return fmt.Errorf("staging: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	return ctx.Err()
}

// discard removes the staging directory of a write that never committed.
func (t *tx) discard() {
	_ = t.r.RemoveAll(stagingDir)
	t.r.RemoveEmptyDirs(".plinth")
}

// commit writes the journal, flushing the staged files with it (save's
// first flush), before it is in place: from then on the write is finished
// by whoever comes next.
func (t *tx) commit() error {
	if err := t.save(); err != nil {
		_ = t.r.Remove(journalTmp)
		_ = t.r.Remove(journalPath)
		t.discard()
		return err
	}
	return nil
}

// save writes the journal atomically (temporary file, sync, rename, sync);
// the first sync flushes whatever was written before it too (one syncfs of
// the file system on Linux).
func (t *tx) save() error {
	data, err := json.MarshalIndent(t.j, "", " ")
	if err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	if err := t.r.WriteFile(journalTmp, append(data, '\n')); err != nil {
		return err
	}
	if err := t.r.Sync(); err != nil {
		return err
	}
	if err := t.r.Rename(journalTmp, journalPath); err != nil {
		return err
	}
	return t.r.Sync()
}

// apply makes the moves of the journal in its direction, then removes the
// journal and the staging directory. A forward move that fails turns the
// journal backward and undoes what was done.
func (t *tx) apply() error {
	var err error
	if t.j.Direction == forward {
		err = t.forwardAll()
		if err != nil {
			t.j.Direction = backward
			if serr := t.save(); serr != nil {
				return fmt.Errorf("%w; the journal %s could not be turned back (%v): the next run finishes the write", err, journalPath, serr)
			}
		}
	}
	if t.j.Direction == backward {
		for i := len(t.j.Steps) - 1; i >= 0; i-- {
			if berr := t.backward(t.j.Steps[i]); berr != nil {
				if err != nil {
					return fmt.Errorf("%w; undoing the moves failed too: %v (the next run tries again)", err, berr)
				}
				return fmt.Errorf("undoing the moves: %w (the next run tries again)", berr)
			}
		}
		for _, s := range t.j.Steps {
			if !s.Old {
				t.r.RemoveEmptyDirs(path.Dir(s.Path))
			}
		}
	}
	if ferr := t.finish(); ferr != nil {
		return errors.Join(err, ferr)
	}
	if err != nil {
		return fmt.Errorf("%w (the tree was restored as it was)", err)
	}
	return nil
}

// forwardAll makes the forward moves: first the staged directories whose
// place in the tree is free move whole (moveDirs), then every other step in
// journal order, through directory handles opened once.
func (t *tx) forwardAll() error {
	ds := t.r.Dirs()
	defer ds.Close()
	moved, err := t.moveDirs(ds)
	if err != nil {
		return err
	}
	for _, s := range t.j.Steps {
		if under(s.Path, moved) {
			continue // moved in with its directory
		}
		ds.Next()
		if err := t.forward(ds, s); err != nil {
			return err
		}
	}
	return nil
}

// moveDirs moves each staged directory whose name is free in the tree (its
// parent a directory there, nothing at its name) into place whole: one
// rename for every file under it, the first write of a tree being a few
// renames. Everything under such a directory is a staged new file (nothing
// of the tree is there to replace), so this is what the steps under it do,
// in one move: a step whose file is not in the staging directory any more
// has been moved in, as for a file moved alone. Directories that are there
// or in doubt (a link, a file, an error) are left to the steps, which
// report the error. The manifest's directory is always there (the staging
// directory is in it), so the manifest still moves last.
func (t *tx) moveDirs(ds *fsguard.Dirs) (map[string]bool, error) {
	dirs := map[string]bool{}
	for _, s := range t.j.Steps {
		if !s.New {
			continue
		}
		for d := path.Dir(s.Path); d != "." && !dirs[d]; d = path.Dir(d) {
			dirs[d] = true
		}
	}
	names := make([]string, 0, len(dirs))
	for d := range dirs {
		names = append(names, d)
	}
	sort.Strings(names) // parents first
	moved := map[string]bool{}
	for _, d := range names {
		if under(d, moved) {
			continue
		}
		ds.Next()
		parent, elem := path.Dir(d), path.Base(d)
		pd, err := ds.Open(parent)
		if err != nil {
			continue
		}
		if there, err := pd.Exists(elem); err != nil || there {
			continue
		}
		sd, err := ds.Open(path.Join(newDir, parent))
		if err != nil {
			continue
		}
		if fi, err := sd.Lstat(elem); err != nil || !fi.IsDir() {
			continue
		}
		if failMove != nil {
			if err := failMove(d); err != nil {
				return nil, err
			}
		}
		if err := ds.Rename(sd, elem, pd, elem); err != nil {
			return nil, err
		}
		moved[d] = true
	}
	return moved, nil
}

// under reports whether p is in one of the directories dirs.
func under(p string, dirs map[string]bool) bool {
	if len(dirs) == 0 {
		return false
	}
	for d := path.Dir(p); d != "."; d = path.Dir(d) {
		if dirs[d] {
			return true
		}
	}
	return false
}

// finish drops the journal (the write is decided: no run replays it), then
// the staging directory and the directories stale files left empty.
func (t *tx) finish() error {
	if err := t.r.Sync(); err != nil {
		return err
	}
	if err := t.r.Remove(journalPath); err != nil {
		return err
	}
	if t.j.Direction == forward {
		for _, s := range t.j.Steps {
			if !s.New {
				t.r.RemoveEmptyDirs(path.Dir(s.Path))
			}
		}
	}
	t.discard()
	return t.r.Sync()
}

// forward moves the old file of s out of the way (into old/) and the staged
// one in; steps already done are skipped.
func (t *tx) forward(ds *fsguard.Dirs, s step) error {
	dir, elem := path.Dir(s.Path), path.Base(s.Path)
	sd, staged, err := lookupIn(ds, path.Join(newDir, dir), elem)
	if err != nil {
		return err
	}
	if s.New && !staged {
		return nil // moved in already
	}
	if failMove != nil {
		if err := failMove(s.Path); err != nil {
			return err
		}
	}
	if s.Old {
		td, there, err := lookupIn(ds, dir, elem)
		if err != nil {
			return err
		}
		_, kept, err := lookupIn(ds, path.Join(oldDir, dir), elem)
		if err != nil {
			return err
		}
		if there && !kept {
			od, err := ds.Make(path.Join(oldDir, dir))
			if err != nil {
				return err
			}
			if err := ds.Rename(td, elem, od, elem); err != nil {
				return err
			}
		}
	}
	if !s.New {
		return nil
	}
	td, err := ds.Make(dir)
	if err != nil {
		return err
	}
	// A stale file's directory may sit where the new file goes.
	if fi, err := td.Lstat(elem); err == nil && fi.IsDir() {
		if err := ds.Remove(td, elem); err != nil {
			return err
		}
	}
	return ds.Rename(sd, elem, td, elem)
}

// lookupIn opens dir and says whether elem is in it (nil, false when dir is
// not there); a link on the way or at elem is an error.
func lookupIn(ds *fsguard.Dirs, dir, elem string) (*fsguard.Dir, bool, error) {
	d, err := ds.Open(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	there, err := d.Exists(elem)
	return d, there, err
}

// backward undoes forward: the new file goes back into new/ and the old one
// back into place.
func (t *tx) backward(s step) error {
	if s.New {
		staged, err := t.r.Exists(newDir + s.Path)
		if err != nil {
			return err
		}
		there, err := t.r.Exists(s.Path)
		if err != nil {
			return err
		}
		if !staged && there {
			if err := t.r.Rename(s.Path, newDir+s.Path); err != nil {
				return err
			}
		}
	}
	if s.Old {
		kept, err := t.r.Exists(oldDir + s.Path)
		if err != nil {
			return err
		}
		if kept {
			return t.r.Rename(oldDir+s.Path, s.Path)
		}
	}
	return nil
}

// recoverTx finishes the interrupted write of a locked root: a journal is
// applied in its direction, a staging directory without one is removed (the
// tree was not touched yet). It returns what it did.
func recoverTx(r *fsguard.Root) (string, error) {
	data, err := r.ReadFile(journalPath)
	if errors.Is(err, fs.ErrNotExist) {
		staged, serr := r.Exists(stagingDir)
		if serr != nil {
			return "", serr
		}
		tmp, terr := r.Exists(journalTmp)
		if terr != nil {
			return "", terr
		}
		if !staged && !tmp {
			return "", nil
		}
		if err := r.Remove(journalTmp); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return "", err
		}
		t := &tx{r: r}
		t.discard()
		return "an earlier generate was interrupted before changing the tree; its staged files were removed", nil
	}
	if err != nil {
		return "", err
	}
	var j journal
	if err := json.Unmarshal(data, &j); err != nil || j.Version != 1 || (j.Direction != forward && j.Direction != backward) {
		return "", fmt.Errorf("%s: an interrupted generate left a journal that cannot be read (%v); restore the tree from git, then remove %s and %s", journalPath, err, journalPath, stagingDir)
	}
	for _, s := range j.Steps {
		if err := repo.CheckPath(s.Path); err != nil || (!s.Old && !s.New) {
			return "", fmt.Errorf("%s: step %q: not a path plinth writes; restore the tree from git, then remove %s and %s", journalPath, s.Path, journalPath, stagingDir)
		}
	}
	t := &tx{r: r, j: j}
	dir := j.Direction
	if err := t.apply(); err != nil {
		return "", fmt.Errorf("finishing an interrupted generate: %w", err)
	}
	if dir == forward {
		return fmt.Sprintf("an earlier generate was interrupted while moving files into place; its %d moves were finished", len(j.Steps)), nil
	}
	return fmt.Sprintf("an earlier generate was interrupted while undoing a failed write; its %d moves were undone", len(j.Steps)), nil
}
