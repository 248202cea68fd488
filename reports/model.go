// Package reports evaluates a GitOps repository against the plinth baseline
// and renders the result. This file is the report model every renderer
// (text, json, markdown, sarif, junit, pdf) draws from; the engine fills it.
package reports

import "time"

// SchemaVersion is the version of the JSON report format.
const SchemaVersion = "plinth.dev/report/v1"

// Statuses of a finding.
const (
	StatusPass   = "pass"
	StatusFail   = "fail"
	StatusWaived = "waived"
	StatusManual = "manual"
	StatusNA     = "n/a"
)

// Severities, lowest first.
const (
	SeverityLow      = "low"
	SeverityMedium   = "medium"
	SeverityHigh     = "high"
	SeverityCritical = "critical"
)

// Severities lists the severities, lowest first.
var Severities = []string{SeverityLow, SeverityMedium, SeverityHigh, SeverityCritical}

// Evaluation kinds of a control.
const (
	EvalManifest = "manifest" // from the deployed objects
	EvalDeclared = "declared" // from cluster settings recorded in the repository
	EvalManual   = "manual"   // needs attestation; never reported as passed
)

// Report is the result of one evaluation.
type Report struct {
	SchemaVersion string    `json:"schemaVersion"`
	Repo          string    `json:"repo"`
	Ref           string    `json:"ref"`
	Commit        string    `json:"commit"`
	CommitDate    time.Time `json:"commitDate"`
	// Date is when the report was made (SOURCE_DATE_EPOCH or --date when set).
	Date time.Time `json:"date"`
	// Month is the evaluated month ("2026-10") with --month, else empty.
	Month string `json:"month,omitempty"`
	// Base is the state compared with (--since or the previous month), if any.
	Base *Baseline `json:"base,omitempty"`
	// Scopes are the clusters/environments evaluated, sorted ("prod", "nonprod/dev").
	Scopes   []string        `json:"scopes"`
	Summary  Summary         `json:"summary"`
	Controls []ControlResult `json:"controls"`
	Findings []Finding       `json:"findings"`
	Waivers  []Waiver        `json:"waivers"`
	Changes  *Changes        `json:"changes,omitempty"`
	Commits  []Commit        `json:"commits,omitempty"`
}

// Baseline identifies the earlier state a report is compared with, and its summary.
type Baseline struct {
	Ref        string    `json:"ref"`
	Commit     string    `json:"commit"`
	CommitDate time.Time `json:"commitDate"`
	Summary    Summary   `json:"summary"`
}

// Summary holds the scores. Score is passed/total in percent (0..100);
// waived counts as passed, manual and n/a are not counted.
type Summary struct {
	Score      float64         `json:"score"`
	Passed     int             `json:"passed"`
	Failed     int             `json:"failed"`
	Waived     int             `json:"waived"`
	Manual     int             `json:"manual"`
	Total      int             `json:"total"`
	Categories []CategoryScore `json:"categories"`
	// FailingControls counts failing controls by severity.
	FailingControls map[string]int `json:"failingControls"`
}

// CategoryScore is the score of one checklist section.
type CategoryScore struct {
	Category string  `json:"category"`
	Score    float64 `json:"score"`
	Passed   int     `json:"passed"`
	Total    int     `json:"total"`
}

// Control is one item of the baseline catalog.
type Control struct {
	ID          string   `json:"id"`
	Title       string   `json:"title"`
	Category    string   `json:"category"` // one of Categories
	Severity    string   `json:"severity"`
	Rationale   string   `json:"rationale"`
	Remediation string   `json:"remediation"`
	Seed        string   `json:"seed"`    // seed file name
	Section     string   `json:"section"` // seed section heading
	CIS         []string `json:"cis,omitempty"`
	Kubescape   []string `json:"kubescape,omitempty"`
	Evaluation  string   `json:"evaluation"` // EvalManifest | EvalDeclared | EvalManual
	// Providers are the cluster providers a declared control applies to
	// (aks, gke, generic); empty: all. Elsewhere it is n/a.
	Providers []string `json:"providers,omitempty"`

	// KubeScore and Polaris are check names of those tools. A control no
	// seed says cites them (or CIS/Kubescape) alone, with Seed and Section empty.
	KubeScore []string `json:"kubeScore,omitempty"`
	Polaris   []string `json:"polaris,omitempty"`
}

// ControlResult is a control with its outcome per scope.
type ControlResult struct {
	Control
	// Status is the worst status over all scopes.
	Status string `json:"status"`
	// Scopes maps a scope (see Report.Scopes) to the control's status there.
	Scopes map[string]string `json:"scopes"`
	Passed int               `json:"passed"`
	Total  int               `json:"total"`
}

// Finding is one object (or absence) evaluated against one control.
type Finding struct {
	Control     string `json:"control"`
	Title       string `json:"title"`
	Category    string `json:"category"`
	Severity    string `json:"severity"`
	Status      string `json:"status"`
	Cluster     string `json:"cluster"`
	Environment string `json:"environment"`
	Namespace   string `json:"namespace"`
	Object      string `json:"object"` // Kind/name
	File        string `json:"file"`   // repository-relative
	Line        int    `json:"line"`
	Message     string `json:"message"`
	// Evidence is, for a declared control evaluated from the cluster's own
	// description (report --evidence), the "file#$.json.path" it was read
	// from; empty when the finding rests on the declared settings alone.
	Evidence string `json:"evidence,omitempty"`
}

// Waiver is an exception granted by annotation or waiver file.
type Waiver struct {
	Control   string `json:"control"`
	Cluster   string `json:"cluster,omitempty"`
	Namespace string `json:"namespace,omitempty"`
	Object    string `json:"object,omitempty"`
	File      string `json:"file"`
	Line      int    `json:"line"`
	Reason    string `json:"reason"`
	Until     string `json:"until,omitempty"` // YYYY-MM-DD
	// Expired is set for a waiver past its date or without a reason: it does not waive.
	Expired bool `json:"expired"`
}

// Changes are findings that appeared or disappeared since the base.
type Changes struct {
	New   []Finding `json:"new"`
	Fixed []Finding `json:"fixed"`
}

// Commit is one commit in the compared range.
type Commit struct {
	Hash    string    `json:"hash"`
	Date    time.Time `json:"date"`
	Author  string    `json:"author"`
	Subject string    `json:"subject"`
}

// Providers are the cluster providers of the platform spec.
var Providers = []string{"aks", "gke", "generic"}

// Categories are the checklist sections of the AKS baseline seed, in order.
var Categories = []string{
	"security",
	"high-availability",
	"resource-management",
	"monitoring",
	"networking",
	"operations",
}

// FailingAtLeast counts the failing findings of severity sev or higher: the
// gate of plinth report --fail-on. sev is one of Severities.
func (r *Report) FailingAtLeast(sev string) int {
	n := 0
	for _, f := range r.Findings {
		if f.Status == StatusFail && SeverityRank(f.Severity) >= SeverityRank(sev) {
			n++
		}
	}
	return n
}
