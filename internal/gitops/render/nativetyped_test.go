package render

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/plinth-dev/plinth/internal/gitops/source"
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

// TestTypedByPartsMatchesWhole: for random patches on typed objects, the
// check of the parts a patch wrote gives what decoding the whole patched
// object gives, wherever it gives an answer.
func TestTypedByPartsMatchesWhole(t *testing.T) {
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
	d := newRenderer(source.FromFiles("typed", map[string][]byte{}), Options{})
	decided, checked, invalid := 0, 0, 0
	for i := 0; i < 4000; i++ {
		doc := docs[i%len(docs)]
		var ops []string
		for n := 1 + rng.IntN(3); n > 0; n-- {
			ops = append(ops, fmt.Sprintf(`{"op":%q,"path":%q,"from":%q,"value":%s}`, pick(kinds), pick(paths), pick(paths), pick(values)))
		}
		text := "[" + strings.Join(ops, ",") + "]"
		p, err := decodeJSONPatch([]byte(text))
		if err != nil {
			t.Fatal(err)
		}
		v, err := p.apply(doc.Value)
		if err != nil {
			continue
		}
		checked++
		apiVersion, kind := str(doc.Value, "apiVersion"), str(doc.Value, "kind")
		r := &nres{value: v, orig: doc.Value, file: "typed.yaml", line: doc.Line, gvk: gvkOf(apiVersion, kind), jsonNumber: true,
			touched: p.touchedPaths()}
		ok, known := d.typedByParts(r)
		if !known {
			continue
		}
		decided++
		if !ok {
			invalid++
		}
		if want := decodesIntoJSON(v, typedTarget(r.gvk)); ok != want {
			t.Errorf("%s on %s: by parts %v, whole %v", text, kind, ok, want)
		}
	}
	t.Logf("%d patched objects, %d decided by parts, %d of them not well typed", checked, decided, invalid)
	if decided < checked/2 || invalid < decided/10 || invalid > decided*9/10 {
		t.Errorf("%d of %d decided by parts, %d not well typed: the cases miss one side", decided, checked, invalid)
	}
}

// TestTypedByPartsOnRepositories: on every kustomization of the test
// repositories, every patched object's check by parts agrees with decoding
// it whole.
func TestTypedByPartsOnRepositories(t *testing.T) {
	for _, name := range []string{"flux", "argocd", "plain", "helm"} {
		snap := snapshotOf(t, name)
		d := newRenderer(snap, Options{})
		for _, dir := range kustomizationDirs(snap) {
			res, ok := d.nativeAccumulate(dir, map[string]bool{}, 0)
			if !ok {
				continue
			}
			for _, r := range res {
				if !r.jsonNumber {
					continue
				}
				if ok, known := d.typedByParts(r); known && ok != decodesIntoJSON(r.value, typedTarget(r.gvk)) {
					t.Errorf("%s: %s %s: by parts %v, whole %v", dir, r.gvk.Kind, r.name, ok, !ok)
				}
			}
		}
	}
}
