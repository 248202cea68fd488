package generator

import (
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"sort"
	"strings"

	"golang.org/x/sync/errgroup"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"

	"github.com/plinth-dev/plinth/generator/validate"
)

// rendered is an object as a build of the tree produces it, with the file
// it came from (a kustomization directory or a chart and values file).
type rendered struct {
	Source string
	Value  map[string]any
}

// selfCheck builds every kustomization and renders every chart of the tree
// in memory, compares the result with the objects the generator meant to
// produce, and validates everything against the cluster's Kubernetes
// version. It runs before anything is written.
func (t *tree) selfCheck() error {
	paths := sortedKeys(t.files)
	// Layouts register checks from parallel goroutines: report in path order.
	sort.Slice(t.kustomizations, func(i, j int) bool { return t.kustomizations[i].dir < t.kustomizations[j].dir })
	// Each check builds, compares and validates its own objects, so the
	// rendered objects of one build are garbage once it is done.
	errs := make([]error, len(t.kustomizations)+len(t.charts))
	var g errgroup.Group
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i, kc := range t.kustomizations {
		g.Go(func() error {
			objs, err := t.buildKustomization(paths, kc)
			if err == nil {
				err = validateRendered(kc.kubeVersion, objs)
			}
			errs[i] = err
			return nil
		})
	}
	for i, cc := range t.charts {
		g.Go(func() error {
			objs, err := t.renderChart(cc)
			if err == nil {
				err = validateRendered(cc.kubeVersion, objs)
			}
			errs[len(t.kustomizations)+i] = err
			return nil
		})
	}
	_ = g.Wait()
	return joinErrors(errs, 20)
}

// joinErrors joins the distinct errors, at most max of them.
func joinErrors(errs []error, max int) error {
	var out []error
	seen := map[string]bool{}
	more := 0
	for _, err := range errs {
		if err == nil || seen[err.Error()] {
			continue
		}
		seen[err.Error()] = true
		if len(out) == max {
			more++
			continue
		}
		out = append(out, err)
	}
	if more > 0 {
		out = append(out, fmt.Errorf("... and %d more problems", more))
	}
	return errors.Join(out...)
}

func validateRendered(kubeVersion string, objs []rendered) error {
	if err := validateObjects(kubeVersion, objs); err != nil {
		return fmt.Errorf("generate: output does not validate for Kubernetes %s: %w", kubeVersion, err)
	}
	return nil
}

// buildKustomization runs krusty on one kustomization directory of the tree.
func (t *tree) buildKustomization(paths []string, kc kustomizeCheck) ([]rendered, error) {
	fs := filesys.MakeFsInMemory()
	for _, prefix := range kc.include {
		i := sort.SearchStrings(paths, prefix)
		for ; i < len(paths) && strings.HasPrefix(paths[i], prefix); i++ {
			if err := fs.WriteFile("/"+paths[i], t.files[paths[i]]); err != nil {
				return nil, fmt.Errorf("generate: self-check %s: %w", kc.dir, err)
			}
		}
	}
	k := krusty.MakeKustomizer(krusty.MakeDefaultOptions())
	rm, err := k.Run(fs, "/"+kc.dir)
	if err != nil {
		return nil, fmt.Errorf("generate: self-check: kustomize build %s: %w", kc.dir, err)
	}
	var out []rendered
	for _, r := range rm.Resources() {
		m, err := r.Map()
		if err != nil {
			return nil, fmt.Errorf("generate: self-check: kustomize build %s: %w", kc.dir, err)
		}
		out = append(out, rendered{Source: kc.dir, Value: m})
	}
	if kc.expected != nil {
		if err := compareObjects(kc.dir, kc.expected, out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// objectDigests identify the objects a build must produce: object id ->
// SHA-256 of its JSON (compact, so the checks hold no object trees).
type objectDigests map[string][32]byte

func digests(objs []object) objectDigests {
	d := make(objectDigests, len(objs))
	for _, o := range objs {
		d[o.id()] = digest(o.Value)
	}
	return d
}

func digest(v map[string]any) [32]byte {
	b, err := json.Marshal(v)
	if err != nil {
		// Values decoded from JSON or YAML always encode.
		return [32]byte{}
	}
	return sha256.Sum256(b)
}

// compareObjects checks that a build produced exactly the expected objects.
func compareObjects(where string, expected objectDigests, got []rendered) error {
	seen := make(map[string]bool, len(got))
	for _, r := range got {
		o, err := objectFromMap(r.Value)
		if err != nil {
			return fmt.Errorf("generate: self-check %s: %w", where, err)
		}
		w, ok := expected[o.id()]
		if !ok {
			return fmt.Errorf("generate: self-check %s: unexpected %s %s/%s in the build", where, o.Kind, o.Namespace, o.Name)
		}
		if digest(r.Value) != w {
			b, _ := json.Marshal(r.Value)
			return fmt.Errorf("generate: self-check %s: %s %s/%s differs from the intended object; the build gives:\n%s", where, o.Kind, o.Namespace, o.Name, b)
		}
		seen[o.id()] = true
	}
	for _, id := range sortedKeys(expected) {
		if !seen[id] {
			return fmt.Errorf("generate: self-check %s: %s missing from the build", where, id)
		}
	}
	return nil
}

// validateObjects checks rendered objects against the OpenAPI and CRD
// schemas of a Kubernetes version (generator/validate, strict).
func validateObjects(kubeVersion string, objs []rendered) error {
	vo := make([]validate.Object, len(objs))
	for i, o := range objs {
		vo[i] = validate.Object{Source: o.Source, Value: o.Value}
	}
	return validate.Validate(kubeVersion, vo)
}
