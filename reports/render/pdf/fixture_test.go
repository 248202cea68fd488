package pdf

import (
	"fmt"
	"time"

	"github.com/plinth-dev/plinth/reports"
)

// fixtureControl is a control of the hand-built test catalog.
type fixtureControl struct {
	id, title, cat, sev, eval, seed, section string
}

var fixtureControls = []fixtureControl{
	{"PLN-SEC-001", "Containers run as non-root", "security", "high", "manifest", "004_5cde3760cd7b2652.txt", "Pod and container security"},
	{"PLN-SEC-002", "Privilege escalation is disabled", "security", "high", "manifest", "004_5cde3760cd7b2652.txt", "Pod and container security"},
	{"PLN-SEC-003", "Images come from a trusted registry", "security", "critical", "manifest", "000_45d335ea1622845c.txt", "Secure the images and run time"},
	{"PLN-SEC-004", "Images are pinned (no :latest)", "security", "medium", "manifest", "003_1ca403789924d079.txt", "Tagging"},
	{"PLN-SEC-005", "Secrets come from Key Vault via CSI", "security", "high", "declared", "001_e0399f7852531dbe.txt", "Secrets management and application credentials"},
	{"PLN-SEC-006", "Private cluster API server", "security", "high", "declared", "004_5cde3760cd7b2652.txt", "Cluster security"},
	{"PLN-SEC-007", "Image vulnerability scanning reviewed", "security", "medium", "manual", "000_45d335ea1622845c.txt", "Automatically build new images on base image update"},
	{"PLN-HA-001", "Replicas spread over zones", "high-availability", "high", "manifest", "004_5cde3760cd7b2652.txt", "Availability zones"},
	{"PLN-HA-002", "PodDisruptionBudget present", "high-availability", "medium", "manifest", "001_e0399f7852531dbe.txt", "Availability considerations"},
	{"PLN-HA-003", "Liveness and readiness probes", "high-availability", "medium", "manifest", "001_e0399f7852531dbe.txt", "Health probes"},
	{"PLN-RES-001", "CPU and memory requests and limits", "resource-management", "medium", "manifest", "001_e0399f7852531dbe.txt", "Resource constraints"},
	{"PLN-RES-002", "Namespace ResourceQuota", "resource-management", "low", "manifest", "001_e0399f7852531dbe.txt", "Namespaces"},
	{"PLN-RES-003", "Horizontal pod autoscaling", "resource-management", "low", "manifest", "001_e0399f7852531dbe.txt", "Pod autoscaling"},
	{"PLN-MON-001", "Container insights enabled", "monitoring", "medium", "declared", "004_5cde3760cd7b2652.txt", "Monitoring"},
	{"PLN-MON-002", "Alert rules reviewed monthly", "monitoring", "low", "manual", "004_5cde3760cd7b2652.txt", "Monitoring"},
	{"PLN-NET-001", "Default-deny NetworkPolicy", "networking", "high", "manifest", "004_5cde3760cd7b2652.txt", "Network policies"},
	{"PLN-NET-002", "Ingress uses TLS", "networking", "medium", "manifest", "001_e0399f7852531dbe.txt", "API Gateway"},
	{"PLN-OPS-001", "Backups scheduled (Velero)", "operations", "medium", "manifest", "004_5cde3760cd7b2652.txt", "Business continuity"},
	{"PLN-OPS-002", "Automatic upgrade channel", "operations", "low", "declared", "004_5cde3760cd7b2652.txt", "Upgrades"},
	{"PLN-OPS-003", "Upgrade runbook rehearsed", "operations", "low", "manual", "004_5cde3760cd7b2652.txt", "Upgrades"},
}

var fixtureScopes = []string{"nonprod/dev", "nonprod/staging", "prod"}

// Planted findings the text checks look for.
const (
	plantedObject  = "Deployment/payments-api"
	plantedFile    = "clusters/prod/apps/payments/deployment.yaml"
	plantedLine    = 17
	plantedMessage = "container api runs as root (runAsNonRoot is not set)"
	plantedSkipped = "HelmRelease/redis: remote chart redis from HelmRepository/bitnami is not fetched (no network)"
	plantedWarning = "Warning: 'bases' is deprecated. Please use 'resources' instead."
	plantedGone    = "Deployment/cache-gone"
)

