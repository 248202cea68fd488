package main

import (
	"path/filepath"
	"strings"
	"testing"
)

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
