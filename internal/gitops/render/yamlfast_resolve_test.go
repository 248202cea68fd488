package render

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	yamlv2 "go.yaml.in/yaml/v2"
	yaml "go.yaml.in/yaml/v3"
)

// checkScalar fails t when resolve's own rules (scalarWord, decimal,
// stringScalar) give the plain scalar text another value than yaml.v3 or
// yaml.v2 give it as a mapping value; it says whether a rule claimed it.
func checkScalar(t *testing.T, text string) bool {
	t.Helper()
	if text == "" || plainString(text) || !fastChars([]byte(text)) || strings.Contains(text, "\n") {
		return false
	}
	if c, ok := plainValue([]byte(text)); !ok || string(c) != text {
		return false
	}
	want, claimed := scalarWord(text)
	if !claimed {
		want, claimed = decimal(text)
	}
	if !claimed && stringScalar(text) {
		want, claimed = text, true
	}
	if !claimed {
		return false
	}
	for name, unmarshal := range map[string]func([]byte, any) error{"yaml.v3": yaml.Unmarshal, "yaml.v2": yamlv2.Unmarshal} {
		var m map[string]any
		if err := unmarshal([]byte("v: "+text), &m); err != nil {
			continue // not one plain scalar after all: the parser declines it
		}
		if got := fmt.Sprintf("%#v", m["v"]); got != fmt.Sprintf("%#v", want) {
			t.Errorf("%q: resolve gives %#v, %s %s", text, want, name, got)
		}
	}
	return true
}

// TestResolveRulesMatchDecoders: the plain scalars resolve reads without
// a decoder, and texts near them, resolve as both decoders resolve them.
func TestResolveRulesMatchDecoders(t *testing.T) {
	texts := []string{"./a", "../../base/svc0490", ".hidden", ".5", "._5", ".inf", ".Inf", ".NaN", ".nan", ".e1", ".x", "..", ".-", ".+",
		"500m", "512Mi", "100m", "9 * * * *", "1:20", "10.0.0.1", "1.2.3", "0x1F", "0x1g", "0o17", "0o19", "0b101", "0b12", "1e3", "1E3", "1e", "1_000", "1__0",
		"-x", "--flag", "-Xmx512m", "-.inf", "+.inf", "-.5", "+5", "-0", "0", "00", "012", "09", "-12", "123456789012345678", "1234567890123456789",
		"2001-12-14", "2001-12-14t21:59:43.10-05:00", "2001-12-1x", "200-12-14", "20011-2-14", "1-2", "~", "~x", "~ x", "true", "True", "TRUE", "tRUE",
		"false", "null", "Null", "NULL", "nULL", "+", "-", "1a", "1g", "0.5.1", "-0x1", "+0o7", "-0b1", "0xffffffffffffffff", "9223372036854775808",
		"1.5e+3", "1.5e-3", "+1.5E+3", "1.", "-1.", "1_0.5", "0x_1", "1 2", "-1 ", "1#", "1é", "-é", "+ä", "٣", "1_", "_1"}
	for _, s := range texts {
		checkScalar(t, s)
	}
	// Random texts over the characters of numbers, timestamps and words.
	rng := rand.New(rand.NewPCG(1, 2))
	const chars = "0123456789+-._xXoObBeEaAfFgGiInNmM:tTzZ ~#é"
	claimed := 0
	for range 200000 {
		b := make([]byte, 1+rng.IntN(12))
		for i := range b {
			b[i] = chars[rng.IntN(len(chars))]
		}
		if checkScalar(t, string(b)) {
			claimed++
		}
	}
	if claimed < 1000 {
		t.Errorf("resolve's rules claimed %d random texts", claimed)
	}
}

// FuzzResolveRules: whatever plain scalar resolve reads without a
// decoder, it reads as yaml.v3 and yaml.v2 do.
func FuzzResolveRules(f *testing.F) {
	for _, s := range []string{"./a", "500m", "-x", "1e3", "2001-12-14", "~x", ".inf", "0x1F", "-0", "true"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		checkScalar(t, text)
	})
}

// TestScalarCacheKeysOwnTheirText: the texts resolvedCache keeps are
// copies, not parts of the stream fastDocs read (which its caller may
// reuse once done with the values).
func TestScalarCacheKeysOwnTheirText(t *testing.T) {
	buf := []byte("a: 1.25e3\nb: 0x7a5\nc: 1.2.3.4\n")
	if _, ok := fastDocs(buf, nil); !ok {
		t.Fatal("not read by fastDocs")
	}
	for i := range buf {
		if buf[i] >= '0' && buf[i] <= '9' {
			buf[i] = '9' - (buf[i] - '0')
		}
	}
	resolvedCache.Lock()
	defer resolvedCache.Unlock()
	for text, v := range resolvedCache.m {
		var m map[string]any
		if err := yaml.Unmarshal([]byte("v: "+text), &m); err != nil || fmt.Sprintf("%#v", m["v"]) != fmt.Sprintf("%#v", v) {
			t.Errorf("resolvedCache holds %#v for %q, which reads %#v (%v)", v, text, m["v"], err)
		}
	}
}
