package generator

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/plinth-dev/plinth/internal/testutil/golden"

	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/yaml"

	"github.com/plinth-dev/plinth/generator/internal/tree"
	"github.com/plinth-dev/plinth/internal/gitops/repo"
	"github.com/plinth-dev/plinth/schemas"
)

var (
	exampleOnce  sync.Once
	exampleModel *schemas.Model
	exampleErr   error
)

// loadExample loads the embedded `plinth init` example platform.
func loadExample(t testing.TB) *schemas.Model {
	t.Helper()
	exampleOnce.Do(func() {
		dir, err := os.MkdirTemp("", "plinth-example-*")
		if err != nil {
			exampleErr = err
			return
		}
		defer os.RemoveAll(dir)
		if exampleErr = schemas.WriteExample(dir); exampleErr != nil {
			return
		}
		exampleModel, exampleErr = schemas.Load(dir)
	})
	if exampleErr != nil {
		t.Fatal(exampleErr)
	}
	return exampleModel
}

var combos = []struct{ engine, flavor string }{
	{EngineFlux, FlavorKustomize},
	{EngineArgoCD, FlavorKustomize},
	{EngineFlux, FlavorHelm},
	{EngineArgoCD, FlavorHelm},
}

func generate(t testing.TB, m *schemas.Model, opts Options) *Output {
	t.Helper()
	out, err := Generate(m, opts)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// generateChecked generates m in every engine and flavor, so that Generate's
// own checks build every overlay and render the chart for every values file
// (both flavors deploy exactly the same objects), and returns the Flux
// kustomize tree.
func generateChecked(t *testing.T, m *schemas.Model) *Output {
	t.Helper()
	for _, c := range combos {
		generate(t, m, Options{Engine: c.engine, Flavor: c.flavor})
	}
	return generate(t, m, Options{Engine: EngineFlux, Flavor: FlavorKustomize})
}

// sameYAML compares a value with the YAML text want, both through YAML so
// that numbers have the same Go type; it returns the two as YAML for a
// message.
func sameYAML(t *testing.T, got any, want string) (g, w []byte, equal bool) {
	t.Helper()
	var gv, wv any
	g, err := yaml.Marshal(got)
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(g, &gv); err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal([]byte(want), &wv); err != nil {
		t.Fatal(err)
	}
	w, _ = yaml.Marshal(wv)
	return g, w, reflect.DeepEqual(gv, wv)
}

// dump serialises a tree as one text: each file under a "=== path" line.
func dump(out *Output) []byte {
	var b bytes.Buffer
	for _, p := range tree.SortedKeys(out.Files) {
		fmt.Fprintf(&b, "=== %s\n", p)
		b.Write(out.Files[p])
	}
	return b.Bytes()
}

func TestGolden(t *testing.T) {
	m := loadExample(t)
	for _, c := range combos {
		t.Run(c.engine+"-"+c.flavor, func(t *testing.T) {
			got := dump(generate(t, m, Options{Engine: c.engine, Flavor: c.flavor}))
			golden.Check(t, filepath.Join("..", "testdata", "generate", c.engine+"-"+c.flavor+".golden"), got)
		})
	}
}

func TestDeterministic(t *testing.T) {
	m := loadExample(t)
	for _, c := range combos {
		opts := Options{Engine: c.engine, Flavor: c.flavor}
		a := dump(generate(t, m, opts))
		b := dump(generate(t, m, opts))
		if !bytes.Equal(a, b) {
			t.Errorf("%s/%s: two runs differ", c.engine, c.flavor)
		}
	}
}

func TestOptions(t *testing.T) {
	m := loadExample(t)
	tests := []struct {
		name    string
		opts    Options
		wantErr string
	}{
		{"default engine from platform", Options{}, ""},
		{"bad engine", Options{Engine: "jenkins"}, `engine "jenkins"`},
		{"bad flavor", Options{Flavor: "jsonnet"}, `flavor "jsonnet"`},
		{"unknown env", Options{Envs: []string{"qa"}}, `unknown environment "qa"`},
		{"repo path escapes", Options{RepoPath: "../x"}, "inside the repository"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Generate(m, tc.opts)
			if tc.wantErr == "" && err != nil || tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)) {
				t.Fatalf("err = %v, want %q", err, tc.wantErr)
			}
			var oe *OptionError
			if tc.wantErr != "" && !errors.As(err, &oe) {
				t.Errorf("err = %v is not an *OptionError", err)
			}
		})
	}
}

