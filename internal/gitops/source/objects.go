package source

import (
	"bufio"
	"bytes"
	"compress/flate"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/adler32"
	"io"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/packfile"
)

// objectStore reads git objects straight from a repository's objects
// directories (loose objects and packs with a version 2 index), safely from
// several goroutines at once and without go-git's per-object overheads
// (a packfile opened again for every object, paths resolved through a
// chroot, every object copied into a memory gitObject). It is an accelerator
// only: whatever it cannot read the way go-git would (an object it does
// not find, an index or pack format it does not know, a corrupt object, an
// alternate object directory) is reported as errNotRead and the caller
// reads it with go-git, which gives its usual result or error.
//
// Objects larger than the limit the caller gives are never inflated: their
// size comes from the loose object's header, the pack entry's header or,
// for a delta, the delta's header. Every open file stays inside the
// objects directory (os.Root).
type objectStore struct {
	dirs []*objectDir

	mu        sync.Mutex // guards bases
	bases     map[baseKey]gitObject
	baseBytes int
}

// errNotRead: the object store did not read the object; go-git reads it.
var errNotRead = errors.New("object not read by the object store")

const (
	// maxBaseCache bounds the bytes of delta bases kept for other deltas.
	maxBaseCache = 32 << 20
	// maxDeltaDepth bounds a chain of deltas (git's default is 50).
	maxDeltaDepth = 1000
)

// gitObject is a decoded git object.
type gitObject struct {
	typ  plumbing.ObjectType
	data []byte // nil when the object is larger than the limit asked for
	size int64
}

type baseKey struct {
	pack *packIndex
	off  int64
}

type objectDir struct {
	root  *os.Root
	packs []*packIndex

	mu     sync.Mutex                    // guards opening fanout's directories, and dirFile
	fanout [256]atomic.Pointer[looseDir] // objects/xx/, opened on first use (nil: not yet; noLooseDir: absent)
	// dirFile is the objects directory, opened on first use by
	// openLooseDir where it opens objects/xx/ relative to it.
	dirFile *os.File
	dirFD   int
}

// noLooseDir marks a directory objects/xx/ that could not be opened.
var noLooseDir = new(looseDir)

// packIndex is one pack and its version 2 index, held in memory.
type packIndex struct {
	f       *os.File
	size    int64
	fanout  [256]uint32
	hashes  []byte // 20 bytes per object, sorted
	offsets []byte // 4 bytes per object
	large   []byte // 8 bytes per large offset
}

// newObjectStore opens the objects directories dirs; a directory or pack
// that cannot be read is left to go-git.
func newObjectStore(dirs ...string) *objectStore {
	s := &objectStore{bases: map[baseKey]gitObject{}}
	for _, d := range dirs {
		s.add(d)
	}
	return s
}

// add opens one more objects directory (read after the others).
func (s *objectStore) add(dir string) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return
	}
	od := &objectDir{root: root}
	entries, _ := fsReadDir(root, "pack")
	for _, name := range entries {
		if !strings.HasSuffix(name, ".idx") {
			continue
		}
		if p := openPack(root, path.Join("pack", name)); p != nil {
			od.packs = append(od.packs, p)
		}
	}
	s.dirs = append(s.dirs, od)
}

func fsReadDir(root *os.Root, dir string) ([]string, error) {
	f, err := root.Open(dir)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	names, err := f.Readdirnames(-1)
	sort.Strings(names)
	return names, err
}

// openPack reads the version 2 index idx and opens its pack, or returns nil.
func openPack(root *os.Root, idx string) *packIndex {
	fi, err := root.Open(idx)
	if err != nil {
		return nil
	}
	st, err := fi.Stat()
	if err != nil || !st.Mode().IsRegular() || st.Size() > 1<<30 {
		fi.Close()
		return nil
	}
	data := make([]byte, st.Size())
	_, err = io.ReadFull(fi, data)
	fi.Close()
	if err != nil || len(data) < 8+256*4 || !bytes.Equal(data[:8], []byte{0xff, 't', 'O', 'c', 0, 0, 0, 2}) {
		return nil
	}
	p := &packIndex{}
	for i := range p.fanout {
		p.fanout[i] = binary.BigEndian.Uint32(data[8+4*i:])
	}
	n := int64(p.fanout[255])
	pos := int64(8 + 256*4)
	if int64(len(data)) < pos+n*(20+4+4)+40 {
		return nil
	}
	p.hashes = data[pos : pos+20*n]
	pos += 20*n + 4*n // hashes, CRCs
	p.offsets = data[pos : pos+4*n]
	pos += 4 * n
	p.large = data[pos : int64(len(data))-40]
	pf, err := root.Open(strings.TrimSuffix(idx, ".idx") + ".pack")
	if err != nil {
		return nil
	}
	var hdr [8]byte
	pst, err := pf.Stat()
	if err != nil || !pst.Mode().IsRegular() {
		pf.Close()
		return nil
	}
	if _, err := pf.ReadAt(hdr[:], 0); err != nil || string(hdr[:4]) != "PACK" || (hdr[7] != 2 && hdr[7] != 3) || hdr[4]|hdr[5]|hdr[6] != 0 {
		pf.Close()
		return nil
	}
	p.f, p.size = pf, pst.Size()
	return p
}

