package schemas

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

//go:embed example/*.cue examples/*/*.cue
var exampleFS embed.FS

// DefaultExample is the example plinth init writes without --example.
const DefaultExample = "drone-delivery"

// exampleDirs maps example names to their embedded directories.
var exampleDirs = map[string]string{
	DefaultExample: "example",             // the AKS microservices reference architecture
	"multicloud":   "examples/multicloud", // development on GKE, production on AKS
}

// ExampleNames lists the embedded example platforms, sorted.
func ExampleNames() []string { return sortedKeys(exampleDirs) }

// Example returns the embedded default example platform (the drone
// delivery reference architecture): file names mapped to contents.
func Example() map[string][]byte {
	files, _ := NamedExample(DefaultExample)
	return files
}

// NamedExample returns an embedded example platform by name; ok is false
// for an unknown name.
func NamedExample(name string) (files map[string][]byte, ok bool) {
	dir, ok := exampleDirs[name]
	if !ok {
		return nil, false
	}
	files = map[string][]byte{}
	entries, _ := fs.ReadDir(exampleFS, dir)
	for _, e := range entries {
		b, err := exampleFS.ReadFile(dir + "/" + e.Name())
		if err == nil {
			files[e.Name()] = b
		}
	}
	return files, true
}

// WriteExample writes the default example platform into dir, creating it.
// It refuses a directory that exists and is not empty, and writes nothing
// then.
func WriteExample(dir string) error { return WriteNamedExample(dir, DefaultExample) }

// WriteNamedExample writes the example platform called name into dir, as
// WriteExample does.
func WriteNamedExample(dir, name string) error {
	files, ok := NamedExample(name)
	if !ok {
		return fmt.Errorf("unknown example %q (the examples are %s)", name, strings.Join(ExampleNames(), ", "))
	}
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
	for _, name := range sortedKeys(files) {
		if err := os.WriteFile(filepath.Join(dir, name), files[name], 0o644); err != nil {
			return fmt.Errorf("init %s: %w", dir, err)
		}
	}
	return nil
}
