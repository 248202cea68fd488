package render

import (
	"testing"

	"github.com/plinth-dev/plinth/internal/gitops/source"
)

// TestPodFieldLine: the pod's securityContext field, not a container's of
// the same name above it.
func TestPodFieldLine(t *testing.T) {
	doc := `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      initContainers:
        - name: init
          securityContext:
            runAsUser: 1000
      containers:
        - name: web
      securityContext:
        runAsUser: 0
`
	res := Render(source.FromFiles("c", map[string][]byte{"web.yaml": []byte(doc)}), Options{})
	o := object(res, "Deployment", "web")
	if o == nil {
		t.Fatal("not rendered")
	}
	if got := res.PodFieldLine(o, "runAsUser"); got != 14 {
		t.Errorf("PodFieldLine = %d, want 14", got)
	}
	if got := res.PodFieldLine(o, "runAsGroup"); got != 1 {
		t.Errorf("PodFieldLine of a missing field = %d, want the object's line 1", got)
	}
}
