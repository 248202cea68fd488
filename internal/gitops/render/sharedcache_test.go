package render_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/plinth-dev/plinth/generator"
	"github.com/plinth-dev/plinth/internal/gitops/render"
	"github.com/plinth-dev/plinth/internal/gitops/source"
	"github.com/plinth-dev/plinth/internal/testutil/synth"
	"github.com/plinth-dev/plinth/schemas"
)

// TestSharedCacheGivesUncachedResult: two states rendered with one Cache
// (a history report: parsed files, nested native builds, chart templates
// and renderings shared) give exactly the objects and problems each state
// gives alone, in both layouts, the second state changing a few services;
// rendering the first state again through the filled cache too (shared
// values are never modified by a later build).
func TestSharedCacheGivesUncachedResult(t *testing.T) {
	dir := t.TempDir()
	const n = 40
	if err := synth.Write(filepath.Join(dir, "one"), n); err != nil {
		t.Fatal(err)
	}
	if err := synth.Write(filepath.Join(dir, "two"), n); err != nil {
		t.Fatal(err)
	}
	for _, i := range []int{1, 21} {
		file := filepath.Join(dir, "two", fmt.Sprintf("services-team%03d.cue", i/synth.ServicesPerTeam))
		bump(t, file, fmt.Sprintf("synth.azurecr.io/svc%04d:1.%d.0", i, i%7), fmt.Sprintf("synth.azurecr.io/svc%04d:9.9.9", i))
	}
	for _, flavor := range []string{generator.FlavorKustomize, generator.FlavorHelm} {
		t.Run(flavor, func(t *testing.T) {
			var snaps []*source.Snapshot
			for _, state := range []string{"one", "two"} {
				m, err := schemas.Load(filepath.Join(dir, state))
				if err != nil {
					t.Fatal(err)
				}
				out, err := generator.Generate(m, generator.Options{Flavor: flavor})
				if err != nil {
					t.Fatal(err)
				}
				snaps = append(snaps, source.FromFiles(state, out.Files))
			}
			alone := []*render.Result{render.Render(snaps[0], render.Options{}), render.Render(snaps[1], render.Options{})}
			if reflect.DeepEqual(alone[0].Objects, alone[1].Objects) {
				t.Fatal("the second state renders the same objects: the test changes nothing")
			}
			cache := render.NewCache()
			for i, s := range []int{1, 0, 1} {
				got := render.Render(snaps[s], render.Options{Cache: cache})
				if !reflect.DeepEqual(got.Objects, alone[s].Objects) {
					t.Errorf("render %d (state %d) through the shared cache: objects differ from the state rendered alone", i, s)
				}
				if !reflect.DeepEqual(got.Problems, alone[s].Problems) {
					t.Errorf("render %d (state %d) through the shared cache: problems %v, alone %v", i, s, got.Problems, alone[s].Problems)
				}
			}
		})
	}
}

// TestSharedCacheNestedBuilds: a nested kustomization whose objects its
// parents change in place (namespace) after its build was cached: the cached
// objects stay as built for a kustomization of the next state that uses
// them unchanged.
func TestSharedCacheNestedBuilds(t *testing.T) {
	const kustomization = "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
	state := func(second bool) map[string][]byte {
		files := map[string][]byte{
			"apps/base/kustomization.yaml": []byte(kustomization + "resources:\n- deployment.yaml\npatches:\n- path: p.yaml\n  target: {kind: Deployment, name: web}\n"),
			"apps/base/deployment.yaml":    []byte("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 1\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n      - name: web\n        image: example.com/web:1.0.0\n"),
			"apps/base/p.yaml":             []byte("- op: replace\n  path: /spec/replicas\n  value: 2\n"),
			"apps/dev/kustomization.yaml":  []byte(kustomization + "namespace: dev\nresources:\n- ../base\n"),
			"apps/prod/kustomization.yaml": []byte(kustomization + "namespace: prod\nresources:\n- ../base\n"),
		}
		if second {
			files["apps/plain/kustomization.yaml"] = []byte(kustomization + "resources:\n- ../base\n")
		}
		return files
	}
	snaps := []*source.Snapshot{source.FromFiles("one", state(false)), source.FromFiles("two", state(true))}
	alone := []*render.Result{render.Render(snaps[0], render.Options{}), render.Render(snaps[1], render.Options{})}
	if len(alone[1].Objects) != 3 {
		t.Fatalf("%d objects rendered, want 3", len(alone[1].Objects))
	}
	if !render.NativeComparer(snaps[1])(t, "apps/plain") {
		t.Fatal("the native build leaves apps/plain to kustomize: the test covers nothing")
	}
	cache := render.NewCache()
	for i, s := range []int{0, 1, 0, 1} {
		got := render.Render(snaps[s], render.Options{Cache: cache})
		if !reflect.DeepEqual(got.Objects, alone[s].Objects) {
			t.Errorf("render %d (state %d) through the shared cache: objects differ from the state rendered alone", i, s)
		}
	}
}

func bump(t *testing.T, file, old, repl string) {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(data, []byte(old)) {
		t.Fatalf("%s: no %s", file, old)
	}
	if err := os.WriteFile(file, []byte(strings.Replace(string(data), old, repl, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
}
