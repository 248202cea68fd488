package render

import (
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"

	"helm.sh/helm/v3/pkg/chartutil"
	"sigs.k8s.io/yaml"
)

// referenceToYAML is Helm's toYaml: sigs.k8s.io/yaml.Marshal.
func referenceToYAML(t testing.TB, v any) string {
	t.Helper()
	data, err := yaml.Marshal(v)
	if err != nil {
		return "<error>"
	}
	return strings.TrimSuffix(string(data), "\n")
}

// sameToYAML fails when fastToYAML writes v other than Helm does, and
// counts what it took.
func sameToYAML(t testing.TB, v any) bool {
	t.Helper()
	got, ok := fastToYAML(v)
	if !ok {
		return false
	}
	if want := referenceToYAML(t, v); got != want {
		j, _ := json.Marshal(v)
		t.Fatalf("fastToYAML(%s):\n%s\nwant (Helm):\n%s", j, got, want)
	}
	return true
}

var yamlWords = []string{"a", "b", "app", "app.kubernetes.io/name", "a_b", "aB", "a-b", "a9", "a10", "a01", "a1", "a001b",
	"x1y2", "1", "10", "9", "0", "1.5", "1e3", "0x1F", "y", "n", "on", "Off", "yes", "NULL", "true", "~", "", "a b", "a: b",
	"-x", "/healthz", "100m", "128Mi", "1.2.3", "2026-01-01", "über", "UPPER", "Zeta", "_x", ".x", "x.", "a/b/c", "svc0001",
	"team000-dev", strings.Repeat("k", 120), strings.Repeat("v", 90), "a#b", "a\nb", "12345678901234567890", "k1234567890",
	"synth.azurecr.io/svc0001:1.2.0", "fd00:240::/32", "a:", "a:b", "a:b:", "/a:1", "x#y", "a,b", "a[0]", "k{v}", "a?b", "a'b", `a"b`, `a\b`,
	"a|b", "a>b", "a<b&c", "a%b", "a@b", "a!b", "a*b", "a=b", "a~", "x---", "a...", "a\tb", "Yes:", "y:1", "a:#", "ab ", " ab", "a\x7f",
	"a\n", "\na", " a\nb", "a\n\nb", "a \nb", "a\n\n", "\n", "a\nb\n", "x: y\nz", "a\n b", "a\n \nb", "a\tb\nc", "é\nx", "\n\n", "a\n\n\nb\n", "- x\n- y",
	"6d271abad7063107", "00000003-0000-4000-8000-0000000001c9", "10001", "+1", "-1", "1_000", "0b101", "-0b11", "0b2", "0o17", "0x", ".5", ".x", ".inf", "-.Inf",
	"1e5", "1E+5", "1.", "1.5e", "inf", "NaN", "1:30", "-1:30:00.5", "1:70", "190:20:30", "2001-12-14", "2001-12-14t21:59:43.10-05:00", "2001-1", "20011-2", "-", "--", "---x",
	"...x", "?", "?x", ":x", "-x:", "#x", "x#", "@x", "%x", "!x", "&x", "*x", "|x", ">x", "'x", "`x", ",x", "[x", "]x", "{x", "}x", "<<", "<<x", "=", "~", "~x", "tRuE", "TRUE",
	"Null", "NO", "0", "00", "08", "0777", "9223372036854775808", "18446744073709551616", "1__2", "_1", "+", "+.", "-.5", "1-2", "1.2.3"}

// randomValue is a value as charts hold them: maps, lists, strings,
// numbers (float64, as read from values files, and ints), booleans, null.
func randomValue(r *rand.Rand, depth int) any {
	n := r.IntN(10)
	if depth > 3 {
		n = 5 + r.IntN(5)
	}
	switch n {
	case 0, 1:
		m := map[string]any{}
		for range r.IntN(5) {
			m[yamlWords[r.IntN(len(yamlWords))]] = randomValue(r, depth+1)
		}
		if n == 1 {
			return chartutil.Values(m)
		}
		return m
	case 2, 3:
		l := []any{}
		for range r.IntN(4) {
			l = append(l, randomValue(r, depth+1))
		}
		return l
	case 4:
		return nil
	case 5, 6:
		return yamlWords[r.IntN(len(yamlWords))]
	case 7:
		return []float64{0, 1, 8080, -3, 1.5, 1e6, 1e15, 1e20, 0.000001}[r.IntN(9)]
	case 8:
		return []any{0, 42, int64(-7), int64(1) << 40}[r.IntN(4)]
	default:
		return r.IntN(2) == 0
	}
}

// TestFastToYAML: on values made at random, and on every values file of
// the repository's synthetic platform, fastToYAML writes what Helm's
// toYaml writes whenever it writes at all, and it takes most of them.
func TestFastToYAML(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	taken := 0
	const n = 20000
	for range n {
		if sameToYAML(t, randomValue(r, 0)) {
			taken++
		}
	}
	if taken < n/4 {
		t.Errorf("fastToYAML took %d of %d values", taken, n)
	}
	for _, v := range []any{
		map[string]any{"labels": map[string]any{"app.kubernetes.io/name": "svc0001", "team": "team000"}},
		map[string]any{"requests": map[string]any{"cpu": "100m", "memory": float64(128)}, "limits": map[string]any{}},
		map[string]any{"httpGet": map[string]any{"path": "/healthz", "port": float64(8080)}, "periodSeconds": float64(10)},
		[]any{map[string]any{"a": []any{"x", []any{"w", "z"}}, "b": nil}, []any{}, map[string]any{}},
	} {
		if !sameToYAML(t, v) {
			t.Errorf("fastToYAML did not take %v", v)
		}
	}
}

// FuzzFastToYAML holds fastToYAML to Helm's toYaml on any JSON document
// (numbers read as float64, as values files give them).
func FuzzFastToYAML(f *testing.F) {
	f.Add(`{"a":{"b":[1,"x",{"c":null}]},"a10":true,"a9":[]}`)
	f.Add(`[{"k1":"v"},[["y"]],{}]`)
	f.Add(`{"app.yaml":"listen: :8080\n","l":["a\nb","\n x","a\n\nb\n"],"m":{"n":{"s":" x\ny"}}}`)
	f.Add(`{"hash":"6d271abad7063107","id":"00000003-0000-4000-8000-0000000001c9","use":"true","n":"10001","l":["1:30","-x","0b11","2001-12-14",".5","tRuE"]}`)
	f.Add(`{"image":"synth.azurecr.io/svc:1.2.0","cidr":"fd00:240::/32","e":"","l":["a:b","x#y","a:",""],"m":{"k":"/p?q=1&r"}}`)
	f.Fuzz(func(t *testing.T, doc string) {
		var v any
		if json.Unmarshal([]byte(doc), &v) != nil {
			return
		}
		sameToYAML(t, v)
	})
}

// TestKeyLessASCII: ASCII keys compare as bytes as they do as runes
// (yaml.v2's order), on keys mixing letters, digits and punctuation.
func TestKeyLessASCII(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	const chars = "a0b1Z9.-_/x00:"
	key := func() string {
		b := make([]byte, r.IntN(8))
		for i := range b {
			b[i] = chars[r.IntN(len(chars))]
		}
		return string(b)
	}
	for range 200000 {
		a, b := key(), key()
		if got, want := yamlV2KeyLess(a, b), keyLess([]rune(a), []rune(b)); got != want {
			t.Fatalf("%q < %q: %v as bytes, %v as runes", a, b, got, want)
		}
	}
}
