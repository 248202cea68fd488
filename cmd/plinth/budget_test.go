package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// TestHostileRepositories: the repositories of testdata/hostile never get a
// clean bill: a kustomization cycle and a runaway template are failing
// PLN-OPS-003 findings naming the file, and --fail-on low exits 1.
func TestHostileRepositories(t *testing.T) {
	for _, tc := range []struct {
		repo, file, want string
	}{
		{"kustomize-cycle", "a/kustomization.yaml", "kustomization cycle detected: a/kustomization.yaml -> b/kustomization.yaml -> a/kustomization.yaml"},
		{"kustomize-cycle-cluster", "a/kustomization.yaml", "kustomization cycle detected: a/kustomization.yaml -> b/kustomization.yaml -> a/kustomization.yaml"},
		{"string-doubling", "chart/templates/cm.yaml", "not evaluated: render budget exceeded (printf would make"},
	} {
		t.Run(tc.repo, func(t *testing.T) {
			repo := filepath.Join("..", "..", "testdata", "hostile", tc.repo)
			code, out, errOut := reportRun("report", "--repo", repo, "--fail-on", "low", "--date", "2026-11-01", "-o", "json")
			if code != exitFailure {
				t.Fatalf("exit %d, want %d; stderr: %s", code, exitFailure, errOut)
			}
			var rep struct {
				Summary struct {
					Score float64 `json:"score"`
				} `json:"summary"`
				Findings []struct {
					Control, Status, File, Message string
				} `json:"findings"`
			}
			if err := json.Unmarshal([]byte(out), &rep); err != nil {
				t.Fatal(err)
			}
			if rep.Summary.Score >= 100 {
				t.Errorf("score %.1f", rep.Summary.Score)
			}
			n := 0
			for _, f := range rep.Findings {
				if f.Control == "PLN-OPS-003" && f.Status == "fail" && f.File == tc.file && strings.Contains(f.Message, tc.want) {
					n++
				}
				if f.Status == "pass" && strings.Contains(f.Message, "renders") {
					t.Errorf("pass: %s %s", f.File, f.Message)
				}
			}
			if n != 1 {
				t.Errorf("want one failing PLN-OPS-003 finding at %s with %q: %+v", tc.file, tc.want, rep.Findings)
			}
		})
	}
}
