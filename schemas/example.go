package schemas

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

//go:embed example/*.cue
var exampleFS embed.FS

// Example returns the embedded example platform (the drone delivery
// reference architecture): file names mapped to contents.
func Example() map[string][]byte {
	out := map[string][]byte{}
	entries, _ := fs.ReadDir(exampleFS, "example")
	for _, e := range entries {
		b, err := exampleFS.ReadFile("example/" + e.Name())
		if err == nil {
			out[e.Name()] = b
		}
	}
	return out
}

// WriteExample writes the example platform into dir, creating it. It refuses
// a directory that exists and is not empty, and writes nothing then.
func WriteExample(dir string) error {
	entries, err := os.ReadDir(dir)
	switch {
	case err == nil && len(entries) > 0:
		return fmt.Errorf("%s is not empty: plinth init writes into a new or empty directory", dir)
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("init %s: %w", dir, err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("init %s: %w", dir, err)
	}
	files := Example()
	for _, name := range sortedKeys(files) {
		if err := os.WriteFile(filepath.Join(dir, name), files[name], 0o644); err != nil {
			return fmt.Errorf("init %s: %w", dir, err)
		}
	}
	return nil
}
