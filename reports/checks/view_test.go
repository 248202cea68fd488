package checks

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"k8s.io/apimachinery/pkg/labels"

	"github.com/plinth-dev/plinth/internal/gitops/render"
)

// The evaluator reads what the checks need of a workload once
// (buildIndex, prepare). These are the reads as they were made before, on
// every use, that TestWorkloadViewDifferential holds the shared ones to.

func deployedByRef(ev *evaluator, c string, a addon) *render.Object {
	for _, o := range ev.byCluster[c] {
		for _, chart := range releaseCharts(o) {
			if containsName(a.charts, chart) {
				return o
			}
		}
		if spec := podSpec(o); spec != nil {
			for _, key := range []string{"initContainers", "containers"} {
				for _, ct := range listAt(spec, key) {
					if containsName(a.images, imageName(str(ct, "image"))) {
						return o
					}
				}
			}
		}
	}
	return nil
}

func nsLocationRef(ev *evaluator, cluster, ns string) *render.Object {
	if o := ev.nsObjects[cluster][ns]; o != nil {
		return o
	}
	for _, o := range ev.byCluster[cluster] {
		if podSpec(o) != nil && namespaceOf(o) == ns {
			return o
		}
	}
	return nil
}

func replicasRef(ev *evaluator, o *render.Object) (int, bool) {
	if !scalable(o) {
		return 0, false
	}
	n, set := intAt(o.Value, "spec", "replicas")
	if !set {
		n = 1
	}
	if h := ev.autoscaler(o, "HorizontalPodAutoscaler"); h != nil {
		if m, set := intAt(h.Value, "spec", "minReplicas"); set {
			n = m
		} else {
			n = 1
		}
	}
	return n, true
}

// randomObjects are objects of several clusters, namespaces and kinds
// (workloads or not, a cluster-scoped one), with images of the add-ons or
// not, labels of any type and autoscalers.
func randomObjects(r *rand.Rand) []render.Object {
	pick := func(vs ...any) any { return vs[r.IntN(len(vs))] }
	var objs []render.Object
	for i := range r.IntN(40) {
		kind := pick("Deployment", "StatefulSet", "Pod", "CronJob", "Service", "HorizontalPodAutoscaler", "VerticalPodAutoscaler",
			"HelmRelease", "Namespace", "Rollout", "ClusterRole").(string)
		api := map[string]string{"Deployment": "apps/v1", "StatefulSet": "apps/v1", "Pod": "v1", "CronJob": "batch/v1", "Service": "v1",
			"HorizontalPodAutoscaler": "autoscaling/v2", "VerticalPodAutoscaler": "autoscaling.k8s.io/v1", "HelmRelease": "helm.toolkit.fluxcd.io/v2",
			"Namespace": "v1", "Rollout": "argoproj.io/v1alpha1", "ClusterRole": "rbac.authorization.k8s.io/v1"}[kind]
		name := pick("a", "b", "c").(string)
		ns := pick("", "x", "y").(string)
		c := []any{map[string]any{"name": "c", "image": pick("r.io/a:1", "quay.io/jetstack/cert-manager-controller:v1", "aquasec/trivy-operator@sha256:1", 7)}, "junk"}
		pod := map[string]any{"containers": c, "initContainers": pick(nil, []any{map[string]any{"name": "i", "image": "trivy-operator"}})}
		meta := map[string]any{"labels": map[string]any{"app": pick("a", 1, true, nil), "tier": pick("web", 2.5)}}
		spec := map[string]any{"replicas": pick(nil, 1, 3, int64(2), 2.0), "template": map[string]any{"metadata": meta, "spec": pod}}
		switch kind {
		case "Pod":
			spec = pod
		case "CronJob":
			spec = map[string]any{"jobTemplate": map[string]any{"spec": map[string]any{"template": map[string]any{"metadata": meta, "spec": pod}}}}
		case "HorizontalPodAutoscaler", "VerticalPodAutoscaler":
			spec = map[string]any{"minReplicas": pick(nil, 1, 4),
				"scaleTargetRef": map[string]any{"kind": pick("Deployment", "StatefulSet"), "name": name},
				"targetRef":      map[string]any{"kind": "Deployment", "name": name}}
		case "HelmRelease":
			spec = map[string]any{"chart": map[string]any{"spec": map[string]any{"chart": pick("cert-manager", "trivy-operator", "x")}}}
		case "Service":
			spec = map[string]any{"selector": pick(map[string]any{"app": pick("a", "1", 1, true)}, map[string]any{"app": "a", "tier": pick("web", 2.5)},
				map[string]any{}, nil, map[string]any{"app": nil})}
		}
		if kind == "Rollout" && r.IntN(2) == 0 {
			spec = map[string]any{"workloadRef": map[string]any{"name": "a"}}
		}
		v := map[string]any{"apiVersion": api, "kind": kind, "metadata": map[string]any{"name": name, "namespace": ns}, "spec": spec}
		if kind == "Pod" {
			v["metadata"] = map[string]any{"name": name, "namespace": ns, "labels": meta["labels"]}
		}
		objs = append(objs, render.Object{APIVersion: api, Kind: kind, Name: name, Namespace: ns, Cluster: pick("p", "q").(string),
			File: fmt.Sprintf("f%d.yaml", i), Line: i + 1, Value: v})
	}
	return objs
}

