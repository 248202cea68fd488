package render_test

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/plinth-dev/plinth/internal/testutil/golden"
	"github.com/plinth-dev/plinth/reports"
	"github.com/plinth-dev/plinth/reports/i18n"
	"github.com/plinth-dev/plinth/reports/render"
)

// handMade is a small report written by hand, so that the goldens change
// only when a format does: three controls (one of the catalog, for its
// Korean title), failing, waived and manual findings with file:line, an
// active and an expired waiver, the month before with its commits, a
// category with nothing to check (n/a), coverage with a source not
// evaluated for each reason, a tool warning, and a finding no longer
// evaluated.
func handMade() *reports.Report {
	day := func(m time.Month, d int) time.Time { return time.Date(2026, m, d, 9, 30, 0, 0, time.UTC) }
	privileged := reports.Control{ID: "PLN-SEC-006", Title: "Containers are not privileged", Category: "security",
		Severity: reports.SeverityCritical, Rationale: "A privileged container is root on the node.",
		Remediation: "Remove securityContext.privileged.", Seed: "003_1ca403789924d079.txt", Section: "Privileged containers",
		CIS: []string{"5.2.1"}, Kubescape: []string{"C-0057"}, Evaluation: reports.EvalManifest}
	zones := reports.Control{ID: "TST-HA-001", Title: "Replicas spread over <zones> | racks", Category: "high-availability",
		Severity: reports.SeverityMedium, Rationale: "One zone down must not take the service down.",
		Remediation: "Add a topologySpreadConstraint on the zone label.", Seed: "004_5cde3760cd7b2652.txt", Section: "Availability zones",
		Evaluation: reports.EvalManifest}
	private := reports.Control{ID: "TST-OPS-001", Title: "Upgrade runbook rehearsed", Category: "operations",
		Severity: reports.SeverityLow, Rationale: "Upgrades fail when nobody has tried one.", Remediation: "Rehearse the upgrade each quarter.",
		Seed: "004_5cde3760cd7b2652.txt", Section: "Upgrades", Evaluation: reports.EvalManual}
	fail := reports.Finding{Control: privileged.ID, Title: privileged.Title, Category: privileged.Category, Severity: privileged.Severity,
		Status: reports.StatusFail, Cluster: "prod", Environment: "prod", Namespace: "shop", Object: "Deployment/cart",
		File: "apps/base/deployment.yaml", Line: 21, Message: "container cart is privileged"}
	waived := reports.Finding{Control: zones.ID, Title: zones.Title, Category: zones.Category, Severity: zones.Severity,
		Status: reports.StatusWaived, Cluster: "prod", Environment: "prod", Namespace: "shop", Object: "Deployment/cart",
		File: "apps/base/deployment.yaml", Line: 3, Message: "waived: single-zone pilot"}
	fixed := reports.Finding{Control: zones.ID, Title: zones.Title, Category: zones.Category, Severity: zones.Severity,
		Status: reports.StatusFail, Cluster: "nonprod", Namespace: "shop", Object: "Namespace/shop", File: "apps/dev/ns.yaml", Line: 1}
	gone := reports.Finding{Control: privileged.ID, Title: privileged.Title, Category: privileged.Category, Severity: privileged.Severity,
		Status: reports.StatusFail, Cluster: "prod", Namespace: "shop", Object: "Deployment/redis", File: "apps/redis/deployment.yaml", Line: 9,
		Message: "container redis is privileged"}
	// Messages as the checks and the scan make them (IDs with arguments).
	i18n.SetMessage(&fail, reports.M("check.container", "cart", reports.M("check.privileged")))
	i18n.SetMessage(&gone, reports.M("check.container", "redis", reports.M("check.privileged")))
	i18n.SetMessage(&waived, reports.M("scan.waived", ".plinth/waivers.yaml:4", "single-zone pilot", reports.M("check.noZoneSpread", 3)))
	return &reports.Report{
		SchemaVersion: reports.SchemaVersion, Repo: "https://git.example.com/fleet.git", Ref: "refs/heads/main",
		Commit: "3f9c2a1d8e7b6a5f4e3d2c1b0a99887766554433", CommitDate: day(10, 30), Date: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC),
		Month: "2026-10",
		Base: &reports.Baseline{Ref: "2026-09", Commit: "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678", CommitDate: day(9, 29),
			Summary:  reports.Summary{Score: 50, Passed: 1, Failed: 1, Total: 2},
			Coverage: reports.Coverage{Percent: 100, Sources: 4, Rendered: 4, Objects: 30, Workloads: 9, Controls: 2}},
		Scopes: []string{"nonprod/dev", "prod"},
		Summary: reports.Summary{Score: 75, Passed: 2, Failed: 1, Waived: 1, Manual: 2, Total: 4,
			Categories: []reports.CategoryScore{{Category: "security", Score: 50, Passed: 1, Total: 2}, {Category: "high-availability", Score: 100, Passed: 2, Total: 2},
				{Category: "operations"}},
			FailingControls: map[string]int{reports.SeverityCritical: 1}},
		Controls: []reports.ControlResult{
			{Control: privileged, Status: reports.StatusFail, Scopes: map[string]string{"nonprod/dev": reports.StatusPass, "prod": reports.StatusFail}, Passed: 1, Total: 2},
			{Control: zones, Status: reports.StatusWaived, Scopes: map[string]string{"nonprod/dev": reports.StatusPass, "prod": reports.StatusWaived}, Passed: 2, Total: 2},
			{Control: private, Status: reports.StatusManual, Scopes: map[string]string{"nonprod/dev": reports.StatusManual, "prod": reports.StatusManual}},
		},
		Findings: []reports.Finding{fail, waived,
			{Control: private.ID, Title: private.Title, Category: private.Category, Severity: private.Severity, Status: reports.StatusManual,
				Cluster: "prod", Message: "needs attestation"},
			{Control: privileged.ID, Title: privileged.Title, Category: privileged.Category, Severity: privileged.Severity,
				Status: reports.StatusPass, Cluster: "nonprod", Environment: "dev", Namespace: "shop", Object: "Deployment/cart", File: "apps/dev/patch.yaml", Line: 4},
		},
		Waivers: []reports.Waiver{
			{Control: zones.ID, Cluster: "prod", Namespace: "shop", Object: "Deployment/cart", File: "apps/base/deployment.yaml", Line: 5,
				Reason: "Single-zone pilot until the zonal pools arrive", Until: "2027-03-31"},
			{Control: privileged.ID, File: "waivers.yaml", Line: 12, Reason: "old | exception", Until: "2026-08-31", Expired: true},
		},
		Changes: &reports.Changes{New: []reports.Finding{fail}, Fixed: []reports.Finding{fixed}, NoLongerEvaluated: []reports.Finding{gone}},
		Coverage: reports.Coverage{Percent: 33.3, Sources: 9, Rendered: 3, NotEvaluated: 6, Objects: 21, Workloads: 6, Controls: 2,
			Clusters: []reports.ClusterCoverage{{Cluster: "nonprod", Objects: 9, Workloads: 3, Rendered: 1, NotEvaluated: 2},
				{Cluster: "prod", Objects: 12, Workloads: 3, Rendered: 2, NotEvaluated: 4}},
			Skipped: []reports.NotEvaluated{
				{Cluster: "nonprod", File: "clusters/nonprod/redis.yaml", Line: 7, Reason: reports.ReasonRemoteChart, Message: "HelmRelease/redis: remote chart \"redis\" from HelmRepository/bitnami is not fetched (no network); its objects are not evaluated"},
				{Cluster: "nonprod", File: "apps/big.yaml", Reason: reports.ReasonTooLarge, Message: "apps/big.yaml: not evaluated: file too large (9000000 bytes, the limit is 8388608)"},
				{Cluster: "prod", File: "clusters/prod/app.yaml", Line: 3, Reason: reports.ReasonOtherRepository, Message: "Application/app: source path \"app\" (https://git.example.com/other.git) is not in this repository; its objects are not evaluated"},
				{Cluster: "prod", File: "clusters/prod/cmp.yaml", Line: 9, Reason: reports.ReasonPlugin, Message: "Application/cmp: Config Management Plugin \"envsubst\" is not run; its objects are not evaluated"},
				{Cluster: "prod", File: "charts/shop/templates/deployment.yaml", Line: 14, Reason: reports.ReasonRenderError, Message: "render chart charts/shop: template: shop/templates/deployment.yaml:14:3: nil pointer"},
				{Cluster: "prod", File: "clusters/prod/gen.yaml", Line: 2, Reason: reports.ReasonUnsupported, Message: "ApplicationSet/gen: generator [scmProvider] is not supported offline; its applications are not evaluated"},
			}},
		Warnings: []reports.Warning{{File: "apps/legacy/kustomization.yaml", Message: "Warning: 'bases' is deprecated. Please use 'resources' instead. Run 'kustomize edit fix' to update your Kustomization automatically."}},
		Commits: []reports.Commit{
			{Hash: "0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c", Date: day(10, 3), Author: "Kim Minji", Subject: "shop: run cart privileged"},
			{Hash: "1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d", Date: day(10, 17), Author: "이서준", Subject: "dev: spread cart over zones"},
		},
	}
}

