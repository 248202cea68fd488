package render

import (
	"fmt"
	"io"
	"strings"

	"github.com/plinth-dev/plinth/reports"
)

func location(f reports.Finding) string {
	switch {
	case f.File == "":
		return "-"
	case f.Line > 0:
		return fmt.Sprintf("%s:%d", f.File, f.Line)
	}
	return f.File
}

func scopeOf(f reports.Finding) string {
	switch {
	case f.Cluster == "" && f.Environment == "":
		return "-"
	case f.Environment == "":
		return f.Cluster
	}
	return f.Cluster + "/" + f.Environment
}

// objOrNS names a finding's object (with the GitOps object deploying it,
// which tells apart two objects of the same name from two applications)
// or namespace.
func objOrNS(f reports.Finding) string {
	if f.Object != "" && f.Deployer != "" {
		g := f
		g.Deployer = ""
		return objOrNS(g) + " (via " + f.Deployer + ")"
	}
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
	return strings.NewReplacer("|", `\|`, "\n", " ", "<", "&lt;", ">", "&gt;").Replace(s)
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