func TestWorkloadViewDifferential(t *testing.T) {
	for seed := range uint64(300) {
		r := rand.New(rand.NewPCG(seed, 2))
		in := &Input{Discovery: &render.Result{Clusters: []string{"p", "q"}, Objects: randomObjects(r)}}
		if seed%2 == 0 {
			in.Discovery.Clusters = []string{"p"} // objects of a cluster not evaluated
		}
		ev := newEvaluator(in)
		ev.prepare()
		for _, c := range []string{"p", "q"} {
			for _, a := range []addon{trivyOperator, certManager} {
				if got, want := ev.deployedBy(c, a), deployedByRef(ev, c, a); got != want {
					t.Fatalf("seed %d: deployedBy(%s, %v) = %v, want %v", seed, c, a, got, want)
				}
			}
			for _, ns := range []string{"", "default", "x", "y"} {
				if got, want := ev.nsLocation(c, ns), nsLocationRef(ev, c, ns); got != want {
					t.Fatalf("seed %d: nsLocation(%s, %s) = %v, want %v", seed, c, ns, got, want)
				}
			}
		}
		var ws []*workload
		for i := range in.Discovery.Objects {
			o := &in.Discovery.Objects[i]
			if podSpec(o) == nil {
				continue
			}
			w := ev.all[len(ws)]
			ws = append(ws, w)
			set := labels.Set{}
			for k, v := range podLabels(o) {
				set[k] = fmt.Sprint(v)
			}
			ns := ""
			if !o.ClusterScoped() {
				ns = namespaceOf(o)
			}
			n, ok := w.replicasOf()
			wn, wok := replicasRef(ev, o)
			got := labels.Set{}
			for k := range w.labels {
				if v, ok := w.labels.Lookup(k); ok && w.labels.Has(k) && w.labels.Get(k) == v {
					got[k] = v
				}
			}
			if v, ok := w.labels.Lookup("none"); ok || v != "" || w.labels.Has("none") || w.labels.Get("none") != "" {
				t.Fatalf("seed %d: workload %s has a label it has not", seed, o.ID())
			}
			if w.o != o || !reflect.DeepEqual(got, set) || !reflect.DeepEqual(w.cs, containers(podSpec(o))) ||
				w.at != ns || w.id != o.ID() || w.env != ev.env(o.Cluster, ns).Name || n != wn || ok != wok {
				t.Fatalf("seed %d: workload %s of %s read as %+v", seed, o.ID(), o.File, w)
			}
			if w.isServed(ev) != ev.served(o, podLabels(o)) {
				t.Fatalf("seed %d: workload %s served: %v", seed, o.ID(), w.isServed(ev))
			}
			if scalable(o) && (w.hpa != ev.autoscaler(o, "HorizontalPodAutoscaler") || w.vpa != ev.autoscaler(o, "VerticalPodAutoscaler")) {
				t.Fatalf("seed %d: autoscalers of %s", seed, o.ID())
			}
		}
		if len(ws) != len(ev.all) {
			t.Fatalf("seed %d: %d workloads, want %d", seed, len(ev.all), len(ws))
		}
	}
}

// TestLookupDifferential holds lookup (a binary search of the objects
// sorted) to the map of them it was, the last object of a key taking it.
func TestLookupDifferential(t *testing.T) {
	for seed := range uint64(300) {
		r := rand.New(rand.NewPCG(seed, 7))
		objs := randomObjects(r)
		for range r.IntN(5) { // the same names again
			objs = append(objs, randomObjects(r)...)
		}
		ev := newEvaluator(&Input{Discovery: &render.Result{Clusters: []string{"p", "q"}, Objects: objs}})
		want := map[[4]string]*render.Object{}
		for i := range objs {
			o := &objs[i]
			want[[4]string{o.Cluster, namespaceOf(o), o.Kind, o.Name}] = o
		}
		for _, c := range []string{"p", "q", "r", ""} {
			for _, ns := range []string{"", "default", "x", "y", "z"} {
				for _, kind := range []string{"Deployment", "Service", "ClusterRole", "Namespace", "Pod", "Nothing"} {
					for _, name := range []string{"a", "b", "c", "d", ""} {
						if got, w := ev.lookup(c, ns, kind, name), want[[4]string{c, ns, kind, name}]; got != w {
							t.Fatalf("seed %d: lookup(%q, %q, %q, %q) = %v, want %v", seed, c, ns, kind, name, got, w)
						}
					}
				}
			}
		}
	}
}

// TestSelectedDifferential holds selected (a selector of a few labels read
// once) to the selector matching each workload's labels made a labels.Set.
func TestSelectedDifferential(t *testing.T) {
	values := []any{"a", "1", 1, "web", 2.5, "2.5", "<nil>", nil, true, "true"}
	for seed := range uint64(300) {
		r := rand.New(rand.NewPCG(seed, 5))
		in := &Input{Discovery: &render.Result{Clusters: []string{"p", "q"}, Objects: randomObjects(r)}}
		ev := newEvaluator(in)
		ev.prepare()
		for i := range in.Discovery.Objects {
			o := &in.Discovery.Objects[i]
			ml := map[string]any{}
			for range r.IntN(7) {
				ml[[]string{"app", "tier", "x", "y", "z", "w"}[r.IntN(6)]] = fmt.Sprint(values[r.IntN(len(values))])
			}
			sel, ref := selectorFor(map[string]any{"matchLabels": ml}), selector(map[string]any{"matchLabels": ml})
			if sel == nil || ref == nil {
				if (sel == nil) != (ref == nil) {
					t.Fatalf("seed %d: %v: selector %v, want %v", seed, ml, sel, ref)
				}
				continue
			}
			var want []*workload
			for _, w := range ev.templates(o.Cluster, namespaceOf(o)) {
				set := labels.Set{}
				for k, v := range podLabels(w.o) {
					set[k] = fmt.Sprint(v)
				}
				if ref.Matches(set) {
					want = append(want, w)
				}
			}
			if got := ev.selected(o, sel); !slices.Equal(got, want) {
				t.Fatalf("seed %d: %v selects %d workloads, want %d", seed, ml, len(got), len(want))
			}
		}
	}
}
