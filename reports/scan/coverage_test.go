package scan_test

import (
	"bytes"
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/plinth-dev/plinth/internal/testutil/gittest"
	"github.com/plinth-dev/plinth/reports"
	"github.com/plinth-dev/plinth/reports/scan"
)

// sixDeployments is a kustomization of six privileged Deployments.
func sixDeployments() string {
	var b strings.Builder
	for i := range 6 {
		fmt.Fprintf(&b, `---
apiVersion: apps/v1
kind: Deployment
metadata: {name: app%d, namespace: shop}
spec:
  replicas: 1
  selector: {matchLabels: {app: app%d}}
  template:
    metadata: {labels: {app: app%d}}
    spec:
      containers:
        - name: app
          image: registry.example.com/app:1.0
          securityContext: {privileged: true}
`, i, i, i)
	}
	return b.String()
}

// TestLostCoverageIsNotFixed: the older state renders six objects with
// failures, the newer state's kustomization is broken. No finding is
// fixed: every failure of the older state is no longer evaluated, and the
// score does not jump to 100 %.
func TestLostCoverageIsNotFixed(t *testing.T) {
	repo := gittest.New(t)
	repo.Write("clusters/prod/kustomization.yaml", []byte("resources:\n  - ../../apps\n"))
	repo.Write("apps/kustomization.yaml", []byte("resources:\n  - deployments.yaml\n"))
	repo.Write("apps/deployments.yaml", []byte(sixDeployments()))
	older := repo.Commit("six apps", gittest.Date(2026, 9, 10))
	repo.Write("apps/kustomization.yaml", []byte("resources:\n  - deployments.yaml\n  - missing.yaml\n"))
	repo.Commit("break the kustomization", gittest.Date(2026, 10, 10))

	r, err := scan.Run(context.Background(), scan.Options{Repo: repo.Dir, Since: older, Date: reportDate})
	if err != nil {
		t.Fatal(err)
	}
	if r.Base == nil || r.Changes == nil {
		t.Fatalf("no base or changes: %+v", r.Base)
	}
	if got := r.Base.Coverage.Workloads; got != 6 {
		t.Errorf("older state: %d workloads evaluated, want 6", got)
	}
	var baseObjectFailures int
	objects := map[string]bool{}
	for _, f := range r.Changes.NoLongerEvaluated {
		if strings.HasPrefix(f.Object, "Deployment/") {
			baseObjectFailures++
			objects[f.Object] = true
		}
	}
	if len(r.Changes.Fixed) != 0 {
		t.Errorf("%d fixed, want 0: %+v", len(r.Changes.Fixed), r.Changes.Fixed)
	}
	if len(objects) != 6 || baseObjectFailures < 6 {
		t.Errorf("no longer evaluated: %d findings on %d objects, want every failure of the 6 objects: %v", baseObjectFailures, len(objects), objects)
	}
	if !hasChange(r.Changes.NoLongerEvaluated, "PLN-SEC-006", "Deployment/app3") {
		t.Errorf("PLN-SEC-006 on Deployment/app3 is not listed as no longer evaluated")
	}
	if r.Summary.Score == 100 || !r.Summary.Scored() && r.Summary.Score != 0 {
		t.Errorf("newer score %.1f (total %d): must not jump to 100 %%", r.Summary.Score, r.Summary.Total)
	}
	if r.Coverage.Workloads != 0 || r.Coverage.NotEvaluated == 0 || r.Coverage.Percent == 100 {
		t.Errorf("newer coverage %+v: want no workload and a source not evaluated", r.Coverage)
	}
	var renderErr *reports.NotEvaluated
	for i, s := range r.Coverage.Skipped {
		if s.Reason == reports.ReasonRenderError {
			renderErr = &r.Coverage.Skipped[i]
		}
	}
	if renderErr == nil || !strings.Contains(renderErr.Message, "missing.yaml") {
		t.Errorf("the broken kustomization is not a render error with its message: %+v", r.Coverage.Skipped)
	}
}

