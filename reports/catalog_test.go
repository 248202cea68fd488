package reports_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/plinth-dev/plinth/reports"
	"github.com/plinth-dev/plinth/reports/checks"
)

// headingLines returns the lines of a seed that are headings: Markdown
// headings in the Microsoft docs seeds, short lines in the plain-text ones.
func headingLines(text string) []string {
	var out []string
	for _, l := range strings.Split(text, "\n") {
		l = strings.TrimSpace(l)
		if strings.HasPrefix(l, "#") || (l != "" && len([]rune(l)) <= 60 && !strings.HasPrefix(l, "-")) {
			out = append(out, l)
		}
	}
	return out
}

func TestCatalogCitesSeeds(t *testing.T) {
	controls := reports.Catalog()
	if len(controls) < 40 {
		t.Fatalf("catalog has %d controls, want the whole checklist", len(controls))
	}
	for _, c := range controls {
		t.Run(c.ID, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", "seeds", c.Seed))
			if err != nil {
				t.Fatalf("seed %q: %v", c.Seed, err)
			}
			found := false
			for _, h := range headingLines(string(data)) {
				if strings.Contains(h, c.Section) {
					found = true
					break
				}
			}
			if !found {
				t.Errorf("section %q is not a heading of %s", c.Section, c.Seed)
			}
		})
	}
}

func TestCatalogControls(t *testing.T) {
	seen := map[string]bool{}
	categories := map[string]int{}
	for _, c := range reports.Catalog() {
		if seen[c.ID] {
			t.Errorf("%s: duplicate", c.ID)
		}
		seen[c.ID] = true
		categories[c.Category]++
		switch c.Evaluation {
		case reports.EvalManifest, reports.EvalDeclared:
			if !checks.Implemented(c.ID) {
				t.Errorf("%s: %s control has no evaluation", c.ID, c.Evaluation)
			}
		case reports.EvalManual:
			if checks.Implemented(c.ID) {
				t.Errorf("%s: manual control has an evaluation", c.ID)
			}
		}
		for _, k := range c.Kubescape {
			if !strings.HasPrefix(k, "C-0") {
				t.Errorf("%s: Kubescape id %q", c.ID, k)
			}
		}
		for _, x := range c.CIS {
			if !strings.HasPrefix(x, "5.") {
				t.Errorf("%s: CIS ref %q is not of section 5", c.ID, x)
			}
		}
	}
	for _, cat := range reports.Categories {
		if categories[cat] == 0 {
			t.Errorf("category %s has no control", cat)
		}
	}
	// The controls no other scanner has (issue 5) must be there.
	for _, id := range []string{"PLN-SEC-003", "PLN-RES-003", "PLN-RES-004", "PLN-HA-005", "PLN-HA-003", "PLN-HA-008", "PLN-SEC-005", "PLN-SEC-015", "PLN-SEC-002"} {
		if !seen[id] {
			t.Errorf("missing control %s", id)
		}
	}
	if _, ok := reports.LookupControl("PLN-SEC-006"); !ok {
		t.Error("LookupControl(PLN-SEC-006) failed")
	}
}