// find returns the offset of h in the pack.
func (p *packIndex) find(h plumbing.Hash) (int64, bool) {
	lo := 0
	if h[0] > 0 {
		lo = int(p.fanout[h[0]-1])
	}
	hi := int(p.fanout[h[0]])
	if hi > len(p.hashes)/20 || lo > hi {
		return 0, false
	}
	i := lo + sort.Search(hi-lo, func(i int) bool { return bytes.Compare(p.hashes[(lo+i)*20:(lo+i)*20+20], h[:]) >= 0 })
	if i >= hi || !bytes.Equal(p.hashes[i*20:i*20+20], h[:]) {
		return 0, false
	}
	off := int64(binary.BigEndian.Uint32(p.offsets[i*4:]))
	if off&0x80000000 != 0 {
		j := (off & 0x7fffffff) * 8
		if j+8 > int64(len(p.large)) {
			return 0, false
		}
		off = int64(binary.BigEndian.Uint64(p.large[j:]))
	}
	return off, off >= 12 && off < p.size
}

// Close closes the packs and directories.
func (s *objectStore) Close() error {
	var errs []error
	for _, d := range s.dirs {
		for _, p := range d.packs {
			errs = append(errs, p.f.Close())
		}
		for i := range d.fanout {
			if sub := d.fanout[i].Load(); sub != nil && sub != noLooseDir {
				errs = append(errs, sub.Close())
			}
		}
		if d.dirFile != nil {
			errs = append(errs, d.dirFile.Close())
		}
		errs = append(errs, d.root.Close())
	}
	s.dirs = nil
	return errors.Join(errs...)
}

// read returns the object h; its data is nil when it is larger than limit.
func (s *objectStore) read(h plumbing.Hash, limit int64) (gitObject, error) {
	return s.readDepth(h, limit, 0)
}

func (s *objectStore) readDepth(h plumbing.Hash, limit int64, depth int) (gitObject, error) {
	for _, d := range s.dirs {
		if o, err := d.readLoose(h, limit); !errors.Is(err, errNotRead) {
			return o, err
		}
		for _, p := range d.packs {
			if off, ok := p.find(h); ok {
				return s.readPacked(p, off, limit, depth)
			}
		}
	}
	return gitObject{}, errNotRead
}

// readLoose reads objects/xx/xxxx...: "<type> <size>\x00<content>", deflated.
func (d *objectDir) readLoose(h plumbing.Hash, limit int64) (gitObject, error) {
	sub := d.subdir(h[0])
	if sub == nil {
		return gitObject{}, errNotRead
	}
	f, err := sub.open(h)
	if err != nil {
		return gitObject{}, errNotRead
	}
	defer f.Close()
	z := getInflater(f)
	defer putInflater(z)
	if z.start() != nil {
		return gitObject{}, errNotRead
	}
	hdr := z.hdr[:]
	n, nul := 0, -1
	for nul < 0 && n < len(hdr) {
		m, err := z.r.Read(hdr[n:])
		n += m
		nul = bytes.IndexByte(hdr[:n], 0)
		if err != nil && nul < 0 {
			return gitObject{}, errNotRead
		}
	}
	if nul < 0 {
		return gitObject{}, errNotRead
	}
	name, sz, ok := strings.Cut(string(hdr[:nul]), " ")
	typ, err := plumbing.ParseObjectType(name)
	size, serr := strconv.ParseInt(sz, 10, 64)
	if !ok || err != nil || serr != nil || size < 0 || !typ.Valid() || typ == plumbing.OFSDeltaObject || typ == plumbing.REFDeltaObject {
		return gitObject{}, errNotRead
	}
	o := gitObject{typ: typ, size: size}
	if size > limit {
		return o, nil
	}
	rest := hdr[nul+1 : n]
	if int64(len(rest)) > size {
		return gitObject{}, errNotRead
	}
	o.data = make([]byte, size)
	copy(o.data, rest)
	if _, err := io.ReadFull(z.r, o.data[len(rest):]); err != nil {
		return gitObject{}, errNotRead
	}
	return o, nil
}

