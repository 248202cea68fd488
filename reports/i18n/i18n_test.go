package i18n

import (
	"testing"

	"github.com/plinth-dev/plinth/reports"
)

// TestCatalogComplete: every message has every language, non-empty.
func TestCatalogComplete(t *testing.T) {
	for id, m := range messages {
		for _, lang := range languages {
			if m[lang] == "" {
				t.Errorf("message %s has no %s text", id, lang)
			}
		}
		if len(m) != len(languages) {
			t.Errorf("message %s has %d languages, want %d", id, len(m), len(languages))
		}
	}
	// Every name a report needs is translated.
	for _, lang := range languages {
		l, _ := For(lang)
		for _, s := range reports.Severities {
			if _, ok := messages["severity."+s]; !ok {
				t.Errorf("%s: severity %s", lang, s)
			}
		}
		for _, c := range reports.Categories {
			if _, ok := messages["category."+c]; !ok {
				t.Errorf("%s: category %s", lang, c)
			}
		}
		for _, c := range reports.Catalog() {
			if l.Title(c) == "" {
				t.Errorf("%s: no title for %s", lang, c.ID)
			}
			if c.Seed != "" && l.Seed(c.Seed) == c.Seed {
				t.Errorf("%s: seed %s of %s has no title", lang, c.Seed, c.ID)
			}
		}
	}
}

func TestLocalizer(t *testing.T) {
	ko, err := For("ko")
	if err != nil {
		t.Fatal(err)
	}
	en, _ := For("")
	c, _ := reports.LookupControl("PLN-SEC-006")
	tests := []struct{ name, got, want string }{
		{"default is English", en.Lang(), "en"},
		{"message", ko.T("report.score"), "점수"},
		{"unknown message is its id", ko.T("no.such"), "no.such"},
		{"severity", ko.Severity(reports.SeverityHigh), "높음"},
		{"unknown severity is itself", ko.Severity("extreme"), "extreme"},
		{"status", en.Status(reports.StatusNA), "n/a"},
		{"category", ko.Category("networking"), "네트워킹"},
		{"English title is the control's", en.Title(reports.Control{ID: "PLN-SEC-006", Title: "mine"}), "mine"},
		{"Korean title from the catalog", ko.Title(c), "특권 컨테이너 금지"},
		{"control outside the catalog keeps its title", ko.Title(reports.Control{ID: "X-1", Title: "x"}), "x"},
		{"finding title", ko.FindingTitle(reports.Finding{Control: "PLN-SEC-006", Title: "t"}), "특권 컨테이너 금지"},
	}
	for _, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, tc.got, tc.want)
		}
	}
	if _, err := For("fr"); err == nil {
		t.Error("fr: no error")
	}
}

// TestSectionsEnglish: every Korean section heading the catalog cites has
// an English rendering, and the map holds no heading the catalog does not
// cite.
func TestSectionsEnglish(t *testing.T) {
	cited := map[string]bool{}
	for _, c := range reports.Catalog() {
		cited[c.Section] = true
		if hasHangul(c.Section) {
			if _, ok := SectionEnglish(c.Section); !ok {
				t.Errorf("%s: section %q has no English rendering", c.ID, c.Section)
			}
		}
	}
	for h, en := range sectionsEn {
		if !cited[h] {
			t.Errorf("section %q is cited by no control", h)
		}
		if hasHangul(en) {
			t.Errorf("English of %q is not English: %q", h, en)
		}
	}
	en, _ := For("en")
	ko, _ := For("ko")
	if got, want := en.Section("루트로 실행하지 않기"), "Do not run as root (루트로 실행하지 않기)"; got != want {
		t.Errorf("en: %q, want %q", got, want)
	}
	if got := ko.Section("루트로 실행하지 않기"); got != "루트로 실행하지 않기" {
		t.Errorf("ko: %q", got)
	}
	if got := en.Section("Health probes"); got != "Health probes" {
		t.Errorf("English heading: %q", got)
	}
}
