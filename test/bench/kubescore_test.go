package bench

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/plinth-dev/plinth/generator"
	"github.com/plinth-dev/plinth/internal/gitops/source"
	"github.com/plinth-dev/plinth/schemas"
	"github.com/plinth-dev/plinth/test/conformance"
)

// TestKubeScoreProduction renders what the clusters of the init example's
// production environments deploy (both flavors) and runs the kube-score
// linter on it: no check may be CRITICAL.
func TestKubeScoreProduction(t *testing.T) {
	kubeScore, err := Tool("kube-score")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("kube-score missing in CI: %v", err)
		}
		t.Skipf("skipping: %v", err)
	}
	dir := filepath.Join(t.TempDir(), "platform")
	if err := schemas.WriteExample(dir); err != nil {
		t.Fatal(err)
	}
	m, err := schemas.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	prod := map[string]bool{}
	for _, e := range m.Environments {
		if e.Tier == "production" {
			prod[e.Cluster] = true
		}
	}
	if len(prod) == 0 {
		t.Fatal("the example has no production environment")
	}
	for _, flavor := range []string{generator.FlavorKustomize, generator.FlavorHelm} {
		t.Run(flavor, func(t *testing.T) {
			out, err := generator.Generate(m, generator.Options{Flavor: flavor})
			if err != nil {
				t.Fatal(err)
			}
			snap := source.FromFiles("fleet", out.Files)
			for _, c := range m.Clusters {
				if !prod[c.Name] {
					continue
				}
				r, err := conformance.Render(snap, "clusters", c.Name)
				if err != nil {
					t.Fatal(err)
				}
				var b bytes.Buffer
				n := 0
				for _, o := range r.Objects {
					if strings.Contains(o.Value.GetAPIVersion(), ".") && !strings.HasSuffix(o.Value.GroupVersionKind().Group, ".k8s.io") {
						continue // custom resources: kube-score has no checks for them
					}
					y, err := yaml.Marshal(o.Value.Object)
					if err != nil {
						t.Fatal(err)
					}
					b.WriteString("---\n")
					b.Write(y)
					n++
				}
				file := filepath.Join(t.TempDir(), c.Name+".yaml")
				if err := os.WriteFile(file, b.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				cmd := exec.Command(kubeScore, "score", "--output-format", "ci", file)
				res, err := cmd.Output()
				if err != nil && len(res) == 0 {
					t.Fatalf("kube-score: %v", err)
				}
				oks := 0
				for _, line := range strings.Split(string(res), "\n") {
					if strings.HasPrefix(line, "[CRITICAL]") {
						t.Errorf("cluster %s: %s", c.Name, line)
					}
					if strings.HasPrefix(line, "[OK]") {
						oks++
					}
				}
				if oks < n {
					t.Errorf("cluster %s: kube-score passed %d checks on %d objects: did it read them?\n%s", c.Name, oks, n, res)
				}
			}
		})
	}
}
