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
	// Coverage says what was evaluated and what was not.
	Coverage Coverage `json:"coverage"`
	// Warnings are messages of the tools that rendered the repository
	// (kustomize deprecations, ...), with the file they concern where known.
	Warnings []Warning `json:"warnings"`
}

// Reasons a source is not evaluated (NotEvaluated.Reason).
const (
	ReasonRemoteChart     = "remote chart"     // a chart from a Helm or OCI repository (never fetched)
	ReasonPlugin          = "plugin"           // an Argo CD Config Management Plugin
	ReasonOtherRepository = "other repository" // a source in another repository
	ReasonTooLarge        = "file too large"   // a file over the size limit
	ReasonRenderError     = "render error"     // a file, kustomization or chart that does not render
	ReasonUnsupported     = "not supported"    // anything else left out deliberately
)

// Coverage is what the report evaluated. Sources are the things rendered
// (directories, kustomizations, charts, files) plus those that could not
// be: Percent is 100*Rendered/(Rendered+NotEvaluated), rounded down to 0.1,
// and 0 when there is no source at all (nothing was evaluated).
type Coverage struct {
	Percent      float64 `json:"percent"`
	Sources      int     `json:"sources"`
	Rendered     int     `json:"rendered"`
	NotEvaluated int     `json:"notEvaluated"`
	// Objects and Workloads count the rendered objects and, of them, the
	// workloads (objects with a pod template) the checks evaluated.
	Objects   int `json:"objects"`
	Workloads int `json:"workloads"`
	// Controls counts the controls with something to check (passed+failed+waived > 0).
	Controls int               `json:"controls"`
	Clusters []ClusterCoverage `json:"clusters"`
	// Skipped lists the sources not evaluated, each with its reason.
	Skipped []NotEvaluated `json:"notEvaluatedSources"`
}

// ClusterCoverage is the coverage of one cluster ("" without a clusters/ layout).
type ClusterCoverage struct {
	Cluster      string `json:"cluster"`
	Objects      int    `json:"objects"`
	Workloads    int    `json:"workloads"`
	Rendered     int    `json:"rendered"`
	NotEvaluated int    `json:"notEvaluated"`
}

// NotEvaluated is one source that was not evaluated.
type NotEvaluated struct {
	Cluster string `json:"cluster,omitempty"`
	File    string `json:"file"`
	Line    int    `json:"line,omitempty"`
	Reason  string `json:"reason"` // one of the Reason constants
	Message string `json:"message"`
	// MessageKo is the Korean text of Message, Msg the message itself (as Finding's).
	MessageKo string `json:"messageKo,omitempty"`
	Msg       Msg    `json:"-"`
}

// Warning is a message of a rendering tool.
type Warning struct {
	File    string `json:"file,omitempty"`
	Message string `json:"message"`
	// MessageKo is the Korean text of Message, Msg the message itself (as Finding's).
	MessageKo string `json:"messageKo,omitempty"`
	Msg       Msg    `json:"-"`
}

// Baseline identifies the earlier state a report is compared with, and its summary.
type Baseline struct {
	Ref        string    `json:"ref"`
	Commit     string    `json:"commit"`
	CommitDate time.Time `json:"commitDate"`
	Summary    Summary   `json:"summary"`
	Coverage   Coverage  `json:"coverage"`
}

// Summary holds the scores. Score is passed/total in percent (0..100);
// waived counts as passed, manual and n/a are not counted. With nothing
// counted (Total 0) the score is n/a: Score is 0 and renderers show n/a.
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
	// Message is the English text of the finding's message (stable: CI
	// consumers match it); MessageID names the message (Msg.ID) and
	// MessageKo is its Korean text. Msg is the message itself, rendered in
	// a report's language by reports/i18n (empty for findings made
	// elsewhere: then Message is shown).
	Message   string `json:"message"`
	MessageID string `json:"messageId,omitempty"`
	MessageKo string `json:"messageKo,omitempty"`
	Msg       Msg    `json:"-"`
	// Deployer is the GitOps object that deploys Object, as
	// "Kind/namespace/name" ("Application/argocd/blog"); empty for objects
	// applied directly and for findings not about one object.
	Deployer string `json:"deployer,omitempty"`
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

// Changes are findings that appeared or disappeared since the base. A
// failing finding of the base is Fixed only when its object is still
// evaluated and passes; when the object is no longer evaluated (its source
// stopped rendering or is not evaluated, or it is gone) it is in
// NoLongerEvaluated.
type Changes struct {
	New               []Finding `json:"new"`
	Fixed             []Finding `json:"fixed"`
	NoLongerEvaluated []Finding `json:"noLongerEvaluated"`
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

// Scored reports whether a score has anything counted: a score over
// nothing is n/a, never 100 %.
func (s Summary) Scored() bool { return s.Total > 0 }

// Scored reports whether the category has anything counted.
func (c CategoryScore) Scored() bool { return c.Total > 0 }

// Scored reports whether the control has anything counted.
func (c ControlResult) Scored() bool { return c.Total > 0 }
