package scan_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/plinth-dev/plinth/generator"
	"github.com/plinth-dev/plinth/internal/gitops/source"
	"github.com/plinth-dev/plinth/reports"
	"github.com/plinth-dev/plinth/reports/scan"
	"github.com/plinth-dev/plinth/schemas"
)

// privilegedPatch makes the api container of the escape platform
// privileged in prod through the escape hatch.
const privilegedPatch = `
services: api: overrides: prod: patches: [{
	target: kind: "Deployment"
	strategicMerge: spec: template: spec: containers: [{name: "api", securityContext: privileged: true}]
}]
`

// TestEscapePatchIsJudged: a patch of the escape hatch that makes a
// container privileged fails PLN-SEC-006 in the report, for both engines
// and layouts, at the file and line of the generated output that carries
// privileged: true; dev, which the patch does not touch, passes.
func TestEscapePatchIsJudged(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("..", "..", "testdata", "platforms", "escape", "platform.cue"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "platform.cue"), append(src, privilegedPatch...), 0o644); err != nil {
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
				r := scan.Evaluate(source.FromFiles("escape", out.Files), reportDate)
				status := map[string]string{}
				for _, f := range r.Findings {
					if f.Control != "PLN-SEC-006" || f.Object != "Deployment/api" {
						continue
					}
					ns := f.Namespace
					status[ns] = f.Status
					if f.Status != reports.StatusFail {
						continue
					}
					lines := strings.Split(string(out.Files[f.File]), "\n")
					if f.Line < 1 || f.Line > len(lines) {
						t.Fatalf("%s: PLN-SEC-006 at %s:%d, outside the file", ns, f.File, f.Line)
					}
					if flavor == generator.FlavorKustomize && !strings.Contains(lines[f.Line-1], "privileged: true") {
						t.Errorf("%s: PLN-SEC-006 at %s:%d %q, want the line of privileged: true", ns, f.File, f.Line, lines[f.Line-1])
					}
					t.Logf("%s: %s:%d %s", ns, f.File, f.Line, f.Message)
				}
				if status["shop-prod"] != reports.StatusFail || status["shop-dev"] != reports.StatusPass {
					t.Errorf("PLN-SEC-006 of Deployment/api: %v, want shop-prod fail and shop-dev pass", status)
				}
			})
		}
	}
}
