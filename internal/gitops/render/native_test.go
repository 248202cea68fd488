package render

import (
	"cmp"
	"fmt"
	"path"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/plinth-dev/plinth/internal/gitops/source"
)

// compareWithKustomize builds the kustomization in dir both ways and fails
// when the native build accepts it but differs from kustomize in any object,
// value type, source file or line. It returns whether the native build
// accepted it.
func compareWithKustomize(t *testing.T, d *renderer, dir string) bool {
	t.Helper()
	native, ok := d.nativeBuild(dir)
	if !ok {
		return false
	}
	kust, _, err := d.krustyBuild(dir, kustomizationFile(d.snap, dir))
	if err != nil {
		t.Errorf("%s: native build accepted what kustomize refuses: %v", dir, err)
		return true
	}
	order := func(a, b builtObject) int {
		return cmp.Or(cmp.Compare(str(a.Value, "kind"), str(b.Value, "kind")), cmp.Compare(str(a.Value, "apiVersion"), str(b.Value, "apiVersion")),
			cmp.Compare(str(a.Value, "metadata", "namespace"), str(b.Value, "metadata", "namespace")),
			cmp.Compare(str(a.Value, "metadata", "name"), str(b.Value, "metadata", "name")))
	}
	slices.SortFunc(native, order)
	slices.SortFunc(kust, order)
	if len(native) != len(kust) {
		t.Errorf("%s: native build has %d objects, kustomize %d", dir, len(native), len(kust))
		return true
	}
	for i := range native {
		n, k := native[i], kust[i]
		if !reflect.DeepEqual(n.Value, k.Value) {
			t.Errorf("%s: object %d differs:\nnative:    %#v\nkustomize: %#v", dir, i, n.Value, k.Value)
		}
		if (n.File != k.File || n.Line != k.Line) && !ambiguous(d, dir, n) {
			t.Errorf("%s: %s/%s at %s:%d, kustomize's source index says %s:%d", dir, str(n.Value, "kind"), str(n.Value, "metadata", "name"),
				n.File, n.Line, k.File, k.Line)
		}
	}
	return true
}

// ambiguous says whether kustomize's source index holds several objects of
// the kind and name of b (it does not know namespaces, so it points at the
// first), and b's own location is one of them.
func ambiguous(d *renderer, dir string, b builtObject) bool {
	kind, name := str(b.Value, "kind"), str(b.Value, "metadata", "name")
	n, own := 0, false
	for _, sd := range d.sourceIndex(dir) {
		if sd.kind == kind && sd.name == name {
			n++
			own = own || (sd.file == b.File && sd.line == b.Line)
		}
	}
	return n > 1 && own
}

// kustomizationDirs lists the directories of a snapshot holding a kustomization.
func kustomizationDirs(snap *source.Snapshot) []string {
	var dirs []string
	for _, p := range snap.Paths() {
		if slices.Contains(kustomizationNames, path.Base(p)) {
			dirs = append(dirs, path.Dir(p))
		}
	}
	return dirs
}

// TestNativeMatchesKustomize: on every kustomization of the hand-written
// test repositories, the native build gives exactly kustomize's objects
// wherever it accepts one (plinth's own output: generated_test.go).
func TestNativeMatchesKustomize(t *testing.T) {
	for _, name := range []string{"flux", "argocd", "plain", "helm"} {
		t.Run(name, func(t *testing.T) {
			snap := snapshotOf(t, name)
			compare := NativeComparer(snap)
			dirs := kustomizationDirs(snap)
			accepted := 0
			for _, dir := range dirs {
				if compare(t, dir) {
					accepted++
				}
			}
			t.Logf("%d of %d kustomizations built natively", accepted, len(dirs))
			if len(dirs) > 0 && accepted == 0 {
				t.Error("no kustomization was built natively")
			}
		})
	}
}