func TestLoadErrors(t *testing.T) {
	tmp := t.TempDir()
	file := filepath.Join(tmp, "file.cue")
	if err := os.WriteFile(file, []byte("x: 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		dir  string
		opts Options
		want string // formatted with "--flag" for the option
	}{
		{"bad engine before reading", filepath.Join(tmp, "none"), Options{Engine: "jenkins"}, `unknown --flag "jenkins": use flux or argocd`},
		{"bad flavor", tmp, Options{Flavor: "jsonnet"}, `unknown --flag "jsonnet": use kustomize or helm`},
		{"repo path", tmp, Options{RepoPath: "a/../../b"}, `--flag "a/../../b": must stay inside the repository`},
		{"missing dir", filepath.Join(tmp, "none"), Options{}, "none is not a platform directory: it does not exist"},
		{"a file", file, Options{}, "file.cue is not a platform directory: it is a file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, out, err := Load(tc.dir, tc.opts)
			if err == nil || m != nil || out != nil {
				t.Fatalf("Load = %v, %v, %v", m, out, err)
			}
			msg := err.Error()
			if oe := (*OptionError)(nil); errors.As(err, &oe) {
				msg = oe.Format("--flag")
			}
			if !strings.Contains(msg, tc.want) {
				t.Errorf("error %q, want %q", msg, tc.want)
			}
		})
	}
}

func TestOutputCluster(t *testing.T) {
	out := generate(t, loadExample(t), Options{})
	for p, want := range map[string]string{
		"clusters/prod/kustomization.yaml":         "prod",
		"infrastructure/dev/kustomization.yaml":    "nonprod",
		".plinth/clusters/nonprod.json":            "nonprod",
		"apps/base/delivery-archiver/cronjob.yaml": "",
		".plinth/manifest.json":                    "",
	} {
		if got := out.Cluster(p); got != want {
			t.Errorf("Cluster(%s) = %q, want %q", p, got, want)
		}
	}
}

func TestEnvSelection(t *testing.T) {
	out := generate(t, loadExample(t), Options{Envs: []string{"prod"}})
	for p := range out.Files {
		if strings.Contains(p, "/dev/") || strings.Contains(p, "/staging/") || strings.HasPrefix(p, "clusters/nonprod/") {
			t.Errorf("--env prod wrote %s", p)
		}
	}
	if _, ok := out.Files["clusters/prod/prod.yaml"]; !ok {
		t.Error("clusters/prod/prod.yaml missing")
	}
}

func TestHeaders(t *testing.T) {
	m := loadExample(t)
	for _, c := range combos {
		out := generate(t, m, Options{Engine: c.engine, Flavor: c.flavor})
		for p, data := range out.Files {
			if strings.HasPrefix(p, ".plinth/") {
				continue // JSON state, no comments
			}
			s := string(data)
			if !strings.HasPrefix(s, "# Generated by plinth from ") && !strings.HasPrefix(s, "{{- /*\nGenerated by plinth from ") {
				t.Errorf("%s/%s %s: no generated-file header: %.60q", c.engine, c.flavor, p, s)
			}
		}
	}
	out := generate(t, m, Options{})
	if h := string(out.Files["apps/base/ingestion/deployment.yaml"]); !strings.HasPrefix(h, "# Generated by plinth from services.cue.") {
		t.Errorf("base header names the wrong source: %.80q", h)
	}
}

// docs parses every YAML document of a file.
func docs(t *testing.T, data []byte) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, d := range strings.Split(string(data), "\n---\n") {
		var v any
		if err := yaml.Unmarshal([]byte(d), &v); err != nil {
			t.Fatal(err)
		}
		if m, ok := v.(map[string]any); ok && len(m) > 0 { // JSON patches are lists
			out = append(out, m)
		}
	}
	return out
}

func dig(m map[string]any, keys ...string) any {
	var v any = m
	for _, k := range keys {
		mm, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = mm[k]
	}
	return v
}

