package generator

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"slices"
	"strings"

	"github.com/plinth-dev/plinth/schemas"
)

// Options an OptionError can name.
const (
	OptionEngine   = "engine"
	OptionFlavor   = "flavor"
	OptionEnv      = "environment"
	OptionRepoPath = "repository path"
)

// OptionError is an Options value Generate cannot use.
type OptionError struct {
	Option  string // OptionEngine, OptionFlavor, OptionEnv or OptionRepoPath
	Value   string
	Reason  string
	Unknown bool // Value is not one of the names the option takes
}

func (e *OptionError) Error() string { return e.Format(e.Option) }

// Format words the error with name for the option (a command passes its
// flag).
func (e *OptionError) Format(name string) string {
	if e.Unknown {
		return fmt.Sprintf("unknown %s %q: %s", name, e.Value, e.Reason)
	}
	return fmt.Sprintf("%s %q: %s", name, e.Value, e.Reason)
}

// Check checks the options that do not depend on a platform: the engine and
// flavor names (empty: the default) and the repository path. It is the one
// place they are validated.
func (o Options) Check() error {
	if _, ok := engineNamed(o.Engine); o.Engine != "" && !ok {
		return &OptionError{Option: OptionEngine, Value: o.Engine, Reason: "use " + orList(Engines()), Unknown: true}
	}
	if _, ok := layoutNamed(o.Flavor); o.Flavor != "" && !ok {
		return &OptionError{Option: OptionFlavor, Value: o.Flavor, Reason: "use " + orList(Flavors()), Unknown: true}
	}
	if _, err := cleanRepoPath(o.RepoPath); err != nil {
		return err
	}
	return nil
}

// cleanRepoPath normalises a repository path ("" is the root) or says why
// it cannot be one.
func cleanRepoPath(p string) (string, error) {
	raw := strings.ReplaceAll(p, "\\", "/")
	if slices.Contains(strings.Split(raw, "/"), "..") {
		return "", &OptionError{Option: OptionRepoPath, Value: p, Reason: "must stay inside the repository"}
	}
	return strings.Trim(path.Clean("/"+raw), "/"), nil
}

func orList(names []string) string {
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// NoPlatformError is a platform directory that does not exist or is not a
// directory.
type NoPlatformError struct {
	Dir    string
	Reason string // "it does not exist", "it is a file", …
}

func (e *NoPlatformError) Error() string {
	return e.Dir + " is not a platform directory: " + e.Reason
}

// Load loads the platform in dir ("" is ".") and generates it with opts: the
// prologue of every command that renders a platform. Errors: Options.Check's
// *OptionError (before anything is read), *NoPlatformError, schemas.Errors
// (every problem located in the platform), and Generate's errors.
func Load(dir string, opts Options) (*schemas.Model, *Output, error) {
	if err := opts.Check(); err != nil {
		return nil, nil, err
	}
	if dir == "" {
		dir = "."
	}
	switch fi, err := os.Stat(dir); {
	case errors.Is(err, fs.ErrNotExist):
		return nil, nil, &NoPlatformError{Dir: dir, Reason: "it does not exist"}
	case err != nil:
		return nil, nil, &NoPlatformError{Dir: dir, Reason: "it cannot be read (" + err.Error() + ")"}
	case !fi.IsDir():
		return nil, nil, &NoPlatformError{Dir: dir, Reason: "it is a file, not a directory"}
	}
	m, err := schemas.Load(dir)
	if err != nil {
		return nil, nil, err
	}
	out, err := Generate(m, opts)
	if err != nil {
		return m, nil, err
	}
	return m, out, nil
}
