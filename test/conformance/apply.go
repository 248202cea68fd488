package conformance

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/discovery/cached/memory"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/restmapper"
	"sigs.k8s.io/yaml"
)

const fieldManager = "plinth"

var (
	crdGVR = schema.GroupVersionResource{Group: "apiextensions.k8s.io", Version: "v1", Resource: "customresourcedefinitions"}
	nsGVR  = schema.GroupVersionResource{Version: "v1", Resource: "namespaces"}
)

// InstallCRDs creates the CustomResourceDefinitions (YAML documents) and
// waits, at most timeout, until every one is Established.
func (s *Server) InstallCRDs(ctx context.Context, docs [][]byte, timeout time.Duration) error {
	dyn, err := dynamic.NewForConfig(s.Config)
	if err != nil {
		return err
	}
	var names []string
	for _, d := range docs {
		var m map[string]any
		if err := yaml.Unmarshal(d, &m); err != nil {
			return fmt.Errorf("CRD: %w", err)
		}
		u := &unstructured.Unstructured{Object: m}
		if _, err := dyn.Resource(crdGVR).Create(ctx, u, metav1.CreateOptions{FieldManager: fieldManager}); err != nil && !apierrors.IsAlreadyExists(err) {
			return fmt.Errorf("create CRD %s: %w", u.GetName(), err)
		}
		names = append(names, u.GetName())
	}
	return wait.PollUntilContextTimeout(ctx, 200*time.Millisecond, timeout, true, func(ctx context.Context) (bool, error) {
		for _, n := range names {
			u, err := dyn.Resource(crdGVR).Get(ctx, n, metav1.GetOptions{})
			if err != nil {
				return false, nil
			}
			conds, _, _ := unstructured.NestedSlice(u.Object, "status", "conditions")
			established := false
			for _, c := range conds {
				cm, _ := c.(map[string]any)
				if cm["type"] == "Established" && cm["status"] == "True" {
					established = true
				}
			}
			if !established {
				return false, nil
			}
		}
		return true, nil
	})
}

// Apply creates the rendered namespaces for real, then applies every object
// with server-side apply in dry-run mode (field manager "plinth", strict
// field validation). It returns one line per failed object and one per
// warning the server sent; err is for failures of the harness itself.
func (s *Server) Apply(ctx context.Context, r *Rendered) (problems []string, err error) {
	dyn, err := dynamic.NewForConfig(s.Config)
	if err != nil {
		return nil, err
	}
	dc, err := discovery.NewDiscoveryClientForConfig(s.Config)
	if err != nil {
		return nil, err
	}
	mapper := restmapper.NewDeferredDiscoveryRESTMapper(memory.NewMemCacheClient(dc))

	for _, ns := range r.Namespaces {
		// Namespaces come from the repository with their labels; create them
		// as rendered so Pod Security levels apply to what follows.
		u := namespaceObject(r, ns)
		body, err := json.Marshal(u.Object)
		if err != nil {
			return nil, err
		}
		c := WithObject(ctx, "Namespace "+ns)
		if _, err := dyn.Resource(nsGVR).Patch(c, ns, types.ApplyPatchType, body, metav1.PatchOptions{
			FieldManager: fieldManager, Force: new(true), FieldValidation: "Strict"}); err != nil {
			problems = append(problems, fmt.Sprintf("Namespace %s: %v", ns, err))
		}
	}

	results := make([]string, len(r.Objects))
	var wg sync.WaitGroup
	next := make(chan int)
	for range 8 {
		wg.Go(func() {
			for i := range next {
				results[i] = s.applyOne(ctx, dyn, mapper, r.Objects[i])
			}
		})
	}
	for i := range r.Objects {
		next <- i
	}
	close(next)
	wg.Wait()
	for _, p := range results {
		if p != "" {
			problems = append(problems, p)
		}
	}
	for _, w := range s.Warnings.Take() {
		problems = append(problems, "warning: "+w)
	}
	return problems, nil
}

func (s *Server) applyOne(ctx context.Context, dyn dynamic.Interface, mapper meta.RESTMapper, o Object) string {
	u := o.Value.DeepCopy()
	gvk := u.GroupVersionKind()
	label := fmt.Sprintf("%s: %s %s", o.Source, gvk.Kind, u.GetName())
	m, err := mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
	if err != nil {
		return fmt.Sprintf("%s: no such resource on the server: %v", label, err)
	}
	var ri dynamic.ResourceInterface = dyn.Resource(m.Resource)
	if m.Scope.Name() == meta.RESTScopeNameNamespace {
		ns := u.GetNamespace()
		if ns == "" {
			ns = o.DefaultNamespace
		}
		if ns == "" {
			ns = "default"
		}
		u.SetNamespace(ns)
		ri = dyn.Resource(m.Resource).Namespace(ns)
		label = fmt.Sprintf("%s: %s %s/%s", o.Source, gvk.Kind, ns, u.GetName())
	} else {
		u.SetNamespace("")
	}
	body, err := json.Marshal(u.Object)
	if err != nil {
		return fmt.Sprintf("%s: %v", label, err)
	}
	_, err = ri.Patch(WithObject(ctx, label), u.GetName(), types.ApplyPatchType, body, metav1.PatchOptions{
		FieldManager:    fieldManager,
		Force:           new(true),
		DryRun:          []string{metav1.DryRunAll},
		FieldValidation: "Strict",
	})
	if err != nil {
		return fmt.Sprintf("%s: %v", label, err)
	}
	return ""
}

// namespaceObject returns the repository's Namespace object for ns, or a
// bare one for namespaces the engine creates.
func namespaceObject(r *Rendered, ns string) *unstructured.Unstructured {
	if u, ok := r.namespaceObjs[ns]; ok {
		return u.DeepCopy()
	}
	u := &unstructured.Unstructured{}
	u.SetAPIVersion("v1")
	u.SetKind("Namespace")
	u.SetName(ns)
	return u
}
