package tree

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"math"
	"reflect"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"
)

// TestAppendValueMatchesSigs: the YAML written directly is the YAML of
// sigs.k8s.io/yaml.Marshal, for the shapes of the generated objects and for
// the edges of its quoting, number and key-order rules; direct says the
// value is written without falling back to sigs.k8s.io/yaml.
func TestAppendValueMatchesSigs(t *testing.T) {
	long := strings.Repeat("word ", 30)
	cases := []struct {
		name   string
		v      any
		direct bool
	}{
		{"object", map[string]any{
			"apiVersion": "apps/v1", "kind": "Deployment",
			"metadata": map[string]any{"name": "web", "labels": map[string]any{"app.kubernetes.io/name": "web", "plinth.dev/team": "a"}},
			"spec": map[string]any{"replicas": float64(3), "template": map[string]any{"spec": map[string]any{
				"containers": []any{map[string]any{"name": "web", "image": "registry.example.com/web:1.2.3",
					"ports":     []any{map[string]any{"containerPort": float64(8080), "protocol": "TCP"}},
					"resources": map[string]any{"limits": map[string]any{"cpu": "500m", "memory": "128Mi"}},
					"args":      []any{"--flag=1", "serve"}}},
				"securityContext": map[string]any{"runAsNonRoot": true},
			}}},
		}, true},
		{"empty map", map[string]any{}, true},
		{"empty list", []any{}, true},
		{"empty nested", map[string]any{"a": map[string]any{}, "b": []any{}, "c": nil}, true},
		{"nested lists", []any{[]any{"a", "b"}, []any{}, []any{[]any{"c"}, map[string]any{"d": "e"}}, map[string]any{}}, true},
		{"list of maps", map[string]any{"l": []any{map[string]any{"a": "b", "c": []any{"d"}}, map[string]any{"e": map[string]any{"f": "g"}}}}, true},
		{"numbers", map[string]any{"a": 0.0, "b": math.Copysign(0, -1), "c": 1.5, "d": -3.0, "e": 1e-7, "f": 123456789.5,
			"g": 1 << 52, "h": 0.1, "i": 1e20, "j": 1e21, "k": float64(1<<53 + 2), "l": 1234567.25}, false},
		{"small numbers", map[string]any{"a": 0.0, "c": 1.5, "d": -3.0, "e": 1e-7, "f": 123456789.5, "g": float64(1 << 52), "h": 0.1}, true},
		{"ints", map[string]any{"a": 1, "b": int64(-2), "c": int32(3)}, true},
		{"bools and null", map[string]any{"t": true, "f": false, "n": nil}, true},
		{"quoted words", map[string]any{"a": "true", "b": "yes", "c": "on", "d": "Off", "e": "null", "f": "~", "g": "", "h": "y", "i": "N", "j": "NULL", "k": "<<"}, true},
		{"number strings", map[string]any{"a": "123", "b": "1.5", "c": "0x1F", "d": "1e3", "e": "1_000", "f": "12:30", "g": "2001-12-14", "h": "+1", "i": "-1", "j": ".5", "k": ".inf", "l": "0o17", "m": "100m", "n": "1.34", "o": "08"}, true},
		{"indicators", map[string]any{"a": "-foo", "b": "- foo", "c": "foo: bar", "d": "foo #bar", "e": "#x", "f": "a b", "g": "it's", "h": `say "hi"`, "i": "{x}", "j": "*x", "k": "&x", "l": "!x", "m": "%x", "n": "@x", "o": "`x", "p": "a:b", "q": "a: ", "r": " lead", "s": "trail ", "t": "tab\there", "u": "---", "v": "...", "w": "?x", "x": "|x", "y": ">x", "z": "[x]"}, true},
		{"unicode", map[string]any{"a": "서비스", "b": "é x", "c": "\u00a0", "d": "\u2028"}, true},
		{"multi-line", map[string]any{"a": "line one\nline two\n", "b": "x\n", "c": "x\ny", "d": "a\n\n  b: c\n#x\n",
			"e": []any{"p\nq", map[string]any{"f": "r\ns\n", "g": []any{"t\nu"}}}, "h": map[string]any{"i": "- x\n- y"}}, true},
		{"multi-line edges", map[string]any{"a": "x\n\n", "b": "\n", "c": " x\ny", "d": "x \ny", "e": "x\ny ", "f": "\tx\ny", "g": "é\nx", "h": "\nx", "i": "x\r\ny"}, false},
		{"multi-line top", "x\ny\n", false},
		{"long strings", map[string]any{"a": long, "b": strings.TrimSpace(long), "c": strings.Repeat("x", 300)}, false},
		{"invalid utf-8", map[string]any{"a": "\xff"}, false},
		{"key order", map[string]any{"a10": 1, "a9": 2, "a09": 3, "a_b": 4, "aB": 5, "a.b": 6, "A": 7, "a": 8, "a0": 9, "a00": 10, "a1": 12, "_": 13, "1": 14, "10": 15, "2": 16, "b-1": 17, "b1": 18, "Z": 19, "x/y": 20, "x.y": 21}, true},
		{"key order zeros", map[string]any{"x10": 1, "x100": 2, "x1000": 3, "x0100": 4, "x010": 5, "x001": 6, "x01": 7, "x0": 8, "x": 9}, true},
		{"unicode key", map[string]any{"é": 1, "e": 2}, false},
		{"quoted keys", map[string]any{"true": 1, "": 2, "1": 3, "a b": 4, "a: b": 5}, true},
		{"long key", map[string]any{strings.Repeat("k", 150): 1}, false},
		{"typed", NewKustomization("ns", []string{"a.yaml", "b"}), true},
		{"typed big int", struct {
			N int64 `json:"n"`
		}{1 << 60}, false},
		{"nested typed", map[string]any{"a": []string{"x"}}, false},
		{"scalar", "foo", true},
		{"scalar quoted", "true", true},
	}
	// Strings with spaces ending around the width at which the emitter
	// breaks them, as values of keys of growing length.
	for n := 60; n < 90; n++ {
		cases = append(cases, struct {
			name   string
			v      any
			direct bool
		}{"width", map[string]any{"k": map[string]any{strings.Repeat("k", n-60+1): strings.Repeat("ab ", 25)}}, false})
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			want, werr := yaml.Marshal(c.v)
			got, err := appendValue([]byte("# head\n"), c.v)
			if (err != nil) != (werr != nil) {
				t.Fatalf("error %v, sigs.k8s.io/yaml %v", err, werr)
			}
			if err != nil {
				return
			}
			if !bytes.Equal(got, append([]byte("# head\n"), want...)) {
				t.Errorf("got:\n%s\nwant:\n# head\n%s", got, want)
			}
			if c.direct {
				v := c.v
				if _, ok := v.(*Kustomization); ok {
					v = map[string]any{"apiVersion": "kustomize.config.k8s.io/v1beta1", "kind": "Kustomization", "namespace": "ns", "resources": []any{"a.yaml", "b"}}
				}
				if _, ok := appendYAML(nil, v); !ok {
					t.Errorf("written through sigs.k8s.io/yaml, want directly")
				}
			}
		})
	}
}

