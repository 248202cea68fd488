package reports

import (
	_ "embed"
	"fmt"
	"slices"
	"sync"

	"sigs.k8s.io/yaml"
)

//go:embed catalog.yaml
var catalogYAML []byte

var (
	catalogOnce sync.Once
	catalog     []Control
	catalogErr  error
)

// Catalog returns the baseline controls in catalog order (a fresh copy).
func Catalog() []Control {
	catalogOnce.Do(func() { catalog, catalogErr = parseCatalog(catalogYAML) })
	if catalogErr != nil {
		// The catalog is embedded and checked by tests; a broken one is a build defect.
		panic(catalogErr)
	}
	out := make([]Control, len(catalog))
	for i, c := range catalog {
		c.CIS = slices.Clone(c.CIS)
		c.Kubescape = slices.Clone(c.Kubescape)
		c.Providers = slices.Clone(c.Providers)
		c.KubeScore = slices.Clone(c.KubeScore)
		c.Polaris = slices.Clone(c.Polaris)
		out[i] = c
	}
	return out
}

// LookupControl returns the control with the given ID.
func LookupControl(id string) (Control, bool) {
	for _, c := range Catalog() {
		if c.ID == id {
			return c, true
		}
	}
	return Control{}, false
}

func parseCatalog(data []byte) ([]Control, error) {
	var doc struct {
		Controls []Control `json:"controls"`
	}
	if err := yaml.UnmarshalStrict(data, &doc); err != nil {
		return nil, fmt.Errorf("reports/catalog.yaml: %w", err)
	}
	seen := map[string]bool{}
	for i, c := range doc.Controls {
		where := fmt.Sprintf("reports/catalog.yaml: control %d (%s)", i+1, c.ID)
		switch {
		case c.ID == "" || c.Title == "" || c.TitleKO == "" || c.Rationale == "" || c.Remediation == "":
			return nil, fmt.Errorf("%s: id, title, titleKo, rationale and remediation are required", where)
		case (c.Seed == "") != (c.Section == ""):
			return nil, fmt.Errorf("%s: seed and section go together", where)
		case c.Seed == "" && len(c.CIS)+len(c.Kubescape)+len(c.KubeScore)+len(c.Polaris) == 0:
			return nil, fmt.Errorf("%s: cite a seed section or at least one peer reference (cis, kubescape, kubeScore, polaris)", where)
		case seen[c.ID]:
			return nil, fmt.Errorf("%s: duplicate id", where)
		case !slices.Contains(Categories, c.Category):
			return nil, fmt.Errorf("%s: category %q is not one of %v", where, c.Category, Categories)
		case SeverityRank(c.Severity) == 0:
			return nil, fmt.Errorf("%s: unknown severity %q", where, c.Severity)
		case c.Evaluation != EvalManifest && c.Evaluation != EvalDeclared && c.Evaluation != EvalManual:
			return nil, fmt.Errorf("%s: unknown evaluation %q", where, c.Evaluation)
		case len(c.Providers) > 0 && c.Evaluation != EvalDeclared:
			return nil, fmt.Errorf("%s: providers apply to declared controls only", where)
		}
		for _, p := range c.Providers {
			if !slices.Contains(Providers, p) {
				return nil, fmt.Errorf("%s: provider %q is not one of %v", where, p, Providers)
			}
		}
		seen[c.ID] = true
	}
	return doc.Controls, nil
}

// SeverityRank orders severities: low 1 .. critical 4, unknown 0.
func SeverityRank(s string) int {
	switch s {
	case SeverityLow:
		return 1
	case SeverityMedium:
		return 2
	case SeverityHigh:
		return 3
	case SeverityCritical:
		return 4
	}
	return 0
}
