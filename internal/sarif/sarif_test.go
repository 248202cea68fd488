package sarif_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/plinth-dev/plinth/internal/sarif"
)

func TestWrite(t *testing.T) {
	tests := []struct {
		name    string
		rules   []sarif.Rule
		results []sarif.Result
		want    func(t *testing.T, log map[string]any)
	}{
		{"empty log is a valid run", nil, nil, func(t *testing.T, log map[string]any) {
			if log["version"] != "2.1.0" || len(runs(log)) != 1 {
				t.Errorf("log %v", log)
			}
		}},
		{"bare rule and located result", []sarif.Rule{{ID: "plinth/schema", ShortDescription: "must match"}},
			[]sarif.Result{{RuleID: "plinth/schema", Level: sarif.LevelError, Message: "bad", File: "p/a.cue", Line: 3, Column: 7}},
			func(t *testing.T, log map[string]any) {
				rule := pick(t, runs(log)[0], "tool", "driver", "rules", 0)
				if _, ok := rule["properties"]; ok || rule["name"] != nil || rule["defaultConfiguration"] != nil {
					t.Errorf("empty fields written: %v", rule)
				}
				region := pick(t, runs(log)[0], "results", 0, "locations", 0, "physicalLocation", "region")
				if region["startLine"] != 3.0 || region["startColumn"] != 7.0 {
					t.Errorf("region %v", region)
				}
			}},
		{"full rule, suppressed result without a line", []sarif.Rule{{ID: "X-1", Name: "X1", ShortDescription: "s", FullDescription: "f", Help: "h",
			Properties: map[string]any{"tags": []string{"a"}}, Level: sarif.LevelWarning}},
			[]sarif.Result{{RuleID: "X-1", Level: sarif.LevelNote, Message: "m", File: "x.yaml", Suppressed: true, Fingerprints: map[string]any{"k": "v"}}},
			func(t *testing.T, log map[string]any) {
				rule := pick(t, runs(log)[0], "tool", "driver", "rules", 0)
				if rule["name"] != "X1" || pick(t, rule, "defaultConfiguration")["level"] != "warning" || pick(t, rule, "help")["text"] != "h" {
					t.Errorf("rule %v", rule)
				}
				res := pick(t, runs(log)[0], "results", 0)
				region := pick(t, res, "locations", 0, "physicalLocation", "region")
				if region["startLine"] != 1.0 || region["startColumn"] != nil || res["suppressions"] == nil || pick(t, res, "partialFingerprints")["k"] != "v" {
					t.Errorf("result %v", res)
				}
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := sarif.Write(&buf, tc.rules, tc.results); err != nil {
				t.Fatal(err)
			}
			var log map[string]any
			if err := json.Unmarshal(buf.Bytes(), &log); err != nil {
				t.Fatalf("%v\n%s", err, buf.String())
			}
			tc.want(t, log)
		})
	}
}

func runs(log map[string]any) []any {
	r, _ := log["runs"].([]any)
	return r
}

// pick walks maps (string keys) and lists (int keys) from v.
func pick(t *testing.T, v any, path ...any) map[string]any {
	t.Helper()
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				t.Fatalf("no object at %v", p)
			}
			v = m[k]
		case int:
			l, ok := v.([]any)
			if !ok || k >= len(l) {
				t.Fatalf("no list item %v", p)
			}
			v = l[k]
		}
	}
	m, ok := v.(map[string]any)
	if !ok {
		t.Fatalf("%v is not an object", path)
	}
	return m
}