// TestKeyOrderCycle: keys go.yaml.in/yaml/v2 does not order consistently
// (a1b < a9 < a09 < a10 < a1b: its output depends on the map's iteration
// order) are not written directly.
func TestKeyOrderCycle(t *testing.T) {
	if _, ok := appendYAML(nil, map[string]any{"a1b": 1, "a9": 2, "a09": 3, "a10": 4}); ok {
		t.Error("written directly")
	}
}

// TestKeyLessMatchesSigs: keys sort as go.yaml.in/yaml/v2 sorts them, for
// pairs that exercise letters, digits, zeros and punctuation.
func TestKeyLessMatchesSigs(t *testing.T) {
	alphabet := []string{"", "a", "b", "A", "_", ".", "0", "1", "9", "00", "01", "10", "a0", "a1", "a01", "a10", "0a", "-", "/", "~"}
	for _, x := range alphabet {
		for _, y := range alphabet {
			for _, z := range []string{"", "x", "1", "0"} {
				a, b := x+z, y
				if a == b {
					continue
				}
				checkKeyOrder(t, a, b)
			}
		}
	}
}

func checkKeyOrder(t *testing.T, a, b string) {
	t.Helper()
	want, err := yaml.Marshal(map[string]any{a: 0, b: 1})
	if err != nil {
		t.Fatal(err)
	}
	keys := []string{b, a}
	if !sortKeys(keys) {
		return // not written directly: nothing to compare
	}
	got, ok := appendYAML(nil, map[string]any{a: 0, b: 1})
	if !ok {
		return
	}
	if !bytes.Equal(got, want) {
		t.Errorf("keys %q %q: got\n%s\nwant\n%s", a, b, got, want)
	}
}

