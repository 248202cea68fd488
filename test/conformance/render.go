package conformance

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/plinth-dev/plinth/internal/gitops/obj"
	"github.com/plinth-dev/plinth/internal/gitops/render"
	"github.com/plinth-dev/plinth/internal/gitops/source"
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
	// External lists what render leaves out on purpose (charts from Helm
	// repositories the engine would fetch: the addons), with the reason.
	External []string

	namespaceObjs map[string]*unstructured.Unstructured // Namespace objects of the repository
}

// Object is one object to apply and where it was rendered from.
type Object struct {
	Source           string // repository file:line the object is defined at
	DefaultNamespace string // namespace for namespaced objects that set none
	Value            *unstructured.Unstructured
}

// Render renders one cluster of the repository snapshot with
// internal/gitops/render, the emulation of Flux and Argo CD the report uses:
// clustersDir holds the clusters' entry directories ("clusters", or
// "<path>/clusters" for output published under a sub-directory). Anything
// render could not render is an error, except what it leaves out on purpose
// (charts from Helm repositories: External).
func Render(snap *source.Snapshot, clustersDir, cluster string) (*Rendered, error) {
	res := render.Render(snap, render.Options{ClustersDir: clustersDir, Clusters: []string{cluster}})
	if !slices.Contains(res.Clusters, cluster) {
		return nil, fmt.Errorf("%s: no entry directory for cluster %s", clustersDir, cluster)
	}
	out := &Rendered{namespaceObjs: map[string]*unstructured.Unstructured{}}
	var errs []string
	for _, p := range res.Problems {
		msg := fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Message)
		if p.NotEvaluated {
			out.External = append(out.External, msg)
		} else {
			errs = append(errs, msg)
		}
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("render %s/%s:\n%s", clustersDir, cluster, strings.Join(errs, "\n"))
	}
	namespaces := map[string]bool{}
	for _, o := range res.Objects {
		u, err := toUnstructured(o.Value)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %s: %w", o.File, o.Line, o.ID(), err)
		}
		if o.APIVersion == "v1" && o.Kind == "Namespace" {
			namespaces[o.Name] = true
			out.namespaceObjs[o.Name] = u
			continue
		}
		for _, ns := range engineNamespaces(o) {
			namespaces[ns] = true
		}
		if o.Namespace != "" {
			u.SetNamespace(o.Namespace) // the engine's target namespace; cluster-scoped ones are reset by the applier
		}
		out.Objects = append(out.Objects, Object{Source: fmt.Sprintf("%s:%d", o.File, o.Line), DefaultNamespace: o.Namespace, Value: u})
	}
	for ns := range namespaces {
		out.Namespaces = append(out.Namespaces, ns)
	}
	sort.Strings(out.Namespaces)
	return out, nil
}

// engineNamespaces are the namespaces Flux or Argo CD create for an object
// of theirs before applying what it deploys: its own, and the target of a
// HelmRelease with install.createNamespace or of an Application with
// CreateNamespace=true.
func engineNamespaces(o render.Object) []string {
	group, _, _ := strings.Cut(o.APIVersion, "/")
	var out []string
	add := func(ns string) {
		if ns != "" {
			out = append(out, ns)
		}
	}
	switch group + "/" + o.Kind {
	case "kustomize.toolkit.fluxcd.io/Kustomization", "argoproj.io/ApplicationSet":
		add(o.Namespace)
	case "helm.toolkit.fluxcd.io/HelmRelease":
		add(o.Namespace)
		if obj.Get(o.Value, "spec", "install", "createNamespace") == true {
			add(cmp.Or(obj.Str(o.Value, "spec", "targetNamespace"), o.Namespace))
		}
	case "argoproj.io/Application":
		add(o.Namespace)
		if slices.Contains(obj.List(o.Value, "spec", "syncPolicy", "syncOptions"), any("CreateNamespace=true")) {
			add(obj.Str(o.Value, "spec", "destination", "namespace"))
		}
	}
	return out
}

// toUnstructured copies a decoded YAML value (render's values are shared
// with its caches, and hold Go ints) into an object in its JSON form.
func toUnstructured(v map[string]any) (*unstructured.Unstructured, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	u := &unstructured.Unstructured{}
	if err := u.UnmarshalJSON(b); err != nil {
		return nil, err
	}
	return u, nil
}
