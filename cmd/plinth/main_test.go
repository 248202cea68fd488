package main

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

func TestExitCodes(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		code    int
		wantErr string
	}{
		{"help", []string{"--help"}, exitOK, ""},
		{"version", []string{"--version"}, exitOK, ""},
		{"unknown command", []string{"frobnicate"}, exitUsage, `unknown command "frobnicate"`},
		{"unknown flag", []string{"validate", "--bogus"}, exitUsage, "unknown flag: --bogus"},
		{"too many args", []string{"validate", "a", "b"}, exitUsage, "Run 'plinth --help'"},
		{"missing platform", []string{"validate", "testdata-does-not-exist"}, exitUsage, "testdata-does-not-exist"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := run(tt.args, &out, &errOut)
			if code != tt.code {
				t.Fatalf("exit %d, want %d; stderr:\n%s", code, tt.code, errOut.String())
			}
			if tt.wantErr != "" && !strings.Contains(errOut.String(), tt.wantErr) {
				t.Errorf("stderr %q does not contain %q", errOut.String(), tt.wantErr)
			}
		})
	}
}

func TestVersionCommand(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run([]string{"version"}, &out, &errOut); code != exitOK || !strings.HasPrefix(out.String(), "plinth dev (go1.") {
		t.Errorf("version: exit %d %q", code, out.String())
	}
	out.Reset()
	var v struct{ Version, GoVersion, Platform string }
	if code := run([]string{"version", "-o", "json"}, &out, &errOut); code != exitOK || json.Unmarshal(out.Bytes(), &v) != nil || v.Version != "dev" || v.Platform == "" {
		t.Errorf("version json: exit %d %q", code, out.String())
	}
	if code := run([]string{"version", "-o", "yaml"}, &out, &errOut); code != exitUsage {
		t.Errorf("version -o yaml: exit %d", code)
	}
}

// TestBadFlagValuesExitUsage: a bad value of --env, --path, --branch (generate,
// publish, diff) or --cluster (report) is bad usage, exit 2, with a message
// naming the flag, and nothing is done.
func TestBadFlagValuesExitUsage(t *testing.T) {
	base, platform, bare := pubSetup(t)
	out := filepath.Join(base, "out")
	fleet := copyRepo(t, "flux")
	for _, tc := range []struct {
		name string
		args []string
		want string // in stderr
	}{
		{"generate --env", []string{"generate", platform, "--out", out, "--env", "nope"}, `--env "nope"`},
		{"publish --branch HEAD", []string{"publish", platform, "--repo", bare, "--branch", "HEAD"}, "--branch"},
		{"publish --branch empty", []string{"publish", platform, "--repo", bare, "--branch", " "}, "--branch"},
		{"publish --path", []string{"publish", platform, "--repo", bare, "--path", "../x"}, "--path"},
		{"diff --branch", []string{"diff", platform, "--repo", bare, "--branch", "a..b"}, "--branch"},
		{"diff --path", []string{"diff", platform, "--repo", bare, "--path", "a/../../x"}, "--path"},
		{"report --cluster", []string{"report", "--repo", fleet, "--cluster", "nope"}, "--cluster nope"},
		{"report --month and --since", []string{"report", "--repo", fleet, "--month", "2026-11", "--since", "HEAD"}, "--month and --since cannot be combined"},
		{"report --month", []string{"report", "--repo", fleet, "--month", "11/2026"}, `--month "11/2026": want YYYY-MM`},
		{"validate --format", []string{"validate", platform, "--format", "xml"}, `--format "xml"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errOut := runPlinth(t, tc.args...)
			if code != exitUsage || !strings.Contains(errOut, tc.want) {
				t.Errorf("exit %d (want %d), stderr %q (want %q)", code, exitUsage, errOut, tc.want)
			}
		})
	}
}

// TestVerboseProgress: -v logs the progress of validate and generate on
// standard error (files read, rules checked, environments rendered, files
// written, with timings); without -v they log nothing.
func TestVerboseProgress(t *testing.T) {
	base, platform, _ := pubSetup(t)
	out := filepath.Join(base, "out")
	for _, tc := range []struct {
		name string
		args []string
		want []string
	}{
		{"validate", []string{"-v", "validate", platform}, []string{"platform: read 3 files", "rules checked in"}},
		{"generate", []string{"-v", "generate", platform, "--out", out}, []string{"platform: read 3 files", "generate: rendered 3 environments on 2 clusters", "generate: wrote " + out}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errOut := runPlinth(t, tc.args...)
			if code != exitOK {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			for _, w := range tc.want {
				if !strings.Contains(errOut, w) {
					t.Errorf("stderr lacks %q:\n%s", w, errOut)
				}
			}
			code, _, errOut = runPlinth(t, tc.args[1:]...)
			if code != exitOK || strings.Contains(errOut, "level=DEBUG") {
				t.Errorf("without -v: exit %d, stderr %q", code, errOut)
			}
		})
	}
}
