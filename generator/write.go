package generator

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/plinth-dev/plinth/internal/fsguard"
	"github.com/plinth-dev/plinth/internal/gitops/repo"
)

// WriteStats says what Write changed.
type WriteStats struct {
	Written   int // files created or changed
	Unchanged int // files already up to date
	Removed   int // stale files of the previous run removed
	// Forced are the files edited by hand that WriteOptions.Force let
	// Write overwrite (Changed) or delete (Removed).
	Forced []repo.Change
	// Recovered says what finishing an interrupted earlier write did
	// before this one; empty when there was none.
	Recovered string
}

// WriteOptions change how Write treats the tree it replaces.
type WriteOptions struct {
	// Force overwrites and deletes owned files edited by hand (their
	// content is not the sha256 the manifest records). Without it Write
	// refuses with an *EditedError and changes nothing.
	Force bool
}

// maxOutFile bounds a file of --out that Write reads to compare it with the
// generated one (generated files are far smaller).
const maxOutFile = 64 << 20

// outWhat names --out in the guard's messages.
const outWhat = "the output directory"

// EditedError lists owned files edited by hand that a write would overwrite
// or delete.
type EditedError struct {
	Dir     string
	Changes []repo.Change // Changed or Removed, Edited
}

func (e *EditedError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d generated files were edited by hand since plinth wrote them (their sha256 is not the one in %s):\n",
		e.Dir, len(e.Changes), repo.ManifestPath)
	for _, c := range e.Changes {
		verb := "would be overwritten"
		if c.Action == repo.Removed {
			verb = "would be deleted (no longer generated)"
		}
		fmt.Fprintf(&b, "  %s %s\n", c.Path, verb)
	}
	b.WriteString("nothing was written; move the edits into the platform (or copy the files elsewhere) and run again, or run with --force to overwrite and delete them")
	return b.String()
}

// InterruptedError is a write stopped by its context (a signal).
type InterruptedError struct {
	Dir string
	// Complete: the new tree had been moved into place when the
	// interruption came; otherwise Dir is as it was.
	Complete bool
}

func (e *InterruptedError) Error() string {
	if e.Complete {
		return fmt.Sprintf("%s: interrupted; the new tree was written completely before stopping", e.Dir)
	}
	return fmt.Sprintf("%s: interrupted; nothing was changed", e.Dir)
}

// Write puts a rendered tree into dir (created if needed) with the zero
// WriteOptions.
func Write(out *Output, dir string) error {
	_, err := WriteContext(context.Background(), out, dir, WriteOptions{})
	return err
}

// WriteWithStats is Write, also reporting what changed.
func WriteWithStats(out *Output, dir string) (WriteStats, error) {
	return WriteContext(context.Background(), out, dir, WriteOptions{})
}

