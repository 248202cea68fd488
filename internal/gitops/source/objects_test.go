package source

import (
	"bufio"
	"bytes"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/plinth-dev/plinth/internal/testutil/gittest"
)

// catFileEqual fails unless the object store reads every object of the git
// directory gitDir exactly as `git cat-file --batch` gives it: type, size
// and bytes (none for an object larger than maxFileSize). It returns how
// many objects it compared.
func catFileEqual(t *testing.T, gitDir string) int {
	t.Helper()
	s := newObjectStore(objectsDirs(gitDir)...)
	defer s.Close()
	cmd := exec.Command("git", "--git-dir", gitDir, "cat-file", "--batch-all-objects", "--unordered", "--batch")
	cmd.Env = gittest.Env(t.TempDir())
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Wait()
	r := bufio.NewReaderSize(out, 1<<20)
	n := 0
	for {
		line, err := r.ReadString('\n')
		if errors.Is(err, io.EOF) && line == "" {
			break
		}
		f := strings.Fields(line)
		if err != nil || len(f) != 3 {
			t.Fatalf("cat-file: %q %v", line, err)
		}
		size, err := strconv.ParseInt(f[2], 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		want := make([]byte, size+1) // the content and a newline
		if _, err := io.ReadFull(r, want); err != nil {
			t.Fatal(err)
		}
		want = want[:size]
		typ, _ := plumbing.ParseObjectType(f[1])
		o, err := s.read(plumbing.NewHash(f[0]), maxFileSize)
		switch {
		case errors.Is(err, errNotRead) && size > maxFileSize:
			// a delta of a large object may be left to go-git
		case err != nil:
			t.Errorf("%s %s %d: %v", f[0], f[1], size, err)
		case o.typ != typ || o.size != size:
			t.Errorf("%s: %v %d, want %v %d", f[0], o.typ, o.size, typ, size)
		case size > maxFileSize && o.data != nil:
			t.Errorf("%s: %d bytes inflated, above the limit", f[0], size)
		case size <= maxFileSize && (o.data == nil || !bytes.Equal(o.data, want)):
			t.Errorf("%s %s: content differs from git cat-file (%d bytes, want %d)", f[0], f[1], len(o.data), size)
		}
		n++
	}
	return n
}

// TestObjectStoreEqualsCatFile: every object of repositories written by
// git, loose and packed (offset and reference deltas), is read exactly as
// git reads it. PLINTH_TEST_GITDIRS (colon-separated git directories)
// checks real repositories too.
func TestObjectStoreEqualsCatFile(t *testing.T) {
	gittest.Need(t)
	r := gittest.New(t)
	big := bytes.Repeat([]byte("a: 1\n"), 9<<20/5) // above the 8 MiB limit
	r.Write("big.yaml", big)
	r.Write("empty.yaml", nil)
	var text bytes.Buffer
	for i := range 3000 {
		fmt.Fprintf(&text, "key%d: value %d %x\n", i, i*i, i*7919)
	}
	r.Write("text.yaml", text.Bytes())
	r.Write("random.bin", randomBytes(200<<10))
	r.Commit("one", gittest.Date(2026, 1, 2))
	for i := range 5 {
		text.WriteString(fmt.Sprintf("more: %d\n", i))
		r.Write("text.yaml", text.Bytes())
		r.Write(fmt.Sprintf("dir%d/f.yaml", i), []byte(strings.Repeat("x", i*100)))
		r.Commit(fmt.Sprint("change ", i), gittest.Date(2026, 1, 3+i))
	}
	gitDir := filepath.Join(r.Dir, ".git")
	t.Run("loose", func(t *testing.T) { catFileEqual(t, gitDir) })
	gittest.Git(t, r.Dir, "repack", "-a", "-d", "-f", "-q", "--depth=20")
	t.Run("packed-offset-deltas", func(t *testing.T) { catFileEqual(t, gitDir) })
	gittest.Git(t, r.Dir, "-c", "repack.useDeltaBaseOffset=false", "repack", "-a", "-d", "-f", "-q")
	t.Run("packed-reference-deltas", func(t *testing.T) { catFileEqual(t, gitDir) })
	for _, dir := range filepath.SplitList(os.Getenv("PLINTH_TEST_GITDIRS")) {
		t.Run(dir, func(t *testing.T) { t.Logf("%d objects", catFileEqual(t, dir)) })
	}
}

// randomBytes are n bytes that do not compress.
func randomBytes(n int) []byte {
	b := make([]byte, n)
	x := uint64(88172645463325252)
	for i := range b {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		b[i] = byte(x)
	}
	return b
}

// FuzzEntryHeader holds entryHeader, which reads a pack entry's header from
// a buffered reader, to the header parser it replaced (over the first 64
// bytes of the entry, the longest header being shorter): the same type,
// size, base and length of header, or a refusal by both.
func FuzzEntryHeader(f *testing.F) {
	f.Add([]byte{0x95, 0x0a, 'x'}, int64(100))             // blob of 165 bytes
	f.Add([]byte{0xe5, 0x01, 0x81, 0x05, 'x'}, int64(500)) // offset delta
	f.Add(append([]byte{0x75}, bytes.Repeat([]byte{7}, 20)...), int64(12))
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}, int64(12))
	f.Fuzz(func(t *testing.T, entry []byte, off int64) {
		if off < 12 {
			return
		}
		br := bufio.NewReaderSize(bytes.NewReader(entry), 16)
		typ, size, baseOff, baseHash, err := entryHeader(br, off)
		rest, _ := io.ReadAll(br)
		used := len(entry) - len(rest)
		wtyp, wsize, wbaseOff, wbaseHash, wused, werr := oldEntryHeader(entry, off)
		if (err == nil) != (werr == nil) {
			t.Fatalf("error %v, want %v", err, werr)
		}
		if err == nil && (typ != wtyp || size != wsize || baseOff != wbaseOff || baseHash != wbaseHash || used != wused) {
			t.Fatalf("%v %d %d %s %d, want %v %d %d %s %d", typ, size, baseOff, baseHash, used, wtyp, wsize, wbaseOff, wbaseHash, wused)
		}
	})
}

