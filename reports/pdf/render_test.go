package pdf

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var keep = flag.String("keep", "", "write the rendered test PDFs into this directory")

func renderFixture(t testing.TB, services int, lang string) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Render(&buf, fixture(services), Options{Lang: lang, Generator: "plinth test"}); err != nil {
		t.Fatalf("Render(%s): %v", lang, err)
	}
	if *keep != "" {
		name := filepath.Join(*keep, "report-"+lang+".pdf")
		if err := os.WriteFile(name, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return buf.Bytes()
}

func TestRenderSmoke(t *testing.T) {
	for _, lang := range []string{"en", "ko"} {
		b := renderFixture(t, 40, lang)
		if !bytes.HasPrefix(b, []byte("%PDF-")) {
			t.Fatalf("%s: not a PDF", lang)
		}
	}
}