// TestReferencesResolve follows every path the Flux and Argo CD objects and
// the kustomizations reference and checks it exists in the tree.
func TestReferencesResolve(t *testing.T) {
	m := loadExample(t)
	for _, c := range combos {
		for _, repoPath := range []string{"", "fleet/prod"} {
			name := c.engine + "-" + c.flavor + "-" + repoPath
			out := generate(t, m, Options{Engine: c.engine, Flavor: c.flavor, RepoPath: repoPath})
			inRepo := func(p string) (string, bool) {
				p = strings.TrimPrefix(p, "./")
				if repoPath == "" {
					return p, true
				}
				rest, ok := strings.CutPrefix(p, repoPath+"/")
				return rest, ok
			}
			isDir := func(p string) bool {
				for f := range out.Files {
					if strings.HasPrefix(f, p+"/") {
						return true
					}
				}
				return false
			}
			checkDir := func(from, p string) {
				rel, ok := inRepo(p)
				if !ok || !isDir(rel) {
					t.Errorf("%s: %s references %q, not a directory of the tree", name, from, p)
				}
			}
			checkFile := func(from, p string) {
				rel, ok := inRepo(p)
				if _, exists := out.Files[rel]; !ok || !exists {
					t.Errorf("%s: %s references %q, not a file of the tree", name, from, p)
				}
			}
			var entries int
			for p, data := range out.Files {
				if !strings.HasSuffix(p, ".yaml") || strings.HasPrefix(p, "charts/service/") {
					continue
				}
				for _, d := range docs(t, data) {
					kind, _ := d["kind"].(string)
					switch kind {
					case "Kustomization":
						if sp, ok := dig(d, "spec", "path").(string); ok { // Flux
							checkDir(p, sp)
							entries++
							continue
						}
						dir := path.Dir(p)
						for _, r := range d["resources"].([]any) {
							rp := path.Clean(dir + "/" + r.(string))
							if _, ok := out.Files[rp]; !ok {
								if _, ok := out.Files[rp+"/kustomization.yaml"]; !ok {
									t.Errorf("%s: %s: resource %s missing", name, p, r)
								}
							}
						}
						if ps, ok := d["patches"].([]any); ok {
							for _, pt := range ps {
								pp := path.Clean(dir + "/" + pt.(map[string]any)["path"].(string))
								if _, ok := out.Files[pp]; !ok {
									t.Errorf("%s: %s: patch %s missing", name, p, pp)
								}
							}
						}
					case "HelmRelease":
						chart, _ := dig(d, "spec", "chart", "spec", "chart").(string)
						if strings.HasPrefix(chart, "./") {
							checkDir(p, chart)
							for _, vf := range dig(d, "spec", "chart", "spec", "valuesFiles").([]any) {
								checkFile(p, vf.(string))
							}
						}
						entries++
					case "Application":
						if sp, ok := dig(d, "spec", "source", "path").(string); ok {
							checkDir(p, sp)
							if vfs, ok := dig(d, "spec", "source", "helm", "valueFiles").([]any); ok {
								for _, vf := range vfs {
									checkFile(p, path.Clean(sp+"/"+vf.(string)))
								}
							}
						}
						entries++
					case "ApplicationSet":
						for _, g := range dig(d, "spec", "generators").([]any) {
							for _, dd := range dig(g.(map[string]any), "git", "directories").([]any) {
								glob := dd.(map[string]any)["path"].(string)
								checkDir(p, strings.TrimSuffix(glob, "/*"))
							}
						}
						entries++
					}
				}
			}
			if entries == 0 {
				t.Errorf("%s: no GitOps objects found", name)
			}
		}
	}
}

// build runs krusty on a directory of the output tree.
func build(t *testing.T, out *Output, dir string) []map[string]any {
	t.Helper()
	fs := filesys.MakeFsInMemory()
	for p, data := range out.Files {
		if err := fs.WriteFile("/"+p, data); err != nil {
			t.Fatal(err)
		}
	}
	rm, err := krusty.MakeKustomizer(krusty.MakeDefaultOptions()).Run(fs, "/"+dir)
	if err != nil {
		t.Fatalf("kustomize build %s: %v", dir, err)
	}
	var objs []map[string]any
	for _, r := range rm.Resources() {
		m, err := r.Map()
		if err != nil {
			t.Fatal(err)
		}
		objs = append(objs, m)
	}
	return objs
}

