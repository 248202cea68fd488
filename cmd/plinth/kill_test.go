package main

import (
	"bytes"
	"errors"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/plinth-dev/plinth/generator"
	"github.com/plinth-dev/plinth/internal/testutil/synth"
)

// TestMain lets the test binary run as plinth itself (PLINTH_TEST_AS_MAIN=1),
// so the kill test drives a real process without building one.
func TestMain(m *testing.M) {
	if os.Getenv("PLINTH_TEST_AS_MAIN") == "1" {
		if ready := os.Getenv("PLINTH_TEST_HANDLED"); ready != "" {
			// Tell the test when a signal no longer ends the process at once.
			interruptsHandled = func() { _ = os.WriteFile(ready, nil, 0o644) }
		}
		os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// plinthProcess starts plinth with args (the test binary as main).
func plinthProcess(t *testing.T, stderr *bytes.Buffer, args ...string) *exec.Cmd {
	t.Helper()
	return plinthProcessEnv(t, stderr, nil, args...)
}

// plinthProcessEnv is plinthProcess with env added to the environment.
func plinthProcessEnv(t *testing.T, stderr *bytes.Buffer, env []string, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(append(os.Environ(), "PLINTH_TEST_AS_MAIN=1"), env...)
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd
}

// copyTree copies the regular files and directories of src into dst.
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// waitFor polls until p exists or the process ends, at most limit polls.
func waitFor(p string, exited <-chan struct{}, limit int) {
	for range limit {
		if _, err := os.Lstat(p); err == nil {
			return
		}
		select {
		case <-exited:
			return
		case <-time.After(2 * time.Millisecond):
		}
	}
}

// TestKillGenerate kills a generate of a 100-service platform over the tree
// of a 130-service one (services and teams removed, others changed, new
// environments added) at random points, with SIGKILL and then SIGTERM and
// SIGINT, and checks every time that after recovery the tree is exactly the
// old one or the new one and no staging directory or journal is left.
// PLINTH_KILL_ITERATIONS sets the number of SIGKILLs (default 50).
func TestKillGenerate(t *testing.T) {
	if testing.Short() {
		t.Skip("kills generate many times")
	}
	iterations := 50
	if n, err := strconv.Atoi(os.Getenv("PLINTH_KILL_ITERATIONS")); err == nil && n > 0 {
		iterations = n
	}
	base := t.TempDir()
	oldPlat, newPlat := filepath.Join(base, "old-platform"), filepath.Join(base, "new-platform")
	if err := synth.Write(oldPlat, 130); err != nil {
		t.Fatal(err)
	}
	if err := synth.Write(newPlat, 100); err != nil {
		t.Fatal(err)
	}
	oldTree, newTree := filepath.Join(base, "old"), filepath.Join(base, "new")
	var stderr bytes.Buffer
	if code := run([]string{"generate", oldPlat, "--out", oldTree, "--env", "prod"}, &bytes.Buffer{}, &stderr); code != exitOK {
		t.Fatalf("old tree: exit %d\n%s", code, stderr.String())
	}
	writeAt(t, filepath.Join(oldTree, "README.md"), "# ours, not plinth's\n")
	copyTree(t, oldTree, newTree)
	start := time.Now()
	if code := run([]string{"generate", newPlat, "--out", newTree}, &bytes.Buffer{}, &stderr); code != exitOK {
		t.Fatalf("new tree: exit %d\n%s", code, stderr.String())
	}
	full := time.Since(start)
	oldHashes, newHashes := treeHashes(t, oldTree), treeHashes(t, newTree)
	if sameTree(oldHashes, newHashes) {
		t.Fatal("old and new trees are the same")
	}
	t.Logf("old tree %d files, new tree %d files; one generate takes %v", len(oldHashes), len(newHashes), full)

	rng := rand.New(rand.NewPCG(11, uint64(iterations)))
	// result checks the tree after a stop: old or new, nothing left over.
	result := func(t *testing.T, out string) string {
		t.Helper()
		got := treeHashes(t, out)
		for p := range got {
			if strings.HasPrefix(p, ".plinth/staging") || strings.HasPrefix(p, ".plinth/journal") {
				t.Fatalf("left behind: %s", p)
			}
		}
		switch {
		case sameTree(got, oldHashes):
			return "old"
		case sameTree(got, newHashes):
			return "new"
		}
		var extra, missing int
		for p := range got {
			if _, ok := newHashes[p]; !ok {
				extra++
			}
		}
		for p := range newHashes {
			if _, ok := got[p]; !ok {
				missing++
			}
		}
		t.Fatalf("tree is neither old nor new: %d files (%d not in new, %d of new missing)", len(got), extra, missing)
		return ""
	}
	counts := map[string]int{}
	for i := range iterations {
		out := filepath.Join(base, "work"+strconv.Itoa(i))
		copyTree(t, oldTree, out)
		stderr.Reset()
		cmd := plinthProcess(t, &stderr, "generate", newPlat, "--out", out)
		exited := make(chan struct{})
		go func() { cmd.Wait(); close(exited) }()
		switch i % 3 {
		case 0: // anywhere in the run, rendering included
			time.Sleep(time.Duration(rng.Int64N(int64(full) + 1)))
		case 1: // while staging: once it has begun, a little later
			waitFor(filepath.Join(out, ".plinth", "staging"), exited, 20000)
			time.Sleep(time.Duration(rng.Int64N(int64(150 * time.Millisecond))))
		case 2: // while moving files into place: once the journal is written
			waitFor(filepath.Join(out, ".plinth", "journal.json"), exited, 20000)
			time.Sleep(time.Duration(rng.Int64N(int64(15 * time.Millisecond))))
		}
		_ = cmd.Process.Signal(syscall.SIGKILL)
		<-exited
		note, err := generator.Recover(out)
		if err != nil {
			t.Fatalf("kill %d: recover: %v", i, err)
		}
		got := result(t, out)
		counts[got]++
		if note != "" {
			counts["recovered: "+strings.SplitN(note, ";", 2)[0]]++
		}
		if i%10 == 9 {
			// The next run ends with the new tree.
			if code := run([]string{"generate", newPlat, "--out", out}, &bytes.Buffer{}, &stderr); code != exitOK || result(t, out) != "new" {
				t.Fatalf("kill %d: the run after recovery: exit %d\n%s", i, code, stderr.String())
			}
		}
		os.RemoveAll(out)
	}
	t.Logf("after %d kills: %v", iterations, counts)

	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT} {
		for _, whileWriting := range []bool{false, true} {
			t.Run(sig.String()+map[bool]string{false: " while rendering", true: " while writing"}[whileWriting], func(t *testing.T) {
				out := filepath.Join(base, "sig")
				defer os.RemoveAll(out)
				copyTree(t, oldTree, out)
				var stderr bytes.Buffer
				handled := filepath.Join(base, "handled")
				os.Remove(handled)
				cmd := plinthProcessEnv(t, &stderr, []string{"PLINTH_TEST_HANDLED=" + handled}, "generate", newPlat, "--out", out)
				exited := make(chan struct{})
				var werr error
				go func() { werr = cmd.Wait(); close(exited) }()
				if whileWriting {
					waitFor(filepath.Join(out, ".plinth", "staging"), exited, 20000)
				} else {
					// Once generate handles signals (before that, as for
					// any process, a signal ends it at once), while it
					// loads and renders.
					waitFor(handled, exited, 20000)
					time.Sleep(full / 10)
				}
				_ = cmd.Process.Signal(sig)
				<-exited
				var ee *exec.ExitError
				if !errors.As(werr, &ee) || ee.ExitCode() != exitFailure {
					t.Errorf("exit: %v, want status 1\n%s", werr, stderr.String())
				}
				if !strings.Contains(stderr.String(), "interrupted") {
					t.Errorf("stderr does not say it was interrupted:\n%s", stderr.String())
				}
				// A clean stop needs no recovery.
				got := result(t, out)
				if !whileWriting && got != "old" {
					t.Errorf("stopped before writing, the tree is %s", got)
				}
				t.Logf("%s: tree %s; %s", sig, got, strings.TrimSpace(stderr.String()))
			})
		}
	}
}
