package publish

import (
	"strings"
	"unicode"
)

// Bounds of what a server's messages add to an error.
const (
	remoteLogBytes = 64 << 10 // kept of the sideband stream (its end)
	remoteLogLines = 20       // shown, the last ones
	remoteLogWidth = 240      // characters per line shown
)

// remoteLog keeps the end of what the server sent on the sideband while
// pushing: the messages of its hooks (git prints them as "remote: ...").
type remoteLog struct{ buf []byte }

func (l *remoteLog) Write(p []byte) (int, error) {
	l.buf = append(l.buf, p...)
	if over := len(l.buf) - remoteLogBytes; over > 0 {
		l.buf = append(l.buf[:0], l.buf[over:]...)
	}
	return len(p), nil
}

// progressPrefixes start the lines of git's own progress, which say
// nothing about why a push was refused.
var progressPrefixes = []string{"Counting objects", "Compressing objects", "Writing objects",
	"Unpacking objects", "Resolving deltas", "Total ", "Enumerating objects"}

// String returns the server's messages on one line, each "remote: ...",
// without progress lines and control characters, or "" when it sent none.
func (l *remoteLog) String() string {
	var lines []string
	for _, line := range strings.FieldsFunc(string(l.buf), func(r rune) bool { return r == '\n' || r == '\r' }) {
		line = strings.TrimSpace(strings.Map(func(r rune) rune {
			if unicode.IsControl(r) || r == unicode.ReplacementChar {
				return -1
			}
			return r
		}, line))
		if line == "" || hasAnyPrefix(line, progressPrefixes) {
			continue
		}
		if r := []rune(line); len(r) > remoteLogWidth {
			line = string(r[:remoteLogWidth]) + "..."
		}
		lines = append(lines, "remote: "+line)
	}
	if len(lines) > remoteLogLines {
		lines = append([]string{"remote: ..."}, lines[len(lines)-remoteLogLines:]...)
	}
	return strings.Join(lines, "; ")
}

func hasAnyPrefix(s string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}
