package generator

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
)

// Manifest is the ownership manifest (.plinth/manifest.json): every file
// plinth wrote into the tree, with its SHA-256. The manifest does not list
// itself.
type Manifest struct {
	Generator string         `json:"generator"`
	Files     []ManifestFile `json:"files"`
}

// ManifestFile is one owned file.
type ManifestFile struct {
	Path   string `json:"path"`
	SHA256 string `json:"sha256"`
}

// Owns reports whether the manifest lists p.
func (m *Manifest) Owns(p string) bool {
	i := sort.Search(len(m.Files), func(i int) bool { return m.Files[i].Path >= p })
	return i < len(m.Files) && m.Files[i].Path == p
}

func newManifest(files map[string][]byte) ([]byte, error) {
	m := Manifest{Generator: "plinth", Files: make([]ManifestFile, 0, len(files))}
	for _, p := range sortedKeys(files) {
		if p == ManifestPath {
			continue
		}
		sum := sha256.Sum256(files[p])
		m.Files = append(m.Files, ManifestFile{Path: p, SHA256: hex.EncodeToString(sum[:])})
	}
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("generate: manifest: %w", err)
	}
	return append(data, '\n'), nil
}

// ParseManifest decodes a manifest and checks its paths stay inside the tree.
func ParseManifest(data []byte) (*Manifest, error) {
	var m Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("%s: %w", ManifestPath, err)
	}
	for _, f := range m.Files {
		if err := checkRelPath(f.Path); err != nil {
			return nil, fmt.Errorf("%s: %w", ManifestPath, err)
		}
	}
	sort.Slice(m.Files, func(i, j int) bool { return m.Files[i].Path < m.Files[j].Path })
	return &m, nil
}

// ReadManifest reads the ownership manifest of the tree at dir; a tree
// without one yields an empty manifest.
func ReadManifest(dir string) (*Manifest, error) {
	data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(ManifestPath)))
	if errors.Is(err, fs.ErrNotExist) {
		return &Manifest{Generator: "plinth"}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read manifest: %w", err)
	}
	m, err := ParseManifest(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", dir, err)
	}
	return m, nil
}

// checkRelPath rejects paths that are absolute, unclean or leave the tree.
func checkRelPath(p string) error {
	if p == "" || strings.HasPrefix(p, "/") || strings.Contains(p, "\\") || path.Clean(p) != p ||
		p == ".." || strings.HasPrefix(p, "../") || p == "." {
		return fmt.Errorf("invalid path %q in the tree", p)
	}
	return nil
}