// subdir is objects/xx/ for the first byte of a hash, or nil (d.mu is
// held while it opens it).
func (d *objectDir) subdir(b byte) *looseDir {
	sub := d.fanout[b].Load()
	if sub == nil {
		d.mu.Lock()
		if sub = d.fanout[b].Load(); sub == nil {
			var err error
			if sub, err = openLooseDir(d, fmt.Sprintf("%02x", b)); err != nil {
				sub = noLooseDir
			}
			d.fanout[b].Store(sub)
		}
		d.mu.Unlock()
	}
	if sub == noLooseDir {
		return nil
	}
	return sub
}

// entryHeader reads the header of a pack entry from br: its type, its size
// (of the object, or of the delta) and the base of a delta (off is the
// entry's offset); br is then at the entry's deflated data.
func entryHeader(br *bufio.Reader, off int64) (typ plumbing.ObjectType, size, baseOff int64, baseHash plumbing.Hash, err error) {
	c, rerr := br.ReadByte()
	if rerr != nil {
		return 0, 0, 0, baseHash, errNotRead
	}
	typ = plumbing.ObjectType((c >> 4) & 7)
	size = int64(c & 15)
	for shift := uint(4); c&0x80 != 0; shift += 7 {
		if c, rerr = br.ReadByte(); rerr != nil || shift > 56 {
			return 0, 0, 0, baseHash, errNotRead
		}
		size |= int64(c&0x7f) << shift
	}
	switch typ {
	case plumbing.CommitObject, plumbing.TreeObject, plumbing.BlobObject, plumbing.TagObject:
	case plumbing.OFSDeltaObject:
		c, rerr := br.ReadByte()
		rel := int64(c & 0x7f)
		for rerr == nil && c&0x80 != 0 {
			if c, rerr = br.ReadByte(); rel > 1<<48 {
				rerr = errNotRead
			}
			rel = (rel+1)<<7 | int64(c&0x7f)
		}
		if rerr != nil || rel <= 0 || rel > off-12 {
			return 0, 0, 0, baseHash, errNotRead
		}
		baseOff = off - rel
	case plumbing.REFDeltaObject:
		if _, err := io.ReadFull(br, baseHash[:]); err != nil {
			return 0, 0, 0, baseHash, errNotRead
		}
	default:
		return 0, 0, 0, baseHash, errNotRead
	}
	return typ, size, baseOff, baseHash, nil
}

// maxDelta is the largest delta read: one of the largest object read.
const maxDelta = 2*maxFileSize + 1024

func isDelta(typ plumbing.ObjectType) bool {
	return typ == plumbing.OFSDeltaObject || typ == plumbing.REFDeltaObject
}

// entry reads the pack entry at off: its header (entryHeader) and its data,
// inflated when it is at most limit bytes (a delta: at most maxDelta).
func (p *packIndex) entry(off, limit int64) (typ plumbing.ObjectType, size, baseOff int64, baseHash plumbing.Hash, data []byte, err error) {
	z := getInflater(nil)
	defer putInflater(z)
	z.sec = *io.NewSectionReader(p.f, off, p.size-off)
	z.br.Reset(&z.sec)
	typ, size, baseOff, baseHash, err = entryHeader(z.br, off)
	if isDelta(typ) {
		limit = maxDelta
	}
	if err != nil || size > limit {
		return typ, size, baseOff, baseHash, nil, err
	}
	if z.start() != nil {
		return 0, 0, 0, baseHash, nil, errNotRead
	}
	data = make([]byte, size)
	if _, err := io.ReadFull(z.r, data); err != nil {
		return 0, 0, 0, baseHash, nil, errNotRead
	}
	return typ, size, baseOff, baseHash, data, nil
}

