//go:build !unix

package source

import (
	"os"

	"github.com/go-git/go-git/v5/plumbing"
)

// looseDir is a directory objects/xx/ of loose objects, opened inside the
// objects directory.
type looseDir struct{ *os.Root }

func openLooseDir(d *objectDir, name string) (*looseDir, error) {
	r, err := d.root.OpenRoot(name)
	if err != nil {
		return nil, err
	}
	return &looseDir{r}, nil
}

// open opens the file of the object h in the directory.
func (d *looseDir) open(h plumbing.Hash) (*os.File, error) { return d.Open(h.String()[2:]) }
