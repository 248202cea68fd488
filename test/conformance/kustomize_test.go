package conformance

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/plinth-dev/plinth/internal/testutil/snapshot"

	"sigs.k8s.io/yaml"

	"github.com/plinth-dev/plinth/generator"
	"github.com/plinth-dev/plinth/internal/gitops/render"
	"github.com/plinth-dev/plinth/schemas"
	"github.com/plinth-dev/plinth/test/bench"
)

// kustomizeCLI finds the standalone kustomize (installed by
// .ci/steps.d/tools.sh): required in CI, the test is skipped elsewhere.
func kustomizeCLI(t *testing.T) string {
	t.Helper()
	bin, err := bench.Tool("kustomize")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("the render oracle needs the kustomize CLI in CI: %v", err)
		}
		t.Skipf("skipping the comparison with the kustomize CLI: %v", err)
	}
	return bin
}

// TestRenderMatchesKustomizeCLI checks internal/gitops/render against an
// oracle that shares none of its code: for every kustomization render builds
// for a cluster of plinth's kustomize output (both engines), `kustomize
// build` of the directory must give the same objects, value for value, and
// render must give nothing else but the Applications the ApplicationSet
// controller creates.
func TestRenderMatchesKustomizeCLI(t *testing.T) {
	bin := kustomizeCLI(t)
	platforms := map[string]string{
		"example":    platformDir(t, 0),
		"multicloud": filepath.Join("..", "..", "schemas", "examples", "multicloud"),
	}
	for _, name := range []string{"example", "multicloud"} {
		m, err := schemas.Load(platforms[name])
		if err != nil {
			t.Fatalf("%s: load: %v", name, err)
		}
		for _, engine := range []string{"flux", "argocd"} {
			t.Run(name+"/"+engine, func(t *testing.T) {
				out, err := generator.Generate(m, generator.Options{Engine: engine, Flavor: "kustomize"})
				if err != nil {
					t.Fatalf("generate: %v", err)
				}
				repo := filepath.Join(t.TempDir(), "fleet")
				if err := generator.Write(out, repo); err != nil {
					t.Fatalf("write: %v", err)
				}
				snap := snapshot.Dir(t, repo)
				for _, c := range m.Clusters {
					compareWithCLI(t, bin, repo, c.Name, render.Render(snap, render.Options{Clusters: []string{c.Name}}))
				}
			})
		}
	}
}

func compareWithCLI(t *testing.T, bin, repo, cluster string, res *render.Result) {
	t.Helper()
	for _, p := range res.Problems {
		if !p.NotEvaluated {
			t.Errorf("cluster %s: %s:%d: %s", cluster, p.File, p.Line, p.Message)
		}
	}
	want := map[string]string{} // kustomize CLI: identity -> JSON
	builds := 0
	for _, s := range res.Sources {
		if s.Kind != "kustomization" {
			continue
		}
		builds++
		objs, err := kustomizeBuild(bin, filepath.Join(repo, filepath.FromSlash(s.Path)))
		if err != nil {
			t.Fatalf("cluster %s: %v", cluster, err)
		}
		for _, o := range objs {
			k, v := identity(o), canonical(t, o)
			if prev, ok := want[k]; ok && prev != v {
				t.Errorf("cluster %s: %s: two builds give different objects", cluster, k)
			}
			want[k] = v
		}
	}
	if builds == 0 || len(want) == 0 {
		t.Fatalf("cluster %s: render built no kustomization (%d sources)", cluster, len(res.Sources))
	}
	appsets := map[string]bool{}
	for _, o := range res.Objects {
		if o.Kind == "ApplicationSet" {
			appsets[fmt.Sprintf("%s:%d", o.File, o.Line)] = true
		}
	}
	got := map[string]bool{}
	for _, o := range res.Objects {
		k := identity(o.Value)
		got[k] = true
		w, ok := want[k]
		switch {
		case !ok && o.Kind == "Application" && appsets[fmt.Sprintf("%s:%d", o.File, o.Line)]:
			// Created by the ApplicationSet controller, not built.
		case !ok:
			t.Errorf("cluster %s: render gives %s (%s:%d), no kustomize build does", cluster, k, o.File, o.Line)
		case canonical(t, o.Value) != w:
			t.Errorf("cluster %s: %s differs from kustomize build:\nrender:    %s\nkustomize: %s", cluster, k, canonical(t, o.Value), w)
		}
	}
	var missing []string
	for k := range want {
		if !got[k] {
			missing = append(missing, k)
		}
	}
	sort.Strings(missing)
	for _, k := range missing {
		t.Errorf("cluster %s: kustomize builds %s, render does not give it", cluster, k)
	}
	t.Logf("cluster %s: %d kustomize builds, %d objects agree", cluster, builds, len(want))
}

// kustomizeBuild runs `kustomize build dir` and returns its objects.
func kustomizeBuild(bin, dir string) ([]map[string]any, error) {
	cmd := exec.Command(bin, "build", dir)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("kustomize build %s: %v: %s", dir, err, strings.TrimSpace(stderr.String()))
	}
	var out []map[string]any
	for _, doc := range strings.Split(stdout.String(), "\n---\n") {
		var m map[string]any
		if err := yaml.Unmarshal([]byte(doc), &m); err != nil {
			return nil, fmt.Errorf("kustomize build %s: output: %w", dir, err)
		}
		if len(m) > 0 {
			out = append(out, m)
		}
	}
	return out, nil
}

// identity is apiVersion, kind, namespace and name, as the object says.
func identity(v map[string]any) string {
	s := func(path ...string) string {
		var cur any = v
		for _, p := range path {
			m, _ := cur.(map[string]any)
			cur = m[p]
		}
		str, _ := cur.(string)
		return str
	}
	return fmt.Sprintf("%s %s %s/%s", s("apiVersion"), s("kind"), s("metadata", "namespace"), s("metadata", "name"))
}

// canonical is the JSON form of a value, whichever YAML decoder made it.
func canonical(t *testing.T, v map[string]any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var norm any
	if err := json.Unmarshal(b, &norm); err != nil {
		t.Fatal(err)
	}
	b, err = json.Marshal(norm)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
