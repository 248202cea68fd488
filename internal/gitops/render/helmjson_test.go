package render

import (
	"bytes"
	"encoding/json"
	"math"
	"testing"

	"helm.sh/helm/v3/pkg/chartutil"
)

// checkPlainJSON fails t when marshalJSON and json.Marshal disagree on v.
func checkPlainJSON(t *testing.T, v any) {
	t.Helper()
	want, werr := json.Marshal(v)
	got, gerr := marshalJSON(v)
	if (werr != nil) != (gerr != nil) || !bytes.Equal(got, want) {
		t.Errorf("%#v: marshalJSON gives %s (%v), json.Marshal %s (%v)", v, got, gerr, want, werr)
	}
}

func TestPlainJSON(t *testing.T) {
	for _, v := range []any{
		nil, "", "a b", "<&>", "q\"", "\\", "é", "\u2028", "\x7f", "\t", true, false,
		0, -1, int64(math.MinInt64), uint64(math.MaxUint64),
		0.0, math.Copysign(0, -1), 1.5, -2.25, 1e-6, 1e-7, 1e20, 1e21, 123456789.125, math.NaN(), math.Inf(1),
		map[string]any{}, map[string]any(nil), []any{}, []any(nil),
		map[string]any{"b": 1, "a": []any{"x", 2.5, nil, map[string]any{"<": 1}}, "c": map[string]any{"d": true}},
		chartutil.Values{"name": "svc", "labels": chartutil.Values{"app": "x"}},
		[]any{[]string{"typed"}, map[string]string{"k": "v"}, struct{ A int }{1}},
		map[string]any{"httpGet": map[string]any{"path": "/healthz", "port": "http"}, "periodSeconds": 10},
	} {
		checkPlainJSON(t, v)
	}
	deep := []any{}
	for range 200 {
		deep = []any{deep}
	}
	checkPlainJSON(t, deep)
}

// FuzzPlainJSON: what YAML and JSON decoding make is encoded as json.Marshal
// encodes it.
func FuzzPlainJSON(f *testing.F) {
	f.Add([]byte("a: 1\nb: [x, 2.5, ~, {c: true}]\nd: 1e300\ne: -0.0\nf: \"<\\u00e9>\"\n"))
	f.Add([]byte(`{"a": [1, 1.5e-7, "x\u2028"], "b": {"c": null}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		if docs, err := parseDocs(data); err == nil {
			for _, d := range docs {
				checkPlainJSON(t, d.Value)
			}
		}
		var v any
		if json.Unmarshal(data, &v) == nil {
			checkPlainJSON(t, v)
		}
	})
}
