// Package gcearly applies the command's GC policy (gcpolicy.Apply) as
// soon as it is initialized. Packages are initialized in the order of
// their import paths, each once what it imports is: this one imports
// little and sorts before the dependencies that allocate most at start
// (jsonschema's meta-schemas, govalidator's and distribution's regular
// expressions, client-go's scheme: ~7 MB), which with the runtime's
// default policy cost two collections before main runs (~10 ms of a
// command's start). main imports it for that side effect only.
package gcearly

import "github.com/plinth-dev/plinth/internal/gcpolicy"

func init() { gcpolicy.Apply() }