// TestProductionBaseline checks the baseline rules on what a cluster
// applies for the production environment.
func TestProductionBaseline(t *testing.T) {
	out := generate(t, loadExample(t), Options{Engine: EngineFlux, Flavor: FlavorKustomize})
	for p, data := range out.Files {
		if !strings.HasSuffix(p, ".yaml") {
			continue
		}
		for _, d := range docs(t, data) {
			switch d["kind"] {
			case "Secret":
				if d["data"] != nil || d["stringData"] != nil {
					t.Errorf("%s: Secret with data", p)
				}
			case "ClusterRoleBinding", "ClusterRole":
				t.Errorf("%s: %s written for a team", p, d["kind"])
			}
		}
	}
	objs := append(build(t, out, "infrastructure/prod"), build(t, out, "apps/prod")...)
	byKind := map[string][]map[string]any{}
	names := map[string]bool{}
	for _, o := range objs {
		k := o["kind"].(string)
		if k == "Namespace" && dig(o, "metadata", "labels", "plinth.dev/team") == nil {
			// The gateway's namespace holds the Gateway only, no pods.
			k = "GatewayNamespace"
		}
		byKind[k] = append(byKind[k], o)
		ns, _ := dig(o, "metadata", "namespace").(string)
		names[k+"/"+ns+"/"+dig(o, "metadata", "name").(string)] = true
	}
	if len(byKind["Namespace"]) != 3 || len(byKind["Deployment"]) != 6 || len(byKind["CronJob"]) != 1 {
		t.Fatalf("unexpected objects: %d namespaces, %d deployments, %d cronjobs", len(byKind["Namespace"]), len(byKind["Deployment"]), len(byKind["CronJob"]))
	}
	for _, ns := range byKind["Namespace"] {
		name := dig(ns, "metadata", "name").(string)
		for _, mode := range []string{"enforce", "audit", "warn"} {
			if v := dig(ns, "metadata", "labels", "pod-security.kubernetes.io/"+mode); v != "restricted" {
				t.Errorf("namespace %s: PSA %s = %v", name, mode, v)
			}
		}
		for _, want := range []string{"NetworkPolicy/" + name + "/default-deny", "NetworkPolicy/" + name + "/allow-dns", "LimitRange/" + name + "/" + strings.TrimSuffix(name, "-prod"), "ResourceQuota/" + name + "/" + strings.TrimSuffix(name, "-prod")} {
			if !names[want] {
				t.Errorf("missing %s", want)
			}
		}
	}
	for _, np := range byKind["NetworkPolicy"] {
		if dig(np, "metadata", "name") == "default-deny" {
			if pt := fmt.Sprint(dig(np, "spec", "policyTypes")); pt != "[Ingress Egress]" || len(dig(np, "spec", "podSelector").(map[string]any)) != 0 {
				t.Errorf("default-deny: %v", np["spec"])
			}
		}
	}
	for _, rb := range byKind["RoleBinding"] {
		role := dig(rb, "roleRef", "name")
		if dig(rb, "roleRef", "kind") != "ClusterRole" || !slices.Contains([]any{"admin", "edit", "view"}, role) {
			t.Errorf("RoleBinding %v: roleRef %v", dig(rb, "metadata", "name"), rb["roleRef"])
		}
	}
	hpa := map[string]bool{}
	for _, h := range byKind["HorizontalPodAutoscaler"] {
		hpa[dig(h, "metadata", "name").(string)] = true
	}
	for _, d := range byKind["Deployment"] {
		name := dig(d, "metadata", "name").(string)
		ns := dig(d, "metadata", "namespace").(string)
		pod := dig(d, "spec", "template", "spec").(map[string]any)
		checkPod(t, name, pod)
		_, hasReplicas := dig(d, "spec").(map[string]any)["replicas"]
		if hpa[name] == hasReplicas {
			t.Errorf("%s: static replicas %v with HPA %v", name, hasReplicas, hpa[name])
		}
		if !names["PodDisruptionBudget/"+ns+"/"+name] {
			t.Errorf("%s: no PodDisruptionBudget in production", name)
		}
		spread := fmt.Sprint(pod["topologySpreadConstraints"])
		if !strings.Contains(spread, "topology.kubernetes.io/zone") || !strings.Contains(spread, "kubernetes.io/hostname") {
			t.Errorf("%s: topology spread %s", name, spread)
		}
		if dig(pod, "affinity", "podAntiAffinity") == nil {
			t.Errorf("%s: no pod anti-affinity", name)
		}
		c := pod["containers"].([]any)[0].(map[string]any)
		if _, ok := c["ports"]; ok && (c["livenessProbe"] == nil || c["readinessProbe"] == nil) {
			t.Errorf("%s: probes missing", name)
		}
	}
	for _, cj := range byKind["CronJob"] {
		name := dig(cj, "metadata", "name").(string)
		spec := cj["spec"].(map[string]any)
		if spec["concurrencyPolicy"] != "Forbid" || spec["startingDeadlineSeconds"] == nil || spec["successfulJobsHistoryLimit"] == nil || spec["failedJobsHistoryLimit"] == nil {
			t.Errorf("%s: cron job policy %v", name, spec)
		}
		checkPod(t, name, dig(cj, "spec", "jobTemplate", "spec", "template", "spec").(map[string]any))
	}
}