// FuzzYAML: whatever JSON-like value the bytes describe, appendValue
// writes what sigs.k8s.io/yaml.Marshal writes.
func FuzzYAML(f *testing.F) {
	f.Add([]byte("\x01\x03a\x00b\x02 1"))
	f.Add([]byte("\x02\x02\x00true\x00\x05\x00\x00\x00\x00\x00\x00\xf8\x7f"))
	f.Add([]byte("\x01\x02\x00a10\x00\x03\x00a9\x00x y z\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		v := fuzzValue(&data, 0)
		want, werr := yaml.Marshal(v)
		got, err := appendValue(nil, v)
		if (err != nil) != (werr != nil) {
			t.Fatalf("error %v, sigs.k8s.io/yaml %v", err, werr)
		}
		if err == nil && !bytes.Equal(got, want) {
			t.Fatalf("value %#v: got\n%s\nwant\n%s", v, got, want)
		}
	})
}

// fuzzValue decodes a value from the front of data: a tag byte, then a map
// or list (a count, then entries), a string (up to a NUL), a float64, a
// bool or null.
func fuzzValue(data *[]byte, depth int) any {
	next := func() byte {
		if len(*data) == 0 {
			return 0
		}
		b := (*data)[0]
		*data = (*data)[1:]
		return b
	}
	str := func() string {
		i := bytes.IndexByte(*data, 0)
		if i < 0 {
			s := string(*data)
			*data = nil
			return s
		}
		s := string((*data)[:i])
		*data = (*data)[i+1:]
		return s
	}
	tag := next()
	if depth > 6 {
		tag = 3
	}
	switch tag % 7 {
	case 0:
		return nil
	case 1:
		m := map[string]any{}
		for n := next() % 8; n > 0; n-- {
			k := str()
			m[k] = fuzzValue(data, depth+1)
		}
		return m
	case 2:
		var l []any
		for n := next() % 8; n > 0; n-- {
			l = append(l, fuzzValue(data, depth+1))
		}
		if l == nil {
			l = []any{}
		}
		return l
	case 3:
		return str()
	case 4:
		return next()%2 == 0
	case 5:
		var b [8]byte
		for i := range b {
			b[i] = next()
		}
		f := math.Float64frombits(binary.LittleEndian.Uint64(b[:]))
		if math.IsInf(f, 0) || math.IsNaN(f) {
			return 0.0
		}
		return f
	default:
		return float64(int8(next())) / 4
	}
}

// TestKustomizationValue: a Kustomization's value encodes as the
// Kustomization does.
func TestKustomizationValue(t *testing.T) {
	for _, k := range []*Kustomization{
		NewKustomization("", nil), NewKustomization("ns", []string{"a", "b"}),
		{APIVersion: "v", Kind: "K"},
		{APIVersion: "v", Kind: "K", Resources: []string{"x"}, Patches: []Patch{{Path: "p"}, {Path: "q", Target: &PatchTarget{Version: "v1", Kind: "Service", Name: "n"}},
			{Path: "r", Target: &PatchTarget{Group: "apps", Version: "v1", Kind: "Deployment", Name: "d"}}}},
	} {
		data, err := json.Marshal(k)
		if err != nil {
			t.Fatal(err)
		}
		var want any
		if err := json.Unmarshal(data, &want); err != nil {
			t.Fatal(err)
		}
		if got := any(k.value()); !reflect.DeepEqual(got, want) {
			t.Errorf("value %v, want %s", got, data)
		}
	}
}
