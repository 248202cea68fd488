package schemas

import (
	"regexp"
	"sync"
)

// lazyRegexp compiles a regular expression on its first use: counted
// repetitions ({1,255}) make some take a millisecond to compile, which
// every plinth command paid at start, and most loads never match them
// (the Google Cloud forms on an AKS platform).
func lazyRegexp(expr string) func() *regexp.Regexp {
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(expr) })
}
