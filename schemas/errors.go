package schemas

import (
	"fmt"
	"sort"
	"strings"

	"github.com/plinth-dev/plinth/internal/gitauth"
)

// Error is one problem in a platform, located at a file position and a CUE
// path such as "services.cart.image".
type Error struct {
	Pos  Pos    `json:"pos"`
	Path string `json:"path"`
	// Rule names the check that failed ("schema" for the CUE schema,
	// "syntax" for parse errors, else e.g. "image-tag", "quota").
	Rule string `json:"rule"`
	Msg  string `json:"message"`
}

func (e *Error) Error() string {
	var b strings.Builder
	if e.Pos.File != "" {
		b.WriteString(e.Pos.String())
		b.WriteString(": ")
	}
	if e.Path != "" {
		b.WriteString(e.Path)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// String formats a position as file:line:col, or the file alone when the
// error concerns the whole file (line 0).
func (p Pos) String() string {
	switch {
	case p.File == "":
		return "-"
	case p.Line == 0:
		return p.File
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Column)
}

// Errors is every problem found in a platform, sorted by position.
type Errors []*Error

func (es Errors) Error() string {
	switch len(es) {
	case 0:
		return "no errors"
	case 1:
		return es[0].Error()
	}
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return fmt.Sprintf("%d errors:\n%s", len(es), strings.Join(lines, "\n"))
}

// sorted returns the errors ordered by file, line, column, path and message,
// without duplicates, and with credentials in URLs of their messages
// redacted (a CUE conflict quotes the user's values).
func (es Errors) sorted() Errors {
	for _, e := range es {
		e.Msg = gitauth.RedactURLs(e.Msg)
	}
	sort.SliceStable(es, func(i, j int) bool {
		a, b := es[i], es[j]
		if a.Pos.File != b.Pos.File {
			return a.Pos.File < b.Pos.File
		}
		if a.Pos.Line != b.Pos.Line {
			return a.Pos.Line < b.Pos.Line
		}
		if a.Pos.Column != b.Pos.Column {
			return a.Pos.Column < b.Pos.Column
		}
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		return a.Msg < b.Msg
	})
	out := es[:0]
	for i, e := range es {
		if i > 0 && *e == *es[i-1] {
			continue
		}
		out = append(out, e)
	}
	return out
}
