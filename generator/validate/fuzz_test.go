package validate

import (
	"strings"
	"testing"

	"sigs.k8s.io/yaml"
)

// FuzzValidate feeds arbitrary YAML objects to Validate: it must never panic,
// and every problem it reports names the object's source.
func FuzzValidate(f *testing.F) {
	for _, s := range []string{deployment, schedule, gitRepository, application, spc, httpRoute,
		"apiVersion: v1\nkind: Namespace\nmetadata: {name: x}\n",
		"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata: {a: 1}\n",
		"kind: 5\napiVersion: [1]\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		var m map[string]any
		if err := yaml.Unmarshal([]byte(src), &m); err != nil || m == nil {
			return
		}
		err := Validate("1.34", []Object{{Source: "fuzz.yaml", Value: m}})
		if err == nil {
			return
		}
		ve, ok := err.(*Error)
		if !ok {
			t.Fatalf("want *Error, got %T: %v", err, err)
		}
		for _, p := range ve.Problems {
			if !strings.HasPrefix(p, "fuzz.yaml: ") {
				t.Fatalf("problem without source: %q", p)
			}
		}
	})
}
