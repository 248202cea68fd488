package scan_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/plinth-dev/plinth/generator"
	"github.com/plinth-dev/plinth/internal/gitops/source"
	"github.com/plinth-dev/plinth/internal/testutil/gittest"
	"github.com/plinth-dev/plinth/reports"
	"github.com/plinth-dev/plinth/reports/scan"
	"github.com/plinth-dev/plinth/schemas"
)

// plinth's own output for the init example passes every control in the
// production cluster, for both engines and both layouts. (Test-only import
// of the generator: the reports packages never import it.)
func TestExampleProductionHasNoFailingControl(t *testing.T) {
	m := exampleModel(t)
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

// TestRunClusters: --cluster keeps the findings and scores of the named
// clusters (and of the repository as a whole), also for the compared state.
func TestRunClusters(t *testing.T) {
	m := exampleModel(t)
	out, err := generator.Generate(m, generator.Options{})
	if err != nil {
		t.Fatal(err)
	}
	repo := gittest.New(t)
	for p, data := range out.Files {
		repo.Write(p, data)
	}
	repo.Commit("generated", gittest.Date(2026, 10, 1))
	repo.Write("clusters/nonprod/kustomization.yaml", append(out.Files["clusters/nonprod/kustomization.yaml"], "- extra.yaml\n"...))
	repo.Write("clusters/nonprod/extra.yaml", []byte("apiVersion: v1\nkind: Pod\nmetadata: {name: bare, namespace: default}\nspec:\n  containers: [{name: c, image: nginx}]\n"))
	repo.Commit("a pod in nonprod", gittest.Date(2026, 10, 2))

	all, err := scan.Run(context.Background(), scan.Options{Repo: repo.Dir, Since: "HEAD~1", Date: reportDate})
	if err != nil {
		t.Fatal(err)
	}
	prod, err := scan.Run(context.Background(), scan.Options{Repo: repo.Dir, Since: "HEAD~1", Date: reportDate, Clusters: []string{"prod"}})
	if err != nil {
		t.Fatal(err)
	}
	if all.Summary.Failed == 0 || len(all.Changes.New) == 0 {
		t.Fatalf("the whole repository should fail in nonprod: %+v, %d new", all.Summary, len(all.Changes.New))
	}
	if prod.Summary.Failed != 0 || len(prod.Changes.New) != 0 || prod.Base.Summary.Failed != 0 {
		t.Errorf("prod only: %d failed, %d new, base %d failed", prod.Summary.Failed, len(prod.Changes.New), prod.Base.Summary.Failed)
	}
	for _, f := range prod.Findings {
		if f.Cluster != "" && f.Cluster != "prod" {
			t.Fatalf("finding of cluster %s in a prod-only report", f.Cluster)
		}
	}
	if strings.Join(prod.Scopes, ",") != "prod" || len(prod.Controls) != len(reports.Catalog()) {
		t.Errorf("scopes %v, %d controls", prod.Scopes, len(prod.Controls))
	}
	_, err = scan.Run(context.Background(), scan.Options{Repo: repo.Dir, Date: reportDate, Clusters: []string{"prod", "nope"}})
	if err == nil || !strings.Contains(err.Error(), "has no clusters/nope/ (it has nonprod, prod)") {
		t.Errorf("unknown cluster: %v", err)
	}
}

// exampleModel loads the init example platform.
func exampleModel(t *testing.T) *schemas.Model {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "platform")
	if err := schemas.WriteExample(dir); err != nil {
		t.Fatal(err)
	}
	m, err := schemas.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	return m
}
