package kustomize

import "github.com/plinth-dev/plinth/generator/internal/tree"

// extraResources writes a workload's extra objects (the escape hatch) into
// its team overlay as one resource file, <service>-extra.yaml, and returns
// its name ("" when the workload has none). The overlay's namespace puts
// them in the team namespace; patches are already applied to the objects.
func extraResources(t *tree.Tree, dir, svc string, srcs []string, wo tree.Workload) (string, error) {
	if len(wo.Extra) == 0 {
		return "", nil
	}
	plain := make([]tree.Object, len(wo.Extra))
	for i, o := range wo.Extra {
		plain[i] = o.WithoutNamespace()
	}
	f := svc + "-extra.yaml"
	return f, t.AddDocs(dir+"/"+f, srcs, plain...)
}
