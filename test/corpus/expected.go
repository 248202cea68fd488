// Package corpus loads the hand-written expectations of the GitOps repository
// corpus in testdata/corpus (see testdata/corpus/README.md for the schema and
// what each repository is shaped after). Its test renders every source the
// expectations name with the standalone CLIs (kustomize, helm, jsonnet) and
// compares the objects they produce with the hand-written lists; it imports
// nothing of plinth's own rendering or report code.
package corpus

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"sigs.k8s.io/yaml"
)

// Reasons a source is not evaluated.
const (
	ReasonRemoteChart     = "remote chart"
	ReasonOtherRepository = "other repository"
	ReasonPlugin          = "plugin"
	ReasonRenderError     = "render error"
)

// Expected is one corpus repository's expected.yaml.
type Expected struct {
	// Name is the directory name under testdata/corpus.
	Name string `json:"name"`
	// ShapedAfter is the public repository whose layout this one follows.
	ShapedAfter string `json:"shapedAfter"`
	// RepoURL is the URL that means "this repository" to the GitOps objects
	// in it (pass it as --repo or set it as the clone's origin).
	RepoURL  string    `json:"repoURL"`
	Clusters []Cluster `json:"clusters"`

	// Dir is the repository directory expected.yaml was loaded from.
	Dir string `json:"-"`
}

// Cluster is what one cluster deploys. Name is the directory under clusters/,
// or "" for a repository without clusters/.
type Cluster struct {
	Name         string         `json:"name"`
	Deployers    []Deployer     `json:"deployers"`
	NotEvaluated []NotEvaluated `json:"notEvaluated"`
	Violations   []Violation    `json:"violations"`
}

// Ref names a GitOps object (Kind, Namespace, Name: a Flux Kustomization or
// HelmRelease, an Argo CD Application or ApplicationSet) or, for manifests no
// GitOps object reaches, the repository Path that is applied as it is.
type Ref struct {
	Kind      string `json:"kind,omitempty"`
	Namespace string `json:"namespace,omitempty"`
	Name      string `json:"name,omitempty"`
	Path      string `json:"path,omitempty"`
}

func (r Ref) String() string {
	if r.Path != "" {
		return "path " + r.Path
	}
	if r.Namespace == "" {
		return r.Kind + "/" + r.Name
	}
	return r.Kind + "/" + r.Namespace + "/" + r.Name
}

// Object is one deployed object. GenerateName replaces Name for objects the
// API server names (a Job with metadata.generateName).
type Object struct {
	APIVersion   string `json:"apiVersion"`
	Kind         string `json:"kind"`
	Namespace    string `json:"namespace,omitempty"`
	Name         string `json:"name,omitempty"`
	GenerateName string `json:"generateName,omitempty"`
}

// Key is the identity the oracle compares: apiVersion, kind, namespace and
// name (or generateName followed by "*").
func (o Object) Key() string {
	name := o.Name
	if name == "" && o.GenerateName != "" {
		name = o.GenerateName + "*"
	}
	return o.APIVersion + " " + o.Kind + " " + o.Namespace + "/" + name
}

// Deployer is one GitOps object (or plain path) and the objects it deploys.
type Deployer struct {
	Deployer Ref `json:"deployer"`
	// Source says in words where the objects come from (informational).
	Source string `json:"source,omitempty"`
	// Destination is an Argo CD Application's destination cluster (server
	// URL), when the repository's applications deploy to several clusters.
	Destination string `json:"destination,omitempty"`
	// Render is the recipe the oracle follows with the standalone CLIs; nil
	// when no standalone CLI produces these objects (an ApplicationSet's
	// generated Applications), and Unchecked says why.
	Render    *Render  `json:"render,omitempty"`
	Unchecked string   `json:"unchecked,omitempty"`
	Objects   []Object `json:"objects"`
}

