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

// unmarshalValues is valuesFile's decoding before valuesDoc.
func unmarshalValues(data []byte) (map[string]any, error) {
	var v map[string]any
	if err := yaml.Unmarshal(data, &v); err != nil {
		return nil, err
	}
	return stringKeys(v).(map[string]any), nil
}

// checkValuesDoc fails t when valuesDoc reads data differently from
// yaml.Unmarshal; it says whether valuesDoc read it.
func checkValuesDoc(t *testing.T, name string, data []byte) bool {
	t.Helper()
	got, ok := valuesDoc(data)
	if !ok {
		return false
	}
	want, err := unmarshalValues(data)
	if err != nil {
		t.Errorf("%s: valuesDoc read what yaml.Unmarshal refuses: %v", name, err)
	} else if !reflect.DeepEqual(got, want) {
		t.Errorf("%s: valuesDoc gives\n%#v\nyaml.Unmarshal gives\n%#v", name, got, want)
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
		{"1: a\ntrue: b\n", true},
		{"data: {123: a, true: b, ~: c}\n", true},
	} {
		if read := checkValuesDoc(t, fmt.Sprintf("%q", tc.in), []byte(tc.in)); read != tc.read {
			t.Errorf("%q: read %v, want %v", tc.in, read, tc.read)
		}
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
