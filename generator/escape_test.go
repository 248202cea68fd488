package generator

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/plinth-dev/plinth/internal/gitops/render"
	"github.com/plinth-dev/plinth/internal/gitops/source"
	"github.com/plinth-dev/plinth/schemas"
)

// escapeObjects are the objects a cluster deploys in the team namespaces
// of the escape platform, by namespace and ID, as the render emulation
// follows the engine's entries (what Flux or Argo CD would apply).
func escapeObjects(t *testing.T, out *Output) map[string]map[string]any {
	t.Helper()
	res := render.Render(source.FromFiles("generated", out.Files), render.Options{})
	for _, p := range res.Problems {
		if p.Reason == render.ReasonRemoteChart {
			continue // the addons' charts are not fetched
		}
		t.Errorf("render: %s:%d: %s", p.File, p.Line, p.Message)
	}
	objs := map[string]map[string]any{}
	for _, o := range res.Objects {
		if strings.HasPrefix(o.Namespace, "shop-") && o.Kind != "Namespace" && o.Kind != "HelmRelease" {
			objs[o.Namespace+"/"+o.ID()] = o.Value
		}
	}
	return objs
}

// TestEscapeHatch generates testdata/platforms/escape in every engine and
// flavor: the patches of the service, of its dev override and of the dev
// environment are applied, the extra objects deployed in the service's
// namespace, and what each engine deploys is the same objects.
func TestEscapeHatch(t *testing.T) {
	m, err := schemas.Load(filepath.Join("..", "testdata", "platforms", "escape"))
	if err != nil {
		t.Fatal(err)
	}
	var first map[string]map[string]any
	for _, c := range combos {
		out := generate(t, m, Options{Engine: c.engine, Flavor: c.flavor})
		got := escapeObjects(t, out)
		if first == nil {
			first = got
			continue
		}
		for id, o := range first {
			a, _ := json.Marshal(o)
			b, _ := json.Marshal(got[id])
			if string(a) != string(b) {
				t.Errorf("%s-%s: %s differs from flux-kustomize's:\n%s\n%s", c.engine, c.flavor, id, b, a)
			}
		}
		for id := range got {
			if first[id] == nil {
				t.Errorf("%s-%s: %s is not deployed by flux-kustomize", c.engine, c.flavor, id)
			}
		}
		if len(got) != len(first) {
			t.Errorf("%s-%s: %d objects, flux-kustomize %d", c.engine, c.flavor, len(got), len(first))
		}
	}
	env := func(ns string) any {
		return dig(first[ns+"/Deployment/api"], "spec", "template", "spec", "containers")
	}
	tests := []struct {
		what string
		got  any
		want any
	}{
		{"prod env of api (service patch)", env("shop-prod"), "FEATURE_FLAGS=checkout-v2"},
		{"dev env of api (override patch)", env("shop-dev"), "FEATURE_FLAGS=checkout-v2,debug"},
		{"dev annotation of api (environment patch)", dig(first["shop-dev/Deployment/api"], "metadata", "annotations", "example.com/cost-center"), "dev"},
		{"dev annotation of worker (environment patch)", dig(first["shop-dev/Deployment/worker"], "metadata", "annotations", "example.com/cost-center"), "dev"},
		{"prod has no environment patch", dig(first["shop-prod/Deployment/api"], "metadata", "annotations", "example.com/cost-center"), nil},
		{"prod Service annotation (JSON patch)", dig(first["shop-prod/Service/api"], "metadata", "annotations", "example.com/scrape"), "true"},
		{"the dev override replaces the service's patches", dig(first["shop-dev/Service/api"], "metadata", "annotations"), nil},
		{"dev autoscaler max (JSON patch)", dig(first["shop-dev/HorizontalPodAutoscaler/api"], "spec", "maxReplicas"), "2"},
		{"prod autoscaler max", dig(first["shop-prod/HorizontalPodAutoscaler/api"], "spec", "maxReplicas"), "4"},
		{"dev ConfigMap", dig(first["shop-dev/ConfigMap/api-settings"], "metadata", "namespace"), "shop-dev"},
		{"prod Role", dig(first["shop-prod/Role/api-read-settings"], "metadata", "namespace"), "shop-prod"},
	}
	for _, tc := range tests {
		got := tc.got
		if cs, ok := got.([]any); ok {
			var env []string
			for _, c := range cs {
				for _, e := range c.(map[string]any)["env"].([]any) {
					em := e.(map[string]any)
					env = append(env, em["name"].(string)+"="+em["value"].(string))
				}
			}
			got = strings.Join(env, ",")
		}
		if fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("%s: got %v, want %v", tc.what, got, tc.want)
		}
	}
}

// TestEscapeErrors checks the errors only the generated objects can tell:
// each case of testdata/escape-invalid must fail to generate with located
// errors, one of the marked rule on each "// want <rule>" line.
func TestEscapeErrors(t *testing.T) {
	root := filepath.Join("testdata", "escape-invalid")
	entries, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	want := regexp.MustCompile(`// want ([a-z-]+)`)
	for _, e := range entries {
		dir := filepath.Join(root, e.Name())
		t.Run(e.Name(), func(t *testing.T) {
			m, err := schemas.Load(dir)
			if err != nil {
				t.Fatalf("the case must load: %v", err)
			}
			for _, c := range combos {
				_, err = Generate(m, Options{Engine: c.engine, Flavor: c.flavor})
				var errs schemas.Errors
				if !errors.As(err, &errs) {
					t.Fatalf("%s-%s: want located errors, got %v", c.engine, c.flavor, err)
				}
				src, err := os.ReadFile(filepath.Join(dir, "platform.cue"))
				if err != nil {
					t.Fatal(err)
				}
				marked := 0
				for i, line := range strings.Split(string(src), "\n") {
					mk := want.FindStringSubmatch(line)
					if mk == nil {
						continue
					}
					marked++
					found := false
					for _, e := range errs {
						found = found || e.Rule == mk[1] && e.Pos.Line == i+1 && e.Pos.File == "platform.cue"
					}
					if !found {
						t.Errorf("platform.cue:%d: want a %s error, got %v", i+1, mk[1], errs)
					}
				}
				if marked == 0 || len(errs) != marked {
					t.Errorf("%d errors for %d markers: %v", len(errs), marked, errs)
				}
			}
		})
	}
}
