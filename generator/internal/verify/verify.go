// Package verify builds a generated tree with the tools Flux and Argo CD
// run, independently of plinth's own emulation (internal/gitops/render):
// every kustomization with the kustomize API (krusty), every values file
// with the Helm SDK, and Helm's lint rules. generate --verify=full and the
// tests use it to check that the emulation and the tools agree.
package verify

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

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
)

// Verifier builds the files of one tree. It is safe for concurrent use;
// Close removes what it wrote to disk.
type Verifier struct {
	files map[string][]byte
	paths []string // sorted

	// chartFiles are the files of each chart as loader input, collected once.
	mu         sync.Mutex
	chartFiles map[string][]*loader.BufferedFile
	// The linter reads a chart directory: the charts are written once to
	// a temporary directory.
	lintOnce sync.Once
	lintDir  string
	lintErr  error
}

// New verifies files (slash-separated paths of the tree).
func New(files map[string][]byte) *Verifier {
	v := &Verifier{files: files, chartFiles: map[string][]*loader.BufferedFile{}}
	for p := range files {
		v.paths = append(v.paths, p)
	}
	sort.Strings(v.paths)
	return v
}

// under lists the paths below the directory prefix ("dir/").
func (v *Verifier) under(prefix string) []string { return tree.Under(v.paths, prefix) }

// Kustomize runs krusty on the kustomization in dir, giving it the files
// under the include prefixes only.
func (v *Verifier) Kustomize(dir string, include []string) ([]map[string]any, error) {
	fs := filesys.MakeFsInMemory()
	for _, prefix := range include {
		for _, p := range v.under(prefix) {
			if err := fs.WriteFile("/"+p, v.files[p]); err != nil {
				return nil, fmt.Errorf("kustomize build %s: %w", dir, err)
			}
		}
	}
	k := krusty.MakeKustomizer(krusty.MakeDefaultOptions())
	rm, err := k.Run(fs, "/"+dir)
	if err != nil {
		return nil, fmt.Errorf("kustomize build %s: %w", dir, err)
	}
	var out []map[string]any
	for _, r := range rm.Resources() {
		m, err := r.Map()
		if err != nil {
			return nil, fmt.Errorf("kustomize build %s: %w", dir, err)
		}
		out = append(out, m)
	}
	return out, nil
}

// Chart renders the chart in dir with one values file as `helm template`
// would for the Kubernetes version, and runs Helm's lint rules on it with
// the same values.
func (v *Verifier) Chart(dir, values, release, namespace, kubeVersion string) ([]map[string]any, error) {
	where := dir + " with " + values
	ch, err := loader.LoadFiles(v.chart(dir))
	if err != nil {
		return nil, fmt.Errorf("load chart %s: %w", dir, err)
	}
	vals, err := chartutil.ReadValues(v.files[values])
	if err != nil {
		return nil, fmt.Errorf("%s: %w", values, err)
	}
	kv, err := chartutil.ParseKubeVersion("v" + kubeVersion + ".0")
	if err != nil {
		return nil, fmt.Errorf("kubernetes version %q: %w", kubeVersion, err)
	}
	caps := chartutil.DefaultCapabilities.Copy()
	caps.KubeVersion = *kv
	rv, err := chartutil.ToRenderValues(ch, vals, chartutil.ReleaseOptions{Name: release, Namespace: namespace, Revision: 1, IsInstall: true}, caps)
	if err != nil {
		return nil, fmt.Errorf("helm template %s: %w", where, err)
	}
	out, err := engine.Render(ch, rv)
	if err != nil {
		return nil, fmt.Errorf("helm template %s: %w", where, err)
	}
	names := make([]string, 0, len(out))
	for name := range out {
		names = append(names, name)
	}
	sort.Strings(names)
	var objs []map[string]any
	for _, name := range names {
		if strings.HasPrefix(filepath.Base(name), "_") || strings.HasSuffix(name, "NOTES.txt") {
			continue
		}
		docs := releaseutil.SplitManifests(out[name])
		keys := make([]string, 0, len(docs))
		for k := range docs {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			var m map[string]any
			if err := yaml.Unmarshal([]byte(docs[k]), &m); err != nil {
				return nil, fmt.Errorf("helm template %s: %s: %w", where, name, err)
			}
			if len(m) > 0 {
				objs = append(objs, m)
			}
		}
	}
	if err := v.lint(dir, values, vals, namespace, kv); err != nil {
		return nil, err
	}
	return objs, nil
}

// chart is the chart in dir as loader input.
func (v *Verifier) chart(dir string) []*loader.BufferedFile {
	v.mu.Lock()
	defer v.mu.Unlock()
	files, ok := v.chartFiles[dir]
	if !ok {
		for _, p := range v.under(dir + "/") {
			files = append(files, &loader.BufferedFile{Name: strings.TrimPrefix(p, dir+"/"), Data: v.files[p]})
		}
		v.chartFiles[dir] = files
	}
	return files
}

// lint runs Helm's lint rules on the chart in dir with one values file.
func (v *Verifier) lint(dir, values string, vals chartutil.Values, namespace string, kv *chartutil.KubeVersion) error {
	v.lintOnce.Do(func() {
		v.lintDir, v.lintErr = os.MkdirTemp("", "plinth-chart-*")
		if v.lintErr != nil {
			return
		}
		for _, p := range v.paths {
			if !strings.HasSuffix(p, "/Chart.yaml") {
				continue
			}
			for _, f := range v.under(strings.TrimSuffix(p, "Chart.yaml")) {
				dst := filepath.Join(v.lintDir, filepath.FromSlash(f))
				if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
					v.lintErr = err
					return
				}
				if err := os.WriteFile(dst, v.files[f], 0o644); err != nil {
					v.lintErr = err
					return
				}
			}
		}
	})
	if v.lintErr != nil {
		return fmt.Errorf("helm lint: %w", v.lintErr)
	}
	l := lint.AllWithKubeVersion(filepath.Join(v.lintDir, filepath.FromSlash(dir)), vals, namespace, kv)
	var msgs []string
	for _, m := range l.Messages {
		if m.Severity >= support.WarningSev {
			msgs = append(msgs, m.Error())
		}
	}
	if len(msgs) > 0 {
		return fmt.Errorf("helm lint %s with %s:\n  %s", dir, values, strings.Join(msgs, "\n  "))
	}
	return nil
}

// Close removes the lint directory.
func (v *Verifier) Close() {
	if v.lintDir != "" {
		_ = os.RemoveAll(v.lintDir)
	}
}
