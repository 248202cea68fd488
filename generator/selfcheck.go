package generator

import (
	"encoding/json"
	"errors"
	"fmt"
	"runtime"

	"golang.org/x/sync/errgroup"

	"github.com/plinth-dev/plinth/generator/internal/tree"
	"github.com/plinth-dev/plinth/generator/internal/verify"
	"github.com/plinth-dev/plinth/generator/validate"
	"github.com/plinth-dev/plinth/internal/gitops/render"
	"github.com/plinth-dev/plinth/internal/gitops/source"
)

// testFullCheck makes every self-check full (the package's tests).
var testFullCheck bool

// rendered is an object as a build of the tree produces it, with the file
// it came from (a kustomization directory or a chart and values file).
type rendered struct {
	Source string
	Value  map[string]any
}

// selfCheck renders every kustomization root and every chart values file
// of the tree in memory the way Flux and Argo CD would
// (internal/gitops/render), compares the result with the objects the
// generator meant to produce, and validates everything against the
// cluster's Kubernetes version. With opts.FullCheck, kustomize (krusty) and
// the Helm SDK (template and lint) build everything again and must give the
// same objects. It runs before anything is written.
func selfCheck(t *tree.Tree, opts Options) error {
	files := t.Files()
	b := render.NewBuilder(source.FromFiles("generated", files))
	var v *verify.Verifier
	if opts.FullCheck || testFullCheck {
		v = verify.New(files)
		defer v.Close()
	}
	roots, charts := t.Checks()
	// Each check builds, compares and validates its own objects, so the
	// rendered objects of one build are garbage once it is done.
	errs := make([]error, len(roots)+len(charts))
	var g errgroup.Group
	g.SetLimit(runtime.GOMAXPROCS(0))
	rel := newDocRelease(b.Forget, files, roots)
	for _, i := range buildOrder(roots) {
		g.Go(func() error {
			errs[i] = checkRoot(b, v, roots[i])
			rel.built(roots[i])
			return nil
		})
	}
	for i, cc := range charts {
		g.Go(func() error {
			errs[len(roots)+i] = checkChart(b, v, files, cc)
			return nil
		})
	}
	_ = g.Wait()
	return joinErrors(errs, 20)
}

// checkRoot builds one kustomization root (v nil: with the emulation only).
func checkRoot(b *render.Builder, v *verify.Verifier, rc tree.RootCheck) error {
	objs, err := b.Kustomization(rc.Dir)
	if err != nil {
		return fmt.Errorf("generate: self-check: kustomize build %s: %w", rc.Dir, err)
	}
	got := fromRender(rc.Dir, objs)
	if rc.Expected != nil {
		if err := compareObjects(rc.Dir, rc.Expected, got); err != nil {
			return err
		}
	}
	if v != nil {
		built, err := v.Kustomize(rc.Dir, rc.Include)
		if err != nil {
			return fmt.Errorf("generate: self-check: %w", err)
		}
		// The same objects as the emulation: the intended ones, or (for
		// a root without expectations) the emulation's.
		want := rc.Expected
		if want == nil {
			want = digestsOf(got)
		}
		if err := compareObjects(rc.Dir+" (kustomize)", want, asRendered(rc.Dir, built)); err != nil {
			return err
		}
	}
	return validateRendered(rc.KubeVersion, got, v != nil)
}

// checkChart renders the chart with one values file.
func checkChart(b *render.Builder, v *verify.Verifier, files map[string][]byte, cc tree.ChartCheck) error {
	where := cc.Chart + " with " + cc.Values
	vals, err := render.ReadValues(files[cc.Values])
	if err != nil {
		return fmt.Errorf("generate: self-check: %s: %w", cc.Values, err)
	}
	objs, err := b.Chart(cc.Chart, vals, cc.Release, cc.Namespace)
	if err != nil {
		return fmt.Errorf("generate: self-check: helm template %s: %w", where, err)
	}
	got := fromRender(where, objs)
	if err := compareObjects(where, cc.Expected, got); err != nil {
		return err
	}
	if v != nil {
		built, err := v.Chart(cc.Chart, cc.Values, cc.Release, cc.Namespace, cc.KubeVersion)
		if err != nil {
			return fmt.Errorf("generate: self-check: %w", err)
		}
		if err := compareObjects(where+" (Helm SDK)", cc.Expected, asRendered(where, built)); err != nil {
			return err
		}
	}
	return validateRendered(cc.KubeVersion, got, v != nil)
}

func fromRender(where string, objs []render.Object) []rendered {
	out := make([]rendered, len(objs))
	for i, o := range objs {
		out[i] = rendered{Source: where, Value: o.Value}
	}
	return out
}

func asRendered(where string, objs []map[string]any) []rendered {
	out := make([]rendered, len(objs))
	for i, o := range objs {
		out[i] = rendered{Source: where, Value: o}
	}
	return out
}

// digestsOf are the digests of rendered objects (those with an id).
func digestsOf(objs []rendered) tree.Digests {
	d := tree.Digests{}
	for _, r := range objs {
		if o, err := tree.FromMap(r.Value); err == nil {
			d[o.ID()] = tree.Digest(r.Value)
		}
	}
	return d
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

// validateRendered validates objects against the schemas; full: the
// schema library validates every object, also those the quick check finds
// valid, and the two must agree (the full check).
func validateRendered(kubeVersion string, objs []rendered, full bool) error {
	vo := make([]validate.Object, len(objs))
	for i, o := range objs {
		vo[i] = validate.Object{Source: o.Source, Value: o.Value}
	}
	run := validate.Validate
	if full {
		run = validate.ValidateExhaustive
	}
	if err := run(kubeVersion, vo); err != nil {
		return fmt.Errorf("generate: output does not validate for Kubernetes %s: %w", kubeVersion, err)
	}
	return nil
}

// compareObjects checks that a build produced exactly the expected objects,
// each once.
func compareObjects(where string, expected tree.Digests, got []rendered) error {
	seen := make(map[string]bool, len(got))
	for _, r := range got {
		o, err := tree.FromMap(r.Value)
		if err != nil {
			return fmt.Errorf("generate: self-check %s: %w", where, err)
		}
		w, ok := expected[o.ID()]
		if !ok {
			return fmt.Errorf("generate: self-check %s: unexpected %s %s/%s in the build", where, o.Kind, o.Namespace, o.Name)
		}
		if seen[o.ID()] {
			return fmt.Errorf("generate: self-check %s: %s %s/%s twice in the build", where, o.Kind, o.Namespace, o.Name)
		}
		if tree.Digest(r.Value) != w {
			b, _ := json.Marshal(r.Value)
			return fmt.Errorf("generate: self-check %s: %s %s/%s differs from the intended object; the build gives:\n%s", where, o.Kind, o.Namespace, o.Name, b)
		}
		seen[o.ID()] = true
	}
	for _, id := range tree.SortedKeys(expected) {
		if !seen[id] {
			return fmt.Errorf("generate: self-check %s: %s missing from the build", where, id)
		}
	}
	return nil
}
