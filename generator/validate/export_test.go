package validate

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

func TestExportStandalone(t *testing.T) {
	dir := t.TempDir()
	n, err := ExportStandalone("1.34", dir)
	if err != nil {
		t.Fatal(err)
	}
	if n < 100 {
		t.Fatalf("exported %d schemas, want the built-in and CRD kinds", n)
	}
	tests := []struct {
		file, src string
		valid     bool
	}{
		{"apps/deployment_v1.json", deployment, true},
		{"apps/deployment_v1.json", strings.Replace(deployment, "imagePullPolicy:", "pullPolicy:", 1), false},
		{"velero.io/schedule_v1.json", schedule, true},
		{"source.toolkit.fluxcd.io/gitrepository_v1.json", strings.Replace(gitRepository, "namespace: flux-system", "namespace: flux-system, labelz: {}", 1), false},
	}
	for _, tc := range tests {
		p := filepath.Join(dir, tc.file)
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := jsonschema.UnmarshalJSON(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		c := jsonschema.NewCompiler()
		c.DefaultDraft(jsonschema.Draft4) // as kubeconform does: the files name their draft
		if err := c.AddResource(p, doc); err != nil {
			t.Fatal(err)
		}
		s, err := c.Compile(p)
		if err != nil {
			t.Fatalf("%s: %v", tc.file, err)
		}
		err = s.Validate(any(obj(t, tc.src)))
		if (err == nil) != tc.valid {
			t.Errorf("%s: valid=%v, got %v", tc.file, tc.valid, err)
		}
	}
}
