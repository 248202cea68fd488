package render_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/plinth-dev/plinth/reports/render"
)

// TestNoControlCharacters: strings from the repository (file names,
// messages, objects, waivers, commit authors and subjects) carrying ESC
// sequences, carriage returns, C1 controls or invalid UTF-8 reach no
// terminal or Markdown viewer raw, in any textual format.
func TestNoControlCharacters(t *testing.T) {
	const evil = "\x1b[2J\x1b]0;owned\x07\r\u009b31m\x7f\xff"
	r := handMade()
	r.Findings[0].File += evil
	r.Findings[0].Message += evil
	r.Findings[0].Object += evil
	r.Findings[0].Cluster += evil
	r.Changes.New[0] = r.Findings[0]
	r.Waivers[0].Object += evil
	r.Waivers[0].File += evil
	r.Waivers[0].Until += evil
	r.Commits[0].Subject += evil
	r.Commits[0].Author += evil
	for _, format := range []string{"text", "markdown", "json", "sarif", "junit"} {
		t.Run(format, func(t *testing.T) {
			rd, ok := render.Lookup(format)
			if !ok {
				t.Fatalf("no %s renderer", format)
			}
			var out bytes.Buffer
			if err := rd.Report(&out, r, render.Options{}); err != nil {
				t.Fatal(err)
			}
			s := out.String()
			// JSON, SARIF and JUnit escape C0 controls by their encoders
			// and carry DEL and C1 as the data they are (legal in both).
			encoded := format == "json" || format == "sarif" || format == "junit"
			if i := strings.IndexFunc(s, func(c rune) bool {
				return c < 0x20 && c != '\n' && c != '\t' || !encoded && c >= 0x7f && c < 0xa0
			}); i >= 0 {
				t.Errorf("control character %q at %d: %q", s[i:i+1], i, s[max(0, i-40):min(len(s), i+40)])
			}
			if !strings.Contains(s, "owned") {
				t.Errorf("the text around the controls is lost")
			}
		})
	}
}
