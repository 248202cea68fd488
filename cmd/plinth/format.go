package main

import (
	"strings"

	"github.com/plinth-dev/plinth/internal/output"
)

// lookupFormat is the --format value name in a registry of output formats,
// among those keep accepts (all when keep is nil); an unknown name is a
// usage error listing the formats. validate, report and controls pick their
// format through it.
func lookupFormat[F output.Format](reg *output.Registry[F], name string, keep func(F) bool) (F, error) {
	f, ok := reg.Lookup(name)
	if !ok || (keep != nil && !keep(f)) {
		var zero F
		return zero, usageError("unknown --format %q: use one of %s", name, strings.Join(reg.Names(keep), ", "))
	}
	return f, nil
}

// formatHelp is the help of a --format flag over a registry.
func formatHelp[F output.Format](reg *output.Registry[F], keep func(F) bool) string {
	return "output format: " + strings.Join(reg.Names(keep), "|")
}
