package source

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"
	"github.com/go-git/go-git/v5/storage/filesystem"
	"golang.org/x/sync/errgroup"
)

// readBatch is how many walked entries are read (in parallel) before they
// are added to the snapshot in walk order.
const readBatch = 512

// maxTreeObject is the largest tree the object store reads (larger: go-git).
const maxTreeObject = 4 * maxFileSize

// objectCache holds what the snapshots of one repository share: the trees
// and the blobs already read, by hash. A file unchanged between two states
// is the same blob: the second state gets it without reading it again.
type objectCache struct {
	dirs []string // the objects directories, opened on first use
	open sync.Once
	objs *objectStore

	// goGit counts the trees and blobs go-git read instead (tests).
	goGit atomic.Int64

	mu    sync.Mutex
	trees map[plumbing.Hash]*rawObject
	blobs map[plumbing.Hash]gitObject
}

func newObjectCache(repo *git.Repository) *objectCache {
	var dirs []string
	if st, ok := repo.Storer.(*filesystem.Storage); ok {
		dirs = objectsDirs(st.Filesystem().Root())
	}
	return &objectCache{dirs: dirs, trees: map[plumbing.Hash]*rawObject{}, blobs: map[plumbing.Hash]gitObject{}}
}

// store opens the object store on first use.
func (oc *objectCache) store() *objectStore {
	oc.open.Do(func() { oc.objs = newObjectStore(oc.dirs...) })
	return oc.objs
}

// addDir reads the objects directory dir too, after the others.
func (oc *objectCache) addDir(dir string) {
	oc.dirs = append(oc.dirs, dir)
	if oc.objs != nil {
		oc.objs.add(dir)
	}
}

// Close closes the object store.
func (oc *objectCache) Close() error {
	if oc.objs == nil {
		return nil
	}
	return oc.objs.Close()
}

// blob reads the blob h with the object store (data nil when it is larger
// than maxFileSize); ok is false when go-git is to read it.
func (oc *objectCache) blob(h plumbing.Hash) (gitObject, bool) {
	return cached(oc, oc.blobs, h, func() (gitObject, bool) {
		o, err := oc.store().read(h, maxFileSize)
		if err != nil || o.typ != plumbing.BlobObject {
			return gitObject{}, false
		}
		return o, true
	})
}

// reserve makes room for the blobs of a first snapshot of files files.
func (oc *objectCache) reserve(files int) {
	oc.mu.Lock()
	defer oc.mu.Unlock()
	if len(oc.blobs) == 0 {
		oc.blobs = make(map[plumbing.Hash]gitObject, files)
	}
}

// cached returns m[h] (m: one of oc's maps), else what read gives, kept in
// m when ok.
func cached[V any](oc *objectCache, m map[plumbing.Hash]V, h plumbing.Hash, read func() (V, bool)) (V, bool) {
	oc.mu.Lock()
	v, ok := m[h]
	oc.mu.Unlock()
	if ok {
		return v, true
	}
	if v, ok = read(); ok {
		oc.mu.Lock()
		m[h] = v
		oc.mu.Unlock()
	}
	return v, ok
}

// treeStorer gives go-git's tree walker the trees from the object store
// (kept for the next snapshot); every other object, or a tree it does not
// read, comes from the repository's storage.
type treeStorer struct {
	storer.EncodedObjectStorer
	oc *objectCache
}

func (t treeStorer) EncodedObject(typ plumbing.ObjectType, h plumbing.Hash) (plumbing.EncodedObject, error) {
	if typ != plumbing.TreeObject {
		return t.EncodedObjectStorer.EncodedObject(typ, h)
	}
	if raw, ok := t.oc.tree(h); ok {
		return raw, nil
	}
	t.oc.goGit.Add(1)
	return t.EncodedObjectStorer.EncodedObject(typ, h)
}

// tree returns the tree h read by the object store (kept for the next
// snapshot); ok is false when go-git is to read it.
func (oc *objectCache) tree(h plumbing.Hash) (*rawObject, bool) {
	return cached(oc, oc.trees, h, func() (*rawObject, bool) {
		o, err := oc.store().read(h, maxTreeObject)
		if err != nil || o.typ != plumbing.TreeObject || o.data == nil {
			return nil, false
		}
		return &rawObject{h: h, typ: o.typ, data: o.data}, true
	})
}

// rawObject is a read-only plumbing.EncodedObject over bytes already read.
type rawObject struct {
	h    plumbing.Hash
	typ  plumbing.ObjectType
	data []byte
}

func (o *rawObject) Hash() plumbing.Hash         { return o.h }
func (o *rawObject) Type() plumbing.ObjectType   { return o.typ }
func (o *rawObject) SetType(plumbing.ObjectType) {}
func (o *rawObject) Size() int64                 { return int64(len(o.data)) }
func (o *rawObject) SetSize(int64)               {}
func (o *rawObject) Reader() (io.ReadCloser, error) {
	return io.NopCloser(bytes.NewReader(o.data)), nil
}
func (o *rawObject) Writer() (io.WriteCloser, error) {
	return nil, errors.New("read-only object")
}

// walked is one entry of the tree walk.
type walked struct {
	name  string
	entry object.TreeEntry
	blob  gitObject
	fast  bool // blob was read by the object store
}

