package schemas_test

import (
	"crypto/sha256"
	"fmt"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/plinth-dev/plinth/internal/testutil/golden"
	"github.com/plinth-dev/plinth/internal/testutil/synth"
	"github.com/plinth-dev/plinth/schemas"
)

// TestModelDigests holds the models Load returns for the repository's
// platforms and synthetic ones of several sizes to digests of a dump of
// every field (positions, warnings and unexported fields included), made by
// the loader before it decoded CUE values itself (commit 06b3a39): a faster
// load must build exactly the same model. A change to the model itself
// updates them with -update.
func TestModelDigests(t *testing.T) {
	dirs := map[string]string{
		"example":             "example",
		"examples/multicloud": filepath.Join("examples", "multicloud"),
		"init":                filepath.Join("..", "testdata", "init"),
		"platforms/escape":    filepath.Join("..", "testdata", "platforms", "escape"),
	}
	for _, n := range []int{0, 1, 7, 45, 160, 600} {
		dir := t.TempDir()
		if err := synth.Write(dir, n); err != nil {
			t.Fatal(err)
		}
		dirs[fmt.Sprintf("synth-%d", n)] = dir
	}
	var out strings.Builder
	names := make([]string, 0, len(dirs))
	for name := range dirs {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		m, err := schemas.Load(dirs[name])
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		m.Dir = "" // where it was loaded from
		var d strings.Builder
		dumpValue(&d, reflect.ValueOf(m), "")
		fmt.Fprintf(&out, "%x  %s (%d services, %d dump bytes)\n", sha256.Sum256([]byte(d.String())), name, len(m.Services), d.Len())
	}
	golden.Check(t, filepath.Join("..", "testdata", "load", "model-digests.txt"), []byte(out.String()))
}

// dumpValue writes v and everything it reaches, one line per scalar, in a
// fixed order (map keys sorted).
func dumpValue(b *strings.Builder, v reflect.Value, path string) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			fmt.Fprintf(b, "%s nil\n", path)
			return
		}
		dumpValue(b, v.Elem(), path)
	case reflect.Struct:
		for i := range v.NumField() {
			dumpValue(b, v.Field(i), path+"."+v.Type().Field(i).Name)
		}
	case reflect.Slice, reflect.Array:
		if v.Kind() == reflect.Slice && v.IsNil() {
			fmt.Fprintf(b, "%s nil-slice\n", path)
			return
		}
		fmt.Fprintf(b, "%s len %d\n", path, v.Len())
		for i := range v.Len() {
			dumpValue(b, v.Index(i), fmt.Sprintf("%s[%d]", path, i))
		}
	case reflect.Map:
		if v.IsNil() {
			fmt.Fprintf(b, "%s nil-map\n", path)
			return
		}
		keys := v.MapKeys()
		sort.Slice(keys, func(i, j int) bool { return fmt.Sprint(keys[i]) < fmt.Sprint(keys[j]) })
		fmt.Fprintf(b, "%s len %d\n", path, len(keys))
		for _, k := range keys {
			dumpValue(b, v.MapIndex(k), fmt.Sprintf("%s[%q]", path, fmt.Sprint(k)))
		}
	case reflect.String:
		fmt.Fprintf(b, "%s %q\n", path, v.String())
	case reflect.Bool:
		fmt.Fprintf(b, "%s %t\n", path, v.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		fmt.Fprintf(b, "%s %d\n", path, v.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		fmt.Fprintf(b, "%s %d\n", path, v.Uint())
	case reflect.Float32, reflect.Float64:
		fmt.Fprintf(b, "%s %v\n", path, v.Float())
	default:
		fmt.Fprintf(b, "%s %s?\n", path, v.Kind())
	}
}
