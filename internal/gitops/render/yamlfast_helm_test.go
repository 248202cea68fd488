package render

import (
	"fmt"
	"reflect"
	"testing"
)

// sameAsParseDocs checks fastDocs against parseDocs' decoder (decodeDocs)
// and against the plain decoder on data; it says whether fastDocs read it
// (else it declined, which is always allowed).
func sameAsParseDocs(data []byte) (bool, error) {
	fast, ok := fastDocs(data, nil)
	if !ok {
		return false, nil
	}
	slow, err := decodeDocs(data)
	if err != nil {
		return true, fmt.Errorf("fastDocs read what decodeDocs refuses (%v)", err)
	}
	if !reflect.DeepEqual(fast, slow) {
		return true, fmt.Errorf("fastDocs gives\n%#v\ndecodeDocs gives\n%#v", fast, slow)
	}
	want, err := decodedValues(data)
	if err != nil {
		return true, fmt.Errorf("fastDocs read what the decoder refuses (%v)", err)
	}
	got := make([]map[string]any, 0, len(fast))
	for _, d := range fast {
		got = append(got, d.Value)
	}
	if !reflect.DeepEqual(got, append(make([]map[string]any, 0, len(want)), want...)) {
		return true, fmt.Errorf("fastDocs gives\n%#v\nthe decoder gives\n%#v", got, want)
	}
	return true, nil
}

func TestHelmYAMLCases(t *testing.T) {
	for _, tc := range []struct {
		in   string
		read bool // fastDocs must read it (else it must decline)
	}{
		{"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  labels:\n    app: x # comment\ndata:\n  a: \"1\"\n  b: '2'\n  c: 3\n", true},
		{"---\n# c\n\n---\na: 1\n---\n", true},
		{"  a: 1\n  b:\n  - x\n  - y: 1\n    z: [1, 'a', \"b\", c]\n", true},
		{"a: []\nb: {}\nc: [ ]\nd: { }\ne:\nf: ~\ng: null\nh: True\ni: FALSE\nj: -5\nk: 0x1F\nl: 1_000\nm: 0.5\nn: 1e3\no: 100m\np: 1.2.3\nq: 0777\nr: 18446744073709551615\ns: '+'\nt: http://a/b#c\nu: a#b\nv: 'it''s'\nw: \"\\\"q\\\\ \\n\\t\\u00e9\"\nx: yes\ny: on\nz: 2026\n", true},
		{"a:\n  - - x\n", false},
		{"a: &x 1\nb: *x\n", false},
		{"a: !!str 1\n", false},
		{"a: |\n  x\n", true},
		{"a: |-\n  x\n  # not a comment\n\n    y  \nb: 1\n", true},
		{"a:\n  - |\n    x\n\n\n  - |+\n    y\n  - c: |\n      z\n    d: 1\n", true},
		{"a: | # c\n  x\n---\nb: |\n x\n", true},
		{"a: |+\n  x\n\nb: 1\n", false},
		{"a: >\n  x\n", false},
		{"a: |2\n  x\n", false},
		{"a: |\n\n  x\n", false},
		{"a: |\n  x\n   \n", true},
		{"a: |\nb: 1\n", false},
		{"a: |\n  x\n y\n", false},
		{"a: ./x\nb: .5\nc: .x\n", true},
		{"A: |\n 0", true},
		{"A: |\n 0\n\n", true},
		{"a: b\n  c\n", false},
		{"a: 1\na: 2\n", false},
		{"1: a\n", false},
		{"true: a\n", false},
		{"<<: {a: 1}\n", false},
		{"a: {b: 1}\n", false},
		{"a: 2026-10-01\n", true},
		{"a: .inf\n", true},
		{"a: 0b101\n", true},
		{"a:\tb\n", false},
		{"a: \"x\n  y\"\n", false},
		{"- a\n- b\n", false},
		{"a\n", false},
		{"a: b: c\n", false},
		{"a: [a: b]\n", false},
		{"a: 1\n b: 2\n", false},
		{"a:\n    b: 1\n  c: 2\n", false},
		{"a: 1\n- b\n", false},
		{"%YAML 1.2\n---\na: 1\n", false},
		{"--- a: 1\n", false},
		{"a: é\n", true},
		{"a: \"\\x41\"\n", true},
		{"a: 'x' y\n", false},
		{"? a\n: b\n", false},
		{"a: -\n", false},
		{"- a: 1\n", false},
		// flow sequences and "|+" (read by fastDocs since it replaced helmYAMLDocs)
		{"drop: [\"ALL\"]\nb: [ 'a' , \"b\" ,c d ]  # x\nc: [-1, -x, .5, 0x1F, ~, true, 1_0]\n", true},
		{"a:\n- [a]\n- [ ]\n- { }\n", true},
		{"a: [a, ]\n", false},
		{"a: [[a]]\n", false},
		{"a: [{}]\n", false},
		{"a: [a #c]\n", false},
		{"a: [a]#c\n", false},
		{"a: [a] b\n", false},
		{"a: [a,\n  b]\n", false},
		{"a: [- a]\n", false},
		{"a: [<<]\n", false},
		{"a: ['a':]\n", false},
		{"a: |+\n  x\nb: 1\n", true},
		{"a: |+\n  x", true},
		{"a: |+\n  x\n\n", false},
	} {
		read, err := sameAsParseDocs([]byte(tc.in))
		if err != nil {
			t.Errorf("%q: %v", tc.in, err)
		}
		if read != tc.read {
			t.Errorf("%q: read %v, want %v", tc.in, read, tc.read)
		}
	}
}

// TestHelmYAMLOnFiles: every YAML file of the test data and the
// generator's goldens decodes the same with fastDocs as with
// the decoder, or is declined.
func TestHelmYAMLOnFiles(t *testing.T) {
	files, read := 0, 0
	eachTestYAML(t, func(p string, data []byte) {
		files++
		ok, err := sameAsParseDocs(data)
		if err != nil {
			t.Errorf("%s: %v", p, err)
		}
		if ok {
			read++
		}
	})
	if files < 100 || read < files/2 {
		t.Fatalf("fastDocs read %d of %d files", read, files)
	}
	t.Logf("fastDocs read %d of %d files", read, files)
}

func FuzzHelmYAML(f *testing.F) {
	f.Add([]byte("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\n---\nkind: X\n"))
	f.Add([]byte("a:\n- b: 1\n  c: [x, 'y', \"z\"]\n- 2\nd: {}\ne: 0x10\n"))
	f.Add([]byte("  a: 'it''s' # c\n  b:\n    - \"\\u00e9\\n\"\n"))
	f.Add([]byte("a: 1.5\nb: -0\nc: +5\nd: 1_0\ne: 0o7\nf: ~\ng: Null\n"))
	f.Add([]byte("a: |-\n  x\n\n   y\nb:\n- |\n  z\n"))
	f.Add([]byte("a: [\"ALL\", b c, 'd' ] # e\nb: [ ]\nc: { }\nd: |+\n  x\ne: [-1, .5, ~]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if _, err := sameAsParseDocs(data); err != nil {
			t.Fatal(err)
		}
	})
}
