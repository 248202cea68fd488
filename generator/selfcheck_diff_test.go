package generator

import (
	"encoding/json"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/plinth-dev/plinth/generator/internal/tree"
	"github.com/plinth-dev/plinth/generator/internal/verify"
	"github.com/plinth-dev/plinth/internal/gitops/render"
	"github.com/plinth-dev/plinth/internal/gitops/source"
	"github.com/plinth-dev/plinth/internal/testutil/synth"
	"github.com/plinth-dev/plinth/schemas"
)

// TestMain runs every Generate of the package's tests with the full
// self-check: kustomize and the Helm SDK must agree with the emulation on
// everything the tests generate. Every YAML file written directly is
// compared with what sigs.k8s.io/yaml writes.
func TestMain(m *testing.M) {
	testFullCheck = true
	tree.CrossCheck(&tree.Checked{})
	os.Exit(m.Run())
}

// TestSelfCheckRendersLikeTheTools: the emulation the self-check uses by
// default (internal/gitops/render) and the tools of the full check
// (kustomize, the Helm SDK) give the same objects for every kustomization
// directory and every values file of the output, for every engine and
// flavor, on the example, the multicloud example (providers mixed through
// overrides) and a synthetic platform. It compares the builds with each
// other, not with what the generator meant.
func TestSelfCheckRendersLikeTheTools(t *testing.T) {
	sm := synth.Load(t, 25)
	mc, err := schemas.Load(filepath.Join("..", "schemas", "examples", "multicloud"))
	if err != nil {
		t.Fatal(err)
	}
	esc, err := schemas.Load(filepath.Join("..", "testdata", "platforms", "escape"))
	if err != nil {
		t.Fatal(err)
	}
	models := map[string]*schemas.Model{"example": loadExample(t), "multicloud": mc, "synthetic": sm, "escape": esc}
	for name, m := range models {
		for _, c := range combos {
			t.Run(name+"/"+c.engine+"-"+c.flavor, func(t *testing.T) {
				out := generate(t, m, Options{Engine: c.engine, Flavor: c.flavor})
				b := render.NewBuilder(source.FromFiles("generated", out.Files))
				v := verify.New(out.Files)
				defer v.Close()
				var roots, values int
				for _, p := range sortedPaths(out) {
					switch {
					case path.Base(p) == "kustomization.yaml":
						roots++
						d := path.Dir(p)
						emulated, err := b.Kustomization(d)
						if err != nil {
							t.Fatalf("%s: render: %v", d, err)
						}
						built, err := v.Kustomize(d, []string{""})
						if err != nil {
							t.Fatalf("%s: %v", d, err)
						}
						sameObjects(t, d, emulated, built)
					case strings.Contains(p, "/values/"):
						values++
						release := strings.TrimSuffix(path.Base(p), ".yaml")
						ns := strings.Split(p, "/")[2] + "-" + strings.Split(p, "/")[1] // apps/<env>/<team>/values/
						var vals map[string]any
						if err := yaml.Unmarshal(out.Files[p], &vals); err != nil {
							t.Fatal(err)
						}
						chart := "charts/service"
						if _, ok := vals["objects"]; ok {
							chart = "charts/objects" // the escape hatch
						}
						emulated, err := b.Chart(chart, vals, release, ns)
						if err != nil {
							t.Fatalf("%s: render: %v", p, err)
						}
						built, err := v.Chart(chart, p, release, ns, "1.34")
						if err != nil {
							t.Fatalf("%s: %v", p, err)
						}
						sameObjects(t, p, emulated, built)
					}
				}
				if roots == 0 || c.flavor == FlavorHelm && values == 0 {
					t.Fatalf("%d kustomizations, %d values files compared", roots, values)
				}
			})
		}
	}
}

// sortedPaths lists the output's paths, sorted.
func sortedPaths(out *Output) []string {
	var ps []string
	for p := range out.Files {
		ps = append(ps, p)
	}
	slices.Sort(ps)
	return ps
}

// sameObjects fails t unless both builds hold the same objects (as JSON,
// in any order).
func sameObjects(t *testing.T, where string, emulated []render.Object, built []map[string]any) {
	t.Helper()
	canon := func(v map[string]any) string {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	var a, b []string
	for _, o := range emulated {
		a = append(a, canon(o.Value))
	}
	for _, o := range built {
		b = append(b, canon(o))
	}
	slices.Sort(a)
	slices.Sort(b)
	if len(a) == 0 || !slices.Equal(a, b) {
		t.Errorf("%s: the emulation gives %d objects, the tools %d, not the same:\nemulation: %s\ntools:     %s", where, len(a), len(b), a, b)
	}
}

// TestDefaultCheckSameOutput: generate as the command runs it by default
// (the emulation only) accepts what the full check accepts and writes the
// same bytes, for every engine and flavor.
func TestDefaultCheckSameOutput(t *testing.T) {
	m := loadExample(t)
	for _, c := range combos {
		t.Run(c.engine+"-"+c.flavor, func(t *testing.T) {
			full := dump(generate(t, m, Options{Engine: c.engine, Flavor: c.flavor, FullCheck: true}))
			testFullCheck = false
			defer func() { testFullCheck = true }()
			def := dump(generate(t, m, Options{Engine: c.engine, Flavor: c.flavor}))
			if len(def) == 0 || string(def) != string(full) {
				t.Errorf("the default check gives %d bytes, the full check %d, not the same", len(def), len(full))
			}
		})
	}
}
