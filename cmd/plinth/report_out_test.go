package main

import (
	"bytes"
	"encoding/json"
	"errors"
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
	// Opened read-write, the pipe has a reader (the report's open does not
	// wait) and this test decides when reading stops: once the report is
	// written into the pipe, or at once when the pipe was replaced.
	pipe, err := os.OpenFile(fifo, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer pipe.Close()
	got := make(chan error, 1)
	go func() {
		var r struct {
			SchemaVersion string `json:"schemaVersion"`
		}
		err := json.NewDecoder(pipe).Decode(&r)
		if err == nil && r.SchemaVersion == "" {
			err = errors.New("no schemaVersion")
		}
		got <- err
	}()
	code, out, errOut := reportRun("report", "--repo", repo, "--format", "json", "--out", fifo)
	if code != exitOK || out != "" {
		t.Fatalf("exit %d, stdout %q, stderr %s", code, out, errOut)
	}
	if st, err := os.Lstat(fifo); err != nil || st.Mode()&os.ModeNamedPipe == 0 {
		t.Fatalf("%s is no longer a named pipe: %v %v", fifo, st.Mode(), err)
	}
	if err := <-got; err != nil {
		t.Errorf("the report read from the pipe: %v", err)
	}

	dir := t.TempDir()
	if code, _, errOut := reportRun("report", "--repo", repo, "--format", "json", "--out", dir); code == exitOK || !bytes.Contains([]byte(errOut), []byte("is a directory")) {
		t.Errorf("--out a directory: exit %d, stderr %s", code, errOut)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("--out a directory left %d entries in it", len(entries))
	}
}
