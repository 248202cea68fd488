package render

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestFastDocs: fastDocs reads what it is meant to read, leaves the rest
// to the decoder, and whatever it reads it reads exactly as the decoder.
func TestFastDocs(t *testing.T) {
	tests := []struct {
		name, yaml string
		fast       bool
	}{
		{"empty", "", true},
		{"comments only", "# a\n\n# b\n", true},
		{"object", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  labels:\n    app.kubernetes.io/name: a\ndata:\n  k: v\n", true},
		{"documents", "---\na: 1\n---\n# c\n---\n\n  b: 2\n  c: [] # x\n--- # y\nd: {}\n", true},
		{"scalars", "a: 1\nb: -2\nc: 1.5\nd: .5\ne: true\nf: FALSE\ng: null\nh: ~\ni: yes\nj: on\nk: 0x1F\nl: 1_000\nm: 012\nn: 1e3\no: .inf\np: 99999999999999999999\nq: 2026-11-30\ns: <<\nt: a:b\nu: http://x/y?z=1#f\nv: a #comment\nw: 'it''s'\nx: \"q\\\"\\n\\u00e9\\x41\\'\"\ny: \"\"\nz: ''\n", true},
		{"numbers", "a: 0\nb: 00\nc: 012\nd: -0\ne: 123456789012345678\nf: 1234567890123456789\ng: -12\nh: 1_0\ni: 0b11\nj: 0o17\nk: +5\nl: 1.\nm: 12e\n", true},
		{"sequences", "a:\n- 1\n- b: 2\n  c: 3\n-\n- - 4\n", false},
		{"sequences ok", "a:\n- 1\n- b: 2\n  c: 3\n-\n  d: 5\n-\nb:\n  - x\n  - 'y'\n  -   z: 1\n      w: 2\n", true},
		{"nested sequence entry", "a:\n  -\n    - 1\n", true},
		{"null entries", "a:\n-\n- 1\n", true},
		{"literal", "a: |\n  x\n   y\n\n  z\n\n\nb: |-\n    p\n    q\nc: |\n  # not a comment\n  t  \n # a comment\nd: 1\n", true},
		{"literal in a list", "a:\n- |\n  x\n- b: |-\n    y\n  c: 2\n", true},
		{"literal with spaces lines", "a: |\n  x\n    \n  \n  y\n", true},
		{"literal at the end", "a: |\n  x", true},
		{"quoted keys", "'a b': 1\n\"c:d\": 2\n", true},
		{"key with spaces", "a b: 1\n", true},
		{"keep chomping", "a: |+\n  x\n\n", false},
		{"folded", "a: >\n  x\n  y\n", false},
		{"indentation indicator", "a: |2\n   x\n", false},
		{"leading blank line in literal", "a: |\n\n  x\n", false},
		{"empty literal", "a: |\nb: 1\n", false},
		{"multi-line plain", "a: b\n  c\n", false},
		{"multi-line quoted", "a: \"b\n  c\"\n", false},
		{"anchor", "a: &x 1\nb: *x\n", false},
		{"tag", "a: !!str 1\n", false},
		{"flow", "a: [1, 2]\n", true},
		{"nested flow", "a: [1, [2]]\n", false},
		{"question mark in a flow item", "a: [0?]\nb: [x?y]\n", false},
		{"flow map", "a: {b: 1}\n", false},
		{"number key", "1: a\n", false},
		{"bool key", "true: a\n", false},
		{"null key", "~: a\n", false},
		{"merge key", "<<: {}\n", false},
		{"duplicate key", "a: 1\na: 2\n", false},
		{"duplicate key after a nested collection", "a:\n  b: [x]\n  c:\n  - d: 1\n    e: 2\n  b: 3\nf: 4\n", false},
		{"duplicate key in a mapping in a list", "a:\n- b: 1\n  c:\n  - 2\n  b: 3\n", false},
		{"same keys at other levels", "a:\n- a: 1\n  b:\n  - a: 2\n    b: [a]\n  - a\nb:\n  a:\n    a: 3\n  b: 4\n", true},
		{"large collections", "big:\n" + largeCollections + "z: 1\n", true},
		{"tab", "a:\tb\n", false},
		{"carriage return", "a: b\r\n", false},
		{"directive", "%YAML 1.2\n---\na: 1\n", false},
		{"document end", "a: 1\n...\n", false},
		{"content after ---", "--- a: 1\n", false},
		{"sequence document", "- a\n", false},
		{"scalar document", "a\n", false},
		{"bad indentation", "a:\n    b: 1\n  c: 2\n", false},
		{"more indented key", "a: 1\n  b: 2\n", false},
		{"mapping in a value", "a: b: c\n", false},
		{"trailing colon", "a: b:\n", false},
		{"complex key", "? a\n: b\n", false},
		{"comment without space", "a: 'b'#c\n", false},
		{"key with comment", "a #b: c\n", false},
		{"scalar on its own line", "a:\n  b\n", false},
		{"line separator", "a: b\u2028c\n", false},
		{"byte order mark", "\ufeffa: 1\n", false},
		{"surrogate escape", "a: \"\\ud800\"\n", false},
		{"unknown escape", "a: \"\\q\"\n", false},
		{"emoji and astral characters", "a: \"😀\"\nb: 😀 𝔘\n'😀': \"\\U0001F600\"\n", true},
		{"long key", strings.Repeat("k", 1100) + ": 1\n", false},
		{"long quoted key", "'" + strings.Repeat("k", 1100) + "': 1\n", false},
		{"unicode", "a: 한국어 ünïcödé\n", true},
		{"dash scalar", "a: -x\nb: - x\n", false},
		{"timestamp", "a: 2001-12-14t21:59:43.10-05:00\n", true},
		{"sequence at root indentation after scalar", "a: 1\n- b\n", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fast, _, diff := FastDocsDiffer([]byte(tc.yaml))
			if fast != tc.fast {
				t.Errorf("read by fastDocs: %v, want %v", fast, tc.fast)
			}
			if diff != "" {
				t.Error(diff)
			}
		})
	}
}

