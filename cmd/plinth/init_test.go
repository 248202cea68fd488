package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestInitCommand(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "platform")
	var out, errOut bytes.Buffer
	if code := run([]string{"init", dir}, &out, &errOut); code != exitOK {
		t.Fatalf("init: exit %d: %s", code, errOut.String())
	}
	if !strings.Contains(out.String(), "plinth validate "+dir) {
		t.Errorf("stdout %q does not say what to do next", out.String())
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.cue"))
	if len(files) == 0 {
		t.Fatal("init wrote no .cue files")
	}
	before, _ := os.ReadFile(files[0])
	if err := os.WriteFile(files[0], append(before, []byte("// mine\n")...), 0o644); err != nil {
		t.Fatal(err)
	}

	out.Reset()
	errOut.Reset()
	if code := run([]string{"init", dir}, &out, &errOut); code != exitFailure {
		t.Fatalf("init into a non-empty dir: exit %d, want %d", code, exitFailure)
	}
	if !strings.Contains(errOut.String(), "not empty") {
		t.Errorf("stderr %q", errOut.String())
	}
	after, _ := os.ReadFile(files[0])
	if !bytes.HasSuffix(after, []byte("// mine\n")) {
		t.Error("init overwrote an existing file")
	}

	if code := run([]string{"init", dir, "extra"}, &out, &errOut); code != exitUsage {
		t.Errorf("two arguments: exit %d, want %d", code, exitUsage)
	}
}

// TestInitExamples: every embedded example is written and validates; an
// unknown one is a usage error that lists them and writes nothing.
func TestInitExamples(t *testing.T) {
	for _, name := range []string{"drone-delivery", "multicloud"} {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "platform")
			var out, errOut bytes.Buffer
			if code := run([]string{"init", dir, "--example", name}, &out, &errOut); code != exitOK {
				t.Fatalf("init: exit %d: %s", code, errOut.String())
			}
			if !strings.Contains(out.String(), "wrote the "+name+" example platform") {
				t.Errorf("stdout %q", out.String())
			}
			out.Reset()
			if code := run([]string{"validate", dir}, &out, &errOut); code != exitOK || !strings.Contains(out.String(), "valid") {
				t.Fatalf("validate: exit %d\n%s%s", code, out.String(), errOut.String())
			}
		})
	}
	dir := filepath.Join(t.TempDir(), "platform")
	var out, errOut bytes.Buffer
	if code := run([]string{"init", dir, "--example", "gke"}, &out, &errOut); code != exitUsage || !strings.Contains(errOut.String(), "use drone-delivery or multicloud") {
		t.Fatalf("unknown example: exit %d: %s", code, errOut.String())
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("an unknown example created %s", dir)
	}
}
