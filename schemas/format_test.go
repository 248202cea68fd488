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
