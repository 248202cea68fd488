// Package snapshot reads a directory of a test into a repository snapshot
// the way plinth report reads a directory that is not a git repository.
package snapshot

import (
	"context"
	"testing"

	"github.com/plinth-dev/plinth/internal/gitops/source"
)

// Dir reads dir as plinth report reads a plain directory (source.Open).
func Dir(t testing.TB, dir string) *source.Snapshot {
	t.Helper()
	repo, err := source.Open(context.Background(), dir, source.Options{})
	if err != nil {
		t.Fatal(err)
	}
	snap, err := repo.Snapshot(nil, "")
	if err != nil {
		t.Fatal(err)
	}
	return snap
}
