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
