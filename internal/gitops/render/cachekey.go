package render

import (
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"sort"
	"sync"
	"unsafe"

	"github.com/plinth-dev/plinth/internal/gitops/source"
)

// Build keys are asked for every kustomization built, nested ones
// included: a service's base is built once per environment, and its files
// are part of the key of every kustomization that includes it. With a
// Cache, what makes a key is kept per snapshot: the kustomization
// directories each directory references, the hash of the files below each
// directory, and each directory's key. All three are functions of the
// snapshot's content, read only: keeping them changes no key.

// buildKeys is a Cache's memo of build keys, per snapshot.
type buildKeys struct {
	mu    sync.Mutex
	snaps map[*source.Snapshot]*snapKeys
}

// snapKeys is what makes the build keys of one snapshot.
type snapKeys struct {
	mu   sync.Mutex
	refs map[string][]string // kustomizationDirRefs
	dirs map[string]string   // hash of the files below a directory
	keys map[string]string   // buildKey
}

func (c *Cache) keysOf(snap *source.Snapshot) *snapKeys {
	k := &c.keys
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.snaps == nil {
		k.snaps = map[*source.Snapshot]*snapKeys{}
	}
	s := k.snaps[snap]
	if s == nil {
		s = &snapKeys{refs: map[string][]string{}, dirs: map[string]string{}, keys: map[string]string{}}
		k.snaps[snap] = s
	}
	return s
}

// memoized returns (*m)[key], computing it with fn (outside the lock: two
// callers may both compute it, to the same value) when it is not there;
// *m is made on first use.
func memoized[V any](mu *sync.Mutex, m *map[string]V, key string, fn func() V) V {
	mu.Lock()
	v, ok := (*m)[key]
	mu.Unlock()
	if ok {
		return v
	}
	v = fn()
	mu.Lock()
	if *m == nil {
		*m = map[string]V{}
	}
	(*m)[key] = v
	mu.Unlock()
	return v
}

// sharedBuildKey hashes dir and, for every directory a build of the
// kustomization in dir can read (itself and the kustomization directories
// it references, transitively), its path and the hash of the paths and
// contents of the files below it (dirFilesHash); "" when there is no
// cache.
func (d *renderer) sharedBuildKey(dir string) string {
	if d.cache == nil {
		return ""
	}
	s := d.cache.keysOf(d.snap)
	return memoized(&s.mu, &s.keys, dir, func() string {
		sorted := closureDirs(dir, func(dir string) []string {
			return memoized(&s.mu, &s.refs, dir, func() []string { return d.kustomizationDirRefs(dir) })
		})
		h := lineHash{Hash: sha256.New()}
		h.line("build", dir)
		for _, dir := range sorted {
			h.line(dir, memoized(&s.mu, &s.dirs, dir, func() string { return d.dirFilesHash(dir) }))
		}
		return hex.EncodeToString(h.Sum(nil))
	})
}

// closureDirs returns, sorted, dir and the directories refs gives of it
// and of each directory it gives, transitively.
func closureDirs(dir string, refs func(dir string) []string) []string {
	dirs := map[string]bool{}
	var visit func(dir string)
	visit = func(dir string) {
		if dirs[dir] {
			return
		}
		dirs[dir] = true
		for _, p := range refs(dir) {
			visit(p)
		}
	}
	visit(dir)
	sorted := make([]string, 0, len(dirs))
	for dir := range dirs {
		sorted = append(sorted, dir)
	}
	sort.Strings(sorted)
	return sorted
}

// dirFilesHash hashes the path and content hash of every file below dir.
func (d *renderer) dirFilesHash(dir string) string {
	h := lineHash{Hash: sha256.New()}
	for _, p := range d.snap.Walk(dir) {
		h.line(p, d.fileHash(p))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// line writes "a b\n" to h. Neither a path nor a hex hash holds a newline;
// a path may hold a space, which only comes before the last space of a
// line (a hash, "build" and a path hold none after it).
func (h *lineHash) line(a, b string) {
	h.buf = append(append(append(append(h.buf[:0], a...), ' '), b...), '\n')
	h.Write(h.buf)
}

// lineHash is a hash written line by line (line), through one buffer.
type lineHash struct {
	hash.Hash
	buf []byte
}

// dataSums is a Cache's memo of file content hashes by the content's
// memory: the snapshots of one repository share the data of a blob that
// did not change (source's object cache), which then is hashed once.
// Each entry holds its data, which therefore stays what it was.
type dataSums struct {
	mu sync.Mutex
	m  map[*byte]dataSum
}

type dataSum struct {
	data []byte
	sum  string
}

// sum returns the hex SHA-256 of data.
func (s *dataSums) sum(data []byte) string {
	if len(data) == 0 {
		b := sha256.Sum256(data)
		return hex.EncodeToString(b[:])
	}
	at := unsafe.SliceData(data)
	s.mu.Lock()
	e, ok := s.m[at]
	s.mu.Unlock()
	if ok && len(e.data) == len(data) {
		return e.sum
	}
	b := sha256.Sum256(data)
	sum := hex.EncodeToString(b[:])
	s.mu.Lock()
	if s.m == nil {
		s.m = map[*byte]dataSum{}
	}
	s.m[at] = dataSum{data: data, sum: sum}
	s.mu.Unlock()
	return sum
}