// fixture builds a rich report: services*perService failing findings spread
// over teams and clusters, waivers active and expired, commits and a base.
func fixture(services, perService int) *reports.Report {
	date := time.Date(2026, 11, 1, 6, 0, 0, 0, time.UTC)
	r := &reports.Report{
		SchemaVersion: reports.SchemaVersion,
		Repo:          "https://git.example.com/drone-delivery/gitops.git",
		Ref:           "refs/heads/main",
		Commit:        "3f9c2a1d8e7b6a5f4e3d2c1b0a99887766554433",
		CommitDate:    time.Date(2026, 10, 30, 17, 42, 0, 0, time.UTC),
		Date:          date,
		Month:         "2026-10",
		Scopes:        fixtureScopes,
		Base: &reports.Baseline{
			Ref:        "2026-09",
			Commit:     "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678",
			CommitDate: time.Date(2026, 9, 29, 9, 0, 0, 0, time.UTC),
		},
	}
	teams := []string{"payments", "dispatch", "fleet", "routing", "identity"}
	failing := map[string]bool{"PLN-SEC-001": true, "PLN-SEC-003": true, "PLN-HA-001": true, "PLN-RES-001": true, "PLN-NET-002": true, "PLN-OPS-001": true}
	for i, fc := range fixtureControls {
		c := reports.ControlResult{Control: reports.Control{
			ID: fc.id, Title: fc.title, Category: fc.cat, Severity: fc.sev,
			Evaluation: fc.eval, Seed: fc.seed, Section: fc.section,
			Rationale:   "Rationale of " + fc.id,
			Remediation: "Set the field the control checks in the service's blueprint; see " + fc.section + ".",
		}, Scopes: map[string]string{}}
		for j, s := range fixtureScopes {
			st := reports.StatusPass
			switch {
			case fc.eval == reports.EvalManual:
				st = reports.StatusManual
			case failing[fc.id] && (s == "prod" || j == i%3):
				st = reports.StatusFail
			case fc.id == "PLN-SEC-004" && s == "prod":
				st = reports.StatusWaived
			case fc.id == "PLN-OPS-002" && s != "prod":
				st = reports.StatusNA
			}
			c.Scopes[s] = st
			if st == reports.StatusPass || st == reports.StatusWaived {
				c.Passed++
			}
			if st != reports.StatusManual && st != reports.StatusNA {
				c.Total++
			}
		}
		c.Status = worst(c.Scopes)
		r.Controls = append(r.Controls, c)
	}
	sevOf := map[string]string{}
	for _, fc := range fixtureControls {
		sevOf[fc.id] = fc.sev
	}
	ids := []string{"PLN-SEC-001", "PLN-SEC-003", "PLN-HA-001", "PLN-RES-001", "PLN-NET-002", "PLN-OPS-001"}
	for s := 0; s < services; s++ {
		team := teams[s%len(teams)]
		svc := fmt.Sprintf("%s-svc-%03d", team, s)
		for k := 0; k < perService; k++ {
			id := ids[(s+k)%len(ids)]
			env := fixtureScopes[(s+k)%3]
			cluster, envName := "prod", "prod"
			if env != "prod" {
				cluster, envName = "nonprod", env[len("nonprod/"):]
			}
			r.Findings = append(r.Findings, reports.Finding{
				Control: id, Title: id + " title", Category: "security", Severity: sevOf[id], Status: reports.StatusFail,
				Cluster: cluster, Environment: envName, Namespace: team + "-" + envName,
				Object:  "Deployment/" + svc,
				File:    fmt.Sprintf("clusters/%s/%s/apps/%s/%s/deployment.yaml", cluster, envName, team, svc),
				Line:    10 + (s*7+k)%90,
				Message: fmt.Sprintf("container %s does not satisfy %s: the field is missing from the pod template", svc, id),
			})
		}
	}
	planted := reports.Finding{
		Control: "PLN-SEC-001", Title: "Containers run as non-root", Category: "security", Severity: "high", Status: reports.StatusFail,
		Cluster: "prod", Environment: "prod", Namespace: "payments-prod",
		Object: plantedObject, File: plantedFile, Line: plantedLine, Message: plantedMessage,
	}
	r.Findings = append(r.Findings, planted)
	// A passing finding must not be listed as failing.
	r.Findings = append(r.Findings, reports.Finding{Control: "PLN-SEC-002", Severity: "high", Status: reports.StatusPass,
		Cluster: "prod", Namespace: "payments-prod", Object: "Deployment/passing-object", File: "x.yaml", Line: 1})

	r.Waivers = []reports.Waiver{
		{Control: "PLN-SEC-004", Cluster: "prod", Namespace: "fleet-prod", Object: "Deployment/fleet-legacy",
			File: "clusters/prod/prod/apps/fleet/fleet-legacy/deployment.yaml", Line: 5,
			Reason: "Vendor image only published with a moving tag; pinned by digest in Q1", Until: "2027-03-31"},
		{Control: "PLN-NET-002", Cluster: "nonprod", Namespace: "routing-dev", File: "waivers.yaml", Line: 12,
			Reason: "Internal test endpoint", Until: "2026-08-31", Expired: true},
		{Control: "PLN-HA-001", Cluster: "nonprod", File: "waivers.yaml", Line: 20, Expired: true},
	}
	r.Coverage = reports.Coverage{Percent: 80, Sources: 15, Rendered: 12, NotEvaluated: 3, Objects: 412, Workloads: 96, Controls: 17,
		Clusters: []reports.ClusterCoverage{{Cluster: "nonprod", Objects: 200, Workloads: 48, Rendered: 6, NotEvaluated: 1},
			{Cluster: "prod", Objects: 212, Workloads: 48, Rendered: 6, NotEvaluated: 2}},
		Skipped: []reports.NotEvaluated{
			{Cluster: "nonprod", File: "clusters/nonprod/redis.yaml", Line: 7, Reason: reports.ReasonRemoteChart, Message: plantedSkipped},
			{Cluster: "prod", File: "clusters/prod/cmp.yaml", Line: 9, Reason: reports.ReasonPlugin, Message: "Application/cmp: Config Management Plugin is not run; its objects are not evaluated"},
			{Cluster: "prod", File: "charts/shop/templates/deployment.yaml", Line: 14, Reason: reports.ReasonRenderError, Message: "render chart charts/shop: nil pointer evaluating .Values.image"},
		}}
	r.Warnings = []reports.Warning{{File: "apps/legacy/kustomization.yaml", Message: plantedWarning}}
	r.Changes = &reports.Changes{NoLongerEvaluated: []reports.Finding{{Control: "PLN-SEC-001", Severity: "high", Status: reports.StatusFail,
		Cluster: "nonprod", Namespace: "cache-dev", Object: plantedGone, File: "apps/cache/deployment.yaml", Line: 3}},
		New: []reports.Finding{planted}, Fixed: []reports.Finding{{
			Control: "PLN-NET-001", Severity: "high", Status: reports.StatusPass, Cluster: "prod", Namespace: "dispatch-prod",
			Object: "NetworkPolicy/default-deny", File: "clusters/prod/prod/teams/dispatch/networkpolicy.yaml", Line: 1,
		}}}
	for i := 0; i < 12; i++ {
		r.Commits = append(r.Commits, reports.Commit{
			Hash:    fmt.Sprintf("%02x%038x", i+16, i*7919),
			Date:    time.Date(2026, 10, 2+2*i, 10, i, 0, 0, time.UTC),
			Author:  []string{"Kim Minji", "Alex Doe", "이서준"}[i%3],
			Subject: []string{"payments: raise replicas to 3", "Add routing service", "플랫폼: 네트워크 정책 갱신", "Bump dispatch image to 1.8.2"}[i%4],
		})
	}
	r.Summary = summarize(r.Controls)
	r.Base.Summary = summarize(r.Controls)
	r.Base.Coverage = reports.Coverage{Percent: 100, Sources: 14, Rendered: 14, Objects: 420, Workloads: 98, Controls: 17}
	r.Base.Summary.Score -= 6.5
	for i := range r.Base.Summary.Categories {
		r.Base.Summary.Categories[i].Score = clamp(r.Base.Summary.Categories[i].Score + float64(i*7%15) - 6)
	}
	return r
}