// TestFastDocsOnTestdata: every YAML file of the repository's test data
// reads the same with fastDocs as with the decoder.
func TestFastDocsOnTestdata(t *testing.T) {
	fast, files := 0, 0
	for _, root := range []string{"../../../testdata", "testdata", "../../../reports", "../../../generator", "../../../test"} {
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(p, ".yaml") && !strings.HasSuffix(p, ".yml") {
				return err
			}
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			files++
			ok, _, diff := FastDocsDiffer(data)
			if ok {
				fast++
			}
			if diff != "" {
				t.Errorf("%s: %s", p, diff)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("%d of %d files read by fastDocs", fast, files)
	if fast == 0 {
		t.Error("no file read by fastDocs")
	}
}

func FuzzFastDocs(f *testing.F) {
	for _, s := range []string{
		"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\n---\nkind: X\n",
		"a:\n- 1\n- b: 2\n  c: |\n    x\n\n    y\n-\n",
		"a: |-\n  x\n  # y\n b: 1\n",
		"a: \"\\x41\\u00e9\"\nb: 'c''d'\nc: 0o17\nd: -.inf\n",
		"a:\n  - b\n  -   c: 1\n      d: []\n",
		"k: v # c\n  # c\nl: 2001-12-14\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if _, _, diff := FastDocsDiffer(data); diff != "" {
			t.Fatal(diff)
		}
	})
}

// largeCollections is a mapping of 40 keys, each a list of 20 entries,
// indented under a key.
var largeCollections = func() string {
	var b strings.Builder
	for i := range 40 {
		fmt.Fprintf(&b, "  k%d:\n", i)
		for j := range 20 {
			fmt.Fprintf(&b, "  - v%d\n", j)
		}
	}
	return b.String()
}()

// TestFastDocsLargeStream: a stream of more than 1 MB is read a chunk of
// documents per core, with the same documents (and lines) as the decoder
// gives, empty documents left out; one document the fast reader declines,
// in any chunk, leaves the whole stream to the decoder.
func TestFastDocsLargeStream(t *testing.T) {
	var b strings.Builder
	for i := 0; b.Len() < 1<<20+1000; i++ {
		if i%7 == 3 {
			b.WriteString("---\n# empty\n")
		}
		fmt.Fprintf(&b, "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c%d\n  labels: {}\ndata:\n  a: %q\n  n: '%d'\n  list:\n  - x%d\n  - %d\n", i, strings.Repeat("v", i%50), i, i, i)
	}
	stream := b.String()
	fast, _, diff := FastDocsDiffer([]byte(stream))
	if !fast || diff != "" {
		t.Fatalf("read by fastDocs: %v; %s", fast, diff)
	}
	for _, at := range []float64{0.01, 0.5, 0.99} {
		i := strings.Index(stream[int(at*float64(len(stream))):], "\n---\n") + int(at*float64(len(stream)))
		bad := stream[:i] + "\n---\n- a sequence\n" + stream[i:]
		if _, ok := fastDocs([]byte(bad), nil); ok {
			t.Errorf("a sequence document at %.0f%% of the stream read by fastDocs", at*100)
		}
	}
}
