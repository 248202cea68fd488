package repo

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// Manifest is the ownership manifest (ManifestPath): every file plinth wrote
// into the tree, with its SHA-256. The manifest does not list itself.
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
	_, ok := m.file(p)
	return ok
}

// Edited reports whether data, the content of the owned file p, is not what
// plinth wrote there: its SHA-256 is not the one the manifest records (an
// entry without a hash counts as edited). False for files not listed.
func (m *Manifest) Edited(p string, data []byte) bool {
	f, ok := m.file(p)
	if !ok {
		return false
	}
	sum := sha256.Sum256(data)
	return !strings.EqualFold(f.SHA256, hex.EncodeToString(sum[:]))
}

func (m *Manifest) file(p string) (ManifestFile, bool) {
	i := sort.Search(len(m.Files), func(i int) bool { return m.Files[i].Path >= p })
	if i < len(m.Files) && m.Files[i].Path == p {
		return m.Files[i], true
	}
	return ManifestFile{}, false
}

// NewManifest encodes the manifest of files (the manifest itself excluded),
// in path order.
func NewManifest(files map[string][]byte) ([]byte, error) {
	m := Manifest{Generator: "plinth", Files: make([]ManifestFile, 0, len(files))}
	for p, data := range files {
		if p == ManifestPath {
			continue
		}
		sum := sha256.Sum256(data)
		m.Files = append(m.Files, ManifestFile{Path: p, SHA256: hex.EncodeToString(sum[:])})
	}
	sort.Slice(m.Files, func(i, j int) bool { return m.Files[i].Path < m.Files[j].Path })
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("manifest: %w", err)
	}
	return append(data, '\n'), nil
}

// ParseManifest decodes a manifest and checks every path with CheckPath, so
// a damaged manifest can never name a file outside the tree.
func ParseManifest(data []byte) (*Manifest, error) {
	var m Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, &ManifestError{Err: err}
	}
	for _, f := range m.Files {
		if err := CheckPath(f.Path); err != nil {
			return nil, &ManifestError{Err: err}
		}
	}
	sort.Slice(m.Files, func(i, j int) bool { return m.Files[i].Path < m.Files[j].Path })
	return &m, nil
}

// ManifestError is a manifest that cannot be read or names an unsafe path.
type ManifestError struct{ Err error }

func (e *ManifestError) Error() string { return ManifestPath + ": " + e.Err.Error() }
func (e *ManifestError) Unwrap() error { return e.Err }
