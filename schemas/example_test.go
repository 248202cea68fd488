package schemas_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/plinth-dev/plinth/internal/testutil/golden"

	"github.com/plinth-dev/plinth/schemas"
)

func TestExampleValidAndCompliant(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "platform")
	if err := schemas.WriteExample(dir); err != nil {
		t.Fatal(err)
	}
	m, err := schemas.Load(dir)
	if err != nil {
		t.Fatalf("example is invalid:\n%v", err)
	}
	kinds := map[string]bool{}
	for _, env := range m.Environments {
		for _, w := range env.Workloads {
			kinds[w.Blueprint] = true
			if env.Tier != "production" || w.Kind != "Deployment" {
				continue
			}
			if w.Replicas < 2 || !w.PDB || !w.ZoneSpread {
				t.Errorf("prod workload %s: replicas=%d pdb=%v spread=%v", w.Name, w.Replicas, w.PDB, w.ZoneSpread)
			}
		}
		if env.Tier == "production" && env.Backup == nil {
			t.Errorf("prod environment %s has no backup", env.Name)
		}
	}
	for _, k := range []string{"web", "worker", "cron"} {
		if !kinds[k] {
			t.Errorf("example has no %s service", k)
		}
	}
}

func TestWriteExampleRefusesNonEmptyDir(t *testing.T) {
	dir := t.TempDir()
	keep := filepath.Join(dir, "keep.txt")
	if err := os.WriteFile(keep, []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := schemas.WriteExample(dir); err == nil {
		t.Fatal("WriteExample wrote into a non-empty directory")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("WriteExample changed the directory: %d entries", len(entries))
	}
}

// TestInitGolden compares the files plinth init writes with testdata/init.
func TestInitGolden(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "platform")
	if err := schemas.WriteExample(dir); err != nil {
		t.Fatal(err)
	}
	goldenDir := filepath.Join("..", "testdata", "init")
	got, _ := filepath.Glob(filepath.Join(dir, "*"))
	if golden.Update() {
		if err := os.RemoveAll(goldenDir); err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(goldenDir, 0o755); err != nil {
			t.Fatal(err)
		}
		for _, f := range got {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(goldenDir, filepath.Base(f)), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	want, _ := filepath.Glob(filepath.Join(goldenDir, "*"))
	if len(got) != len(want) {
		t.Fatalf("init wrote %d files, goldenDir has %d (run go test ./schemas -run TestInitGolden -update)", len(got), len(want))
	}
	for _, f := range want {
		w, _ := os.ReadFile(f)
		g, err := os.ReadFile(filepath.Join(dir, filepath.Base(f)))
		if err != nil {
			t.Errorf("init did not write %s", filepath.Base(f))
			continue
		}
		if string(g) != string(w) {
			t.Errorf("%s differs from goldenDir %s", filepath.Base(f), f)
		}
	}
	// The goldenDir copy is itself a valid platform.
	if _, err := schemas.Load(goldenDir); err != nil {
		t.Errorf("testdata/init does not validate:\n%v", err)
	}
}
