package render

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/plinth-dev/plinth/reports"
	"github.com/plinth-dev/plinth/reports/i18n"
)

// clean makes a string from the repository (a file name, a message, a
// commit subject) safe for a terminal or a Markdown viewer: control
// characters (ESC sequences, carriage returns, C1 controls, DEL; newlines
// and tabs too, which would break a line or a table) become U+FFFD, and
// invalid UTF-8 too. The text and Markdown formats write every such string
// through it; JSON, SARIF and JUnit escape them by their encoders.
func clean(s string) string {
	if strings.IndexFunc(s, isControl) < 0 && utf8.ValidString(s) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if isControl(r) {
			return utf8.RuneError
		}
		return r
	}, strings.ToValidUTF8(s, "\ufffd"))
}

func isControl(r rune) bool { return r < 0x20 || r >= 0x7f && r < 0xa0 }

func location(f reports.Finding) string {
	switch {
	case f.File == "":
		return "-"
	case f.Line > 0:
		return fmt.Sprintf("%s:%d", clean(f.File), f.Line)
	}
	return clean(f.File)
}

func scopeOf(f reports.Finding) string {
	switch {
	case f.Cluster == "" && f.Environment == "":
		return "-"
	case f.Environment == "":
		return clean(f.Cluster)
	}
	return clean(f.Cluster + "/" + f.Environment)
}

// objOrNS names a finding's object (with the GitOps object deploying it,
// which tells apart two objects of the same name from two applications)
// or namespace, without control characters.
func objOrNS(f reports.Finding, l i18n.Localizer) string {
	if f.Object != "" && f.Deployer != "" {
		g := f
		g.Deployer = ""
		return fmt.Sprintf(l.T("report.via"), objOrNS(g, l), clean(f.Deployer))
	}
	return clean(objOrNamespace(f, l))
}

func objOrNamespace(f reports.Finding, l i18n.Localizer) string {
	switch {
	case strings.HasPrefix(f.Object, "Namespace/"):
		return f.Object
	case f.Object != "" && f.Namespace != "":
		return f.Namespace + "/" + f.Object
	case f.Object != "":
		return f.Object
	case f.Namespace != "":
		return fmt.Sprintf(l.T("report.namespace"), f.Namespace)
	}
	return ""
}

func short(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	return h
}

type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	e.err = err
	return n, err
}

func (e *errWriter) printf(format string, args ...any) { fmt.Fprintf(e, format, args...) }

func mdEscape(s string) string {
	return clean(strings.NewReplacer("|", `\|`, "\n", " ", "<", "&lt;", ">", "&gt;").Replace(s))
}

func baseName(r *reports.Report) string {
	if r.Base == nil {
		return "-"
	}
	return short(r.Base.Commit)
}

// evaluation is how a control is evaluated, with the providers it is
// limited to: "declared (aks)".
func evaluation(c reports.Control) string {
	if len(c.Providers) == 0 {
		return c.Evaluation
	}
	return c.Evaluation + " (" + strings.Join(c.Providers, ", ") + ")"
}

// pad pads s with spaces to width terminal columns, a Hangul syllable or
// other wide character counting two.
func pad(s string, width int) string {
	w := columns(s)
	if w >= width {
		return s
	}
	return s + strings.Repeat(" ", width-w)
}

// padLeft right-aligns s in width terminal columns.
func padLeft(s string, width int) string {
	if w := columns(s); w < width {
		return strings.Repeat(" ", width-w) + s
	}
	return s
}

// wide reports whether r takes two terminal columns (Hangul and CJK).
func wide(r rune) bool {
	return r >= 0x1100 && r <= 0x115f || r >= 0x2e80 && r <= 0xa4cf || r >= 0xac00 && r <= 0xd7a3 || r >= 0xf900 && r <= 0xfaff || r >= 0xff00 && r <= 0xff60
}

// categoryName is a category as the text and Markdown reports print it:
// its identifier in English (security), its name in other languages.
func categoryName(l i18n.Localizer, cat string) string {
	if l.Lang() == i18n.English {
		return cat
	}
	return l.Category(cat)
}

// statusUpper is a status in capitals in English (PASS), its name in
// other languages.
func statusUpper(l i18n.Localizer, status string) string {
	if l.Lang() == i18n.English {
		return strings.ToUpper(status)
	}
	return l.Status(status)
}

// upper is message id in capitals (a column header of the terminal).
func upper(l i18n.Localizer, id string) string { return strings.ToUpper(l.T(id)) }

// sectionOf is a seed section as the control detail cites it: `section
// “Do not run as root (루트로 실행하지 않기)”` in English, `“…” 절` in Korean.
func sectionOf(l i18n.Localizer, section string) string {
	return fmt.Sprintf(l.T("catalog.section"), l.Section(section))
}

// writeTable writes rows as columns two spaces apart, each line after
// indent, measuring cells in terminal columns (a Hangul syllable is two),
// which text/tabwriter does not; the last cell is not padded.
func writeTable(ew *errWriter, indent string, rows [][]string) {
	var widths []int
	for _, row := range rows {
		for i, cell := range row {
			if i >= len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], columns(cell))
		}
	}
	for _, row := range rows {
		ew.printf("%s", indent)
		for i, cell := range row {
			if i == len(row)-1 {
				ew.printf("%s\n", cell)
				continue
			}
			ew.printf("%s", pad(cell, widths[i]+2))
		}
	}
}

// columns is the width of s in terminal columns.
func columns(s string) int {
	w := 0
	for _, r := range s {
		w++
		if wide(r) {
			w++
		}
	}
	return w
}
