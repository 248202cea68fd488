package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestReportOutNotAFile: --out naming a named pipe (as /dev/null or
// /dev/stdout are devices) gets the report written into it; the pipe is
// not replaced by a regular file. A directory is refused, unchanged.
func TestReportOutNotAFile(t *testing.T) {
	repo := copyRepo(t, "flux")
	fifo := filepath.Join(t.TempDir(), "report.pipe")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	got := make(chan []byte, 1)
	go func() {
		f, err := os.Open(fifo) // blocks until the report opens it for writing
		if err != nil {
			got <- nil
			return
		}
		data, _ := io.ReadAll(f)
		f.Close()
		got <- data
	}()
	code, out, errOut := reportRun("report", "--repo", repo, "--format", "json", "--out", fifo)
	if code != exitOK || out != "" {
		t.Fatalf("exit %d, stdout %q, stderr %s", code, out, errOut)
	}
	if data := <-got; !bytes.Contains(data, []byte(`"schemaVersion"`)) {
		t.Errorf("the pipe got %.200q", data)
	}
	if st, err := os.Lstat(fifo); err != nil || st.Mode()&os.ModeNamedPipe == 0 {
		t.Errorf("%s is no longer a named pipe: %v %v", fifo, st.Mode(), err)
	}

	dir := t.TempDir()
	if code, _, errOut := reportRun("report", "--repo", repo, "--format", "json", "--out", dir); code == exitOK || !bytes.Contains([]byte(errOut), []byte("is a directory")) {
		t.Errorf("--out a directory: exit %d, stderr %s", code, errOut)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("--out a directory left %d entries in it", len(entries))
	}
}
