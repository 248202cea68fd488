// Package gcearly applies the command's GC policy (gcpolicy.Apply) as
// soon as it is initialized. Packages are initialized in the order of
// their import paths, each once what it imports is: this one imports
// little and sorts before the dependencies that allocate most at start
// (jsonschema's meta-schemas, govalidator's and distribution's regular
// expressions, client-go's scheme: ~7 MB), which with the runtime's
// default policy cost two collections before main runs (~10 ms of a
// command's start). It also turns off the runtime's sampling of
// allocations for memory profiles, which the command never writes (a
// stack walk every 512 KB allocated: a report allocates ~400 MB). main
// imports it for these side effects only.
package gcearly

import (
	"runtime"

	"github.com/plinth-dev/plinth/internal/gcpolicy"
)

func init() {
	runtime.MemProfileRate = 0
	gcpolicy.Apply()
}
