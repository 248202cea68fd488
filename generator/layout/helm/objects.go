package helm

import (
	"embed"

	"github.com/plinth-dev/plinth/generator/internal/tree"
)

// objectsDir is where the objects chart is written.
const objectsDir = "charts/objects"

// objectsFS is the objects chart: it renders the objects of its values as
// they are. A service with extra objects or patches (the escape hatch) is
// deployed with it rather than with the service chart: its objects were
// patched by the generator, once, so Flux, Argo CD (which has no Helm
// post-renderer) and the render emulation deploy exactly what the
// kustomize layout does.
//
//go:embed all:objects
var objectsFS embed.FS

// objectsValues are the values of the objects chart for a workload: its
// patched objects and its extra objects.
type objectsValues struct {
	Objects []map[string]any `json:"objects"`
}

// escaped says whether a workload uses the escape hatch in its environment.
func escaped(wo tree.Workload) bool {
	return len(wo.Extra) > 0 || wo.Patched
}

func newObjectsValues(wo tree.Workload) *objectsValues {
	v := &objectsValues{}
	for _, o := range append(append([]tree.Object(nil), wo.Objects...), wo.Extra...) {
		v.Objects = append(v.Objects, o.Value)
	}
	return v
}

// writeObjectsChart writes the objects chart when a workload of envs uses it.
func writeObjectsChart(t *tree.Tree, envs []*tree.Env) error {
	for _, e := range envs {
		for _, wo := range e.Workloads {
			if escaped(wo) {
				return writeEmbedded(t, objectsFS, "objects", objectsDir)
			}
		}
	}
	return nil
}
