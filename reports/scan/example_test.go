package scan_test

import (
	"path/filepath"
	"testing"

	"github.com/plinth-dev/plinth/generator"
	"github.com/plinth-dev/plinth/reports"
	"github.com/plinth-dev/plinth/reports/scan"
	"github.com/plinth-dev/plinth/reports/source"
	"github.com/plinth-dev/plinth/schemas"
)

// plinth's own output for the init example passes every control in the
// production cluster, for both engines and both layouts. (Test-only import
// of the generator: the reports packages never import it.)
func TestExampleProductionHasNoFailingControl(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "platform")
	if err := schemas.WriteExample(dir); err != nil {
		t.Fatal(err)
	}
	m, err := schemas.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, engine := range []string{generator.EngineFlux, generator.EngineArgoCD} {
		for _, flavor := range []string{generator.FlavorKustomize, generator.FlavorHelm} {
			t.Run(engine+"-"+flavor, func(t *testing.T) {
				out, err := generator.Generate(m, generator.Options{Engine: engine, Flavor: flavor})
				if err != nil {
					t.Fatal(err)
				}
				r := scan.Evaluate(source.FromFiles("example", out.Files), reportDate)
				prodWorkloads := 0
				for _, f := range r.Findings {
					if f.Cluster != "prod" {
						continue
					}
					if f.Status == reports.StatusFail {
						t.Errorf("prod: %s %s:%d %s %s", f.Control, f.File, f.Line, f.Object, f.Message)
					}
					if f.Control == "PLN-SEC-007" && f.Status == reports.StatusPass {
						prodWorkloads++
					}
				}
				if prodWorkloads < 5 {
					t.Errorf("only %d prod workloads evaluated; discovery missed the apps", prodWorkloads)
				}
				for _, c := range r.Controls {
					if c.Scopes["prod"] == reports.StatusFail {
						t.Errorf("control %s fails in prod", c.ID)
					}
				}
			})
		}
	}
}
