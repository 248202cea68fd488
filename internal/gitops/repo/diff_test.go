package repo

import (
	"bytes"
	"path/filepath"
	"testing"

	"github.com/plinth-dev/plinth/internal/testutil/golden"
)

func TestWriteDiff(t *testing.T) {
	changes := []Change{
		{Path: "apps/dev/a.yaml", Action: Changed,
			Old: []byte("kind: Deployment\nname: a\nreplicas: 1\nimage: r/a:1\nport: 80\nzone: 1\nend: true\n"),
			New: []byte("kind: Deployment\nname: a\nreplicas: 2\nimage: r/a:1\nport: 80\nzone: 1\nend: true\n")},
		{Path: "apps/dev/b.yaml", Action: Added, New: []byte("kind: Service\nname: b\n")},
		{Path: "apps/dev/c.yaml", Action: Removed, Old: []byte("kind: Service\nname: c")},
		{Path: "bin/blob", Action: Changed, Old: []byte("a\x00b"), New: []byte("a\x00c")},
	}
	for _, tc := range []struct {
		golden string
		color  bool
	}{{"diff.golden", false}, {"diff-color.golden", true}} {
		t.Run(tc.golden, func(t *testing.T) {
			var b bytes.Buffer
			if err := WriteDiff(&b, changes, tc.color); err != nil {
				t.Fatal(err)
			}
			golden.Check(t, filepath.Join("testdata", tc.golden), b.Bytes())
		})
	}
}
