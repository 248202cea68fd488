package reports

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"slices"
	"sync"
)

// catalogJSON is catalog.yaml, where the catalog is written, as JSON
// (sigs.k8s.io/yaml.YAMLToJSON), made by TestCatalogJSON: reading it is a
// fifth of the work of reading the YAML, in every run.
//
//go:embed catalog.json
var catalogJSON []byte

var (
	catalogOnce sync.Once
	catalog     []Control
	titles      map[string]map[string]string // control ID -> language -> title
	texts       map[string]map[string]string // control ID -> field/language -> text
	catalogErr  error
)

func loadCatalog() {
	catalog, titles, texts, catalogErr = parseCatalog(catalogJSON)
	if catalogErr != nil {
		// The catalog is embedded and checked by tests; a broken one is a build defect.
		panic(catalogErr)
	}
}

// Catalog returns the baseline controls in catalog order (a fresh copy).
func Catalog() []Control {
	catalogOnce.Do(loadCatalog)
	out := make([]Control, len(catalog))
	for i, c := range catalog {
		out[i] = c.clone()
	}
	return out
}

// clone is c with lists of its own.
func (c Control) clone() Control {
	c.CIS = slices.Clone(c.CIS)
	c.Kubescape = slices.Clone(c.Kubescape)
	c.Providers = slices.Clone(c.Providers)
	c.KubeScore = slices.Clone(c.KubeScore)
	c.Polaris = slices.Clone(c.Polaris)
	return c
}

// LookupControl returns the control with the given ID (a copy).
func LookupControl(id string) (Control, bool) {
	catalogOnce.Do(loadCatalog)
	for _, c := range catalog {
		if c.ID == id {
			return c.clone(), true
		}
	}
	return Control{}, false
}

// ControlTitle is the title the catalog gives control id in lang ("en",
// "ko"); ok is false for a control or language it has no title for. It is
// the one place translated control titles come from.
func ControlTitle(id, lang string) (string, bool) {
	catalogOnce.Do(loadCatalog)
	t, ok := titles[id][lang]
	return t, ok
}

// Control text fields ControlText translates.
const (
	FieldRationale   = "rationale"
	FieldRemediation = "remediation"
)

// ControlText is the rationale or remediation (field: FieldRationale,
// FieldRemediation) the catalog gives control id in lang ("en", "ko"); ok is
// false for a control, field or language it has no text for. It is the one
// place translated control texts come from.
func ControlText(id, field, lang string) (string, bool) {
	catalogOnce.Do(loadCatalog)
	t, ok := texts[id][field+"/"+lang]
	return t, ok
}

// catalogEntry is a control as catalog.yaml writes it: with its Korean
// title, rationale and remediation.
type catalogEntry struct {
	Control
	TitleKO       string `json:"titleKo"`
	RationaleKO   string `json:"rationaleKo"`
	RemediationKO string `json:"remediationKo"`
}

// catalogDoc is the catalog's document.
type catalogDoc struct {
	Controls []catalogEntry `json:"controls"`
}

// parseCatalog reads the catalog from its JSON (catalogJSON), strictly.
func parseCatalog(data []byte) ([]Control, map[string]map[string]string, map[string]map[string]string, error) {
	var doc catalogDoc
	d := json.NewDecoder(bytes.NewReader(data))
	d.DisallowUnknownFields()
	if err := d.Decode(&doc); err != nil {
		return nil, nil, nil, fmt.Errorf("reports/catalog.yaml (as catalog.json): %w", err)
	}
	return checkCatalog(doc)
}

// checkCatalog checks the controls of the catalog and returns them with
// their titles and texts by language.
func checkCatalog(doc catalogDoc) ([]Control, map[string]map[string]string, map[string]map[string]string, error) {
	seen := map[string]bool{}
	controls := make([]Control, 0, len(doc.Controls))
	titles := make(map[string]map[string]string, len(doc.Controls))
	texts := make(map[string]map[string]string, len(doc.Controls))
	for i, e := range doc.Controls {
		c := e.Control
		where := fmt.Sprintf("reports/catalog.yaml: control %d (%s)", i+1, c.ID)
		switch {
		case c.ID == "" || c.Title == "" || e.TitleKO == "" || c.Rationale == "" || e.RationaleKO == "" || c.Remediation == "" || e.RemediationKO == "":
			return nil, nil, nil, fmt.Errorf("%s: id, title, titleKo, rationale, rationaleKo, remediation and remediationKo are required", where)
		case (c.Seed == "") != (c.Section == ""):
			return nil, nil, nil, fmt.Errorf("%s: seed and section go together", where)
		case c.Seed == "" && len(c.CIS)+len(c.Kubescape)+len(c.KubeScore)+len(c.Polaris) == 0:
			return nil, nil, nil, fmt.Errorf("%s: cite a seed section or at least one peer reference (cis, kubescape, kubeScore, polaris)", where)
		case seen[c.ID]:
			return nil, nil, nil, fmt.Errorf("%s: duplicate id", where)
		case !slices.Contains(Categories, c.Category):
			return nil, nil, nil, fmt.Errorf("%s: category %q is not one of %v", where, c.Category, Categories)
		case SeverityRank(c.Severity) == 0:
			return nil, nil, nil, fmt.Errorf("%s: unknown severity %q", where, c.Severity)
		case c.Evaluation != EvalManifest && c.Evaluation != EvalDeclared && c.Evaluation != EvalManual:
			return nil, nil, nil, fmt.Errorf("%s: unknown evaluation %q", where, c.Evaluation)
		case len(c.Providers) > 0 && c.Evaluation != EvalDeclared:
			return nil, nil, nil, fmt.Errorf("%s: providers apply to declared controls only", where)
		}
		for _, p := range c.Providers {
			if !slices.Contains(Providers, p) {
				return nil, nil, nil, fmt.Errorf("%s: provider %q is not one of %v", where, p, Providers)
			}
		}
		seen[c.ID] = true
		controls = append(controls, c)
		titles[c.ID] = map[string]string{"en": c.Title, "ko": e.TitleKO}
		texts[c.ID] = map[string]string{
			FieldRationale + "/en": c.Rationale, FieldRationale + "/ko": e.RationaleKO,
			FieldRemediation + "/en": c.Remediation, FieldRemediation + "/ko": e.RemediationKO,
		}
	}
	return controls, titles, texts, nil
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
