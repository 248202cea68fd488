package render

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/plinth-dev/plinth/internal/gitops/source"
)

// Builder renders single kustomizations and charts of one snapshot, each on
// its own, for a caller that knows what each must produce (generate's
// self-check renders its output with it). It is safe for concurrent use;
// nothing is cached across Builders.
type Builder struct{ d *renderer }

// NewBuilder renders from snap.
func NewBuilder(snap *source.Snapshot) *Builder {
	return &Builder{d: newRenderer(snap, Options{})}
}

// Kustomization builds the kustomization in dir the way Render does (the
// native build, kustomize when it declines), the parts of an aggregate
// kustomization included. Any problem, even one Render would only note as
// not evaluated, is an error.
func (b *Builder) Kustomization(dir string) ([]Object, error) {
	return b.run(entry{kind: "kustomization", path: dir, from: dir})
}

// Chart renders the chart in dir with values as helm template would, for
// a release in namespace.
func (b *Builder) Chart(dir string, values map[string]any, release, namespace string) ([]Object, error) {
	return b.run(entry{kind: "chart", path: dir, from: dir, values: values, release: release, namespace: namespace})
}

func (b *Builder) run(e entry) ([]Object, error) {
	var objs []Object
	var errs []error
	for queue := []entry{e}; len(queue) > 0; queue = queue[1:] {
		r := b.d.render(queue[0])
		objs = append(objs, r.objects...)
		for _, p := range r.problems {
			if p.Line > 0 {
				errs = append(errs, fmt.Errorf("%s:%d: %s", p.File, p.Line, p.Message))
			} else {
				errs = append(errs, fmt.Errorf("%s: %s", p.File, p.Message))
			}
		}
		queue = append(queue, r.more...)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return objs, nil
}

// Forget drops the parsed documents the Builder keeps of the files at
// paths, for a caller that knows no later build reads them (generate's
// self-check, once every kustomization that includes a base is built):
// the memory they hold is freed; a build that reads them again parses
// them again, with the same result.
func (b *Builder) Forget(paths []string) {
	b.d.mu.Lock()
	defer b.d.mu.Unlock()
	for _, p := range paths {
		delete(b.d.docCache, p)
	}
}

// ReadValues reads a values file as Helm does (chartutil.ReadValues:
// sigs.k8s.io/yaml, YAML 1.1, numbers float64), most files without the
// library's YAML-to-JSON round trip (helmdocs.go). The values do not
// depend on data afterwards (their strings are parts of a copy of it).
func ReadValues(data []byte) (map[string]any, error) {
	return helmValuesYAML(bytes.Clone(data))
}
