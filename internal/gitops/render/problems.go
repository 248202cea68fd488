package render

import (
	"slices"
	"strings"
)

// dedupeProblems keeps one problem per file and cause: an identical
// problem reached twice (a cycle from each of its kustomizations, a file
// from two entries) once, and a file's own error (too large, a link out of
// the repository), found before any cluster reaches it, only where no
// cluster reports the same message. ps is sorted (sortResult).
func dedupeProblems(ps []Problem) []Problem {
	ps = slices.Compact(ps)
	inCluster := map[[2]string]bool{}
	deployed := map[[3]string]bool{}
	// a deployer's problem may start with its "Kind/name: "
	msg := func(p Problem) string { return strings.TrimPrefix(p.Message, deployerPrefix(p.Of)) }
	for _, p := range ps {
		if p.Cluster != "" {
			inCluster[[2]string{p.File, p.Message}] = true
		}
		if p.Of != "" {
			deployed[[3]string{p.Cluster, p.File, msg(p)}] = true
		}
	}
	// A source rendered directly (the fallback pass) and by the GitOps
	// object that deploys it reports the same problem: keep the deployer's.
	return slices.DeleteFunc(ps, func(p Problem) bool {
		return p.Cluster == "" && inCluster[[2]string{p.File, p.Message}] ||
			p.Of == "" && deployed[[3]string{p.Cluster, p.File, p.Message}]
	})
}
