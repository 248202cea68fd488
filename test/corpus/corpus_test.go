package corpus

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/plinth-dev/plinth/internal/testutil/gittest"
	yaml "go.yaml.in/yaml/v3"
	sigsyaml "sigs.k8s.io/yaml"
)

const root = "../../testdata/corpus"

// TestCorpus checks the hand-written expectations against the standalone
// CLIs: every recipe renders exactly the objects written down, every render
// error fails at the file:line written down, every planted violation's line
// holds its text and names a deployed object, and every GitOps deployer is
// itself deployed by something in the same cluster.
func TestCorpus(t *testing.T) {
	all, err := LoadAll(root)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) < 6 {
		t.Fatalf("corpus has %d repositories, want at least 6", len(all))
	}
	tools := newTools(t)
	for _, e := range all {
		t.Run(e.Name, func(t *testing.T) {
			if e.Name != filepath.Base(e.Dir) {
				t.Errorf("name %q in %s/expected.yaml, want the directory name", e.Name, e.Dir)
			}
			for _, c := range e.Clusters {
				t.Run("cluster="+c.Name, func(t *testing.T) { checkCluster(t, tools, e.Dir, c) })
			}
		})
	}
}

func checkCluster(t *testing.T, tools *tools, dir string, c Cluster) {
	deployed := map[string]bool{} // object keys of the whole cluster, by deployer
	byDeployer := map[string]map[string]bool{}
	for _, d := range c.Deployers {
		keys := map[string]bool{}
		for _, o := range d.Objects {
			if keys[o.Key()] {
				t.Errorf("%s: %s written twice", d.Deployer, o.Key())
			}
			keys[o.Key()] = true
			deployed[refKey(o)] = true
		}
		if _, dup := byDeployer[d.Deployer.String()]; dup {
			t.Errorf("deployer %s written twice", d.Deployer)
		}
		byDeployer[d.Deployer.String()] = keys
		if d.Render == nil {
			if d.Unchecked == "" {
				t.Errorf("%s: no render recipe and no reason why (unchecked)", d.Deployer)
			}
			continue
		}
		t.Run(d.Deployer.String(), func(t *testing.T) {
			out, err := tools.render(t, dir, d.Render)
			if err != nil {
				t.Fatalf("%s: %v", d.Render.Tool, err)
			}
			got := map[string]bool{}
			for _, o := range out {
				got[o.Key()] = true
			}
			for k := range keys {
				if !got[k] {
					t.Errorf("written down but not rendered: %s", k)
				}
			}
			for k := range got {
				if !keys[k] {
					t.Errorf("rendered but not written down: %s", k)
				}
			}
		})
	}
	for _, d := range c.Deployers {
		if d.Deployer.Path == "" && !deployed[d.Deployer.String()] {
			t.Errorf("deployer %s is not an object any deployer of cluster %q deploys", d.Deployer, c.Name)
		}
	}
	for _, n := range c.NotEvaluated {
		if !slices.Contains([]string{ReasonRemoteChart, ReasonOtherRepository, ReasonPlugin, ReasonRenderError}, n.Reason) {
			t.Errorf("not evaluated %s: unknown reason %q", n.Deployer, n.Reason)
		}
		if !deployed[n.Deployer.String()] {
			t.Errorf("not evaluated %s is not an object any deployer of cluster %q deploys", n.Deployer, c.Name)
		}
		if n.Reason != ReasonRenderError {
			continue
		}
		if n.Render == nil || n.File == "" || n.Line == 0 {
			t.Errorf("render error of %s needs render, file and line", n.Deployer)
			continue
		}
		_, err := tools.render(t, dir, n.Render)
		rel, _ := filepath.Rel(n.Render.Path, n.File)
		want := fmt.Sprintf("%s:%d", filepath.ToSlash(rel), n.Line)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("render error of %s: got %v, want a message naming %s", n.Deployer, err, want)
		}
	}
	for _, v := range c.Violations {
		keys, ok := byDeployer[v.Deployer.String()]
		if !ok || !keys[v.Object.Key()] {
			t.Errorf("violation %q: %s is not deployed by %s", v.Control, v.Object.Key(), v.Deployer)
		}
		data, err := os.ReadFile(filepath.Join(dir, v.File))
		if err != nil {
			t.Errorf("violation %q: %v", v.Control, err)
			continue
		}
		lines := strings.Split(string(data), "\n")
		if v.Line < 1 || v.Line > len(lines) || v.Text == "" || !strings.Contains(lines[v.Line-1], v.Text) {
			t.Errorf("violation %q: %s:%d does not hold %q", v.Control, v.File, v.Line, v.Text)
		}
	}
}

