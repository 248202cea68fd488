// Package output is the shape every plinth command's output formats share:
// a registry of formats, each with a name, whether its output is binary (not
// for a terminal: the CLI wants --out or a redirection) and the languages it
// is written in. validate's formats (schemas.Writers) and the report's and
// catalog's (reports/render) are registries of this one type, so the CLI
// lists, checks and dispatches --format the same way for every command.
// What writing means stays with each registry's format type.
package output

import (
	"fmt"
	"slices"
)

// Info is what the CLI knows of a format without writing anything.
type Info struct {
	Name string
	// Binary output is not for a terminal.
	Binary bool
	// Languages the format is written in; empty when it is not localized.
	Languages []string
}

// Format is one entry of a Registry.
type Format interface {
	Info() Info
}

// Registry holds the formats of one kind of output, in the order help
// lists them.
type Registry[F Format] struct {
	formats []F
}

// New returns a registry of formats; names must be unique and non-empty.
func New[F Format](formats ...F) *Registry[F] {
	seen := map[string]bool{}
	for _, f := range formats {
		name := f.Info().Name
		if name == "" || seen[name] {
			panic(fmt.Sprintf("output: format name %q empty or registered twice", name))
		}
		seen[name] = true
	}
	return &Registry[F]{formats: slices.Clone(formats)}
}

// All returns the formats, in the order help lists them.
func (r *Registry[F]) All() []F { return slices.Clone(r.formats) }

// Lookup returns the format called name.
func (r *Registry[F]) Lookup(name string) (F, bool) {
	for _, f := range r.formats {
		if f.Info().Name == name {
			return f, true
		}
	}
	var zero F
	return zero, false
}

// Names lists the names of the formats keep accepts (all when keep is nil),
// in the order help lists them.
func (r *Registry[F]) Names(keep func(F) bool) []string {
	var out []string
	for _, f := range r.formats {
		if keep == nil || keep(f) {
			out = append(out, f.Info().Name)
		}
	}
	return out
}
