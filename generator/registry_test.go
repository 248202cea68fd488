package generator

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestRoomsDoNotAskEachOther: layouts and engines meet only through
// generator/internal/tree. No layout imports an engine or another layout,
// no engine a layout or another engine, and neither imports the core.
func TestRoomsDoNotAskEachOther(t *testing.T) {
	const mod = "github.com/plinth-dev/plinth/generator/"
	layouts, _ := filepath.Glob("layout/*")
	engines, _ := filepath.Glob("engine/*")
	rooms := append(layouts, engines...)
	if len(layouts) < 2 || len(engines) < 2 {
		t.Fatalf("rooms: %v", rooms)
	}
	for _, room := range rooms {
		t.Run(room, func(t *testing.T) {
			imports := importsOf(t, room)
			if len(imports) == 0 {
				t.Fatal("no imports read")
			}
			for _, imp := range imports {
				rel, ok := strings.CutPrefix(imp, mod)
				switch {
				case imp == strings.TrimSuffix(mod, "/"):
					t.Errorf("imports the generator's core")
				case !ok:
				case strings.HasPrefix(rel, "layout/") || strings.HasPrefix(rel, "engine/"):
					t.Errorf("imports %s: rooms meet through generator/internal/tree only", rel)
				}
			}
		})
	}
}

// importsOf lists the import paths of the non-test Go files of dir.
func importsOf(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	fset := token.NewFileSet()
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".go") || strings.HasSuffix(e.Name(), "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(dir, e.Name()), nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			out = append(out, p)
		}
	}
	return out
}
