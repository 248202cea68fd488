// Package repo is the .plinth/ contract of a GitOps repository plinth writes
// and reads: where its files sit, the ownership manifest, the recorded state
// of each cluster, the checks every repository path passes, and the plan of
// what replacing a tree's generated files changes. The generator writes it,
// publish commits it and the report reads it; all three take it from here.
package repo

import (
	"fmt"
	"path"
	"strings"
)

// Paths of the contract, relative to the root of the generated tree.
const (
	// ManifestPath is the ownership manifest: every file plinth wrote with
	// its hash, so a later run replaces or removes its own files only.
	ManifestPath = ".plinth/manifest.json"
	// ClusterStatesDir holds one ClusterState per cluster (ClusterStatePath).
	ClusterStatesDir = ".plinth/clusters"
	// WaiversPath holds the report's waivers.
	WaiversPath = ".plinth/waivers.yaml"
	// BaselinePath holds the report's baseline settings (trusted registries).
	BaselinePath = ".plinth/baseline.yaml"
)

// ClusterStatePath is the state file of a cluster.
func ClusterStatePath(cluster string) string {
	return ClusterStatesDir + "/" + cluster + ".json"
}

// CheckPath accepts a clean, relative slash path that stays inside the tree,
// does not touch .git and holds no control character, backslash or NUL.
func CheckPath(p string) error {
	if p == "" || p == "." || strings.HasPrefix(p, "/") || path.Clean(p) != p {
		return fmt.Errorf("path %q is not a clean relative path", p)
	}
	if strings.IndexFunc(p, func(r rune) bool { return r < 0x20 || r == 0x7f }) >= 0 {
		return fmt.Errorf("path %q contains a control character", p)
	}
	for _, el := range strings.Split(p, "/") {
		if el == ".." || strings.EqualFold(el, ".git") || strings.ContainsAny(el, "\x00\\") {
			return fmt.Errorf("path %q leaves the tree or touches .git", p)
		}
	}
	return nil
}
