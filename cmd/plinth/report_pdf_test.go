package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/plinth-dev/plinth/internal/gcpolicy"
	"github.com/plinth-dev/plinth/internal/testutil/synth"
)

// pdfTestRepo commits a copy of a hand-written GitOps repository at a fixed date.
func pdfTestRepo(t testing.TB, src string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(src)); err != nil {
		t.Fatal(err)
	}
	commitAll(t, dir)
	return dir
}

// commitAll makes dir a git repository with one commit of all its files.
func commitAll(t testing.TB, dir string) {
	t.Helper()
	repo, err := git.PlainInit(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	wt, err := repo.Worktree()
	if err != nil {
		t.Fatal(err)
	}
	if err := wt.AddWithOptions(&git.AddOptions{All: true}); err != nil {
		t.Fatal(err)
	}
	sig := &object.Signature{Name: "Plinth Test", Email: "test@plinth.dev", When: time.Date(2026, 10, 15, 12, 0, 0, 0, time.UTC)}
	if _, err := wt.Commit("initial", &git.CommitOptions{Author: sig, Committer: sig}); err != nil {
		t.Fatal(err)
	}
}

// TestReportPDFCommand runs plinth report --format pdf on a real repository:
// both languages, --out, reproducible bytes under SOURCE_DATE_EPOCH, and the
// usage errors of the format.
func TestReportPDFCommand(t *testing.T) {
	repo := pdfTestRepo(t, filepath.Join("..", "..", "testdata", "repos", "flux"))
	t.Setenv("SOURCE_DATE_EPOCH", "1793491200") // 2026-11-01
	dir := t.TempDir()
	for _, lang := range []string{"en", "ko"} {
		var outs [][]byte
		for i := range 2 {
			out := filepath.Join(dir, lang+string(rune('a'+i))+".pdf")
			var stdout, stderr bytes.Buffer
			code := run([]string{"report", "--repo", repo, "--month", "2026-10", "--format", "pdf", "--lang", lang, "--out", out}, &stdout, &stderr)
			if code != exitOK {
				t.Fatalf("%s: exit %d\n%s", lang, code, stderr.String())
			}
			if stdout.Len() != 0 {
				t.Errorf("%s: --out also wrote %d bytes to standard output", lang, stdout.Len())
			}
			if !strings.Contains(stderr.String(), out+": Score") || !strings.Contains(stderr.String(), "coverage:") {
				t.Errorf("%s: no summary line on standard error: %q", lang, stderr.String())
			}
			b, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(b, []byte("%PDF-1.")) || !bytes.Contains(b[len(b)-32:], []byte("%%EOF")) {
				t.Fatalf("%s: %s is not a complete PDF", lang, out)
			}
			if !bytes.Contains(b, []byte("D:20261101000000")) {
				t.Errorf("%s: creation date is not SOURCE_DATE_EPOCH", lang)
			}
			outs = append(outs, b)
		}
		if !bytes.Equal(outs[0], outs[1]) {
			t.Errorf("%s: two runs with the same SOURCE_DATE_EPOCH differ", lang)
		}
	}

	// Standard output when it is not a terminal.
	var stdout, stderr bytes.Buffer
	if code := run([]string{"report", "--repo", repo, "--format", "pdf"}, &stdout, &stderr); code != exitOK || !bytes.HasPrefix(stdout.Bytes(), []byte("%PDF-")) {
		t.Errorf("pdf to standard output: exit %d, %d bytes\n%s", code, stdout.Len(), stderr.String())
	}
	stdout.Reset()
	stderr.Reset()
	if code := run([]string{"report", "--repo", repo, "--format", "pdf", "--lang", "fr"}, &stdout, &stderr); code != exitUsage {
		t.Errorf("--lang fr: exit %d, want %d\n%s", code, exitUsage, stderr.String())
	}
}

// BenchmarkReportPDF500 is the monthly job on a 500-service platform: the
// synthetic platform is generated into a GitOps repository once, then each
// iteration evaluates it (plinth report) and writes the checklist PDF.
func BenchmarkReportPDF500(b *testing.B) {
	b.Cleanup(gcpolicy.Set()) // as main does
	base := b.TempDir()
	platform, gitops := filepath.Join(base, "platform"), filepath.Join(base, "gitops")
	if err := synth.Write(platform, 500); err != nil {
		b.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	if code := run([]string{"generate", platform, "--out", gitops}, &stdout, &stderr); code != exitOK {
		b.Fatalf("generate: exit %d\n%s", code, stderr.String())
	}
	commitAll(b, gitops)
	b.Setenv("SOURCE_DATE_EPOCH", "1793491200")
	out := filepath.Join(base, "report.pdf")
	for _, lang := range []string{"en", "ko"} {
		b.Run(lang, func(b *testing.B) {
			for b.Loop() {
				stderr.Reset()
				if code := run([]string{"report", "--repo", gitops, "--format", "pdf", "--lang", lang, "--out", out}, &stdout, &stderr); code != exitOK {
					b.Fatalf("report: exit %d\n%s", code, stderr.String())
				}
			}
			if fi, err := os.Stat(out); err == nil {
				b.ReportMetric(float64(fi.Size())/1e6, "MB/pdf")
			}
		})
	}
}