// WriteContext puts a rendered tree into dir (created if needed), through
// the guarded file layer (internal/fsguard): nothing is written, renamed or
// removed through a symbolic link or outside dir.
//
// New and changed files are first written to a staging directory inside dir
// (.plinth/staging, so on the same file system as the tree), then a journal
// (.plinth/journal.json) lists the moves and the moves are made; the files
// replaced or removed are kept in the staging directory until the last move
// is done. A write killed at any point is finished (journal present) or
// rolled back (staging without a journal) by the next one, which says so in
// WriteStats.Recovered; a failed move rolls the tree back at once. dir is
// locked while being written.
//
// Files the previous manifest lists and the new tree does not are removed.
// Files plinth does not own are never touched: if one sits where the tree
// needs a file, Write fails. Owned files edited by hand stop the write with
// an *EditedError unless opts.Force. When ctx ends while files are staged,
// the write is rolled back; once moves have begun they are finished; either
// way an *InterruptedError is returned.
func WriteContext(ctx context.Context, out *Output, dir string, opts WriteOptions) (WriteStats, error) {
	var st WriteStats
	if err := checkOutput(out); err != nil {
		return st, err
	}
	created, err := makeDir(dir)
	if err != nil {
		return st, err
	}
	ok := false
	r, err := fsguard.OpenWrite(dir, outWhat, fsguard.Limits{File: maxOutFile})
	if err != nil {
		removeCreated(created)
		return st, fmt.Errorf("write %s: %w", dir, err)
	}
	defer func() {
		r.Close()
		if !ok {
			removeCreated(created)
		}
	}()
	if err := r.Lock(); err != nil {
		return st, fmt.Errorf("write %s: %w (another plinth generate is writing it)", dir, err)
	}
	if st.Recovered, err = recoverTx(r); err != nil {
		ok = true // the tree held something before: keep it
		return st, fmt.Errorf("write %s: %w", dir, err)
	}
	pl, err := plan(out, dir, r)
	if err != nil {
		ok = st.Recovered != ""
		return st, err
	}
	st.Unchanged = pl.Unchanged
	if edited := repo.Edited(pl.List); len(edited) > 0 {
		if !opts.Force {
			ok = st.Recovered != ""
			return st, &EditedError{Dir: dir, Changes: edited}
		}
		st.Forced = edited
	}
	if len(pl.List) == 0 {
		ok = true
		return st, nil
	}
	tx := newTx(r, pl.List)
	if err := tx.stage(ctx, out.Files); err != nil {
		tx.discard()
		if ctx.Err() != nil {
			return st, &InterruptedError{Dir: dir}
		}
		return st, fmt.Errorf("write %s: %w", dir, err)
	}
	// From here on the moves are finished even when ctx ends: they take
	// a moment, and finishing leaves a whole tree.
	if err := tx.commit(); err != nil {
		return st, fmt.Errorf("write %s: %w (nothing changed)", dir, err)
	}
	if err := tx.apply(); err != nil {
		return st, fmt.Errorf("write %s: %w", dir, err)
	}
	ok = true
	for _, c := range pl.List {
		if c.Action == repo.Removed {
			st.Removed++
		} else {
			st.Written++
		}
	}
	if ctx.Err() != nil {
		return st, &InterruptedError{Dir: dir, Complete: true}
	}
	return st, nil
}

// Recover finishes or rolls back a write to dir that was interrupted (the
// process killed): with a journal the moves it lists are finished, staged
// files without one are removed. It returns what it did, "" when dir holds
// no interrupted write (or does not exist).
func Recover(dir string) (string, error) {
	if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	r, err := fsguard.OpenWrite(dir, outWhat, fsguard.Limits{File: maxOutFile})
	if err != nil {
		return "", fmt.Errorf("recover %s: %w", dir, err)
	}
	defer r.Close()
	if err := r.Lock(); err != nil {
		return "", fmt.Errorf("recover %s: %w (another plinth generate is writing it)", dir, err)
	}
	note, err := recoverTx(r)
	if err != nil {
		return "", fmt.Errorf("recover %s: %w", dir, err)
	}
	return note, nil
}

// Check compares dir with out without writing anything: the files Write
// would add, change or remove (stale files the previous manifest lists),
// in path order, owned files edited by hand marked Edited; none when dir is
// up to date. A file plinth does not own where the tree needs one, and an
// interrupted write not yet recovered, are errors.
func Check(out *Output, dir string) ([]repo.Change, error) {
	if err := checkOutput(out); err != nil {
		return nil, err
	}
	var r *fsguard.Root
	if fi, err := os.Stat(dir); err == nil && fi.IsDir() {
		if r, err = fsguard.Open(dir, outWhat, fsguard.Limits{File: maxOutFile}); err != nil {
			return nil, fmt.Errorf("check %s: %w", dir, err)
		}
		defer r.Close()
		for _, p := range []string{journalPath, stagingDir} {
			if _, err := r.ReadDir(p); err == nil || !errors.Is(err, fs.ErrNotExist) {
				return nil, fmt.Errorf("check %s: %s: a plinth generate is writing it or was interrupted; run plinth generate --out %s to finish it", dir, p, dir)
			}
		}
	}
	pl, err := plan(out, dir, r)
	if err != nil {
		return nil, err
	}
	return pl.List, nil
}

