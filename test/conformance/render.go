package conformance

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"text/template"

	"helm.sh/helm/v3/pkg/chart/loader"
	"helm.sh/helm/v3/pkg/chartutil"
	"helm.sh/helm/v3/pkg/engine"
	"helm.sh/helm/v3/pkg/releaseutil"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	kyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/yaml"
)

// Rendered is what a bootstrapped Flux or Argo CD applies for one cluster.
type Rendered struct {
	// Namespaces are created for real before anything else: the namespaces
	// the repository declares plus those the engine creates (its own,
	// createNamespace / CreateNamespace=true targets).
	Namespaces []string
	// Objects are applied with server-side dry-run, each with the namespace
	// the engine would give it ("" for cluster-scoped or unset).
	Objects []Object
	// External lists the charts from Helm repositories the engine would
	// fetch (addons); they are not rendered offline.
	External []string

	namespaceObjs map[string]*unstructured.Unstructured // Namespace objects of the repository
}

// Object is one object to apply and where it was rendered from.
type Object struct {
	Source           string // "clusters/prod -> apps/prod (Kustomization flux-system/prod-apps)"
	DefaultNamespace string // namespace for namespaced objects that set none
	Value            *unstructured.Unstructured
}

// Render follows a cluster's entry directory (entry, relative to the
// repository root: "clusters/<cluster>", or "<path>/clusters/<cluster>" for
// output published under a sub-directory) of the repository tree at root: it
// builds the entry directory with krusty, then every Flux Kustomization and
// HelmRelease, Argo CD Application and ApplicationSet (git directory
// generator) it finds, recursively, with krusty and the Helm SDK.
// kubeVersion is given to charts as .Capabilities.KubeVersion.
func Render(root, entry, kubeVersion string) (*Rendered, error) {
	r := &renderer{root: root, kubeVersion: kubeVersion, out: &Rendered{namespaceObjs: map[string]*unstructured.Unstructured{}}, namespaces: map[string]bool{}}
	entry = path.Clean(entry)
	objs, err := r.build(entry)
	if err != nil {
		return nil, err
	}
	if err := r.add("entry "+entry, "", objs); err != nil {
		return nil, err
	}
	for ns := range r.namespaces {
		r.out.Namespaces = append(r.out.Namespaces, ns)
	}
	sort.Strings(r.out.Namespaces)
	sort.Strings(r.out.External)
	return r.out, nil
}

type renderer struct {
	root        string
	kubeVersion string
	out         *Rendered
	namespaces  map[string]bool
	depth       int
}

