package render

import (
	"testing"

	"github.com/plinth-dev/plinth/internal/gitops/source"
)

// Exported for the external tests (package render_test), which may import
// the generator although the generator imports this package.

// NativeComparer returns a check that builds the kustomization in a
// directory of snap both natively and with kustomize, failing t on any
// difference; it says whether the native build accepted the kustomization.
func NativeComparer(snap *source.Snapshot) func(t *testing.T, dir string) bool {
	d := newRenderer(snap, Options{})
	return func(t *testing.T, dir string) bool {
		t.Helper()
		return compareWithKustomize(t, d, dir)
	}
}

// KustomizationDirs lists the directories of snap holding a kustomization.
func KustomizationDirs(snap *source.Snapshot) []string { return kustomizationDirs(snap) }