// checkOutput refuses a missing tree and paths the write itself uses.
func checkOutput(out *Output) error {
	if out == nil || out.Files == nil {
		return fmt.Errorf("write: nothing to write")
	}
	for p := range out.Files {
		if p == journalPath || p == journalTmp || strings.HasPrefix(p, stagingDir+"/") {
			return fmt.Errorf("write: %s is where plinth keeps an unfinished write, not a file to generate", p)
		}
	}
	return nil
}

// plan decides what writing out into dir (read through r; nil: dir does not
// exist) changes, refusing to overwrite files plinth does not own.
func plan(out *Output, dir string, r *fsguard.Root) (*repo.Changes, error) {
	var tree repo.Tree = emptyTree{}
	if r != nil {
		tree = rootTree{r: r, seen: readAhead(r, out.Files)}
	}
	pl, err := repo.Plan(tree, out.Files)
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

// rootTree is a tree on disk read through the guard: a link on the way to a
// file is an error, never followed. The files of the new tree are looked up
// and read ahead, one directory listing per directory and one read per file
// that is there (readAhead); any other path, and any file the read-ahead
// found anything unusual about, is read through the guard path by path.
type rootTree struct {
	r    *fsguard.Root
	seen map[string]seenFile
}

// seenFile is what the read-ahead found at a path of the new tree.
type seenFile struct {
	exists, same bool
	cur          []byte // the file, when it is not the generated one
	slow         bool   // left to the guard
}

func (t rootTree) ReadFile(p string) ([]byte, error) {
	if f, ok := t.seen[p]; ok && f.exists && !f.same {
		return f.cur, nil
	}
	return t.r.ReadFile(p)
}

func (t rootTree) Stat(p string, data []byte) (exists, same bool, err error) {
	if f, ok := t.seen[p]; ok { // compared with out.Files[p], which Plan passes
		return f.exists, f.same, nil
	}
	cur, err := t.r.ReadFile(p)
	if errors.Is(err, fs.ErrNotExist) {
		return false, false, nil
	}
	if err != nil {
		return false, false, err
	}
	return true, string(cur) == string(data), nil
}

// readAhead looks up the files of the new tree in r, the directories on
// both cores: a directory that is not there holds none of them; in one that
// is, the listing says which are there, and those that are regular files
// are read and compared with the generated ones. A file in a directory that
// cannot be opened or listed, or that is not a regular file, or that cannot
// be read, is left out: the plan reads it through the guard, which gives
// the error.
func readAhead(r *fsguard.Root, files map[string][]byte) map[string]seenFile {
	byDir := filesByDir(files)
	found := make([][]seenFile, len(byDir))
	_ = eachDir(r, len(byDir), func(ds *fsguard.Dirs, i int) error {
		dir := byDir[i]
		res := make([]seenFile, len(dir.elems))
		found[i] = res
		d, err := ds.Open(dir.name)
		if errors.Is(err, fs.ErrNotExist) {
			return nil // none there
		}
		if err != nil {
			found[i] = nil
			return nil
		}
		ents, err := d.ReadDir()
		if err != nil {
			found[i] = nil
			return nil
		}
		kinds := make(map[string]fs.FileMode, len(ents))
		for _, e := range ents {
			kinds[e.Name()] = e.Type()
		}
		for j, elem := range dir.elems {
			kind, there := kinds[elem]
			if !there {
				continue
			}
			var cur []byte
			if kind.IsRegular() {
				cur, err = d.ReadFile(elem)
			}
			if !kind.IsRegular() || err != nil {
				res[j].slow = true
				continue
			}
			res[j].exists = true
			if res[j].same = string(cur) == string(files[dir.path(elem)]); !res[j].same {
				res[j].cur = cur
			}
		}
		return nil
	})
	seen := make(map[string]seenFile, len(files))
	for i, dir := range byDir {
		for j, elem := range dir.elems {
			if found[i] != nil && !found[i][j].slow {
				seen[dir.path(elem)] = found[i][j]
			}
		}
	}
	return seen
}

// dirFiles are the names of the files of one directory (sorted).
type dirFiles struct {
	name  string // "." for the top
	elems []string
}

func (d dirFiles) path(elem string) string {
	if d.name == "." {
		return elem
	}
	return d.name + "/" + elem
}

// filesByDir groups paths by directory, directories and names sorted.
func filesByDir[T any](files map[string]T) []dirFiles {
	idx := map[string]int{}
	var out []dirFiles
	for p := range files {
		dir, elem := path.Dir(p), path.Base(p)
		i, ok := idx[dir]
		if !ok {
			i = len(out)
			idx[dir] = i
			out = append(out, dirFiles{name: dir})
		}
		out[i].elems = append(out[i].elems, elem)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	for _, d := range out {
		sort.Strings(d.elems)
	}
	return out
}

// eachDir calls fn for 0..n-1 on GOMAXPROCS goroutines, each with its own
// directory handles, taking indexes in small runs (neighbouring directories
// share their parents' handles). The error returned is that of the lowest
// index, whatever the order the calls ran in; after an error no new run is
// started.
func eachDir(r *fsguard.Root, n int, fn func(ds *fsguard.Dirs, i int) error) error {
	const run = 16
	errs := make([]error, n)
	var next atomic.Int64
	var failedAt atomic.Int64 // the lowest index that failed; n: none
	failedAt.Store(int64(n))
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), (n+run-1)/run) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ds := r.Dirs()
			defer ds.Close()
			for {
				// Runs are taken in order: every index below a failure
				// still runs, so the error is the sequential one.
				start := int(next.Add(run)) - run
				if start >= n || int64(start) > failedAt.Load() {
					return
				}
				for i := start; i < min(start+run, n); i++ {
					ds.Next()
					if errs[i] = fn(ds, i); errs[i] != nil {
						for cur := failedAt.Load(); int64(i) < cur && !failedAt.CompareAndSwap(cur, int64(i)); cur = failedAt.Load() {
						}
						break
					}
				}
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// emptyTree is a directory that does not exist yet.
type emptyTree struct{}

func (emptyTree) ReadFile(p string) ([]byte, error) {
	return nil, &fs.PathError{Op: "read", Path: p, Err: fs.ErrNotExist}
}

func (emptyTree) Stat(string, []byte) (bool, bool, error) { return false, false, nil }

// makeDir creates dir and its missing parents, returning those it created
// (deepest first), so that a failed first write removes them again. An
// existing dir must be a directory.
func makeDir(dir string) ([]string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("write %s: %w", dir, err)
	}
	var missing []string
	for d := abs; ; d = filepath.Dir(d) {
		fi, err := os.Stat(d)
		if err == nil {
			if !fi.IsDir() {
				return nil, fmt.Errorf("write %s: %s is not a directory", dir, d)
			}
			break
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("write %s: %w", dir, err)
		}
		missing = append(missing, d)
		if filepath.Dir(d) == d {
			break
		}
	}
	if len(missing) == 0 {
		return nil, nil
	}
	if err := os.MkdirAll(abs, 0o755); err != nil {
		removeCreated(missing)
		return nil, fmt.Errorf("write %s: %w", dir, err)
	}
	return missing, nil
}

// removeCreated removes the directories makeDir created, while empty.
func removeCreated(dirs []string) {
	for _, d := range dirs {
		_ = os.Remove(d) // only succeeds when empty
	}
}

// writeFile writes data at p, making its directories (for the generator's
// own temporary files; --out is written through the guard).
func writeFile(p string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	return os.WriteFile(p, data, 0o644)
}
