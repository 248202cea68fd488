package render

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/plinth-dev/plinth/reports"
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
func objOrNS(f reports.Finding) string {
	if f.Object != "" && f.Deployer != "" {
		g := f
		g.Deployer = ""
		return objOrNS(g) + " (via " + clean(f.Deployer) + ")"
	}
	return clean(objOrNamespace(f))
}

func objOrNamespace(f reports.Finding) string {
	switch {
	case strings.HasPrefix(f.Object, "Namespace/"):
		return f.Object
	case f.Object != "" && f.Namespace != "":
		return f.Namespace + "/" + f.Object
	case f.Object != "":
		return f.Object
	case f.Namespace != "":
		return "namespace " + f.Namespace
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
