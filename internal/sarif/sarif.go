// Package sarif writes SARIF 2.1.0 logs for plinth: one run, the rules that
// were checked and one result per problem, each located at a file and line
// relative to the repository root (%SRCROOT%). validate writes its errors
// and report its findings through it.
package sarif

import (
	"fmt"
	"io"

	gosarif "github.com/owenrumney/go-sarif/v2/sarif"
)

// Levels of a rule or result.
const (
	LevelError   = "error"
	LevelWarning = "warning"
	LevelNote    = "note"
)

// Rule describes one rule of the log. Empty fields are left out.
type Rule struct {
	ID               string
	Name             string
	ShortDescription string
	FullDescription  string
	Help             string
	// Properties are written as the rule's property bag (keys sorted).
	Properties map[string]any
	// Level is the rule's default level.
	Level string
}

// Result is one problem found.
type Result struct {
	RuleID  string
	Level   string
	Message string
	// File is slash-separated and relative to the repository root; empty
	// for a result without a location. Line and Column start at 1; a
	// missing line is written as 1, a missing column left out.
	File         string
	Line, Column int
	// Suppressed marks a result waived in the source (an in-source suppression).
	Suppressed bool
	// Fingerprints are the result's partial fingerprints.
	Fingerprints map[string]any
}

// Write writes a SARIF 2.1.0 log of one plinth run, indented.
func Write(w io.Writer, rules []Rule, results []Result) error {
	return WriteWithProperties(w, rules, results, nil)
}

// WriteWithProperties is Write with properties of the run (a report's
// coverage); nil or empty writes none.
func WriteWithProperties(w io.Writer, rules []Rule, results []Result, props map[string]any) error {
	log, err := gosarif.New(gosarif.Version210)
	if err != nil {
		return fmt.Errorf("sarif: %w", err)
	}
	run := gosarif.NewRunWithInformationURI("plinth", "https://github.com/plinth-dev/plinth")
	for _, r := range rules {
		rule := run.AddRule(r.ID)
		if r.Name != "" {
			rule.WithName(r.Name)
		}
		if r.ShortDescription != "" {
			rule.WithShortDescription(gosarif.NewMultiformatMessageString(r.ShortDescription))
		}
		if r.FullDescription != "" {
			rule.WithFullDescription(gosarif.NewMultiformatMessageString(r.FullDescription))
		}
		if r.Help != "" {
			rule.WithHelp(gosarif.NewMultiformatMessageString(r.Help))
		}
		if len(r.Properties) > 0 {
			props := gosarif.NewPropertyBag()
			for k, v := range r.Properties {
				props.Add(k, v)
			}
			rule.WithProperties(props.Properties)
		}
		if r.Level != "" {
			rule.WithDefaultConfiguration(gosarif.NewReportingConfiguration().WithLevel(r.Level))
		}
	}
	for _, r := range results {
		res := run.CreateResultForRule(r.RuleID).WithLevel(r.Level).WithMessage(gosarif.NewTextMessage(r.Message))
		if r.File != "" {
			region := gosarif.NewRegion().WithStartLine(max(r.Line, 1))
			if r.Column > 0 {
				region.WithStartColumn(r.Column)
			}
			loc := gosarif.NewPhysicalLocation().
				WithArtifactLocation(gosarif.NewSimpleArtifactLocation(r.File).WithUriBaseId("%SRCROOT%")).
				WithRegion(region)
			res.AddLocation(gosarif.NewLocationWithPhysicalLocation(loc))
		}
		if r.Suppressed {
			res.WithSuppression([]*gosarif.Suppression{gosarif.NewSuppression("inSource")})
		}
		if len(r.Fingerprints) > 0 {
			res.PartialFingerprints = r.Fingerprints
		}
	}
	if len(props) > 0 {
		bag := gosarif.NewPropertyBag()
		for k, v := range props {
			bag.Add(k, v)
		}
		run.Properties = bag.Properties
	}
	log.AddRun(run)
	if err := log.PrettyWrite(w); err != nil {
		return fmt.Errorf("sarif: %w", err)
	}
	return nil
}
