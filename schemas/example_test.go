package schemas_test

import (
	"os"
	"path/filepath"
	"testing"

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
