package synth

import (
	"path/filepath"
	"testing"

	"github.com/plinth-dev/plinth/schemas"
)

// Load writes a synthetic platform of services services into a temporary
// directory of tb and loads it.
func Load(tb testing.TB, services int) *schemas.Model {
	tb.Helper()
	dir := filepath.Join(tb.TempDir(), "platform")
	if err := Write(dir, services); err != nil {
		tb.Fatal(err)
	}
	m, err := schemas.Load(dir)
	if err != nil {
		tb.Fatal(err)
	}
	return m
}
