package render

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/plinth-dev/plinth/internal/gitops/source"
)

// kustomizeCLI finds the standalone kustomize (PATH or $(go env
// GOPATH)/bin): missing, the test fails in CI and skips elsewhere.
func kustomizeCLI(t *testing.T) string {
	t.Helper()
	if p, err := exec.LookPath("kustomize"); err == nil {
		return p
	}
	if out, err := exec.Command("go", "env", "GOPATH").Output(); err == nil {
		p := filepath.Join(strings.TrimSpace(string(out)), "bin", "kustomize")
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("kustomize CLI not found (.ci/steps.d/tools.sh installs it)")
	}
	t.Skip("kustomize CLI not found (.ci/steps.d/tools.sh installs it)")
	return ""
}

// TestFluxBuildAgainstKustomize renders Flux Kustomizations with edits
// (targetNamespace, namePrefix/nameSuffix, patches, images, components, a
// directory without kustomization.yaml) and compares every object with
// `kustomize build` of the kustomization Flux writes, written here by hand
// from kustomize-controller's documented behaviour.
func TestFluxBuildAgainstKustomize(t *testing.T) {
	cli := kustomizeCLI(t)
	base := map[string]string{
		"app/kustomization.yaml": "resources: [deploy.yaml, svc.yaml]\nnamePrefix: own-\nimages: [{name: nginx, newTag: '1.26'}]\n",
		"app/deploy.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, labels: {app: web}}\nspec:\n  replicas: 1\n  selector: {matchLabels: {app: web}}\n" +
			"  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers: [{name: web, image: nginx}, {name: side, image: busybox:1.36}]\n",
		"app/svc.yaml":                    "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {selector: {app: web}, ports: [{port: 80}]}\n",
		"comp/kustomization.yaml":         "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nresources: [pdb.yaml]\n",
		"comp/pdb.yaml":                   "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: web}\nspec: {minAvailable: 1, selector: {matchLabels: {app: web}}}\n",
		"plain/a.yaml":                    "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {k: v}\n",
		"plain/sub/b.yml":                 "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\ndata: {k: v}\n",
		"plain/built/kustomization.yaml":  "resources: [c.yaml]\nnamespace: inner\n",
		"plain/built/c.yaml":              "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {k: v}\n",
		"plain/built/not-listed.yaml":     "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: hidden}\n",
		"plain/README.md":                 "not a manifest\n",
		"plain/sub/deeper/d.yaml":         "apiVersion: v1\nkind: Secret\nmetadata: {name: d}\nstringData: {k: v}\n",
		"plain/sub/deeper/notes.txt":      "text\n",
		"plain/sub/deeper/more/more.yaml": "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: e}\n",
	}
	for _, tc := range []struct {
		name string
		path string
		spec string // the Flux Kustomization's spec fields besides sourceRef and path
		// oracle is the kustomization.yaml Flux builds in path
		oracle string
	}{
		{"targetNamespace, namePrefix and nameSuffix replace the kustomization's", "app",
			"  targetNamespace: team\n  namePrefix: flux-\n  nameSuffix: -v2\n",
			"resources: [deploy.yaml, svc.yaml]\nnamePrefix: flux-\nnameSuffix: -v2\nnamespace: team\nimages: [{name: nginx, newTag: '1.26'}]\n"},
		{"patches with a target, strategic merge and JSON 6902", "app",
			"  patches:\n" +
				"    - patch: |\n        - op: replace\n          path: /spec/replicas\n          value: 3\n      target: {kind: Deployment, name: web}\n" +
				"    - patch: |\n        apiVersion: v1\n        kind: Service\n        metadata: {name: web}\n        spec: {type: NodePort}\n",
			"resources: [deploy.yaml, svc.yaml]\nnamePrefix: own-\nimages: [{name: nginx, newTag: '1.26'}]\npatches:\n" +
				"  - patch: |\n      - op: replace\n        path: /spec/replicas\n        value: 3\n    target: {kind: Deployment, name: web}\n" +
				"  - patch: |\n      apiVersion: v1\n      kind: Service\n      metadata: {name: web}\n      spec: {type: NodePort}\n"},
		{"images replace the kustomization's of the same name, others are added", "app",
			"  images:\n    - {name: nginx, newName: registry.example.com/nginx, newTag: '1.27'}\n    - {name: busybox, digest: 'sha256:0000000000000000000000000000000000000000000000000000000000000000'}\n",
			"resources: [deploy.yaml, svc.yaml]\nnamePrefix: own-\nimages:\n  - {name: nginx, newName: registry.example.com/nginx, newTag: '1.27'}\n" +
				"  - {name: busybox, digest: 'sha256:0000000000000000000000000000000000000000000000000000000000000000'}\n"},
		{"components relative to the path", "app", "  components: [../comp]\n",
			"resources: [deploy.yaml, svc.yaml]\nnamePrefix: own-\nimages: [{name: nginx, newTag: '1.26'}]\ncomponents: [../comp]\n"},
		{"a directory without kustomization.yaml: every manifest, kustomizations whole", "plain", "  namePrefix: p-\n",
			"resources: [./a.yaml, ./built, ./sub/b.yml, ./sub/deeper/d.yaml, ./sub/deeper/more/more.yaml]\nnamePrefix: p-\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			files := map[string][]byte{"clusters/c/k.yaml": []byte("apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\n" +
				"metadata: {name: k, namespace: flux-system}\nspec:\n  sourceRef: {kind: GitRepository, name: flux-system}\n  path: ./" + tc.path + "\n" + tc.spec)}
			dir := t.TempDir()
			for p, data := range base {
				files[p] = []byte(data)
				if err := os.MkdirAll(filepath.Join(dir, filepath.Dir(p)), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(dir, p), []byte(data), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if err := os.WriteFile(filepath.Join(dir, tc.path, "kustomization.yaml"), []byte(tc.oracle), 0o644); err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command(cli, "build", "--load-restrictor", "LoadRestrictionsNone", filepath.Join(dir, tc.path))
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("kustomize build: %v\n%s", err, out)
			}
			docs, err := parseDocs(out)
			if err != nil {
				t.Fatal(err)
			}
			want := map[string]string{}
			for _, d := range docs {
				want[objectRef(str(d.Value, "kind"), str(d.Value, "metadata", "namespace"), str(d.Value, "metadata", "name"))] = jsonOf(t, d.Value)
			}

			res := Render(source.FromFiles("r", files), Options{})
			got := map[string]string{}
			for _, o := range res.Objects {
				if o.File == "clusters/c/k.yaml" {
					continue
				}
				got[objectRef(o.Kind, o.Namespace, o.Name)] = jsonOf(t, o.Value)
			}
			for _, p := range res.Problems {
				t.Errorf("problem: %+v", p)
			}
			for k, w := range want {
				if g, ok := got[k]; !ok {
					t.Errorf("missing %s", k)
				} else if g != w {
					t.Errorf("%s:\n got %s\nwant %s", k, g, w)
				}
			}
			for k := range got {
				if _, ok := want[k]; !ok {
					t.Errorf("extra %s", k)
				}
			}
		})
	}
}

func jsonOf(t *testing.T, v any) string {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}
