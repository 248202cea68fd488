package generator

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"

	"golang.org/x/sync/errgroup"
	"helm.sh/helm/v3/pkg/chart/loader"
	"helm.sh/helm/v3/pkg/chartutil"
	"helm.sh/helm/v3/pkg/engine"
	"helm.sh/helm/v3/pkg/lint"
	"helm.sh/helm/v3/pkg/lint/support"
	"helm.sh/helm/v3/pkg/releaseutil"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/yaml"

	"github.com/plinth-dev/plinth/generator/internal/tree"
	"github.com/plinth-dev/plinth/generator/validate"
)

// rendered is an object as a build of the tree produces it, with the file
// it came from (a kustomization directory or a chart and values file).
type rendered struct {
	Source string
	Value  map[string]any
}

// checker runs the self-check of one tree.
type checker struct {
	files map[string][]byte
	paths []string // sorted
	chartLint
}

// selfCheck builds every kustomization and renders every chart of the tree
// in memory, compares the result with the objects the generator meant to
// produce, and validates everything against the cluster's Kubernetes
// version. It runs before anything is written.
func selfCheck(t *tree.Tree, opts Options) error {
	c := &checker{files: t.Files()}
	c.paths = tree.SortedKeys(c.files)
	defer c.cleanup()
	roots, charts := t.Checks()
	// Each check builds, compares and validates its own objects, so the
	// rendered objects of one build are garbage once it is done.
	errs := make([]error, len(roots)+len(charts))
	var g errgroup.Group
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i, rc := range roots {
		g.Go(func() error {
			objs, err := c.buildKustomization(rc)
			if err == nil {
				err = validateRendered(rc.KubeVersion, objs)
			}
			errs[i] = err
			return nil
		})
	}
	for i, cc := range charts {
		g.Go(func() error {
			objs, err := c.renderChart(cc)
			if err == nil {
				err = validateRendered(cc.KubeVersion, objs)
			}
			errs[len(roots)+i] = err
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
func (c *checker) buildKustomization(kc tree.RootCheck) ([]rendered, error) {
	fs := filesys.MakeFsInMemory()
	for _, prefix := range kc.Include {
		i := sort.SearchStrings(c.paths, prefix)
		for ; i < len(c.paths) && strings.HasPrefix(c.paths[i], prefix); i++ {
			if err := fs.WriteFile("/"+c.paths[i], c.files[c.paths[i]]); err != nil {
				return nil, fmt.Errorf("generate: self-check %s: %w", kc.Dir, err)
			}
		}
	}
	k := krusty.MakeKustomizer(krusty.MakeDefaultOptions())
	rm, err := k.Run(fs, "/"+kc.Dir)
	if err != nil {
		return nil, fmt.Errorf("generate: self-check: kustomize build %s: %w", kc.Dir, err)
	}
	var out []rendered
	for _, r := range rm.Resources() {
		m, err := r.Map()
		if err != nil {
			return nil, fmt.Errorf("generate: self-check: kustomize build %s: %w", kc.Dir, err)
		}
		out = append(out, rendered{Source: kc.Dir, Value: m})
	}
	if kc.Expected != nil {
		if err := compareObjects(kc.Dir, kc.Expected, out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// compareObjects checks that a build produced exactly the expected objects.
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

// validateObjects checks rendered objects against the OpenAPI and CRD
// schemas of a Kubernetes version (generator/validate, strict).
func validateObjects(kubeVersion string, objs []rendered) error {
	vo := make([]validate.Object, len(objs))
	for i, o := range objs {
		vo[i] = validate.Object{Source: o.Source, Value: o.Value}
	}
	return validate.Validate(kubeVersion, vo)
}

// renderChart renders the chart with one values file as `helm template`
// would, lints it with the same values, and compares the objects with the
// ones the generator meant to produce.
func (c *checker) renderChart(cc tree.ChartCheck) ([]rendered, error) {
	where := cc.Chart + " with " + cc.Values
	c.chartFilesOnce.Do(func() {
		prefix := cc.Chart + "/"
		for _, p := range c.paths {
			if strings.HasPrefix(p, prefix) {
				c.chartFiles = append(c.chartFiles, &loader.BufferedFile{Name: strings.TrimPrefix(p, prefix), Data: c.files[p]})
			}
		}
	})
	ch, err := loader.LoadFiles(c.chartFiles)
	if err != nil {
		return nil, fmt.Errorf("generate: self-check: load chart %s: %w", cc.Chart, err)
	}
	vals, err := chartutil.ReadValues(c.files[cc.Values])
	if err != nil {
		return nil, fmt.Errorf("generate: self-check: %s: %w", cc.Values, err)
	}
	kv, err := chartutil.ParseKubeVersion("v" + cc.KubeVersion + ".0")
	if err != nil {
		return nil, fmt.Errorf("generate: self-check: kubernetes version %q: %w", cc.KubeVersion, err)
	}
	caps := chartutil.DefaultCapabilities.Copy()
	caps.KubeVersion = *kv
	rv, err := chartutil.ToRenderValues(ch, vals, chartutil.ReleaseOptions{Name: cc.Release, Namespace: cc.Namespace, Revision: 1, IsInstall: true}, caps)
	if err != nil {
		return nil, fmt.Errorf("generate: self-check: helm template %s: %w", where, err)
	}
	out, err := engine.Render(ch, rv)
	if err != nil {
		return nil, fmt.Errorf("generate: self-check: helm template %s: %w", where, err)
	}
	var objs []rendered
	for _, name := range tree.SortedKeys(out) {
		if strings.HasPrefix(filepath.Base(name), "_") || strings.HasSuffix(name, "NOTES.txt") {
			continue
		}
		docs := releaseutil.SplitManifests(out[name])
		for _, k := range tree.SortedKeys(docs) {
			var m map[string]any
			if err := yaml.Unmarshal([]byte(docs[k]), &m); err != nil {
				return nil, fmt.Errorf("generate: self-check: helm template %s: %s: %w", where, name, err)
			}
			if len(m) == 0 {
				continue
			}
			objs = append(objs, rendered{Source: where, Value: m})
		}
	}
	if err := compareObjects(where, cc.Expected, objs); err != nil {
		return nil, err
	}
	if err := c.lintChart(cc, vals, kv); err != nil {
		return nil, err
	}
	return objs, nil
}

// lintChart runs Helm's lint rules on the chart with one values file. The
// linter reads a chart directory, so the chart is written once to a
// temporary directory.
func (c *checker) lintChart(cc tree.ChartCheck, vals chartutil.Values, kv *chartutil.KubeVersion) error {
	c.chartOnce.Do(func() {
		c.chartTmp, c.chartErr = os.MkdirTemp("", "plinth-chart-*")
		if c.chartErr != nil {
			return
		}
		prefix := cc.Chart + "/"
		for p, data := range c.files {
			if strings.HasPrefix(p, prefix) {
				if err := writeFile(filepath.Join(c.chartTmp, "service", filepath.FromSlash(strings.TrimPrefix(p, prefix))), data); err != nil {
					c.chartErr = err
					return
				}
			}
		}
	})
	if c.chartErr != nil {
		return fmt.Errorf("generate: self-check: helm lint: %w", c.chartErr)
	}
	l := lint.AllWithKubeVersion(filepath.Join(c.chartTmp, "service"), vals, cc.Namespace, kv)
	var msgs []string
	for _, m := range l.Messages {
		if m.Severity >= support.WarningSev {
			msgs = append(msgs, m.Error())
		}
	}
	if len(msgs) > 0 {
		return fmt.Errorf("generate: self-check: helm lint %s with %s:\n  %s", cc.Chart, cc.Values, strings.Join(msgs, "\n  "))
	}
	return nil
}

// cleanup removes what the self-check left on disk.
func (c *checker) cleanup() {
	if c.chartTmp != "" {
		_ = os.RemoveAll(c.chartTmp)
	}
}

// chartLint holds the lint directory shared by the checks of one run.
type chartLint struct {
	chartOnce sync.Once
	chartTmp  string
	chartErr  error
	// chartFiles is the chart as loader input, collected once.
	chartFilesOnce sync.Once
	chartFiles     []*loader.BufferedFile
}
