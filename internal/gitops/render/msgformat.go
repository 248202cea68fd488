package render

import (
	"fmt"
	"regexp"
	"strings"
)

// ArgSep separates the arguments of Problem.Args.
const ArgSep = "\x1f"

// verb is a fmt verb of the problems' formats.
var verb = regexp.MustCompile(`%[-+# 0]*[0-9]*(?:\.[0-9]+)?[a-zA-Z]`)

// msgFormat is a problem's format with every verb made %s: with the
// arguments of msgArgs it gives the same message, and it is the key
// the reports translate the message by.
func msgFormat(format string) string { return verb.ReplaceAllString(format, "%s") }

// msgArgs formats each argument by its verb of format, joined by ArgSep.
func msgArgs(format string, args []any) string {
	verbs := verb.FindAllString(format, -1)
	out := make([]string, len(args))
	for i, a := range args {
		v := "%v"
		if i < len(verbs) {
			v = verbs[i]
		}
		out[i] = fmt.Sprintf(v, a)
	}
	return strings.Join(out, ArgSep)
}

// Templated is p with the message fmt.Sprintf(format, args...), its
// Format and Args set (for problems made outside the rendering).
func Templated(p Problem, format string, args ...any) Problem {
	p.Message, p.Format, p.Args = fmt.Sprintf(format, args...), msgFormat(format), msgArgs(format, args)
	return p
}
