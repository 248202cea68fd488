//go:build !unix

package source

import "os"

// looseDir is a directory objects/xx/ of loose objects, opened inside the
// objects directory.
type looseDir struct{ *os.Root }

func openLooseDir(root *os.Root, name string) (*looseDir, error) {
	r, err := root.OpenRoot(name)
	if err != nil {
		return nil, err
	}
	return &looseDir{r}, nil
}

func (d *looseDir) open(name string) (*os.File, error) { return d.Open(name) }
