package generator

import (
	"fmt"
	"strings"
	"testing"

	"github.com/plinth-dev/plinth/generator/internal/tree"
)

func TestCompareObjects(t *testing.T) {
	obj := func(name, image string) map[string]any {
		return map[string]any{"apiVersion": "apps/v1", "kind": "Deployment",
			"metadata": map[string]any{"name": name, "namespace": "a-dev"},
			"spec":     map[string]any{"image": image}}
	}
	o, err := tree.FromMap(obj("web", "r/web:1"))
	if err != nil {
		t.Fatal(err)
	}
	want := tree.DigestsOf([]tree.Object{o})
	tests := []struct {
		name    string
		got     []rendered
		wantErr string
	}{
		{"same", []rendered{{Value: obj("web", "r/web:1")}}, ""},
		{"differs", []rendered{{Value: obj("web", "r/web:2")}}, "differs from the intended object"},
		{"unexpected", []rendered{{Value: obj("web", "r/web:1")}, {Value: obj("api", "r/api:1")}}, "unexpected Deployment a-dev/api"},
		{"missing", nil, "apps/v1/Deployment/a-dev/web missing"},
		{"twice", []rendered{{Value: obj("web", "r/web:1")}, {Value: obj("web", "r/web:1")}}, "Deployment a-dev/web twice"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := compareObjects("x", want, tc.got)
			if tc.wantErr == "" && err != nil || tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)) {
				t.Fatalf("err = %v, want %q", err, tc.wantErr)
			}
		})
	}
}

// TestGenerateFailsValidation: output that does not validate for the
// cluster's Kubernetes version is an error, not a tree.
func TestGenerateFailsValidation(t *testing.T) {
	m := *loadExample(t)
	m.Clusters = append(m.Clusters[:0:0], m.Clusters...)
	for i := range m.Clusters {
		m.Clusters[i].KubernetesVersion = "1.19"
	}
	out, err := Generate(&m, Options{})
	if err == nil || out != nil || !strings.Contains(err.Error(), `kubernetesVersion "1.19": the output cannot be validated`) {
		t.Fatalf("Generate = %v, %v", out, err)
	}
}

func TestJoinErrors(t *testing.T) {
	var errs []error
	for i := range 30 {
		errs = append(errs, fmt.Errorf("problem %d", i%25), nil)
	}
	err := joinErrors(errs, 20)
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != 21 || lines[20] != "... and 5 more problems" {
		t.Errorf("%d lines: %q", len(lines), lines)
	}
}
