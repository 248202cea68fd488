package i18n

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/plinth-dev/plinth/reports"
)

// messageID is a finding message ID as the checks and the scan write it.
var messageID = regexp.MustCompile(`"((?:check|decl|scan|msg)\.[A-Za-z.]+)"`)

// TestFindingMessagesTranslated: every message ID the checks and the scan
// use is in the catalog with its English and Korean text, and the Korean
// takes the same arguments (no %!verb when formatted).
func TestFindingMessagesTranslated(t *testing.T) {
	used := map[string]string{}
	for _, dir := range []string{"../checks", "../scan"} {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range messageID.FindAllStringSubmatch(string(b), -1) {
				used[m[1]] = f
			}
		}
	}
	if len(used) < 100 {
		t.Fatalf("found %d message IDs in reports/checks and reports/scan: the pattern no longer matches", len(used))
	}
	for id, file := range used {
		m, ok := messages[id]
		if !ok {
			t.Errorf("%s: message %s is not in the catalog", file, id)
			continue
		}
		if m["ko"] == "" || m["en"] == "" {
			t.Errorf("%s: message %s lacks a Korean or English text", file, id)
		}
	}
	for _, id := range MessageIDs() {
		if _, ok := used[id]; !ok && id != "msg.fix" && id != "msg.more" {
			t.Errorf("message %s is used by no check", id)
		}
		en, ko := messages[id]["en"], messages[id]["ko"]
		args := sampleArgs(en)
		for _, m := range regexp.MustCompile(`%\[(\d+)\]`).FindAllStringSubmatch(ko, -1) {
			for n, _ := strconv.Atoi(m[1]); len(args) < n; {
				args = append(args, "x") // an argument only the Korean shows
			}
		}
		for lang, s := range map[string]string{"en": en, "ko": ko} {
			got := fmtSafe(s, args)
			if strings.Contains(got, "%!") && !strings.Contains(got, "%!(EXTRA") {
				t.Errorf("%s (%s): %q with %d argument(s) gives %q", id, lang, s, len(args), got)
			}
			if lang == "ko" && strings.Contains(got, "%!(EXTRA") && !strings.Contains(s, "%[") {
				t.Errorf("%s: the Korean %q drops arguments", id, s)
			}
		}
	}
}

var verb = regexp.MustCompile(`%(\[\d+\])?[a-z]`)

// sampleArgs are arguments for the verbs of an English text: 7 for %d, "x" else.
func sampleArgs(s string) []any {
	var args []any
	for _, v := range verb.FindAllString(s, -1) {
		if strings.HasSuffix(v, "d") {
			args = append(args, 7)
		} else {
			args = append(args, "x")
		}
	}
	return args
}

func fmtSafe(s string, args []any) string { return fmt.Sprintf(s, args...) }

func TestFormat(t *testing.T) {
	en, ko := Localizer{lang: English}, Localizer{lang: "ko"}
	privileged := reports.M("check.container", "web", reports.M("check.privileged"))
	many := reports.Names{"a", "b", "c", "d", "e", "f", "g"}
	tests := []struct {
		name string
		l    Localizer
		m    reports.Msg
		want string
	}{
		{"nested", en, privileged, `container "web" is privileged`},
		{"nested ko", ko, privileged, `컨테이너 "web": privileged(특권) 모드로 실행됨`},
		{"list", en, reports.M("check.list", reports.Msgs{privileged, privileged}), `container "web" is privileged`},
		{"more", en, reports.M("check.secretInGit", many), "Secret with data (keys a, b, c, d, e and 2 more) is stored in Git"},
		{"more ko", ko, reports.M("check.secretInGit", many), "데이터가 있는 Secret(키 a, b, c, d, e 외 2개)이 Git에 저장됨"},
		{"fix", en, reports.M("check.privileged").WithFix("PLN-SEC-006"), "is privileged; " + mustControl(t, "PLN-SEC-006").Remediation},
		{"fix ko", ko, reports.M("check.privileged").WithFix("PLN-SEC-006"), "privileged(특권) 모드로 실행됨. 조치: " + ko.Remediation(mustControl(t, "PLN-SEC-006"))},
		{"unknown id is itself", ko, reports.M("no.such"), "no.such"},
	}
	for _, tc := range tests {
		if got := tc.l.Format(tc.m); got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.name, got, tc.want)
		}
	}
	f := reports.Finding{}
	SetMessage(&f, privileged.WithFix("PLN-SEC-006"))
	if f.MessageID != "check.container" || !strings.HasPrefix(f.Message, `container "web" is privileged; `) || !strings.HasPrefix(f.MessageKo, `컨테이너 "web"`) {
		t.Errorf("SetMessage: %+v", f)
	}
	if got := ko.Brief(f); got != `컨테이너 "web": privileged(특권) 모드로 실행됨` {
		t.Errorf("Brief: %q", got)
	}
	// A finding made without a Msg shows its own texts.
	plain := reports.Finding{Message: "english", MessageKo: "한국어"}
	if ko.Message(plain) != "한국어" || en.Message(plain) != "english" || ko.Message(reports.Finding{Message: "only"}) != "only" {
		t.Error("Message of a finding without Msg")
	}
}

func mustControl(t *testing.T, id string) reports.Control {
	t.Helper()
	c, ok := reports.LookupControl(id)
	if !ok {
		t.Fatalf("no control %s", id)
	}
	return c
}

// notEvaluatedCall is a source left out by the rendering, with its format.
var notEvaluatedCall = regexp.MustCompile(`(?:notEvaluated\([^,]+,\s*Reason\w+,|remote\()\s*"((?:[^"\\]|\\.)*)"`)

// TestRenderingNotEvaluatedTranslated: every message of a source not
// evaluated (internal/gitops/render) has its Korean text, with the same
// arguments.
func TestRenderingNotEvaluatedTranslated(t *testing.T) {
	files, err := filepath.Glob("../../internal/gitops/render/*.go")
	if err != nil {
		t.Fatal(err)
	}
	verbs := regexp.MustCompile(`%[-+# 0]*[0-9]*(?:\.[0-9]+)?[a-zA-Z]`)
	n := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range notEvaluatedCall.FindAllStringSubmatch(string(b), -1) {
			format, err := strconv.Unquote(`"` + m[1] + `"`)
			if err != nil {
				t.Fatal(err)
			}
			id := verbs.ReplaceAllString("%s: "+format, "%s")
			n++
			ko, ok := renderingMessages[id]
			if !ok {
				t.Errorf("%s: %q has no Korean text", f, id)
				continue
			}
			args := make([]any, strings.Count(id, "%s"))
			for i := range args {
				args[i] = "x"
			}
			if got := fmt.Sprintf(ko, args...); strings.Contains(got, "%!") {
				t.Errorf("%q: the Korean %q gives %q", id, ko, got)
			}
		}
	}
	if n < 15 {
		t.Fatalf("found %d not-evaluated messages: the pattern no longer matches", n)
	}
}
