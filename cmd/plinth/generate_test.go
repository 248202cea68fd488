package main

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestGenerateCommand(t *testing.T) {
	tmp := t.TempDir()
	platform := filepath.Join(tmp, "demo")
	if code := run([]string{"init", platform}, &bytes.Buffer{}, &bytes.Buffer{}); code != exitOK {
		t.Fatalf("init: exit %d", code)
	}
	invalid := filepath.Join("..", "..", "testdata", "invalid", "image-latest")

	tests := []struct {
		name   string
		args   []string
		code   int
		stdout string // substring
		stderr string // substring
		wrote  bool   // --out has a manifest afterwards
	}{
		{"flux kustomize", []string{"generate", platform, "--out", "fleet"}, exitOK, "written", "", true},
		{"argocd helm one env", []string{"generate", platform, "--out", "fleet", "--engine", "argocd", "--flavor", "helm", "--env", "prod"}, exitOK, "written", "", true},
		{"full verification", []string{"generate", platform, "--out", "fleet", "--verify", "full"}, exitOK, "written", "", true},
		{"bad verify", []string{"generate", platform, "--out", "fleet", "--verify", "all"}, exitUsage, "", `--verify "all": use render or full`, false},
		{"missing out", []string{"generate", platform}, exitUsage, "", "--out PATH is required", false},
		{"bad engine", []string{"generate", platform, "--out", "fleet", "--engine", "jenkins"}, exitUsage, "", `unknown --engine "jenkins"`, false},
		{"bad flavor", []string{"generate", platform, "--out", "fleet", "--flavor", "jsonnet"}, exitUsage, "", `unknown --flavor "jsonnet"`, false},
		{"not a dir", []string{"generate", filepath.Join(tmp, "nope"), "--out", "fleet"}, exitUsage, "", "is not a platform directory: it does not exist", false},
		{"out is the platform", []string{"generate", platform, "--out", platform}, exitUsage, "", "is the platform directory", false},
		{"unknown env", []string{"generate", platform, "--out", "fleet", "--env", "qa"}, exitUsage, "", `unknown --env "qa"`, false},
		{"invalid platform", []string{"generate", invalid, "--out", "fleet"}, exitFailure, "", "services.cart.image", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "fleet")
			args := append([]string(nil), tc.args...)
			for i, a := range args {
				if a == "fleet" {
					args[i] = out
				}
			}
			var stdout, stderr bytes.Buffer
			if code := run(args, &stdout, &stderr); code != tc.code {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tc.code, stdout.String(), stderr.String())
			}
			if !strings.Contains(stdout.String(), tc.stdout) || !strings.Contains(stderr.String(), tc.stderr) {
				t.Errorf("stdout %q (want %q), stderr %q (want %q)", stdout.String(), tc.stdout, stderr.String(), tc.stderr)
			}
			_, err := os.Stat(filepath.Join(out, ".plinth", "manifest.json"))
			if tc.wrote != (err == nil) {
				t.Errorf("manifest written: %v, want %v", err == nil, tc.wrote)
			}
			if !tc.wrote {
				if _, err := os.Stat(out); err == nil {
					t.Errorf("%s created on failure", out)
				}
			}
		})
	}
}

// TestGenerateCheck: --check and --diff write nothing, say what is out of
// date (exit 1) or that it is current (exit 0); the --diff output applied
// with git apply brings the tree up to date.
func TestGenerateCheck(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	tmp := t.TempDir()
	platform, out := filepath.Join(tmp, "demo"), filepath.Join(tmp, "fleet")
	if code := run([]string{"init", platform}, &bytes.Buffer{}, &bytes.Buffer{}); code != exitOK {
		t.Fatalf("init: exit %d", code)
	}
	gen := func(args ...string) (int, string, string) {
		var stdout, stderr bytes.Buffer
		code := run(append([]string{"generate", platform, "--out", out}, args...), &stdout, &stderr)
		return code, stdout.String(), stderr.String()
	}

	code, stdout, stderr := gen("--check")
	if code != exitFailure || !strings.Contains(stdout, "A clusters/prod/kustomization.yaml") || !strings.Contains(stderr, "out of date") {
		t.Fatalf("check of a missing tree: exit %d\n%.300s\n%s", code, stdout, stderr)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Fatal("--check created the output directory")
	}
	if code, _, stderr := gen(); code != exitOK {
		t.Fatalf("generate: exit %d: %s", code, stderr)
	}
	if code, stdout, stderr := gen("--check"); code != exitOK || stdout != "" || !strings.Contains(stderr, "up to date") {
		t.Fatalf("check of a current tree: exit %d %q %q", code, stdout, stderr)
	}

	// A hand edit, a deleted file, a foreign file (ignored) and, with one
	// environment only, the others' files stale.
	edited := filepath.Join(out, "infrastructure", "prod", "kustomization.yaml")
	if err := os.WriteFile(edited, []byte("# edited\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(out, "clusters", "prod", "kustomization.yaml")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(out, "README.md"), []byte("mine\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, _ = gen("--check")
	if code != exitFailure || stdout != "A clusters/prod/kustomization.yaml\nM infrastructure/prod/kustomization.yaml\n" {
		t.Fatalf("check after edits: exit %d\n%s", code, stdout)
	}
	code, stdout, _ = gen("--check", "--env", "prod")
	if code != exitFailure || !strings.Contains(stdout, "D clusters/nonprod/kustomization.yaml") {
		t.Fatalf("check of one environment: exit %d\n%.500s", code, stdout)
	}
	before := snapshotDir(t, out)
	code, patch, _ := gen("--diff")
	if code != exitFailure || !strings.Contains(patch, "-# edited") || !strings.Contains(patch, "new file mode 100644") {
		t.Fatalf("diff: exit %d\n%.500s", code, patch)
	}
	if after := snapshotDir(t, out); after != before {
		t.Fatal("--diff changed the output directory")
	}
	apply := exec.Command("git", "apply", "-")
	apply.Dir, apply.Stdin = out, strings.NewReader(patch)
	if msg, err := apply.CombinedOutput(); err != nil {
		t.Fatalf("git apply: %v\n%s", err, msg)
	}
	if code, _, stderr := gen("--check"); code != exitOK {
		t.Fatalf("check after applying the diff: exit %d %s", code, stderr)
	}
}

// snapshotDir is every file under dir with its content, for comparisons.
func snapshotDir(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		fmt.Fprintf(&b, "%s %x\n", p, sha256.Sum256(data))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}