// checkPod asserts the restricted pod rules.
func checkPod(t *testing.T, name string, pod map[string]any) {
	t.Helper()
	if dig(pod, "securityContext", "runAsNonRoot") != true || dig(pod, "securityContext", "seccompProfile", "type") != "RuntimeDefault" {
		t.Errorf("%s: pod securityContext %v", name, pod["securityContext"])
	}
	for _, k := range []string{"runAsUser", "runAsGroup"} {
		if v, _ := dig(pod, "securityContext", k).(int); v <= 10000 {
			t.Errorf("%s: pod %s %v", name, k, dig(pod, "securityContext", k))
		}
	}
	c := pod["containers"].([]any)[0].(map[string]any)
	sc := c["securityContext"].(map[string]any)
	if sc["allowPrivilegeEscalation"] != false || sc["readOnlyRootFilesystem"] != true || fmt.Sprint(dig(sc, "capabilities", "drop")) != "[ALL]" {
		t.Errorf("%s: container securityContext %v", name, sc)
	}
	if c["imagePullPolicy"] != "IfNotPresent" || strings.HasSuffix(c["image"].(string), ":latest") {
		t.Errorf("%s: image %v %v", name, c["image"], c["imagePullPolicy"])
	}
	if dig(c, "resources", "requests") == nil || dig(c, "resources", "limits") == nil {
		t.Errorf("%s: resources %v", name, c["resources"])
	}
	if !strings.Contains(fmt.Sprint(pod["volumes"]), "emptyDir") || !strings.Contains(fmt.Sprint(c["volumeMounts"]), "/tmp") {
		t.Errorf("%s: no emptyDir at /tmp", name)
	}
}

func TestClusterState(t *testing.T) {
	out := generate(t, loadExample(t), Options{})
	m := loadExample(t)
	var st repo.ClusterState
	if err := json.Unmarshal(out.Files[repo.ClusterStatePath("nonprod")], &st); err != nil {
		t.Fatal(err)
	}
	if len(m.Platform.Registries) == 0 || !slices.Equal(st.Registries, m.Platform.Registries) {
		t.Errorf("registries %q, want platform.registries %q", st.Registries, m.Platform.Registries)
	}
	if st.Name != "nonprod" || st.Provider != "aks" || st.KubernetesVersion != "1.34" || len(st.Zones) != 3 || st.Settings["networkPolicy"] != "azure" {
		t.Errorf("state %+v", st)
	}
	if len(st.Environments) != 2 || st.Environments[0].Name != "dev" || fmt.Sprint(st.Environments[0].Namespaces) != "[fleet-dev ingestion-dev shipping-dev]" {
		t.Errorf("environments %+v", st.Environments)
	}
}

func TestManifest(t *testing.T) {
	out := generate(t, loadExample(t), Options{})
	m, err := repo.ParseManifest(out.Files[repo.ManifestPath])
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Files) != len(out.Files)-1 || m.Owns(repo.ManifestPath) || !m.Owns("clusters/prod/kustomization.yaml") {
		t.Errorf("manifest lists %d of %d files", len(m.Files), len(out.Files))
	}
}
