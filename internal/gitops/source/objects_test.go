package source

import (
	"bufio"
	"bytes"
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