// add records objects and follows the engine objects among them.
func (r *renderer) add(source, defaultNS string, objs []*unstructured.Unstructured) error {
	r.depth++
	defer func() { r.depth-- }()
	if r.depth > 20 {
		return fmt.Errorf("%s: engine objects nest deeper than 20 levels", source)
	}
	for _, o := range objs {
		if o.GetKind() == "Namespace" && o.GetAPIVersion() == "v1" {
			r.namespaces[o.GetName()] = true
			r.out.namespaceObjs[o.GetName()] = o
			continue
		}
		r.out.Objects = append(r.out.Objects, Object{Source: source, DefaultNamespace: defaultNS, Value: o})
		gk := o.GetObjectKind().GroupVersionKind().GroupKind()
		id := fmt.Sprintf("%s %s/%s", o.GetKind(), o.GetNamespace(), o.GetName())
		var err error
		switch gk.String() {
		case "Kustomization.kustomize.toolkit.fluxcd.io":
			err = r.fluxKustomization(id, o)
		case "HelmRelease.helm.toolkit.fluxcd.io":
			err = r.fluxHelmRelease(id, o)
		case "Application.argoproj.io":
			err = r.argoApplication(id, o)
		case "ApplicationSet.argoproj.io":
			err = r.argoApplicationSet(id, o)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func (r *renderer) engineNamespace(ns string) {
	if ns != "" {
		r.namespaces[ns] = true
	}
}

func (r *renderer) fluxKustomization(id string, o *unstructured.Unstructured) error {
	r.engineNamespace(o.GetNamespace())
	if k, _, _ := unstructured.NestedString(o.Object, "spec", "sourceRef", "kind"); k != "GitRepository" {
		return fmt.Errorf("%s: source kind %q: only GitRepository sources are rendered", id, k)
	}
	p, _, _ := unstructured.NestedString(o.Object, "spec", "path")
	dir, err := r.repoPath(id, p)
	if err != nil {
		return err
	}
	objs, err := r.build(dir)
	if err != nil {
		return fmt.Errorf("%s: %w", id, err)
	}
	target, _, _ := unstructured.NestedString(o.Object, "spec", "targetNamespace")
	if target != "" {
		for _, obj := range objs {
			obj.SetNamespace(target) // cluster-scoped ones are reset by the applier
		}
	}
	return r.add(fmt.Sprintf("%s -> %s", id, dir), target, objs)
}

func (r *renderer) fluxHelmRelease(id string, o *unstructured.Unstructured) error {
	r.engineNamespace(o.GetNamespace())
	ns := o.GetNamespace()
	if t, _, _ := unstructured.NestedString(o.Object, "spec", "targetNamespace"); t != "" {
		ns = t
	}
	if create, _, _ := unstructured.NestedBool(o.Object, "spec", "install", "createNamespace"); create {
		r.engineNamespace(ns)
	}
	src, _, _ := unstructured.NestedString(o.Object, "spec", "chart", "spec", "sourceRef", "kind")
	chartRef, _, _ := unstructured.NestedString(o.Object, "spec", "chart", "spec", "chart")
	if src != "GitRepository" {
		version, _, _ := unstructured.NestedString(o.Object, "spec", "chart", "spec", "version")
		r.out.External = append(r.out.External, fmt.Sprintf("%s: chart %s %s from %s", id, chartRef, version, src))
		return nil
	}
	dir, err := r.repoPath(id, chartRef)
	if err != nil {
		return err
	}
	values := map[string]any{}
	files, _, _ := unstructured.NestedStringSlice(o.Object, "spec", "chart", "spec", "valuesFiles")
	for _, f := range files {
		p, err := r.repoPath(id, f)
		if err != nil {
			return err
		}
		v, err := chartutil.ReadValuesFile(filepath.Join(r.root, p))
		if err != nil {
			return fmt.Errorf("%s: values file %s: %w", id, f, err)
		}
		values = mergeMaps(values, v)
	}
	if inline, ok, _ := unstructured.NestedMap(o.Object, "spec", "values"); ok {
		values = mergeMaps(values, inline)
	}
	name, _, _ := unstructured.NestedString(o.Object, "spec", "releaseName")
	if name == "" {
		name = o.GetName()
	}
	objs, err := r.helm(dir, name, ns, values)
	if err != nil {
		return fmt.Errorf("%s: %w", id, err)
	}
	return r.add(fmt.Sprintf("%s -> helm %s", id, dir), ns, objs)
}

func (r *renderer) argoApplication(id string, o *unstructured.Unstructured) error {
	r.engineNamespace(o.GetNamespace())
	ns, _, _ := unstructured.NestedString(o.Object, "spec", "destination", "namespace")
	opts, _, _ := unstructured.NestedStringSlice(o.Object, "spec", "syncPolicy", "syncOptions")
	if slices.Contains(opts, "CreateNamespace=true") {
		r.engineNamespace(ns)
	}
	sources, _, _ := unstructured.NestedSlice(o.Object, "spec", "sources")
	if src, ok, _ := unstructured.NestedMap(o.Object, "spec", "source"); ok {
		sources = append([]any{src}, sources...)
	}
	for _, s := range sources {
		src, _ := s.(map[string]any)
		if chart, _, _ := unstructured.NestedString(src, "chart"); chart != "" {
			repo, _, _ := unstructured.NestedString(src, "repoURL")
			version, _, _ := unstructured.NestedString(src, "targetRevision")
			r.out.External = append(r.out.External, fmt.Sprintf("%s: chart %s %s from %s", id, chart, version, repo))
			continue
		}
		p, _, _ := unstructured.NestedString(src, "path")
		dir, err := r.repoPath(id, p)
		if err != nil {
			return err
		}
		var objs []*unstructured.Unstructured
		if _, err := os.Stat(filepath.Join(r.root, dir, "Chart.yaml")); err == nil {
			values := map[string]any{}
			files, _, _ := unstructured.NestedStringSlice(src, "helm", "valueFiles")
			for _, f := range files {
				vf, err := r.repoPath(id, path.Join(dir, f))
				if err != nil {
					return err
				}
				v, err := chartutil.ReadValuesFile(filepath.Join(r.root, vf))
				if err != nil {
					return fmt.Errorf("%s: values file %s: %w", id, f, err)
				}
				values = mergeMaps(values, v)
			}
			if inline, ok, _ := unstructured.NestedMap(src, "helm", "valuesObject"); ok {
				values = mergeMaps(values, inline)
			}
			name, _, _ := unstructured.NestedString(src, "helm", "releaseName")
			if name == "" {
				name = o.GetName()
			}
			objs, err = r.helm(dir, name, ns, values)
		} else {
			objs, err = r.build(dir)
		}
		if err != nil {
			return fmt.Errorf("%s: %w", id, err)
		}
		if err := r.add(fmt.Sprintf("%s -> %s", id, dir), ns, objs); err != nil {
			return err
		}
	}
	return nil
}

// argoApplicationSet expands git directory generators (goTemplate) into the
// Applications the ApplicationSet controller would create.
func (r *renderer) argoApplicationSet(id string, o *unstructured.Unstructured) error {
	r.engineNamespace(o.GetNamespace())
	tmpl, _, _ := unstructured.NestedMap(o.Object, "spec", "template")
	goTmpl, _, _ := unstructured.NestedBool(o.Object, "spec", "goTemplate")
	if !goTmpl {
		return fmt.Errorf("%s: only goTemplate ApplicationSets are rendered", id)
	}
	gens, _, _ := unstructured.NestedSlice(o.Object, "spec", "generators")
	var apps []*unstructured.Unstructured
	for _, g := range gens {
		dirs, ok, _ := unstructured.NestedSlice(g.(map[string]any), "git", "directories")
		if !ok {
			return fmt.Errorf("%s: only git directory generators are rendered", id)
		}
		var include, exclude []string
		for _, d := range dirs {
			dm := d.(map[string]any)
			p, _ := dm["path"].(string)
			if ex, _ := dm["exclude"].(bool); ex {
				exclude = append(exclude, p)
			} else {
				include = append(include, p)
			}
		}
		var matched []string
		for _, pat := range include {
			ms, err := fs.Glob(os.DirFS(r.root), pat)
			if err != nil {
				return fmt.Errorf("%s: path %q: %w", id, pat, err)
			}
			for _, m := range ms {
				if fi, err := os.Stat(filepath.Join(r.root, m)); err != nil || !fi.IsDir() {
					continue
				}
				skip := false
				for _, ex := range exclude {
					if ok, _ := path.Match(ex, m); ok {
						skip = true
					}
				}
				if !skip && !slices.Contains(matched, m) {
					matched = append(matched, m)
				}
			}
		}
		if len(matched) == 0 {
			return fmt.Errorf("%s: git directories %v match no directory of the repository", id, include)
		}
		sort.Strings(matched)
		for _, m := range matched {
			params := map[string]any{"path": map[string]any{
				"path":               m,
				"basename":           path.Base(m),
				"basenameNormalized": strings.ToLower(strings.NewReplacer("_", "-", ".", "-").Replace(path.Base(m))),
				"segments":           strings.Split(m, "/"),
			}}
			v, err := expand(tmpl, params)
			if err != nil {
				return fmt.Errorf("%s: template for %s: %w", id, m, err)
			}
			app := &unstructured.Unstructured{Object: v.(map[string]any)}
			app.SetAPIVersion("argoproj.io/v1alpha1")
			app.SetKind("Application")
			app.SetNamespace(o.GetNamespace())
			apps = append(apps, app)
		}
	}
	return r.add(id+" (generated Applications)", o.GetNamespace(), apps)
}

// expand applies a Go template with missingkey=error to every string of v.
func expand(v any, params map[string]any) (any, error) {
	switch v := v.(type) {
	case string:
		if !strings.Contains(v, "{{") {
			return v, nil
		}
		t, err := template.New("").Option("missingkey=error").Parse(v)
		if err != nil {
			return nil, err
		}
		var b bytes.Buffer
		if err := t.Execute(&b, params); err != nil {
			return nil, err
		}
		return b.String(), nil
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, e := range v {
			x, err := expand(e, params)
			if err != nil {
				return nil, err
			}
			out[k] = x
		}
		return out, nil
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			x, err := expand(e, params)
			if err != nil {
				return nil, err
			}
			out[i] = x
		}
		return out, nil
	}
	return v, nil
}

// repoPath resolves a repository-relative path and checks it stays inside the tree.
func (r *renderer) repoPath(id, p string) (string, error) {
	c := path.Clean(strings.TrimPrefix(p, "./"))
	if p == "" || c == ".." || strings.HasPrefix(c, "../") || path.IsAbs(c) {
		return "", fmt.Errorf("%s: path %q is not inside the repository", id, p)
	}
	if _, err := os.Stat(filepath.Join(r.root, c)); err != nil {
		return "", fmt.Errorf("%s: path %q does not resolve in the repository: %w", id, p, err)
	}
	return c, nil
}

// build runs krusty on a repository directory; a directory without a
// kustomization file is read as plain manifests, as Flux and Argo CD do.
func (r *renderer) build(dir string) ([]*unstructured.Unstructured, error) {
	abs := filepath.Join(r.root, dir)
	hasKustomization := false
	for _, n := range []string{"kustomization.yaml", "kustomization.yml", "Kustomization"} {
		if _, err := os.Stat(filepath.Join(abs, n)); err == nil {
			hasKustomization = true
		}
	}
	if !hasKustomization {
		return readManifests(abs)
	}
	rm, err := krusty.MakeKustomizer(krusty.MakeDefaultOptions()).Run(filesys.MakeFsOnDisk(), abs)
	if err != nil {
		return nil, fmt.Errorf("kustomize build %s: %w", dir, err)
	}
	var objs []*unstructured.Unstructured
	for _, res := range rm.Resources() {
		b, err := res.MarshalJSON()
		if err != nil {
			return nil, fmt.Errorf("kustomize build %s: %w", dir, err)
		}
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("kustomize build %s: %w", dir, err)
		}
		objs = append(objs, &unstructured.Unstructured{Object: m})
	}
	return objs, nil
}

func readManifests(dir string) ([]*unstructured.Unstructured, error) {
	var objs []*unstructured.Unstructured
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !(strings.HasSuffix(p, ".yaml") || strings.HasSuffix(p, ".yml") || strings.HasSuffix(p, ".json")) {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		docs, err := decodeAll(b)
		if err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
		objs = append(objs, docs...)
		return nil
	})
	return objs, err
}

