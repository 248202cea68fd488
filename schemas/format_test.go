package schemas_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/plinth-dev/plinth/schemas"
)

func TestWriteErrors(t *testing.T) {
	errs := schemas.Errors{
		{Pos: schemas.Pos{File: "services.cue", Line: 3, Column: 5}, Path: "services.cart.image", Rule: "image-tag", Msg: "100% wrong,\nreally: yes"},
		{Pos: schemas.Pos{File: "a,b:c.cue", Line: 1, Column: 1}, Rule: "syntax", Msg: "expected '}'"},
	}
	tests := []struct {
		format, base string
		want         string
	}{
		{"text", "platform", "platform/services.cue:3:5: services.cart.image: 100% wrong,\nreally: yes\nplatform/a,b:c.cue:1:1: expected '}'\n"},
		{"github", "platform", "::error file=platform/services.cue,line=3,col=5,title=plinth validate%3A services.cart.image::services.cart.image: 100%25 wrong,%0Areally: yes\n" +
			"::error file=platform/a%2Cb%3Ac.cue,line=1,col=1,title=plinth validate::expected '}'\n"},
		{"github", "", "::error file=services.cue,line=3,col=5,title=plinth validate%3A services.cart.image::services.cart.image: 100%25 wrong,%0Areally: yes\n" +
			"::error file=a%2Cb%3Ac.cue,line=1,col=1,title=plinth validate::expected '}'\n"},
	}
	for _, tt := range tests {
		t.Run(tt.format+"/"+tt.base, func(t *testing.T) {
			var b bytes.Buffer
			if err := schemas.WriteErrors(&b, errs, tt.format, tt.base); err != nil {
				t.Fatal(err)
			}
			if b.String() != tt.want {
				t.Errorf("got:\n%s\nwant:\n%s", b.String(), tt.want)
			}
		})
	}
	t.Run("json", func(t *testing.T) {
		var b bytes.Buffer
		if err := schemas.WriteErrors(&b, errs, "json", "p"); err != nil {
			t.Fatal(err)
		}
		var got struct {
			Valid  bool
			Errors []map[string]any
		}
		if err := json.Unmarshal(b.Bytes(), &got); err != nil {
			t.Fatal(err)
		}
		if got.Valid || len(got.Errors) != 2 || got.Errors[0]["file"] != "p/services.cue" || got.Errors[0]["line"] != 3.0 || got.Errors[0]["rule"] != "image-tag" {
			t.Errorf("%s", b.String())
		}
	})
	t.Run("sarif", func(t *testing.T) {
		var b bytes.Buffer
		if err := schemas.WriteErrors(&b, errs, "sarif", "p"); err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{`"version": "2.1.0"`, `"ruleId": "plinth/image-tag"`, `"uri": "p/services.cue"`, `"uriBaseId": "%SRCROOT%"`, `"startLine": 3`, `"startColumn": 5`} {
			if !strings.Contains(b.String(), want) {
				t.Errorf("sarif lacks %s:\n%s", want, b.String())
			}
		}
	})
	t.Run("unknown", func(t *testing.T) {
		if err := schemas.WriteErrors(&bytes.Buffer{}, errs, "xml", ""); err == nil {
			t.Error("no error for an unknown format")
		}
	})
}

// TestWriteWarnings: baseline warnings in every format, after the errors.
func TestWriteWarnings(t *testing.T) {
	errs := schemas.Errors{{Pos: schemas.Pos{File: "a.cue", Line: 3, Column: 2}, Path: "services.x.image", Rule: "image-tag", Msg: "bad tag"}}
	warns := schemas.Errors{{Pos: schemas.Pos{File: "platform.cue", Line: 47, Column: 2}, Path: "clusters.prod.settings.defender", Rule: "baseline", Msg: "Defender off"}}
	for _, tc := range []struct{ format, want string }{
		{"text", "p/a.cue:3:2: services.x.image: bad tag\np/platform.cue:47:2: clusters.prod.settings.defender: warning: Defender off\n"},
		{"github", "::error file=p/a.cue,line=3,col=2,title=plinth validate%3A services.x.image::services.x.image: bad tag\n" +
			"::warning file=p/platform.cue,line=47,col=2,title=plinth validate%3A clusters.prod.settings.defender::clusters.prod.settings.defender: Defender off\n"},
		{"json", `"warnings": [
    {
      "file": "p/platform.cue",
      "line": 47,
      "column": 2,
      "path": "clusters.prod.settings.defender",
      "rule": "baseline",
      "message": "Defender off"
    }
  ]`},
		{"sarif", `"level": "warning",
          "message": {
            "text": "clusters.prod.settings.defender: Defender off"`},
	} {
		var b bytes.Buffer
		if err := schemas.WriteResult(&b, errs, warns, tc.format, "p"); err != nil {
			t.Fatal(err)
		}
		if tc.format == "text" || tc.format == "github" {
			if b.String() != tc.want {
				t.Errorf("%s:\n%s\nwant:\n%s", tc.format, b.String(), tc.want)
			}
		} else if !strings.Contains(b.String(), tc.want) {
			t.Errorf("%s: no %q in\n%s", tc.format, tc.want, b.String())
		}
	}
}
