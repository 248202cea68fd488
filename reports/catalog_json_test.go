package reports

import (
	"bytes"
	"os"
	"reflect"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/plinth-dev/plinth/internal/testutil/golden"
)

// TestCatalogJSON keeps catalog.json the JSON of catalog.yaml, where the
// catalog is written (-update writes it), and the catalog
// read from it the one read from the YAML as before: strictly (unknown
// fields and repeated keys are errors), then checked.
func TestCatalogJSON(t *testing.T) {
	src, err := os.ReadFile("catalog.yaml")
	if err != nil {
		t.Fatal(err)
	}
	data, err := yaml.YAMLToJSON(src)
	if err != nil {
		t.Fatal(err)
	}
	data = append(data, '\n')
	if golden.Update() {
		if err := os.WriteFile("catalog.json", data, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if !bytes.Equal(data, catalogJSON) {
		t.Fatal("catalog.json is not catalog.yaml: run go test ./reports -run TestCatalogJSON -update")
	}
	var doc catalogDoc
	if err := yaml.UnmarshalStrict(src, &doc); err != nil {
		t.Fatal(err)
	}
	c1, t1, x1, err1 := checkCatalog(doc)
	c2, t2, x2, err2 := parseCatalog(catalogJSON)
	if err1 != nil || err2 != nil {
		t.Fatalf("errors: %v, %v", err1, err2)
	}
	if !reflect.DeepEqual(c1, c2) || !reflect.DeepEqual(t1, t2) || !reflect.DeepEqual(x1, x2) || len(c1) < 50 {
		t.Fatalf("catalog.json reads as %d controls, catalog.yaml as %d", len(c2), len(c1))
	}
}
