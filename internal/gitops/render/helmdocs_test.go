package render

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"sync"
	"testing"

	yaml "go.yaml.in/yaml/v3"
	"helm.sh/helm/v3/pkg/chartutil"
)

// decodedValues decodes every document of data into an interface value,
// the plain way (an independent reference for parseDocs): the non-empty
// mappings, with string keys.
func decodedValues(data []byte) ([]map[string]any, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var out []map[string]any
	for {
		var v any
		err := dec.Decode(&v)
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		if v == nil {
			continue
		}
		m, ok := stringKeys(v).(map[string]any)
		if !ok {
			return nil, fmt.Errorf("not a mapping: %T", v)
		}
		if len(m) > 0 {
			out = append(out, m)
		}
	}
}

// unmarshalValues is how Helm reads a values file (chartutil.ReadValues).
func unmarshalValues(data []byte) (map[string]any, error) {
	v, err := chartutil.ReadValues(data)
	return map[string]any(v), err
}

// checkValuesDoc fails t when valuesDoc reads data differently from
// Helm's chartutil.ReadValues; it says whether valuesDoc read it.
func checkValuesDoc(t *testing.T, name string, data []byte) bool {
	t.Helper()
	got, ok := valuesDoc(data, nil)
	if !ok {
		return false
	}
	want, err := unmarshalValues(data)
	if err != nil {
		t.Errorf("%s: valuesDoc read what Helm refuses: %v", name, err)
	} else if !reflect.DeepEqual(got, want) {
		t.Errorf("%s: valuesDoc gives\n%#v\nHelm reads\n%#v", name, got, want)
	}
	// The same read twice with an interner, the second time from what
	// the first shared.
	in := &interner{}
	for i := range 2 {
		if shared, ok := valuesDoc(data, in); !ok || !reflect.DeepEqual(shared, got) {
			t.Errorf("%s: read %d with an interner gives\n%#v (%v)\nwithout\n%#v", name, i+1, shared, ok, got)
		}
	}
	return true
}

func TestValuesDocSameAsUnmarshal(t *testing.T) {
	for _, tc := range []struct {
		in   string
		read bool
	}{
		{"a: 1\nb:\n  c: [x, 2]\n  d: {}\n", true},
		{"# only a comment\n", false},
		{"", false},
		{"{}\n", false},
		{"a: 1\n---\nb: 2\n", false},
		{"---\n---\na: 1\n", false},
		{"a: 1\n...\n", false},
		{"- a\n", false},
		{"a: [\n", false},
		{"1: a\ntrue: b\n", false},
		{"data: {123: a, true: b, ~: c}\n", false},
		// Helm reads numbers as float64 (10000000 prints as 1e+07) and
		// YAML 1.1 words as booleans ("off" is false).
		{"big: 10000000\nreplicas: 3\nlist: [1, x]\n", true},
		{"networkPolicy:\n  enabled: off\nx: yes\n", false},
		{"f: 1.5\ne: 1e3\n", false},
	} {
		if read := checkValuesDoc(t, fmt.Sprintf("%q", tc.in), []byte(tc.in)); read != tc.read {
			t.Errorf("%q: read %v, want %v", tc.in, read, tc.read)
		}
		got, err := helmValuesYAML([]byte(tc.in))
		want, wantErr := unmarshalValues([]byte(tc.in))
		if (err != nil) != (wantErr != nil) || err == nil && len(got)+len(want) > 0 && !reflect.DeepEqual(got, want) {
			t.Errorf("%q: helmValuesYAML gives %#v, %v; Helm reads %#v, %v", tc.in, got, err, want, wantErr)
		}
	}
	if v, _ := helmValuesYAML([]byte("networkPolicy:\n  enabled: off\nbig: 10000000\n")); v["big"] != float64(1e7) || v["networkPolicy"].(map[string]any)["enabled"] != false {
		t.Errorf("values not read as Helm reads them: %#v", v)
	}
	files, read := 0, 0
	eachTestYAML(t, func(p string, data []byte) {
		files++
		if checkValuesDoc(t, p, data) {
			read++
		}
	})
	if files < 100 || read < files/2 {
		t.Fatalf("valuesDoc read %d of %d files", read, files)
	}
}

// eachTestYAML calls f with every YAML file of the test data, the
// generator's goldens and the tests' inputs.
func eachTestYAML(t *testing.T, f func(p string, data []byte)) {
	t.Helper()
	for _, root := range []string{"../../../testdata", "../../../generator", "../../../test", "testdata"} {
		_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !isYAML(p) {
				return nil
			}
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			f(p, data)
			return nil
		})
	}
}

// CheckChartOutputs runs f, which renders charts, and checks that every
// template output is read by fastDocs as parseDocs' decoder and the YAML
// decoder read it; it returns how many outputs there were and how many
// fastDocs read.
func CheckChartOutputs(t *testing.T, f func()) (outputs, read int) {
	t.Helper()
	var mu sync.Mutex
	var outs []string
	chartOutputHook = func(content string) {
		mu.Lock()
		outs = append(outs, content)
		mu.Unlock()
	}
	defer func() { chartOutputHook = nil }()
	f()
	for _, content := range outs {
		ok, err := sameAsParseDocs([]byte(content))
		if err != nil {
			t.Errorf("%v on:\n%s", err, content)
		}
		if ok {
			read++
		}
	}
	return len(outs), read
}

// CheckValuesFiles checks valuesDoc against yaml.Unmarshal on the YAML
// files of files; it returns how many there were and how many valuesDoc
// read.
func CheckValuesFiles(t *testing.T, files map[string][]byte) (n, read int) {
	t.Helper()
	for p, data := range files {
		if !isYAML(p) || filepath.Base(filepath.Dir(p)) == "templates" {
			continue
		}
		n++
		if checkValuesDoc(t, p, data) {
			read++
		}
	}
	return n, read
}