// decodeAll parses a multi-document YAML stream into objects, skipping empty documents.
func decodeAll(b []byte) ([]*unstructured.Unstructured, error) {
	var objs []*unstructured.Unstructured
	rd := kyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(b)))
	for {
		doc, err := rd.Read()
		if err == io.EOF {
			return objs, nil
		}
		if err != nil {
			return nil, err
		}
		var m map[string]any
		if err := yaml.Unmarshal(doc, &m); err != nil {
			return nil, err
		}
		if len(m) == 0 {
			continue
		}
		objs = append(objs, &unstructured.Unstructured{Object: m})
	}
}

// helm renders a chart of the repository like `helm template`.
func (r *renderer) helm(dir, release, namespace string, values map[string]any) ([]*unstructured.Unstructured, error) {
	ch, err := loader.Load(filepath.Join(r.root, dir))
	if err != nil {
		return nil, fmt.Errorf("load chart %s: %w", dir, err)
	}
	caps := chartutil.DefaultCapabilities.Copy()
	if r.kubeVersion != "" {
		v := "v" + strings.TrimPrefix(r.kubeVersion, "v")
		if strings.Count(v, ".") == 1 {
			v += ".0"
		}
		caps.KubeVersion = chartutil.KubeVersion{Version: v, Major: "1", Minor: strings.Split(v, ".")[1]}
	}
	vals, err := chartutil.ToRenderValues(ch, values, chartutil.ReleaseOptions{Name: release, Namespace: namespace, IsInstall: true, Revision: 1}, caps)
	if err != nil {
		return nil, fmt.Errorf("chart %s values: %w", dir, err)
	}
	files, err := engine.Render(ch, vals)
	if err != nil {
		return nil, fmt.Errorf("render chart %s: %w", dir, err)
	}
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	var objs []*unstructured.Unstructured
	for _, n := range names {
		if strings.HasSuffix(n, "NOTES.txt") || strings.HasPrefix(path.Base(n), "_") {
			continue
		}
		docs := releaseutil.SplitManifests(files[n])
		keys := make([]string, 0, len(docs))
		for k := range docs {
			keys = append(keys, k)
		}
		sort.Sort(releaseutil.BySplitManifestsOrder(keys))
		for _, k := range keys {
			parsed, err := decodeAll([]byte(docs[k]))
			if err != nil {
				return nil, fmt.Errorf("chart %s: %s: %w", dir, n, err)
			}
			objs = append(objs, parsed...)
		}
	}
	return objs, nil
}

// mergeMaps deep-merges b over a (as Flux merges valuesFiles and values).
func mergeMaps(a, b map[string]any) map[string]any {
	out := make(map[string]any, len(a))
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		if bm, ok := v.(map[string]any); ok {
			if am, ok := out[k].(map[string]any); ok {
				out[k] = mergeMaps(am, bm)
				continue
			}
		}
		out[k] = v
	}
	return out
}
