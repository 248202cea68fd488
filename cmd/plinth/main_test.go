package main

import (
	"bytes"
	"encoding/json"
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