// oldEntryHeader is the header parser entryHeader replaced, over the bytes
// of the entry: its type, size, base and the length of its header.
func oldEntryHeader(entry []byte, off int64) (typ plumbing.ObjectType, size, baseOff int64, baseHash plumbing.Hash, used int, err error) {
	b := entry[:min(len(entry), 64)]
	if len(b) == 0 {
		return 0, 0, 0, baseHash, 0, errNotRead
	}
	i := 0
	next := func() (byte, bool) {
		if i >= len(b) {
			return 0, false
		}
		c := b[i]
		i++
		return c, true
	}
	c, _ := next()
	typ = plumbing.ObjectType((c >> 4) & 7)
	size = int64(c & 15)
	for shift := uint(4); c&0x80 != 0; shift += 7 {
		var ok bool
		if c, ok = next(); !ok || shift > 56 {
			return 0, 0, 0, baseHash, 0, errNotRead
		}
		size |= int64(c&0x7f) << shift
	}
	switch typ {
	case plumbing.CommitObject, plumbing.TreeObject, plumbing.BlobObject, plumbing.TagObject:
	case plumbing.OFSDeltaObject:
		c, ok := next()
		rel := int64(c & 0x7f)
		for ok && c&0x80 != 0 {
			if c, ok = next(); rel > 1<<48 {
				ok = false
			}
			rel = (rel+1)<<7 | int64(c&0x7f)
		}
		if !ok || rel <= 0 || rel > off-12 {
			return 0, 0, 0, baseHash, 0, errNotRead
		}
		baseOff = off - rel
	case plumbing.REFDeltaObject:
		if i+20 > len(b) {
			return 0, 0, 0, baseHash, 0, errNotRead
		}
		copy(baseHash[:], b[i:i+20])
		i += 20
	default:
		return 0, 0, 0, baseHash, 0, errNotRead
	}
	return typ, size, baseOff, baseHash, i, nil
}

// FuzzInflater holds the inflater (its own zlib header check, no checksum
// read) to compress/zlib as the object store used it: reading size bytes
// of a zlib stream with io.ReadFull gives the same bytes, or fails, with
// both.
func FuzzInflater(f *testing.F) {
	for _, text := range []string{"", "blob 12\x00kind: A\n", strings.Repeat("key: value\n", 500)} {
		var b bytes.Buffer
		w := zlib.NewWriter(&b)
		w.Write([]byte(text))
		w.Close()
		z := b.Bytes()
		f.Add(z, len(text))
		f.Add(z[:len(z)-2], len(text))                              // checksum cut
		f.Add(append(z[:len(z)-4:len(z)-4], 1, 2, 3, 4), len(text)) // checksum wrong
		f.Add(z, len(text)+1)
		f.Add(z[:len(z)/2], len(text))
		f.Add(append([]byte{0x78, 0xbb, 0, 0, 0, 1}, z[2:]...), len(text)) // a preset dictionary, the empty one
		f.Add(append([]byte{0x78, 0xbb, 0, 0, 0, 2}, z[2:]...), len(text))
		f.Add(append([]byte{0x79, 0x9c}, z[2:]...), len(text))
	}
	f.Fuzz(func(t *testing.T, data []byte, size int) {
		if size < 0 || size > 1<<20 {
			return
		}
		want := make([]byte, size)
		r, err := zlib.NewReader(bytes.NewReader(data))
		if err == nil {
			_, err = io.ReadFull(r, want)
		}
		z := getInflater(bytes.NewReader(data))
		defer putInflater(z)
		got := make([]byte, size)
		gotErr := z.start()
		if gotErr == nil {
			_, gotErr = io.ReadFull(z.r, got)
		}
		if (err == nil) != (gotErr == nil) || err == nil && !bytes.Equal(got, want) {
			t.Fatalf("inflater: %q %v, compress/zlib: %q %v", got, gotErr, want, err)
		}
	})
}