const (
	nativeBase = `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
- deployment.yaml
- extra.yaml
`
	nativeDeployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: example.com/web:1.0.0
        ports: [{containerPort: 8080}]
        resources: {requests: {cpu: 100m, memory: 1000000}}
`
	nativeExtra = `apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  ports: [{port: 80, targetPort: 8080}]
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: web-config
data:
  ratio: "0.5"
---
apiVersion: secrets-store.csi.x-k8s.io/v1
kind: SecretProviderClass
metadata:
  name: web
spec:
  provider: azure
`
)

// nativeStable is a Deployment whose numbers all go through JSON and
// back as they are (jsonStable): JSON patches on it copy only what they
// change (applyFinal).
var nativeStable = strings.NewReplacer("web", "stable", "1000000", "64Mi", "  labels: {app: web}\nspec", "  labels: {app: stable}\n  annotations: {a: b}\nspec").
	Replace(nativeDeployment)

const stableTarget = `  target: {group: apps, version: v1, kind: Deployment, name: stable}
`

// nativeCase is an overlay on the base above: extra files, and whether the
// native build must accept it.
type nativeCase struct {
	name   string
	files  map[string]string
	accept bool
}

func overlay(kustomization string, files ...string) map[string]string {
	m := map[string]string{"overlay/kustomization.yaml": "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n" + kustomization}
	for i := 0; i+1 < len(files); i += 2 {
		m[files[i]] = files[i+1]
	}
	return m
}

const jsonPatchTarget = `  target: {group: apps, version: v1, kind: Deployment, name: web}
`

var nativeCases = []nativeCase{
	{"resources only", overlay("resources: [../base]\n"), true},
	{"namespace", overlay("namespace: team-a\nresources: [../base]\n"), true},
	{"numbers through a JSON patch", overlay("resources: [../base]\npatches:\n- path: p.yaml\n"+jsonPatchTarget,
		"overlay/p.yaml", "- op: replace\n  path: /spec/replicas\n  value: 3\n- op: add\n  path: /spec/template/spec/containers/0/resources/limits\n  value: {cpu: 0.5, memory: 1000000}\n- op: add\n  path: /metadata/annotations\n  value: {note: \"yes\", \"on\": \"08\"}\n"), true},
	{"JSON patch as JSON", overlay("resources: [../base]\npatches:\n- path: p.json\n"+jsonPatchTarget,
		"overlay/p.json", `[{"op": "add", "path": "/spec/minReadySeconds", "value": 10}]`), true},
	{"target by kind only, several objects", overlay("resources: [../base]\npatches:\n- path: p.yaml\n  target: {kind: Service}\n",
		"overlay/p.yaml", "- op: add\n  path: /metadata/labels\n  value: {tier: front}\n"), true},
	// matches the Deployment, the Service and the SecretProviderClass, not the ConfigMap web-config
	{"target name as a regular expression", overlay("resources: [../base]\npatches:\n- path: p.yaml\n  target: {name: 'w[e]b'}\n",
		"overlay/p.yaml", "- op: add\n  path: /metadata/labels\n  value: {tier: front}\n"), true},
	{"annotation that is not a string", overlay("resources: [../base]\npatches:\n- path: p.yaml\n"+jsonPatchTarget,
		"overlay/p.yaml", "- op: add\n  path: /metadata/annotations\n  value: {count: 3}\n"), false},
	{"annotation key read as a boolean", overlay("resources: [../base]\npatches:\n- path: p.yaml\n"+jsonPatchTarget,
		"overlay/p.yaml", "- op: add\n  path: /metadata/annotations\n  value: {\"true\": \"x\"}\n"), false},
	{"target namespace", overlay("namespace: team-a\nresources: [../base]\npatches:\n- path: p.yaml\n  target: {kind: Deployment, namespace: team-a}\n",
		"overlay/p.yaml", "- op: replace\n  path: /spec/replicas\n  value: 3\n"), false},
	{"delete patch", overlay("resources: [../base]\npatches:\n- path: d.yaml\n",
		"overlay/d.yaml", "$patch: delete\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\n"), true},
	{"nested overlays with namespaces", overlay("namespace: outer\nresources: [../mid]\n",
		"mid/kustomization.yaml", "namespace: inner\nresources: [../base]\npatches:\n- path: p.yaml\n  target: {kind: Deployment}\n",
		"mid/p.yaml", "- op: replace\n  path: /spec/replicas\n  value: 5\n"), true},
	{"patch file outside the kustomization", overlay("resources: [../base]\npatches:\n- path: ../p.yaml\n"+jsonPatchTarget,
		"p.yaml", "- op: replace\n  path: /spec/replicas\n  value: 3\n"), false},
	{"resource file outside the kustomization", overlay("resources: [../base, ../other.yaml]\n",
		"other.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: other}\n"), false},
	{"namespace with a Namespace object", overlay("namespace: team-a\nresources: [../base, ns.yaml]\n",
		"overlay/ns.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: x}\n"), false},
	{"namespace with a RoleBinding", overlay("namespace: team-a\nresources: [../base, rb.yaml]\n",
		"overlay/rb.yaml", "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: x}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}\nsubjects: [{kind: ServiceAccount, name: default}]\n"), false},
	{"namespace read as a boolean", overlay("namespace: off\nresources: [../base]\n"), false},
	{"namePrefix", overlay("namePrefix: a-\nresources: [../base]\n"), false},
	{"configMapGenerator", overlay("resources: [../base]\nconfigMapGenerator:\n- name: x\n  literals: [a=b]\n"), false},
	{"patch renaming", overlay("resources: [../base]\npatches:\n- path: p.yaml\n"+jsonPatchTarget,
		"overlay/p.yaml", "- op: replace\n  path: /metadata/name\n  value: other\n"), false},
	{"patch that fails", overlay("resources: [../base]\npatches:\n- path: p.yaml\n"+jsonPatchTarget,
		"overlay/p.yaml", "- op: replace\n  path: /spec/nothing/here\n  value: 1\n"), false},
	{"target matching nothing", overlay("resources: [../base]\npatches:\n- path: p.yaml\n  target: {kind: StatefulSet}\n",
		"overlay/p.yaml", "- op: replace\n  path: /spec/replicas\n  value: 3\n"), false},
	{"label selector", overlay("resources: [../base]\npatches:\n- path: p.yaml\n  target: {labelSelector: app=web}\n",
		"overlay/p.yaml", "- op: add\n  path: /metadata/annotations\n  value: {a: b}\n"), false},
	{"delete patch matching nothing", overlay("resources: [../base]\npatches:\n- path: d.yaml\n",
		"overlay/d.yaml", "$patch: delete\napiVersion: v1\nkind: Service\nmetadata:\n  name: nothing\n"), false},
	{"strategic merge patch", overlay("resources: [../base]\npatches:\n- path: s.yaml\n",
		"overlay/s.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 4\n"), false},
	{"duplicate object", overlay("resources: [../base, dup.yaml]\n",
		"overlay/dup.yaml", "apiVersion: v1\nkind: Service\nmetadata: {name: web}\n"), false},
	{"merge keys", overlay("resources: [../base, m.yaml]\n",
		"overlay/m.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: m, labels: &l {a: b}}\ndata:\n  <<: *l\n"), false},
	{"remote resource", overlay("resources: [../base, https://example.com/x.yaml]\n"), false},
	{"reference loop", overlay("resources: [../loop]\n", "loop/kustomization.yaml", "resources: [../overlay]\n"), false},
	{"stable object through JSON patches", overlay("namespace: team-a\nresources: [../base, s.yaml]\npatches:\n- path: p.yaml\n"+stableTarget+"- path: q.yaml\n"+stableTarget,
		"overlay/s.yaml", nativeStable,
		"overlay/p.yaml", "- op: replace\n  path: /spec/replicas\n  value: 3\n- op: add\n  path: /spec/template/spec/containers/0/resources/limits\n  value: {cpu: 0.5, memory: 1000000, n: 7}\n- op: remove\n  path: /spec/template/spec/containers/0/ports/0\n",
		"overlay/q.yaml", "- op: add\n  path: /spec/template/spec/containers/-\n  value: {name: b, image: \"x:1\", ports: [{containerPort: 9}]}\n- op: replace\n  path: /metadata/labels/app\n  value: other\n"), true},
	{"stable object, annotations emptied", overlay("resources: [../base, s.yaml]\npatches:\n- path: p.yaml\n"+stableTarget,
		"overlay/s.yaml", nativeStable,
		"overlay/p.yaml", "- op: remove\n  path: /metadata/annotations/a\n"), true},
	{"one value patched into several objects, then changed in one", overlay("resources: [../base]\npatches:\n- path: p.yaml\n  target: {name: 'w[e]b'}\n- path: q.yaml\n  target: {kind: Service}\n",
		"overlay/p.yaml", "- op: add\n  path: /metadata/labels\n  value: {tier: front, x: \"1\"}\n",
		"overlay/q.yaml", "- op: replace\n  path: /metadata/labels/tier\n  value: back\n"), true},
	{"stable object with empty annotations", overlay("resources: [../base, s.yaml]\npatches:\n- path: p.yaml\n"+stableTarget,
		"overlay/s.yaml", strings.Replace(nativeStable, "{a: b}", "{}", 1),
		"overlay/p.yaml", "- op: replace\n  path: /spec/replicas\n  value: 1\n"), true},
	{"stable object patched in nested overlays", overlay("namespace: outer\nresources: [../mid]\npatches:\n- path: p.yaml\n"+stableTarget,
		"mid/kustomization.yaml", "namespace: inner\nresources: [s.yaml]\npatches:\n- path: p.yaml\n"+stableTarget,
		"mid/s.yaml", nativeStable,
		"mid/p.yaml", "- op: replace\n  path: /spec/replicas\n  value: 5\n",
		"overlay/p.yaml", "- op: replace\n  path: /spec/template/metadata/labels\n  value: {app: stable, v: \"2\"}\n"), true},
}

// TestNativeCases: the native build accepts the shapes it knows, gives
// kustomize's result on them, and leaves everything else to kustomize.
func TestNativeCases(t *testing.T) {
	for _, tc := range nativeCases {
		t.Run(tc.name, func(t *testing.T) {
			files := map[string][]byte{
				"base/kustomization.yaml": []byte(nativeBase),
				"base/deployment.yaml":    []byte(nativeDeployment),
				"base/extra.yaml":         []byte(nativeExtra),
			}
			for p, data := range tc.files {
				files[p] = []byte(data)
			}
			d := newRenderer(source.FromFiles("case", files), Options{})
			if got := compareWithKustomize(t, d, "overlay"); got != tc.accept {
				_, _, err := d.krustyBuild("overlay", "overlay/kustomization.yaml")
				t.Errorf("native build accepted: %v, want %v (kustomize: %v)", got, tc.accept, err)
			}
			docsUnchanged(t, d)
		})
	}
}

// FuzzNativePatch: whatever a JSON patch file holds, the native build gives
// kustomize's objects or leaves the kustomization to kustomize.
func FuzzNativePatch(f *testing.F) {
	for _, seed := range []string{
		"- op: replace\n  path: /spec/replicas\n  value: 3\n",
		"- op: add\n  path: /metadata/annotations/x\n  value: 1e3\n",
		`[{"op": "remove", "path": "/spec/selector"}]`,
		"- op: copy\n  from: /spec/replicas\n  path: /spec/minReadySeconds\n",
		"- op: add\n  path: /spec/template/spec/containers/-\n  value: {name: b, image: \"x:1\"}\n",
		"- op: test\n  path: /spec/replicas\n  value: 2\n",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, patch string) {
		files := map[string][]byte{
			"base/kustomization.yaml":    []byte(nativeBase),
			"base/deployment.yaml":       []byte(nativeDeployment),
			"base/extra.yaml":            []byte(nativeExtra),
			"overlay/kustomization.yaml": []byte("namespace: team-a\nresources: [../base, s.yaml]\npatches:\n- path: p.yaml\n  target: {kind: Deployment}\n"),
			"overlay/s.yaml":             []byte(nativeStable),
			"overlay/p.yaml":             []byte(patch),
		}
		d := newRenderer(source.FromFiles("fuzz", files), Options{})
		compareWithKustomize(t, d, "overlay")
		docsUnchanged(t, d)
	})
}

// docsUnchanged fails t when a file's parsed documents, which builds share
// (patches copy only what they change), no longer read as the file does.
func docsUnchanged(t *testing.T, d *renderer) {
	t.Helper()
	d.mu.Lock()
	defer d.mu.Unlock()
	for p, r := range d.docCache {
		f, _ := d.snap.File(p)
		fresh, err := parseDocs(f.Data)
		if err != nil || r.err != nil || len(fresh) != len(r.docs) {
			continue
		}
		for i := range fresh {
			if a, b := fmt.Sprintf("%#v", fresh[i].Value), fmt.Sprintf("%#v", r.docs[i].Value); a != b {
				t.Errorf("%s: document %d changed by the build:\n%s\nwas\n%s", p, i, b, a)
			}
		}
	}
}
