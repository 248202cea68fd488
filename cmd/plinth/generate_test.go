package main

import (
	"bytes"
	"os"
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
		{"missing out", []string{"generate", platform}, exitUsage, "", "--out PATH is required", false},
		{"bad engine", []string{"generate", platform, "--out", "fleet", "--engine", "jenkins"}, exitUsage, "", `unknown --engine "jenkins"`, false},
		{"bad flavor", []string{"generate", platform, "--out", "fleet", "--flavor", "jsonnet"}, exitUsage, "", `unknown --flavor "jsonnet"`, false},
		{"not a dir", []string{"generate", filepath.Join(tmp, "nope"), "--out", "fleet"}, exitUsage, "", "is not a platform directory", false},
		{"out is the platform", []string{"generate", platform, "--out", platform}, exitUsage, "", "is the platform directory", false},
		{"unknown env", []string{"generate", platform, "--out", "fleet", "--env", "qa"}, exitFailure, "", `unknown environment "qa"`, false},
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