// refKey is the Ref spelling of an object, to match deployers against it.
func refKey(o Object) string {
	return Ref{Kind: o.Kind, Namespace: o.Namespace, Name: o.Name}.String()
}

// clusterScoped are the kinds the corpus uses that have no namespace.
var clusterScoped = map[string]bool{
	"Namespace": true, "ClusterRole": true, "ClusterRoleBinding": true, "CustomResourceDefinition": true,
	"ClusterIssuer": true, "GatewayClass": true, "PriorityClass": true, "StorageClass": true,
	"PersistentVolume": true, "IngressClass": true, "ClusterPolicy": true,
	"ValidatingWebhookConfiguration": true, "MutatingWebhookConfiguration": true,
}

type tools struct {
	kustomize, helm, jsonnet string
	helmEnv                  []string
}

// newTools finds the CLIs on PATH or in $(go env GOPATH)/bin. A missing one
// fails the test in CI (CI=true) and skips it elsewhere.
func newTools(t *testing.T) *tools {
	find := func(name string) string {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
		gopath := os.Getenv("GOPATH")
		if gopath == "" {
			if out, err := exec.Command("go", "env", "GOPATH").Output(); err == nil {
				gopath = strings.TrimSpace(string(out))
			}
		}
		p := filepath.Join(gopath, "bin", name)
		if _, err := os.Stat(p); err == nil {
			return p
		}
		msg := name + " CLI not found (.ci/steps.d/tools.sh installs it)"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
		return ""
	}
	tl := &tools{kustomize: find("kustomize"), helm: find("helm"), jsonnet: find("jsonnet")}
	home := t.TempDir()
	tl.helmEnv = append(os.Environ(),
		"HELM_CACHE_HOME="+filepath.Join(home, "cache"),
		"HELM_CONFIG_HOME="+filepath.Join(home, "config"),
		"HELM_DATA_HOME="+filepath.Join(home, "data"))
	return tl
}

// copyRepo copies a corpus repository to a temporary directory, where one
// recipe may write (generated or edited kustomizations, helm dependency
// build) without changing what the next one reads.
func copyRepo(t *testing.T, dir string) string {
	r := gittest.New(t)
	r.CopyDir(dir)
	return r.Dir
}

func (tl *tools) render(t *testing.T, dir string, r *Render) ([]Object, error) {
	repo := copyRepo(t, dir)
	var out []byte
	var err error
	switch r.Tool {
	case "kustomize":
		out, err = tl.kustomizeBuild(t, repo, r)
	case "helm":
		out, err = tl.helmTemplate(t, repo, r)
	case "jsonnet":
		return tl.jsonnetEval(repo, r)
	case "files":
		for _, f := range r.Files {
			data, err := os.ReadFile(filepath.Join(repo, f))
			if err != nil {
				return nil, err
			}
			out = append(append(out, "\n---\n"...), data...)
		}
	default:
		return nil, fmt.Errorf("unknown tool %q", r.Tool)
	}
	if err != nil {
		return nil, err
	}
	return parseObjects(substitute(out, r.Substitute), r.Namespace)
}

func run(env []string, name string, args ...string) ([]byte, error) {
	cmd := exec.Command(name, args...)
	cmd.Env = env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("%s %s: %v: %s", filepath.Base(name), strings.Join(args, " "), err, stderr.String())
	}
	return out, nil
}