var statusRank = map[string]int{reports.StatusFail: 0, reports.StatusManual: 1, reports.StatusWaived: 2, reports.StatusPass: 3, reports.StatusNA: 4}

func worst(scopes map[string]string) string {
	best := reports.StatusNA
	for _, s := range scopes {
		if statusRank[s] < statusRank[best] {
			best = s
		}
	}
	return best
}

func summarize(cs []reports.ControlResult) reports.Summary {
	s := reports.Summary{FailingControls: map[string]int{}}
	cats := map[string]*reports.CategoryScore{}
	for _, c := range reports.Categories {
		s.Categories = append(s.Categories, reports.CategoryScore{Category: c})
	}
	for i := range s.Categories {
		cats[s.Categories[i].Category] = &s.Categories[i]
	}
	for _, c := range cs {
		for _, st := range c.Scopes {
			switch st {
			case reports.StatusPass:
				s.Passed++
			case reports.StatusFail:
				s.Failed++
			case reports.StatusWaived:
				s.Waived++
			case reports.StatusManual:
				s.Manual++
			}
		}
		s.Total += c.Total
		cats[c.Category].Passed += c.Passed
		cats[c.Category].Total += c.Total
		if c.Status == reports.StatusFail {
			s.FailingControls[c.Severity]++
		}
	}
	s.Score = 100 * float64(s.Passed+s.Waived) / float64(s.Total)
	for i := range s.Categories {
		if c := &s.Categories[i]; c.Total > 0 {
			c.Score = 100 * float64(c.Passed) / float64(c.Total)
		}
	}
	return s
}