func TestDiff(t *testing.T) {
	fail := func(obj string) reports.Finding {
		return reports.Finding{Control: "PLN-SEC-006", Status: reports.StatusFail, Cluster: "prod", Namespace: "shop", Object: obj}
	}
	pass := func(control, obj string) reports.Finding {
		return reports.Finding{Control: control, Status: reports.StatusPass, Cluster: "prod", Namespace: "shop", Object: obj}
	}
	file := func(status, file string) reports.Finding {
		return reports.Finding{Control: "PLN-OPS-003", Status: status, Cluster: "prod", File: file, Message: "does not build"}
	}
	tests := []struct {
		name                  string
		base, head            []reports.Finding
		newN, fixed, noLonger int
	}{
		{"still failing", []reports.Finding{fail("Deployment/a")}, []reports.Finding{fail("Deployment/a")}, 0, 0, 0},
		{"passes now", []reports.Finding{fail("Deployment/a")}, []reports.Finding{pass("PLN-SEC-006", "Deployment/a")}, 0, 1, 0},
		{"evaluated by another control only", []reports.Finding{fail("Deployment/a")}, []reports.Finding{pass("PLN-SEC-007", "Deployment/a")}, 0, 1, 0},
		{"object gone", []reports.Finding{fail("Deployment/a")}, []reports.Finding{pass("PLN-SEC-006", "Deployment/b")}, 0, 0, 1},
		{"nothing rendered", []reports.Finding{fail("Deployment/a"), fail("Deployment/b")}, nil, 0, 0, 2},
		{"new failure", nil, []reports.Finding{fail("Deployment/a")}, 1, 0, 0},
		{"file renders now", []reports.Finding{file(reports.StatusFail, "apps/kustomization.yaml")}, []reports.Finding{file(reports.StatusPass, "apps/kustomization.yaml")}, 0, 1, 0},
		{"broken file removed", []reports.Finding{file(reports.StatusFail, "apps/kustomization.yaml")}, nil, 0, 0, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ch := scan.Diff(tc.base, tc.head)
			if len(ch.New) != tc.newN || len(ch.Fixed) != tc.fixed || len(ch.NoLongerEvaluated) != tc.noLonger {
				t.Errorf("new %d fixed %d no longer evaluated %d; want %d %d %d", len(ch.New), len(ch.Fixed), len(ch.NoLongerEvaluated), tc.newN, tc.fixed, tc.noLonger)
			}
		})
	}
}

// TestKustomizeWarningsCaptured: kustomize's deprecation warnings go into
// the report with the kustomization's file, not to the standard logger.
func TestKustomizeWarningsCaptured(t *testing.T) {
	var leaked bytes.Buffer
	prev := log.Writer()
	log.SetOutput(&leaked)
	defer log.SetOutput(prev)

	dir := t.TempDir()
	write := func(name, data string) {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("clusters/prod/kustomization.yaml", "bases:\n  - ../../apps\ncommonLabels:\n  team: shop\n")
	write("apps/kustomization.yaml", "resources:\n  - deployments.yaml\n")
	write("apps/deployments.yaml", sixDeployments())
	r, err := scan.Run(context.Background(), scan.Options{Repo: dir, Date: reportDate})
	if err != nil {
		t.Fatal(err)
	}
	if leaked.Len() > 0 {
		t.Errorf("kustomize logged to the standard logger: %q", leaked.String())
	}
	want := map[string]bool{"'bases' is deprecated": false, "'commonLabels' is deprecated": false}
	for _, w := range r.Warnings {
		for k := range want {
			if strings.Contains(w.Message, k) && w.File == "clusters/prod/kustomization.yaml" {
				want[k] = true
			}
		}
	}
	for k, ok := range want {
		if !ok {
			t.Errorf("no warning %q for clusters/prod/kustomization.yaml in %+v", k, r.Warnings)
		}
	}
	c := r.Coverage
	if c.Workloads != 6 || c.Objects != 6 || c.Rendered == 0 || c.NotEvaluated != 0 || c.Percent != 100 || len(c.Clusters) != 1 ||
		c.Clusters[0] != (reports.ClusterCoverage{Cluster: "prod", Objects: 6, Workloads: 6, Rendered: c.Rendered}) {
		t.Errorf("coverage %+v", c)
	}
}
