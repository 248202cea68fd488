package render

import (
	"reflect"
	"testing"

	"github.com/plinth-dev/plinth/internal/gitops/source"
)

// TestValuesFileKept: a values file read again in one Render gives the
// values yaml.Unmarshal gives, each time a copy of its own (what one caller
// modifies, the next does not see), also when its values are not kept.
func TestValuesFileKept(t *testing.T) {
	for _, text := range []string{
		"a: 1\nb:\n  c: [x, 2]\n  d: {}\ne:\n- f: g\n",
		"name: svc\nlabels: {}\nports:\n  - name: http\n    port: 8080\nprobes:\n  liveness:\n    httpGet:\n      path: /\n",
		"t: 2001-12-14\nu: x\n", // a timestamp: not kept (copyValue does not copy it)
	} {
		want, err := unmarshalValues([]byte(text))
		if err != nil {
			t.Fatal(err)
		}
		d := newRenderer(source.FromFiles("values", map[string][]byte{"values.yaml": []byte(text)}), Options{})
		for i := range 4 {
			got, err := d.valuesFile("values.yaml")
			if err != nil {
				t.Fatalf("%q: %v", text, err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("%q, read %d: got\n%#v\nwant\n%#v", text, i+1, got, want)
			}
			// What the caller does with its values.
			got["added"] = i
			for _, v := range got {
				switch v := v.(type) {
				case map[string]any:
					v["added"] = i
				case []any:
					if len(v) > 0 {
						v[0] = "changed"
					}
				}
			}
		}
	}
}