// gitSnapshot reads the tree of commit c: the trees are walked over
// their bytes when they are plain (plainTrees), else with go-git's tree
// walker (its checks of entry names and depth, its errors), the blobs
// of each batch of entries are read in parallel by the object store, then
// every entry is added in walk order exactly as one read after the other
// would: the same files, errors, limits and first error.
func (r *Repository) gitSnapshot(c *object.Commit, ref string) (*Snapshot, error) {
	if r.cache == nil {
		r.cache = newObjectCache(r.repo)
	}
	var walker interface {
		Next() (string, object.TreeEntry, error)
	}
	trees := func(h plumbing.Hash) ([]byte, bool) {
		raw, ok := r.cache.tree(h)
		if !ok {
			return nil, false
		}
		return raw.data, true
	}
	files, dirs, plain := plainTrees(trees, c.TreeHash)
	if plain {
		walker = newTreeWalker(trees, c.TreeHash)
		r.cache.reserve(files)
	} else {
		tree, err := object.GetTree(treeStorer{r.repo.Storer, r.cache}, c.TreeHash)
		if err != nil {
			return nil, fmt.Errorf("repository %s: commit %s: %w%s", r.Location, c.Hash, err, r.hint(err))
		}
		w := object.NewTreeWalker(tree, true, nil)
		defer w.Close()
		walker = w
	}
	s := newSnapshot(files, dirs)
	s.Repo, s.Ref, s.Commit, s.CommitDate, s.Remote = r.Location, ref, c.Hash.String(), c.Committer.When.UTC(), r.remote
	links := map[string]string{}
	var total int64
	batch := make([]walked, 0, readBatch)
	for done := false; !done; {
		batch = batch[:0]
		var walkErr error
		for len(batch) < readBatch {
			name, entry, err := walker.Next()
			if errors.Is(err, io.EOF) {
				done = true
				break
			}
			if err != nil {
				walkErr, done = err, true
				break
			}
			batch = append(batch, walked{name: name, entry: entry})
		}
		r.readBlobs(batch, total)
		for i := range batch {
			if err := r.addEntry(s, &batch[i], links, &total); err != nil {
				return nil, err
			}
		}
		if walkErr != nil {
			return nil, fmt.Errorf("repository %s: commit %s: %w%s", r.Location, c.Hash, walkErr, r.hint(walkErr))
		}
	}
	resolveLinks(s, links)
	s.finish()
	return s, nil
}

// readBlobs reads the regular files of batch with the object store, in
// parallel, while the bytes read stay within maxTotalSize (total are those
// of the snapshot so far); what it leaves is read by addEntry with go-git.
func (r *Repository) readBlobs(batch []walked, total int64) {
	budget := atomic.Int64{}
	budget.Store(total)
	var next atomic.Int64
	work := func() error {
		for i := int(next.Add(1) - 1); i < len(batch); i = int(next.Add(1) - 1) {
			w := &batch[i]
			switch w.entry.Mode {
			case filemode.Regular, filemode.Executable, filemode.Deprecated:
			default:
				continue
			}
			o, ok := r.cache.blob(w.entry.Hash)
			if !ok || budget.Add(int64(len(o.data))) > maxTotalSize {
				continue
			}
			w.blob, w.fast = o, true
		}
		return nil
	}
	workers := runtime.GOMAXPROCS(0)
	if len(batch) < 64 {
		workers = 1
	}
	var g errgroup.Group
	for range workers {
		g.Go(work)
	}
	_ = g.Wait()
}

// addEntry adds one walked entry to the snapshot (symbolic links to links,
// resolved at the end); an error ends the snapshot.
func (r *Repository) addEntry(s *Snapshot, w *walked, links map[string]string, total *int64) error {
	name, entry := w.name, w.entry
	if len(s.files) >= maxFiles {
		return fmt.Errorf("repository %s: more than %d files", r.Location, maxFiles)
	}
	switch entry.Mode {
	case filemode.Regular, filemode.Executable, filemode.Deprecated:
	case filemode.Symlink:
		target, err := r.blob(entry.Hash, 4096)
		if err != nil {
			s.add(&File{Path: name, Err: err})
			return nil
		}
		links[name] = string(target)
		return nil
	default:
		return nil // directories, submodules
	}
	f := &File{Path: name}
	if w.fast {
		switch {
		case w.blob.size > maxFileSize:
			f.Err = tooLarge(name, w.blob.size)
		case *total+w.blob.size > maxTotalSize:
			return fmt.Errorf("repository %s: more than %d bytes of files", r.Location, maxTotalSize)
		default:
			f.Data = w.blob.data
			*total += int64(len(f.Data))
		}
		s.add(f)
		return nil
	}
	r.cache.goGit.Add(1)
	blob, err := r.repo.BlobObject(entry.Hash)
	switch {
	case err != nil && r.hint(err) != "":
		return fmt.Errorf("repository %s: commit %s: %s: %w%s", r.Location, s.Commit, name, err, r.hint(err))
	case err != nil:
		f.Err = fmt.Errorf("read %s: %w", name, err)
	case blob.Size > maxFileSize:
		f.Err = tooLarge(name, blob.Size)
	case *total+blob.Size > maxTotalSize:
		return fmt.Errorf("repository %s: more than %d bytes of files", r.Location, maxTotalSize)
	default:
		f.Data, f.Err = readBlob(blob, maxFileSize)
		*total += int64(len(f.Data))
	}
	s.add(f)
	return nil
}
