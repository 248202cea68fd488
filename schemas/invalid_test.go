package schemas_test

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/plinth-dev/plinth/internal/testutil/golden"

	"github.com/plinth-dev/plinth/schemas"
)

// wantRE finds the markers a case puts on the line where an error must be
// reported: "// want <rule>" in CUE, "# want <rule>" in YAML.
var wantRE = regexp.MustCompile(`(?://|#) want ([a-z-]+)\b`)

// TestInvalid loads every case of testdata/invalid: each must fail with
// exactly the errors of its expected.txt (file:line:col: path: message), and
// every "want <rule>" marker must be matched by an error of that rule on
// that line.
func TestInvalid(t *testing.T) {
	root := filepath.Join("..", "testdata", "invalid")
	entries, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		n++
		dir := filepath.Join(root, e.Name())
		t.Run(e.Name(), func(t *testing.T) {
			_, err := schemas.Load(dir)
			var errs schemas.Errors
			if !errors.As(err, &errs) {
				t.Fatalf("Load: want located errors, got %v", err)
			}
			var got bytes.Buffer
			if err := schemas.WriteErrors(&got, errs, "text", ""); err != nil {
				t.Fatal(err)
			}
			golden.Check(t, filepath.Join(dir, "expected.txt"), got.Bytes())
			markers := findMarkers(t, dir)
			if len(markers) == 0 {
				t.Fatalf("case has no \"want <rule>\" marker")
			}
			for _, mk := range markers {
				found := false
				for _, e := range errs {
					if e.Rule == mk.rule && e.Pos.File == mk.file && e.Pos.Line == mk.line {
						found = true
					}
				}
				if !found {
					t.Errorf("%s:%d: want a %q error on this line; got:\n%s", mk.file, mk.line, mk.rule, got.String())
				}
			}
		})
	}
	if n < 30 {
		t.Errorf("only %d invalid cases, want at least 30", n)
	}
}

type marker struct {
	file, rule string
	line       int
}

func findMarkers(t *testing.T, dir string) []marker {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	var out []marker
	for _, f := range files {
		switch filepath.Ext(f) {
		case ".cue", ".yaml", ".yml", ".json":
		default:
			continue
		}
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(bytes.NewReader(data))
		for line := 1; sc.Scan(); line++ {
			if m := wantRE.FindStringSubmatch(sc.Text()); m != nil {
				out = append(out, marker{file: filepath.Base(f), rule: m[1], line: line})
			}
		}
	}
	return out
}

// TestErrorsAreLocated checks that every error of every case names a file,
// a line and a CUE path.
func TestErrorsAreLocated(t *testing.T) {
	dirs, _ := filepath.Glob(filepath.Join("..", "testdata", "invalid", "*"))
	for _, dir := range dirs {
		_, err := schemas.Load(dir)
		var errs schemas.Errors
		if !errors.As(err, &errs) {
			continue
		}
		for _, e := range errs {
			if e.Pos.File == "" || e.Pos.Line == 0 || (e.Path == "" && e.Rule != "syntax" && e.Rule != "package") {
				t.Errorf("%s: unlocated error %s", filepath.Base(dir), fmt.Sprint(e))
			}
			if strings.Contains(e.Pos.File, "plinth:") {
				t.Errorf("%s: error points into the embedded schema: %s", filepath.Base(dir), e)
			}
		}
	}
}
