// Package crds gives tests the CustomResourceDefinitions plinth validates
// against, as published (one YAML document each), for installing them on
// a test API server. They are read from the source tree
// (generator/validate/schemas/crds.yaml.gz, written by make schemas), not
// embedded in the binary: only tests use them (4.7 MB, 443 KB compressed).
package crds

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	kyaml "k8s.io/apimachinery/pkg/util/yaml"
)

// file is the CRDs' file, relative to the module's root.
const file = "generator/validate/schemas/crds.yaml.gz"

// Published returns the CRDs, found from the working directory (a test's
// package directory) up to the module's root.
func Published() ([][]byte, error) {
	dir, err := os.Getwd()
	if err != nil {
		return nil, fmt.Errorf("CRDs: %w", err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return read(filepath.Join(dir, file))
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return nil, errors.New("CRDs: no go.mod above the working directory")
		}
		dir = parent
	}
}

func read(name string) ([][]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, fmt.Errorf("CRDs: %w", err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("CRDs %s: %w", name, err)
	}
	r := kyaml.NewYAMLReader(bufio.NewReader(zr))
	var docs [][]byte
	for {
		d, err := r.Read()
		if err == io.EOF {
			return docs, nil
		}
		if err != nil {
			return nil, fmt.Errorf("CRDs %s: %w", name, err)
		}
		if len(bytes.TrimSpace(d)) > 0 {
			docs = append(docs, d)
		}
	}
}