// TestGolden writes the hand-made report in every textual format and
// language, and two controls in every format that lists the catalog.
func TestGolden(t *testing.T) {
	r := handMade()
	controls := []reports.Control{r.Controls[0].Control, r.Controls[1].Control}
	for _, rd := range render.All() {
		if rd.Binary {
			continue // the PDF has its own checks (reports/render/pdf)
		}
		for _, lang := range rd.Languages {
			t.Run(rd.Name+"."+lang, func(t *testing.T) {
				var buf bytes.Buffer
				if err := rd.Report(&buf, r, render.Options{Lang: lang}); err != nil {
					t.Fatal(err)
				}
				golden.Check(t, filepath.Join("testdata", "golden", "report."+lang+"."+rd.Name), buf.Bytes())
				if !rd.Lists() {
					return
				}
				buf.Reset()
				if err := rd.Catalog(&buf, controls, lang); err != nil {
					t.Fatal(err)
				}
				golden.Check(t, filepath.Join("testdata", "golden", "controls."+lang+"."+rd.Name), buf.Bytes())
			})
		}
	}
}

func TestControlDetail(t *testing.T) {
	c := handMade().Controls[0].Control
	for _, lang := range i18n.Languages() {
		var buf bytes.Buffer
		if err := render.ControlDetail(&buf, c, lang); err != nil {
			t.Fatal(err)
		}
		golden.Check(t, filepath.Join("testdata", "golden", "detail."+lang+".txt"), buf.Bytes())
	}
}

func TestRegistry(t *testing.T) {
	if got := strings.Join(render.Names(false), ","); got != "text,json,markdown,sarif,junit,pdf" {
		t.Errorf("formats %s", got)
	}
	if got := strings.Join(render.Names(true), ","); got != "text,json,markdown" {
		t.Errorf("catalog formats %s", got)
	}
	pdf, ok := render.Lookup("pdf")
	if !ok || !pdf.Binary || pdf.Lists() {
		t.Errorf("pdf: %+v", pdf)
	}
	if _, ok := render.Lookup("yaml"); ok {
		t.Error("yaml is not a format")
	}
	text, _ := render.Lookup("text")
	if err := text.Report(&bytes.Buffer{}, handMade(), render.Options{Lang: "fr"}); err == nil || !strings.Contains(err.Error(), `"fr"`) {
		t.Errorf("unsupported language: %v", err)
	}
	if err := pdf.Catalog(&bytes.Buffer{}, nil, "en"); err == nil {
		t.Error("pdf listed the catalog")
	}
}
