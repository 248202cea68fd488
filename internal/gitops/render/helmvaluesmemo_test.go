package render

import (
	"reflect"
	"testing"
)

// TestValuesDocMemo: a values text read again gives the values yaml.Unmarshal
// gives, each time a copy of its own (what one caller modifies, the next
// does not see), also when the memo is emptied in between.
func TestValuesDocMemo(t *testing.T) {
	for _, text := range []string{
		"a: 1\nb:\n  c: [x, 2]\n  d: {}\ne:\n- f: g\n",
		"name: svc\nlabels: {}\nports:\n  - name: http\n    port: 8080\nprobes:\n  liveness:\n    httpGet:\n      path: /\n",
		"t: 2001-12-14\nu: x\n", // a timestamp: not kept (copyValue does not copy it)
	} {
		want, err := unmarshalValues([]byte(text))
		if err != nil {
			t.Fatal(err)
		}
		for i := range 4 {
			if i == 3 {
				valuesMemo.mu.Lock()
				valuesMemo.m = nil
				valuesMemo.mu.Unlock()
			}
			got, ok := valuesDoc([]byte(text))
			if !ok {
				t.Fatalf("%q: not read", text)
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
