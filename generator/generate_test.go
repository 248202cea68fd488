package generator

import (
	"testing"

	"github.com/plinth-dev/plinth/schemas"
)

// loadExample loads the embedded `plinth init` example platform.
func loadExample(t testing.TB) *schemas.Model {
	t.Helper()
	dir := t.TempDir()
	if err := schemas.WriteExample(dir); err != nil {
		t.Fatal(err)
	}
	m, err := schemas.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestGenerateExample(t *testing.T) {
	m := loadExample(t)
	for _, tc := range []struct{ engine, flavor string }{
		{EngineFlux, FlavorKustomize},
		{EngineArgoCD, FlavorKustomize},
		{EngineFlux, FlavorHelm},
		{EngineArgoCD, FlavorHelm},
	} {
		t.Run(tc.engine+"-"+tc.flavor, func(t *testing.T) {
			out, err := Generate(m, Options{Engine: tc.engine, Flavor: tc.flavor})
			if err != nil {
				t.Fatal(err)
			}
			if len(out.Files) == 0 {
				t.Fatal("no files")
			}
		})
	}
}