// Render is a recipe for the standalone CLIs. Paths are relative to the
// repository root.
type Render struct {
	// Tool is kustomize, helm, jsonnet or files.
	//   kustomize: `kustomize build` of Path; with Generate, a kustomization.yaml
	//     listing the directory's YAML files is written first as Flux does when
	//     there is none; TargetNamespace, NamePrefix, NameSuffix and
	//     CommonLabels go into a kustomization wrapping Path (as Flux and Argo
	//     CD edit the kustomization they build).
	//   helm: `helm template Release Path --namespace Namespace` with
	//     ValueFiles, Values (YAML text written to a file) and Set; with
	//     DependencyBuild, `helm dependency build` first, after dropping the
	//     DropDependencies from Chart.yaml (remote ones, not evaluated).
	//   jsonnet: `jsonnet` of each of Files, JSON object or list output.
	//   files: the YAML manifests Files, as `kubectl apply -f` reads them.
	Tool             string            `json:"tool"`
	Path             string            `json:"path,omitempty"`
	Files            []string          `json:"files,omitempty"`
	Generate         bool              `json:"generate,omitempty"`
	TargetNamespace  string            `json:"targetNamespace,omitempty"`
	NamePrefix       string            `json:"namePrefix,omitempty"`
	NameSuffix       string            `json:"nameSuffix,omitempty"`
	CommonLabels     map[string]string `json:"commonLabels,omitempty"`
	Release          string            `json:"release,omitempty"`
	ValueFiles       []string          `json:"valueFiles,omitempty"`
	Values           string            `json:"values,omitempty"`
	Set              []string          `json:"set,omitempty"`
	DependencyBuild  bool              `json:"dependencyBuild,omitempty"`
	DropDependencies []string          `json:"dropDependencies,omitempty"`
	// Namespace is the namespace of namespaced objects that name none (Argo
	// CD's destination namespace, kubectl's default) and helm's --namespace.
	Namespace string `json:"namespace,omitempty"`
	// Substitute are Flux postBuild variables (substitute merged over the
	// substituteFrom ConfigMaps, resolved by hand), applied to the output as
	// ${var} and ${var:=default}.
	Substitute map[string]string `json:"substitute,omitempty"`
}

// NotEvaluated is a source that cannot be rendered offline, with the reason.
type NotEvaluated struct {
	Deployer Ref    `json:"deployer"`
	Reason   string `json:"reason"`
	Detail   string `json:"detail,omitempty"`
	// File and Line locate a render error (the template that fails).
	File string `json:"file,omitempty"`
	Line int    `json:"line,omitempty"`
	// Render, for a render error, is the recipe that must fail with
	// File:Line in its message.
	Render *Render `json:"render,omitempty"`
}

// Violation is a planted violation: an idea of a control in words, the
// object, and the file and line that cause it. Text is a piece of that line.
// A planted violation is a minimum: the objects may break other controls too.
type Violation struct {
	Control  string `json:"control"`
	Catalog  string `json:"catalog,omitempty"`
	Deployer Ref    `json:"deployer"`
	Object   Object `json:"object"`
	File     string `json:"file"`
	Line     int    `json:"line"`
	Text     string `json:"text"`
}

// Load reads dir/expected.yaml strictly (unknown fields are an error).
func Load(dir string) (*Expected, error) {
	file := filepath.Join(dir, "expected.yaml")
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var e Expected
	if err := yaml.UnmarshalStrict(bytes.TrimSpace(data), &e); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	e.Dir = dir
	return &e, nil
}

// LoadAll loads every corpus repository under root (testdata/corpus), sorted
// by name.
func LoadAll(root string) ([]*Expected, error) {
	matches, err := filepath.Glob(filepath.Join(root, "*", "expected.yaml"))
	if err != nil {
		return nil, err
	}
	sort.Strings(matches)
	var all []*Expected
	for _, m := range matches {
		e, err := Load(filepath.Dir(m))
		if err != nil {
			return nil, err
		}
		all = append(all, e)
	}
	return all, nil
}
