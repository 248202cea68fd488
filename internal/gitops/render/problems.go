package render

import "slices"

// dedupeProblems keeps one problem per file and cause: an identical
// problem reached twice (a cycle from each of its kustomizations, a file
// from two entries) once, and a file's own error (too large, a link out of
// the repository), found before any cluster reaches it, only where no
// cluster reports the same message. ps is sorted (sortResult).
func dedupeProblems(ps []Problem) []Problem {
	ps = slices.Compact(ps)
	inCluster := map[[2]string]bool{}
	for _, p := range ps {
		if p.Cluster != "" {
			inCluster[[2]string{p.File, p.Message}] = true
		}
	}
	return slices.DeleteFunc(ps, func(p Problem) bool {
		return p.Cluster == "" && inCluster[[2]string{p.File, p.Message}]
	})
}
