package render

import (
	"bytes"
	"strings"
)

// Scope: whether objects of a kind have a namespace.
//
// An object's scope is decided, in this order, by
//  1. a CustomResourceDefinition of its group and kind, found among the
//     rendered objects or in any YAML file of the repository
//     (spec.scope: Cluster or Namespaced, spec.group, spec.names.kind);
//  2. the table of cluster-scoped Kubernetes and well-known kinds
//     (ClusterScoped);
//  3. as a last resort, a kind whose name starts with "Cluster" (kyverno's
//     ClusterPolicy, cert-manager's ClusterIssuer) is cluster-scoped, but
//     for the namespaced kinds of that shape in namespacedClusterKinds.
//
// A cluster-scoped object has no namespace: one written in its manifest,
// set by a kustomization's namespace or by Flux's targetNamespace, is
// dropped, as the API server ignores it.

const (
	scopeUnknown int8 = iota
	scopeCluster
	scopeNamespaced
)

// ClusterScoped says whether o has no namespace: its CustomResourceDefinition
// when Render found one, else ClusterScoped of its kind.
func (o *Object) ClusterScoped() bool {
	switch o.scope {
	case scopeCluster:
		return true
	case scopeNamespaced:
		return false
	}
	return ClusterScoped(o.Kind)
}

// namespacedClusterKinds are namespaced kinds whose names start with
// "Cluster" (Cluster API, OLM, CloudNativePG).
var namespacedClusterKinds = map[string]bool{
	"Cluster": true, "ClusterClass": true, "ClusterResourceSet": true, "ClusterResourceSetBinding": true,
	"ClusterServiceVersion": true, "ClusterImageCatalog": true,
}

// ClusterScoped says whether objects of kind have no namespace, from the
// table of cluster-scoped kinds or, for a kind not in it, its name
// starting with "Cluster". Object.ClusterScoped also knows the
// CustomResourceDefinitions of the repository.
func ClusterScoped(kind string) bool {
	if clusterScoped[kind] {
		return true
	}
	return strings.HasPrefix(kind, "Cluster") && !namespacedClusterKinds[kind]
}

// crdScopes maps "group/Kind" to the scope its CustomResourceDefinition
// declares.
type crdScopes map[string]int8

func (s crdScopes) addCRD(v map[string]any) {
	if str(v, "kind") != "CustomResourceDefinition" || apiGroup(str(v, "apiVersion")) != "apiextensions.k8s.io" {
		return
	}
	group, kind := str(v, "spec", "group"), str(v, "spec", "names", "kind")
	if kind == "" {
		return
	}
	switch str(v, "spec", "scope") {
	case "Cluster":
		s[group+"/"+kind] = scopeCluster
	case "Namespaced":
		s[group+"/"+kind] = scopeNamespaced
	}
}

// repositoryCRDs reads the CustomResourceDefinitions of every YAML file
// of the repository (files that do not parse are skipped: they are
// reported, if at all, where they are rendered).
func (d *renderer) repositoryCRDs(s crdScopes) {
	for _, p := range d.snap.Paths() {
		if !isYAML(p) || hiddenPath(p) {
			continue
		}
		f, ok := d.snap.File(p)
		if !ok || f.Err != nil || !bytes.Contains(f.Data, []byte("CustomResourceDefinition")) {
			continue
		}
		docs, _ := d.docs(p)
		for _, doc := range docs {
			s.addCRD(doc.Value)
		}
	}
}

// applyScopes sets every object's scope from the CustomResourceDefinitions
// of the rendered set and of the repository, and drops the namespace of
// cluster-scoped objects.
func (d *renderer) applyScopes(res *Result) {
	s := crdScopes{}
	d.repositoryCRDs(s)
	for i := range res.Objects {
		s.addCRD(res.Objects[i].Value)
	}
	for i := range res.Objects {
		o := &res.Objects[i]
		if sc, ok := s[o.Group()+"/"+o.Kind]; ok {
			o.scope = sc
		}
		if o.ClusterScoped() {
			o.Namespace = ""
		}
	}
}
