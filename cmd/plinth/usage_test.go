package main

import (
	"path/filepath"
	"strings"
	"testing"
)

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
