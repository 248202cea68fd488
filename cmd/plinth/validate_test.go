package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestValidateCommand(t *testing.T) {
	valid := filepath.Join(t.TempDir(), "platform")
	if code := run([]string{"init", valid}, &bytes.Buffer{}, &bytes.Buffer{}); code != exitOK {
		t.Fatalf("init: exit %d", code)
	}
	invalid := filepath.Join("..", "..", "testdata", "invalid", "image-latest")
	ghLine := regexp.MustCompile(`^::error file=(?:\.\./\.\./)?testdata/invalid/image-latest/platform\.cue,line=\d+,col=\d+,title=[^:]+::services\.cart\.image: .+latest`)

	tests := []struct {
		name  string
		args  []string
		code  int
		check func(t *testing.T, stdout, stderr string)
	}{
		{"valid text", []string{"validate", valid}, exitOK, func(t *testing.T, out, _ string) {
			if !strings.Contains(out, "valid (6 services, 3 environments, 2 clusters)") {
				t.Errorf("stdout: %q", out)
			}
		}},
		{"valid json", []string{"validate", valid, "--format", "json"}, exitOK, func(t *testing.T, out, _ string) {
			var r struct {
				Valid  bool  `json:"valid"`
				Errors []any `json:"errors"`
			}
			if err := json.Unmarshal([]byte(out), &r); err != nil || !r.Valid || len(r.Errors) != 0 {
				t.Errorf("json %q: %v", out, err)
			}
		}},
		{"invalid text", []string{"validate", invalid}, exitFailure, func(t *testing.T, out, errOut string) {
			if out != "" || !strings.Contains(errOut, "platform.cue:38:2: services.cart.image: ") || !strings.Contains(errOut, "1 error") {
				t.Errorf("stdout %q stderr %q", out, errOut)
			}
		}},
		{"invalid json", []string{"validate", invalid, "-o", "json"}, exitFailure, func(t *testing.T, out, _ string) {
			var r struct {
				Valid  bool `json:"valid"`
				Errors []struct {
					File, Path, Rule string
					Line, Column     int
				} `json:"errors"`
			}
			if err := json.Unmarshal([]byte(out), &r); err != nil || r.Valid || len(r.Errors) != 1 {
				t.Fatalf("json %q: %v", out, err)
			}
			e := r.Errors[0]
			if e.Path != "services.cart.image" || e.Line != 38 || e.Rule != "image-tag" || !strings.HasSuffix(e.File, "platform.cue") {
				t.Errorf("error %+v", e)
			}
		}},
		{"invalid github", []string{"validate", invalid, "--format", "github"}, exitFailure, func(t *testing.T, out, _ string) {
			if !ghLine.MatchString(strings.TrimSpace(out)) {
				t.Errorf("annotation %q does not match %s", out, ghLine)
			}
		}},
		{"invalid sarif", []string{"validate", invalid, "--format", "sarif"}, exitFailure, func(t *testing.T, out, _ string) {
			var r struct {
				Version string `json:"version"`
				Runs    []struct {
					Results []struct {
						RuleID    string `json:"ruleId"`
						Locations []struct {
							PhysicalLocation struct {
								ArtifactLocation struct{ URI string } `json:"artifactLocation"`
								Region           struct{ StartLine, StartColumn int }
							} `json:"physicalLocation"`
						} `json:"locations"`
					} `json:"results"`
				} `json:"runs"`
			}
			if err := json.Unmarshal([]byte(out), &r); err != nil {
				t.Fatal(err)
			}
			if r.Version != "2.1.0" || len(r.Runs) != 1 || len(r.Runs[0].Results) != 1 {
				t.Fatalf("sarif: %s", out)
			}
			res := r.Runs[0].Results[0]
			loc := res.Locations[0].PhysicalLocation
			if res.RuleID != "plinth/image-tag" || strings.TrimPrefix(loc.ArtifactLocation.URI, "../../") != "testdata/invalid/image-latest/platform.cue" || loc.Region.StartLine != 38 || loc.Region.StartColumn != 2 {
				t.Errorf("result %+v", res)
			}
		}},
		{"syntax error", []string{"validate", filepath.Join("..", "..", "testdata", "invalid", "syntax-error")}, exitFailure, func(t *testing.T, _, errOut string) {
			if !strings.Contains(errOut, "platform.cue:39:") {
				t.Errorf("stderr %q", errOut)
			}
		}},
		{"bad format", []string{"validate", valid, "--format", "xml"}, exitUsage, nil},
		{"missing dir", []string{"validate", filepath.Join(t.TempDir(), "nope")}, exitUsage, nil},
		{"two dirs", []string{"validate", valid, valid}, exitUsage, nil},
		{"empty dir", []string{"validate", t.TempDir()}, exitFailure, func(t *testing.T, _, errOut string) {
			if !strings.Contains(errOut, "no .cue files") {
				t.Errorf("stderr %q", errOut)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(tt.args, &stdout, &stderr)
			if code != tt.code {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tt.code, stdout.String(), stderr.String())
			}
			if tt.check != nil {
				tt.check(t, stdout.String(), stderr.String())
			}
		})
	}
}

// TestValidateBaselineWarnings: a production cluster missing a baseline
// control warns (exit 0), fails with --strict, in every format.
func TestValidateBaselineWarnings(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "platform")
	var out, errOut bytes.Buffer
	if code := run([]string{"init", dir}, &out, &errOut); code != 0 {
		t.Fatalf("init: %d %s", code, errOut.String())
	}
	file := filepath.Join(dir, "platform.cue")
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	src := strings.Replace(string(b), "defender:         true", "defender:         false", 1)
	if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args   []string
		code   int
		stream string // "out" or "err"
		want   string
	}{
		{[]string{"validate", dir}, 0, "err", "platform.cue:55:3: clusters.prod.settings.defender: warning: production cluster \"prod\": Defender for Containers disabled, which fails PLN-SEC-016"},
		{[]string{"validate", dir, "--strict"}, 1, "err", "--strict: 1 baseline warning(s)"},
		{[]string{"validate", dir, "-o", "github"}, 0, "out", "::warning file="},
		{[]string{"validate", dir, "-o", "json", "--strict"}, 1, "out", `"rule": "baseline"`},
		{[]string{"validate", dir, "-o", "sarif"}, 0, "out", `"level": "warning"`},
	} {
		out.Reset()
		errOut.Reset()
		code := run(tc.args, &out, &errOut)
		got := out.String()
		if tc.stream == "err" {
			got = errOut.String()
		}
		if code != tc.code || !strings.Contains(got, tc.want) {
			t.Errorf("%v: exit %d, want %d; %s does not contain %q:\n%s", tc.args, code, tc.code, tc.stream, tc.want, got)
		}
	}
}