// readPacked reads the pack entry at off, resolving deltas.
func (s *objectStore) readPacked(p *packIndex, off, limit int64, depth int) (gitObject, error) {
	if depth > maxDeltaDepth {
		return gitObject{}, errNotRead
	}
	if depth > 0 {
		s.mu.Lock()
		o, ok := s.bases[baseKey{p, off}]
		s.mu.Unlock()
		if ok {
			return o, nil
		}
	}
	typ, size, baseOff, baseHash, data, err := p.entry(off, limit)
	if err != nil {
		return gitObject{}, err
	}
	if !isDelta(typ) {
		o := gitObject{typ: typ, size: size, data: data}
		if depth > 0 && o.data != nil {
			s.keepBase(baseKey{p, off}, o)
		}
		return o, nil
	}
	delta := data
	if delta == nil {
		return gitObject{}, errNotRead // a delta this large is left to go-git
	}
	srcSize, rest, ok := uvarint(delta)
	target, _, ok2 := uvarint(rest)
	if !ok || !ok2 {
		return gitObject{}, errNotRead
	}
	var base gitObject
	if typ == plumbing.OFSDeltaObject {
		base, err = s.readPacked(p, baseOff, maxFileSize, depth+1)
	} else {
		base, err = s.readDepth(baseHash, maxFileSize, depth+1)
	}
	if err != nil {
		return gitObject{}, errNotRead
	}
	o := gitObject{typ: base.typ, size: target}
	if target > limit {
		return o, nil
	}
	if base.data == nil || int64(len(base.data)) != srcSize {
		return gitObject{}, errNotRead // a large base is left to go-git
	}
	if o.data, err = packfile.PatchDelta(base.data, delta); err != nil || int64(len(o.data)) != target {
		return gitObject{}, errNotRead
	}
	o.data = o.data[:target:target]
	if depth > 0 {
		s.keepBase(baseKey{p, off}, o)
	}
	return o, nil
}

func (s *objectStore) keepBase(k baseKey, o gitObject) {
	if len(o.data) > maxBaseCache/8 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.baseBytes+len(o.data) > maxBaseCache {
		clear(s.bases)
		s.baseBytes = 0
	}
	s.bases[k] = o
	s.baseBytes += len(o.data)
}

// uvarint decodes a delta header's size (little-endian base 128).
func uvarint(b []byte) (int64, []byte, bool) {
	var v int64
	for i, shift := 0, uint(0); i < len(b) && shift < 63; i, shift = i+1, shift+7 {
		v |= int64(b[i]&0x7f) << shift
		if b[i]&0x80 == 0 {
			return v, b[i+1:], true
		}
	}
	return 0, nil, false
}

// inflater is a reusable buffered zlib reader.
type inflater struct {
	br      *bufio.Reader
	sec     io.SectionReader // the source of br when it reads a pack
	r       io.ReadCloser    // the deflate reader (nil: not made yet)
	hdr     [64]byte         // a loose object's header
	scratch [4]byte
}

// inflaterBuffer is the size of an inflater's reads: a loose object or a
// pack entry is mostly a few hundred bytes deflated.
const inflaterBuffer = 4 << 10

var inflaters sync.Pool

// getInflater returns an inflater reading src; start starts the zlib
// stream at its position.
func getInflater(src io.Reader) *inflater {
	z, _ := inflaters.Get().(*inflater)
	if z == nil {
		return &inflater{br: bufio.NewReaderSize(src, inflaterBuffer)}
	}
	z.br.Reset(src)
	return z
}

// start reads the zlib header (RFC 1950) at the reader's position and
// checks it as compress/zlib does; z.r then inflates the deflated data.
// The Adler-32 checksum after them is not read: every reader of z.r reads
// exactly the size of an object with io.ReadFull, which returns no error
// once it has them all, so compress/zlib's check of the checksum (when the
// last of the data and the end of the stream come in one read) made no
// difference but its cost.
func (z *inflater) start() error {
	h := z.scratch[:]
	if _, err := io.ReadFull(z.br, h[:2]); err != nil {
		return errNotRead
	}
	if h[0]&0x0f != 8 || h[0]>>4 > 7 || binary.BigEndian.Uint16(h)%31 != 0 {
		return errNotRead // zlib.ErrHeader
	}
	if h[1]&0x20 != 0 { // a preset dictionary: compress/zlib takes only the empty one
		if _, err := io.ReadFull(z.br, h); err != nil || binary.BigEndian.Uint32(h) != adler32.Checksum(nil) {
			return errNotRead // zlib.ErrDictionary
		}
	}
	if z.r == nil {
		z.r = flate.NewReader(z.br)
	} else if err := z.r.(flate.Resetter).Reset(z.br, nil); err != nil {
		return errNotRead
	}
	return nil
}

func putInflater(z *inflater) {
	z.br.Reset(nil)
	z.sec = io.SectionReader{}
	inflaters.Put(z)
}

// objectsDirs are the objects directories of the git directory gitDir: its
// own, or that of the main work tree for a linked one (commondir).
func objectsDirs(gitDir string) []string {
	if data, err := os.ReadFile(filepath.Join(gitDir, "commondir")); err == nil {
		common := strings.TrimSpace(string(data))
		if !filepath.IsAbs(common) {
			common = filepath.Join(gitDir, common)
		}
		return []string{filepath.Join(common, "objects")}
	}
	return []string{filepath.Join(gitDir, "objects")}
}
