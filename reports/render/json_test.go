package render

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/plinth-dev/plinth/reports"
	"github.com/plinth-dev/plinth/reports/i18n"
)

// streamCase is a report of n findings whose texts carry s.
func streamCase(n int, s string) *reports.Report {
	r := &reports.Report{SchemaVersion: reports.SchemaVersion, Repo: "r" + s, Commit: "c",
		CommitDate: time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), Scopes: []string{"prod", s},
		Summary:  reports.Summary{Score: 50, Total: n},
		Waivers:  []reports.Waiver{{Control: "X", File: s}},
		Warnings: []reports.Warning{{File: s, Message: "\"findings\": null"}}}
	for i := range n {
		f := reports.Finding{Control: fmt.Sprintf("PLN-%03d", i), Title: s, Status: reports.StatusFail, Object: "Deployment/" + s,
			File: "apps/" + s, Line: i, Message: s + "\n  \"findings\": null"}
		if i%2 == 0 {
			f.MessageID, f.Deployer, f.Evidence = "check."+s, "Kustomization/flux-system/"+s, s
		}
		r.Findings = append(r.Findings, f)
	}
	return r
}

// TestJSONReportStreams: the report written finding by finding is byte
// for byte what encoding it whole gives.
func TestJSONReportStreams(t *testing.T) {
	for _, tc := range []struct {
		name string
		r    *reports.Report
	}{
		{"no findings", streamCase(0, "x")},
		{"empty findings", &reports.Report{Findings: []reports.Finding{}}},
		{"one", streamCase(1, "a")},
		{"html and unicode", streamCase(3, "<b>&'\u2028 한국어 \x01")},
		{"many", streamCase(500, "svc")},
		{"zero report with findings", &reports.Report{Findings: make([]reports.Finding, 2)}},
	} {
		t.Run(tc.name, func(t *testing.T) { sameJSON(t, tc.r) })
	}
}

func sameJSON(t *testing.T, r *reports.Report) {
	t.Helper()
	var want, got bytes.Buffer
	if err := encodeJSON(&want, r); err != nil {
		t.Fatal(err)
	}
	if err := jsonReport(&got, r, i18n.Localizer{}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Bytes(), want.Bytes()) {
		t.Errorf("streamed report differs from the encoded one:\n%s\nwant:\n%s", got.Bytes(), want.Bytes())
	}
}

func FuzzJSONReport(f *testing.F) {
	f.Add("a", 1)
	f.Add("<&>\"\\\n", 3)
	f.Fuzz(func(t *testing.T, s string, n int) {
		sameJSON(t, streamCase(n&15, s))
	})
}

// TestFindingFields: every field of reports.Finding, set by reflection (so
// a field added to the model and not to appendFinding fails here), is
// encoded by appendFinding as encoding/json encodes it.
func TestFindingFields(t *testing.T) {
	for _, s := range []string{"", "v", "<&> \"q\" \\ \b\f\n\r\t\x00\x1f\x7f \u2028\u2029 한국어 \xff\xfe"} {
		var f reports.Finding
		v := reflect.ValueOf(&f).Elem()
		for i := range v.NumField() {
			switch fv := v.Field(i); fv.Kind() {
			case reflect.String:
				if s != "" {
					fv.SetString(fmt.Sprintf("%s%d", s, i))
				}
			case reflect.Int:
				fv.SetInt(int64(-7 * i * len(s)))
			case reflect.Struct: // Msg: not encoded
			default:
				t.Fatalf("field %s: kind %s: teach appendFinding and this test", v.Type().Field(i).Name, fv.Kind())
			}
		}
		want := indentedFinding(t, &f)
		if got := appendFinding(nil, &f); string(got) != want {
			t.Errorf("appendFinding:\n%s\nwant:\n%s", got, want)
		}
	}
}

// indentedFinding is f as encoding/json writes it inside the report.
func indentedFinding(t testing.TB, f *reports.Finding) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("    ", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(f); err != nil {
		t.Fatal(err)
	}
	return "    " + strings.TrimSuffix(buf.String(), "\n")
}

func FuzzAppendFinding(f *testing.F) {
	f.Add("a", "한국어\u2028", 1)
	f.Add("<&>\"\\\n\x00", "\xff", -3)
	f.Fuzz(func(t *testing.T, s, u string, line int) {
		fd := reports.Finding{Control: s, Title: u, Status: s + u, Line: line, Message: u + s, MessageKo: u, Evidence: s}
		if want, got := indentedFinding(t, &fd), appendFinding(nil, &fd); string(got) != want {
			t.Errorf("appendFinding(%q, %q):\n%s\nwant:\n%s", s, u, got, want)
		}
	})
}

// TestPlainWords holds the word test to the byte test of
// appendJSONString: every byte value at every position of a word, next
// to plain bytes, after a plain word and before one that is not.
func TestPlainWords(t *testing.T) {
	plain := func(c byte) bool { return c >= 0x20 && c < 0x80 && c != '"' && c != '\\' }
	for _, fill := range []byte{'a', ' ', '~', '!', '#', '[', ']'} {
		for pos := range 8 {
			for c := range 256 {
				w := bytes.Repeat([]byte{fill}, 8)
				w[pos] = byte(c)
				want := 0
				if plain(byte(c)) {
					want = 8
				}
				if got := plainWords(string(w)); got != want {
					t.Errorf("plainWords(%q) = %d, want %d", w, got, want)
				}
				if got := plainWords("abcdefgh" + string(w) + "\x00bcdefghij"); got != 8+want {
					t.Errorf("plainWords(abcdefgh %q \\x00...) = %d, want %d", w, got, 8+want)
				}
			}
		}
	}
}

func FuzzAppendJSONString(f *testing.F) {
	f.Add("plain ascii words longer than eight bytes, then \"quoted\" and \\ and \t tab")
	f.Add("한국어 메시지 그리고 ascii \u2028 \x7f\x1f")
	f.Fuzz(func(t *testing.T, s string) {
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(s); err != nil {
			t.Fatal(err)
		}
		if got := appendJSONString(nil, s); string(got) != strings.TrimSuffix(want.String(), "\n") {
			t.Errorf("appendJSONString(%q) = %s, want %s", s, got, want.String())
		}
	})
}

// countingWriter counts what it is given.
type countingWriter struct{ n int }

func (w *countingWriter) Write(p []byte) (int, error) { w.n += len(p); return len(p), nil }

// TestStreamingFormatsFailBeforeWriting: a format that streams (the
// command writes it straight to standard output) fails, when it fails,
// before writing anything: with findings and without, a report it cannot
// encode (a NaN score) leaves the writer untouched. json streams.
func TestStreamingFormatsFailBeforeWriting(t *testing.T) {
	streams := 0
	for _, rd := range Formats.All() {
		if !rd.Streams {
			continue
		}
		streams++
		for _, n := range []int{0, 3} {
			r := &reports.Report{SchemaVersion: reports.SchemaVersion, Findings: make([]reports.Finding, n)}
			r.Summary.Score = math.NaN()
			var w countingWriter
			if err := rd.Report(&w, r, Options{}); err == nil || w.n != 0 {
				t.Errorf("%s, %d findings: error %v after writing %d bytes, want an error before any", rd.Name, n, err, w.n)
			}
		}
	}
	if json, _ := Formats.Lookup("json"); !json.Streams || streams == 0 {
		t.Error("json does not stream")
	}
}
