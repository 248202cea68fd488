package generator

import (
	"path/filepath"
	"testing"

	"github.com/plinth-dev/plinth/generator/internal/tree"
	"github.com/plinth-dev/plinth/internal/testutil/synth"
	"github.com/plinth-dev/plinth/schemas"
)

// TestYAMLWrittenLikeSigs: every YAML file of the output of the examples
// and of a synthetic platform, for every engine and flavor, is what
// sigs.k8s.io/yaml.Marshal writes (the tree's direct YAML writer is
// checked against it on every value: tree.CrossCheck), and the values
// it cannot write directly are few.
func TestYAMLWrittenLikeSigs(t *testing.T) {
	dir := t.TempDir()
	if err := synth.Write(dir, 40); err != nil {
		t.Fatal(err)
	}
	models := map[string]*schemas.Model{"example": loadExample(t), "synthetic": load(t, dir)}
	for _, p := range []string{"schemas/examples/multicloud", "testdata/platforms/escape"} {
		models[filepath.Base(p)] = load(t, filepath.Join("..", filepath.FromSlash(p)))
	}
	full := testFullCheck
	testFullCheck = false // the YAML is the subject here
	defer func() { testFullCheck = full }()
	for name, m := range models {
		for _, c := range combos {
			t.Run(name+"/"+c.engine+"-"+c.flavor, func(t *testing.T) {
				var counts tree.Checked
				defer tree.CrossCheck(&counts)()
				generate(t, m, Options{Engine: c.engine, Flavor: c.flavor})
				direct, fallback := counts.Direct.Load(), counts.Fallback.Load()
				t.Logf("%d values written directly, %d by sigs.k8s.io/yaml", direct, fallback)
				if direct == 0 || fallback*20 > direct {
					t.Errorf("%d values written directly, %d by sigs.k8s.io/yaml: want at least 95 %% direct", direct, fallback)
				}
			})
		}
	}
}

func load(t *testing.T, dir string) *schemas.Model {
	t.Helper()
	m, err := schemas.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	return m
}
