package checks

import "github.com/plinth-dev/plinth/internal/gitops/render"

// IsWorkload reports whether the workload checks evaluate o (it has a pod
// template): what the report's coverage counts as a workload checked.
func IsWorkload(o *render.Object) bool { return podSpec(o) != nil }