var kustomizationNames = []string{"kustomization.yaml", "kustomization.yml", "Kustomization"}

func hasKustomization(dir string) bool {
	for _, n := range kustomizationNames {
		if _, err := os.Stat(filepath.Join(dir, n)); err == nil {
			return true
		}
	}
	return false
}

// kustomizeBuild runs `kustomize build`. Generate writes the kustomization
// Flux's kustomize-controller generates for a directory without one: every
// .yaml/.yml file below it, and each subdirectory holding a kustomization as
// a whole (not descended into). Flux's targetNamespace, namePrefix and
// nameSuffix, and Argo CD's namePrefix, nameSuffix and commonLabels are then
// set in that kustomization, replacing what it says (both controllers edit
// the kustomization file they build).
func (tl *tools) kustomizeBuild(t *testing.T, repo string, r *Render) ([]byte, error) {
	path := filepath.Join(repo, r.Path)
	if r.Generate && !hasKustomization(path) {
		var resources []string
		err := filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(path, p)
			if d.IsDir() {
				if p != path && hasKustomization(p) {
					resources = append(resources, rel)
					return filepath.SkipDir
				}
				return nil
			}
			if ext := filepath.Ext(p); ext == ".yaml" || ext == ".yml" {
				resources = append(resources, rel)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		if err := writeYAML(filepath.Join(path, "kustomization.yaml"), map[string]any{"resources": resources}); err != nil {
			return nil, err
		}
	}
	if r.TargetNamespace != "" || r.NamePrefix != "" || r.NameSuffix != "" || len(r.CommonLabels) > 0 {
		if err := editKustomization(path, r); err != nil {
			return nil, err
		}
	}
	return run(os.Environ(), tl.kustomize, "build", "--load-restrictor", "LoadRestrictionsNone", path)
}

// editKustomization sets namespace, namePrefix and nameSuffix and adds
// commonLabels in the kustomization file of dir, as `kustomize edit set
// namespace|nameprefix|namesuffix` and `kustomize edit add label` do.
func editKustomization(dir string, r *Render) error {
	var file string
	for _, n := range kustomizationNames {
		if _, err := os.Stat(filepath.Join(dir, n)); err == nil {
			file = filepath.Join(dir, n)
			break
		}
	}
	if file == "" {
		return fmt.Errorf("%s: no kustomization to edit", dir)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	k := map[string]any{}
	if err := sigsyaml.Unmarshal(data, &k); err != nil {
		return fmt.Errorf("%s: %v", file, err)
	}
	for key, v := range map[string]string{"namespace": r.TargetNamespace, "namePrefix": r.NamePrefix, "nameSuffix": r.NameSuffix} {
		if v != "" {
			k[key] = v
		}
	}
	if len(r.CommonLabels) > 0 {
		labels, _ := k["commonLabels"].(map[string]any)
		if labels == nil {
			labels = map[string]any{}
		}
		for key, v := range r.CommonLabels {
			labels[key] = v
		}
		k["commonLabels"] = labels
	}
	return writeYAML(file, k)
}

func writeYAML(file string, v any) error {
	data, err := sigsyaml.Marshal(v)
	if err != nil {
		return err
	}
	return os.WriteFile(file, data, 0o644)
}

// helmTemplate runs `helm template` (after `helm dependency build` when asked,
// with the remote dependencies dropped from Chart.yaml first).
func (tl *tools) helmTemplate(t *testing.T, repo string, r *Render) ([]byte, error) {
	chart := filepath.Join(repo, r.Path)
	if len(r.DropDependencies) > 0 {
		file := filepath.Join(chart, "Chart.yaml")
		data, err := os.ReadFile(file)
		if err != nil {
			return nil, err
		}
		var meta map[string]any
		if err := sigsyaml.Unmarshal(data, &meta); err != nil {
			return nil, err
		}
		deps, _ := meta["dependencies"].([]any)
		var kept []any
		for _, d := range deps {
			if m, ok := d.(map[string]any); !ok || !slices.Contains(r.DropDependencies, fmt.Sprint(m["name"])) {
				kept = append(kept, d)
			}
		}
		if len(kept) != len(deps)-len(r.DropDependencies) {
			return nil, fmt.Errorf("%s: dependencies %v not all found", file, r.DropDependencies)
		}
		meta["dependencies"] = kept
		if err := writeYAML(file, meta); err != nil {
			return nil, err
		}
	}
	if r.DependencyBuild {
		if _, err := run(tl.helmEnv, tl.helm, "dependency", "build", chart); err != nil {
			return nil, err
		}
	}
	args := []string{"template", r.Release, chart}
	if r.Namespace != "" {
		args = append(args, "--namespace", r.Namespace)
	}
	for _, f := range r.ValueFiles {
		args = append(args, "--values", filepath.Join(repo, f))
	}
	if r.Values != "" {
		f := filepath.Join(t.TempDir(), "values.yaml")
		if err := os.WriteFile(f, []byte(r.Values), 0o644); err != nil {
			return nil, err
		}
		args = append(args, "--values", f)
	}
	for _, s := range r.Set {
		args = append(args, "--set", s)
	}
	return run(tl.helmEnv, tl.helm, args...)
}

// jsonnetEval evaluates each file with the jsonnet CLI (library path: the
// file's directory); a file yields one object or a list of them.
func (tl *tools) jsonnetEval(repo string, r *Render) ([]Object, error) {
	var objs []Object
	for _, f := range r.Files {
		file := filepath.Join(repo, f)
		out, err := run(os.Environ(), tl.jsonnet, "-J", filepath.Dir(file), file)
		if err != nil {
			return nil, err
		}
		var list []map[string]any
		if bytes.HasPrefix(bytes.TrimSpace(out), []byte("[")) {
			err = json.Unmarshal(out, &list)
		} else {
			var one map[string]any
			err = json.Unmarshal(out, &one)
			list = append(list, one)
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %v", f, err)
		}
		for _, m := range list {
			objs = append(objs, toObject(m, r.Namespace))
		}
	}
	return objs, nil
}

var substVar = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)(:=([^}]*))?\}`)

// substitute applies Flux postBuild substitution: ${var}, and
// ${var:=default} when var is not set.
func substitute(out []byte, vars map[string]string) []byte {
	if len(vars) == 0 {
		return out
	}
	return substVar.ReplaceAllFunc(out, func(m []byte) []byte {
		sub := substVar.FindSubmatch(m)
		if v, ok := vars[string(sub[1])]; ok {
			return []byte(v)
		}
		return sub[3]
	})
}

// parseObjects reads a multi-document YAML stream; documents without kind
// (empty ones, comments) are skipped.
func parseObjects(out []byte, namespace string) ([]Object, error) {
	dec := yaml.NewDecoder(bytes.NewReader(out))
	var objs []Object
	for {
		var m map[string]any
		err := dec.Decode(&m)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		if m == nil || m["kind"] == nil {
			continue
		}
		objs = append(objs, toObject(m, namespace))
	}
	sort.Slice(objs, func(i, j int) bool { return objs[i].Key() < objs[j].Key() })
	return objs, nil
}

func toObject(m map[string]any, namespace string) Object {
	meta, _ := m["metadata"].(map[string]any)
	str := func(v any) string {
		if v == nil {
			return ""
		}
		return fmt.Sprint(v)
	}
	o := Object{
		APIVersion:   str(m["apiVersion"]),
		Kind:         str(m["kind"]),
		Namespace:    str(meta["namespace"]),
		Name:         str(meta["name"]),
		GenerateName: str(meta["generateName"]),
	}
	if o.Name != "" {
		o.GenerateName = ""
	}
	if o.Namespace == "" && !clusterScoped[o.Kind] {
		o.Namespace = namespace
	}
	return o
}
