package render

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	yaml "go.yaml.in/yaml/v3"
	sigsyaml "sigs.k8s.io/yaml"

	"github.com/plinth-dev/plinth/internal/testutil/snapshot"
)

func TestBlockLinesEnd(t *testing.T) {
	doc := "a:\n  b: 1\n\n  # c\n  c:\n    d: 2\n# e\ne:\n- f: 1\n  g: 2\n-   h: 3\n    i:\n      j: 4\nk: 5\n"
	// line numbers: a=0 b=1 blank=2 comment=3 c=4 d=5 comment=6 e=7 f=8 g=9 h=10 i=11 j=12 k=13
	for _, tc := range []struct{ line, col, want int }{
		{0, 0, 14}, // the document
		{1, 2, 7},  // a's value: ends at e (the comment before e is part of it)
		{5, 4, 7},  // c's value, with the comment after it
		{8, 2, 10}, // "- f: 1": the mapping of the first entry
		{10, 4, 13},
		{12, 6, 13},
		{13, 0, 14},
	} {
		var ix blockLines
		ix.index([]byte(doc), 0, len(doc))
		if got := ix.end(tc.line, tc.col); got != tc.want {
			t.Errorf("end(%d, %d) = %d, want %d", tc.line, tc.col, got, tc.want)
		}
	}
}

func TestInternSharesIdenticalMappings(t *testing.T) {
	doc := func(name string) string {
		return "kind: Deployment\nmetadata:\n  name: " + name + "\nspec:\n  template:\n    spec:\n      containers:\n      - name: app\n        securityContext:\n          runAsNonRoot: true\n          capabilities:\n            drop: [ALL]\n"
	}
	in := &interner{}
	a, ok := fastDocsText(doc("a"), in)
	if !ok {
		t.Fatal("not read")
	}
	b, ok := fastDocsText("# another stream\n"+doc("b"), in)
	if !ok {
		t.Fatal("not read")
	}
	container := func(d []yamlDoc) map[string]any {
		return d[0].Value["spec"].(map[string]any)["template"].(map[string]any)["spec"].(map[string]any)["containers"].([]any)[0].(map[string]any)
	}
	if reflect.ValueOf(container(a)).Pointer() != reflect.ValueOf(container(b)).Pointer() {
		t.Error("the two documents' identical containers are two values")
	}
	if reflect.ValueOf(a[0].Value["metadata"]).Pointer() == reflect.ValueOf(b[0].Value["metadata"]).Pointer() {
		t.Error("different metadata shared")
	}
	for _, d := range [][]yamlDoc{a, b} {
		want, err := decodeDocs([]byte(doc("a")))
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(container(d), container(want)) {
			t.Errorf("container %v, want %v", container(d), container(want))
		}
	}
}

// TestInternedValuesUnchanged renders the corpus and checks that every
// mapping shared between documents is still what its text reads: nothing
// a build, a chart rendering or an overlay did changed a shared value in
// place (which would change every other object sharing it).
func TestInternedValuesUnchanged(t *testing.T) {
	root := filepath.Join("..", "..", "..", "testdata", "corpus")
	entries, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		t.Run(e.Name(), func(t *testing.T) {
			c := NewCache()
			Render(snapshot.Dir(t, filepath.Join(root, e.Name())), Options{Cache: c})
			var all []internedMap
			for i := range c.intern.shards {
				for _, e := range c.intern.shards[i].m {
					all = append(all, e)
				}
			}
			if len(all) == 0 {
				t.Fatal("no mapping read with the interner")
			}
			for _, e := range all {
				want, err := readMappingText(e)
				if err != nil {
					t.Fatalf("%q: %v", e.text, err)
				}
				if !reflect.DeepEqual(e.v, want) {
					t.Errorf("shared mapping changed:\n%s\nnow %v\nwant %v", e.text, e.v, want)
				}
			}
		})
	}
}

// readMappingText reads a shared mapping's text with the decoder, its
// first line's "- " made spaces.
func readMappingText(k internedMap) (map[string]any, error) {
	text := k.text
	if int(k.col) > len(text) || strings.Trim(text[:k.col], " -") != "" {
		return nil, fmt.Errorf("no mapping at column %d", k.col)
	}
	text = strings.Repeat(" ", int(k.col)) + text[k.col:]
	var m map[string]any
	switch k.mode {
	case 0:
		if err := yaml.Unmarshal([]byte(text), &m); err != nil {
			return nil, err
		}
	case 2: // a values file's, as Helm reads it
		if err := sigsyaml.Unmarshal([]byte(text), &m); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("mode %d shared", k.mode)
	}
	return m, nil
}
