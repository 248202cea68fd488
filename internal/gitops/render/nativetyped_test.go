package render

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// typedObjects are objects as read, for patches to change: kinds with a
// Go type (custom decoders below: Quantity, IntOrString, Time) and one
// without (its metadata only).
const typedObjects = nativeDeployment + `---
apiVersion: v1
kind: Service
metadata: {name: web, labels: {a: b}}
spec:
  ports: [{port: 80, targetPort: 8080}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: web, creationTimestamp: "2026-01-01T00:00:00Z"}
data: {a: b}
---
apiVersion: example.com/v1
kind: Widget
metadata: {name: web}
spec: {size: 1}
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: web}
spec:
  schedule: "* * * * *"
  jobTemplate: {spec: {template: {spec: {containers: [{name: a, image: b}], restartPolicy: Never}}}}
`

// TestPatchedTypedMatchesJSON: for random patches on typed objects, the
// walk gives what decoding the whole patched object through JSON gives.
func TestPatchedTypedMatchesJSON(t *testing.T) {
	docs, err := parseDocs([]byte(typedObjects))
	if err != nil {
		t.Fatal(err)
	}
	paths := []string{"/spec/replicas", "/spec/Replicas", "/spec/template/spec/containers/0/image", "/spec/template/spec/containers",
		"/spec/template/spec/containers/-", "/spec/template/spec/containers/0/resources/limits/cpu", "/spec/template/spec/containers/0/ports/0/containerPort",
		"/spec/strategy", "/spec/strategy/rollingUpdate", "/spec/strategy/rollingUpdate/maxSurge", "/metadata/labels/x", "/metadata/labels",
		"/metadata/annotations", "/metadata/creationTimestamp", "/metadata/ownerReferences", "/spec/unknown/x", "/spec/unknown", "/status",
		"/spec/ports/0/targetPort", "/spec/ports/-", "/spec/ports", "/data/x", "/data", "/binaryData/x", "/spec/size", "/spec/x",
		"/spec/selector/matchLabels/app", "/spec/schedule", "/spec/jobTemplate/spec/template/spec/containers/0/name", "/spec/template/spec/Containers",
		"/spec/template/spec/containers/0/env", "/spec/minReadySeconds", "a/spec/replicas", "/spec/template/metadata", "/spec/template/spec/volumes/-"}
	values := []string{`1`, `"x"`, `{}`, `[]`, `null`, `{"a":1}`, `"100m"`, `1.5`, `true`, `[{"name":"a","image":"b"}]`, `{"maxSurge":"25%"}`,
		`{"rollingUpdate":{"maxSurge":1}}`, `"2026-01-01T00:00:00Z"`, `"not a time"`, `[{"name":"a","value":"b"}]`, `["a"]`, `{"a":"b"}`, `-1`, `1e10`, `"YWJj"`}
	kinds := []string{"add", "replace", "add", "remove", "copy", "move"}
	rng := rand.New(rand.NewPCG(15, 1))
	pick := func(list []string) string { return list[rng.IntN(len(list))] }
	var tally walkTally
	for i := 0; i < 12000; i++ {
		doc := docs[i%len(docs)]
		var ops []string
		for n := 1 + rng.IntN(3); n > 0; n-- {
			ops = append(ops, fmt.Sprintf(`{"op":%q,"path":%q,"from":%q,"value":%s}`, pick(kinds), pick(paths), pick(paths), pick(values)))
		}
		p, err := decodeJSONPatch([]byte("[" + strings.Join(ops, ",") + "]"))
		if err != nil {
			t.Fatal(err)
		}
		v, err := p.apply(doc.Value)
		if err != nil {
			continue
		}
		tally.check(t, v, typedTarget(gvkOf(str(doc.Value, "apiVersion"), str(doc.Value, "kind"))))
	}
	tally.done(t, 0.95)
}

// TestTypedOnRepositories: on every kustomization of the test
// repositories, every object the native build accumulates gets the same
// answer from the walk as from decoding it through JSON.
func TestTypedOnRepositories(t *testing.T) {
	for _, name := range []string{"flux", "argocd", "plain", "helm"} {
		snap := snapshotOf(t, name)
		d := newRenderer(snap, Options{})
		for _, dir := range kustomizationDirs(snap) {
			res, ok := d.nativeAccumulate(dir, map[string]bool{}, 0)
			if !ok {
				continue
			}
			for _, r := range res {
				if want := decodesIntoJSON(r.value, typedTarget(r.gvk)); decodesInto(r.value, r.gvk) != want {
					t.Errorf("%s: %s %s: walk %v, JSON %v", dir, r.gvk.Kind, r.name, !want, want)
				}
			}
		}
	}
}
