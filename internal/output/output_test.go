package output_test

import (
	"slices"
	"testing"

	"github.com/plinth-dev/plinth/internal/output"
)

type format struct {
	name   string
	binary bool
}

func (f format) Info() output.Info { return output.Info{Name: f.name, Binary: f.binary} }

func TestRegistry(t *testing.T) {
	r := output.New(format{name: "text"}, format{name: "pdf", binary: true}, format{name: "json"})
	if got := r.Names(nil); !slices.Equal(got, []string{"text", "pdf", "json"}) {
		t.Errorf("Names(nil) = %v", got)
	}
	if got := r.Names(func(f format) bool { return !f.binary }); !slices.Equal(got, []string{"text", "json"}) {
		t.Errorf("Names(textual) = %v", got)
	}
	if f, ok := r.Lookup("pdf"); !ok || !f.binary {
		t.Errorf("Lookup(pdf) = %v, %v", f, ok)
	}
	if _, ok := r.Lookup("xml"); ok {
		t.Error("Lookup(xml) found a format")
	}
	all := r.All()
	all[0] = format{name: "changed"}
	if r.All()[0].name != "text" {
		t.Error("All returned the registry's own slice")
	}
}

func TestRegistryRefusesDuplicates(t *testing.T) {
	for name, formats := range map[string][]format{
		"duplicate": {{name: "text"}, {name: "text"}},
		"empty":     {{name: ""}},
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Error("New did not panic")
				}
			}()
			output.New(formats...)
		})
	}
}
