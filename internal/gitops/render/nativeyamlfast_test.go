package render

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	yamlv2 "go.yaml.in/yaml/v2"
)

// checkFastYAML11 fails t when fastYAML11 reads in otherwise than yaml.v2
// (and the readers of kustomization and patch files otherwise than
// kustomize's library); it says whether fastYAML11 read it.
func checkFastYAML11(t *testing.T, in string) bool {
	t.Helper()
	got, ok := fastYAML11([]byte(in))
	// The same text in a buffer with room after it reads the same (the
	// strings of the value are parts of the buffer).
	spare := append(make([]byte, 0, len(in)+64), in...)
	if got2, ok2 := fastYAML11(spare); ok2 != ok || fmt.Sprintf("%#v", got2) != fmt.Sprintf("%#v", got) {
		t.Errorf("%q with spare capacity: %#v, %v; without: %#v, %v", in, got2, ok2, got, ok)
	}
	if ok {
		var v any
		err := yamlv2.Unmarshal([]byte(in), &v)
		_, keyed := jsonFromYAML(v, false) // keys strings: stringKeyed may convert it
		var want any
		if keyed {
			want = stringKeyed(v)
		}
		if err != nil || !keyed || !reflect.DeepEqual(got, want) || fmt.Sprintf("%#v", got) != fmt.Sprintf("%#v", want) {
			t.Errorf("%q:\n got %#v\nwant %#v, %v", in, got, v, err)
		}
	}
	checkReadKustomization(t, in)
	checkReadJSONPatch(t, in)
	return ok
}

// TestFastYAML11MatchesV2: on the kustomization and patch inputs, each
// also with one scalar replaced by one YAML 1.1 reads in its own way, the
// fast reader gives yaml.v2's value wherever it reads the text.
func TestFastYAML11MatchesV2(t *testing.T) {
	words := []string{"y", "Y", "yes", "No", "n", "on", "Off", "OFF", "true", "False", "null", "~", "0777", "0x1F", "1_000", "+12", "-0",
		"12", "1e3", ".5", "1.0", ".inf", "-.Inf", ".NaN", "2001-12-14", "1:20", "<<", "'on'", "\"y\"", "onion", "nobody", "a b", "123456789012345678901",
		"../../base/a", ".hidden", "-x", "+x", "1a", "0.5.1", "-1.5", "1e", "0b11", "0o7", "-0x1", "9223372036854775808", ".5e3", "-.5", "+.inf", "~x"}
	rng := rand.New(rand.NewPCG(15, 6))
	read := 0
	for _, in := range yamlInputs {
		if checkFastYAML11(t, in) {
			read++
		}
		fields := strings.FieldsFunc(in, func(r rune) bool { return strings.ContainsRune(" \n[],:{}", r) })
		for i := 0; i < 20 && len(fields) > 0; i++ {
			f := fields[rng.IntN(len(fields))]
			checkFastYAML11(t, strings.Replace(in, f, words[rng.IntN(len(words))], 1))
		}
	}
	if read < len(yamlInputs)/4 {
		t.Errorf("fastYAML11 read %d of %d inputs", read, len(yamlInputs))
	}
}

// FuzzFastYAML11: whatever the fast reader reads, it reads as yaml.v2
// does, and the kustomization and patch readers give what kustomize's
// library gives.
func FuzzFastYAML11(f *testing.F) {
	for _, in := range yamlInputs {
		f.Add(in)
	}
	f.Fuzz(func(t *testing.T, in string) {
		checkFastYAML11(t, in)
	})
}
