package render

import (
	"reflect"
	"testing"

	"github.com/plinth-dev/plinth/internal/gitops/source"
)

// TestBuilderForget: a build after Forget parses the files again and gives
// the same objects; what it forgets is no longer kept.
func TestBuilderForget(t *testing.T) {
	files := map[string][]byte{
		"base/kustomization.yaml": []byte("resources: [deployment.yaml]\n"),
		"base/deployment.yaml": []byte("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n" +
			"spec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n" +
			"    spec:\n      containers: [{name: web, image: r/web:1}]\n"),
		"dev/kustomization.yaml":  []byte("namespace: a-dev\nresources: [../base]\n"),
		"prod/kustomization.yaml": []byte("namespace: a-prod\nresources: [../base]\n"),
	}
	tests := []struct {
		name   string
		forget []string
		kept   int // parsed files the Builder keeps after the builds
	}{
		{"nothing", nil, 4},
		{"the base", []string{"base/kustomization.yaml", "base/deployment.yaml"}, 2},
		{"an unknown path", []string{"other/x.yaml"}, 4},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := NewBuilder(source.FromFiles("test", files))
			first, err := b.Kustomization("dev")
			if err != nil {
				t.Fatal(err)
			}
			b.Forget(tc.forget)
			again, err := b.Kustomization("dev")
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(first, again) {
				t.Errorf("after Forget: %v, want %v", again, first)
			}
			if _, err := b.Kustomization("prod"); err != nil {
				t.Fatal(err)
			}
			b.Forget(tc.forget)
			if got := len(b.d.docCache); got != tc.kept {
				t.Errorf("%d parsed files kept, want %d", got, tc.kept)
			}
		})
	}
}
