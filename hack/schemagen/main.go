// Command gen regenerates the schemas embedded in generator/validate from
// their published sources (run by `make schemas`; needs the Go module proxy):
//
//   - the OpenAPI v2 spec (api/openapi-spec/swagger.json) of the k8s.io/kubernetes
//     module of every supported minor, converted to one JSON Schema document per
//     minor (kubernetes-<minor>.json.gz);
//   - the CustomResourceDefinitions of Velero, Flux (source, kustomize and helm
//     controllers), Argo CD, the Gateway API, the Secrets Store CSI driver and
//     the Prometheus Operator's ServiceMonitor and PodMonitor (also under
//     Azure Monitor managed Prometheus' group, azmonitoring.coreos.com),
//     kept as published (crds.yaml.gz, for installing them on a test API server: not
//     embedded, read by internal/testutil/crds)
//     and converted to JSON Schema (crds.json.gz).
//
// Conversion follows kubeconform's -strict schemas: objects with declared
// properties reject unknown fields unless x-kubernetes-preserve-unknown-fields
// says otherwise, int-or-string and quantities accept strings and numbers, and
// every typed value may be null (the API server drops nulls of optional fields).
// Descriptions are dropped. Output is deterministic.
package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"slices"
	"strings"

	kyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"
)

// kubernetes lists the k8s.io/kubernetes release used for each supported minor.
var kubernetes = []string{"v1.32.13", "v1.33.13", "v1.34.4", "v1.35.4", "v1.36.3", "v1.37.2"}

// crdSource is a module whose tree holds CRD YAML files.
type crdSource struct {
	Module, Version string
	Dirs            []string // folders inside the module holding *.yaml CRDs
	NoSumDB         bool     // the checksum database does not list this module
	Files           []string // when set, only these files of Dirs
	// Group, when set, renames the CRDs' API group: Azure Monitor managed
	// Prometheus installs the Prometheus Operator's ServiceMonitor and
	// PodMonitor CRDs under azmonitoring.coreos.com, changed in nothing but
	// the group, and publishes them in no module or package.
	Group string
}

// crdSources are pinned to the newest releases whose go.mod the local Go
// toolchain accepts (newer Flux, Argo CD and Gateway API releases need Go 1.27,
// newer helm-controller releases are not served by the proxy).
var crdSources = []crdSource{
	{Module: "github.com/vmware-tanzu/velero", Version: "v1.18.3", Dirs: []string{"config/crd/v1/bases", "config/crd/v2alpha1/bases"}},
	{Module: "github.com/fluxcd/source-controller", Version: "v1.9.6", Dirs: []string{"config/crd/bases"}},
	{Module: "github.com/fluxcd/kustomize-controller", Version: "v1.9.6", Dirs: []string{"config/crd/bases"}},
	{Module: "github.com/fluxcd/helm-controller", Version: "v1.4.0", Dirs: []string{"config/crd/bases"}},
	{Module: "github.com/argoproj/argo-cd/v3", Version: "v3.5.7", Dirs: []string{"manifests/crds"}},
	{Module: "sigs.k8s.io/gateway-api", Version: "v1.6.3", Dirs: []string{"config/crd/standard"}},
	{Module: "sigs.k8s.io/secrets-store-csi-driver", Version: "v1.5.4", Dirs: []string{"config/crd/bases"}, NoSumDB: true},
	// cert-manager's CRDs (the ClusterIssuer of the cert-manager addon
	// blueprint), plain controller-gen output in the module's deploy/crds.
	{Module: "github.com/cert-manager/cert-manager", Version: "v1.21.2", Dirs: []string{"deploy/crds"}},
	// v0.94.1: the newest release of the module on the proxy, the one of the
	// pkg/apis/monitoring types the generator writes.
	{Module: "github.com/prometheus-operator/prometheus-operator", Version: "v0.94.1", Dirs: []string{"example/prometheus-operator-crd"}, Files: prometheusMonitorCRDs},
	{Module: "github.com/prometheus-operator/prometheus-operator", Version: "v0.94.1", Dirs: []string{"example/prometheus-operator-crd"}, Files: prometheusMonitorCRDs, Group: "azmonitoring.coreos.com"},
}

// prometheusMonitorCRDs are the Prometheus Operator CRDs plinth writes objects of.
var prometheusMonitorCRDs = []string{"monitoring.coreos.com_podmonitors.yaml", "monitoring.coreos.com_servicemonitors.yaml"}

// objectMetaRef is where CRD schemas point for metadata: the Kubernetes
// document of the same compiler (see validate.go).
const objectMetaRef = "kubernetes.json#/$defs/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"

func main() {
	out := flag.String("out", "generator/validate/schemas", "output directory")
	flag.Parse()
	log.SetFlags(0)
	if err := run(*out); err != nil {
		log.Fatal(err)
	}
}

func run(out string) error {
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	var sources []string
	for _, v := range kubernetes {
		dir, err := download("k8s.io/kubernetes", v, false)
		if err != nil {
			return err
		}
		doc, err := convertSwagger(filepath.Join(dir, "api/openapi-spec/swagger.json"), v)
		if err != nil {
			return err
		}
		minor := strings.Join(strings.Split(strings.TrimPrefix(v, "v"), ".")[:2], ".")
		if err := writeGzip(filepath.Join(out, "kubernetes-"+minor+".json.gz"), doc); err != nil {
			return err
		}
		sources = append(sources, fmt.Sprintf("kubernetes-%s.json.gz\tk8s.io/kubernetes@%s api/openapi-spec/swagger.json", minor, v))
	}

	var rawCRDs bytes.Buffer
	crdDoc := map[string]any{}
	kinds := map[string]string{}
	for _, s := range crdSources {
		dir, err := download(s.Module, s.Version, s.NoSumDB)
		if err != nil {
			return err
		}
		for _, d := range s.Dirs {
			files, err := filepath.Glob(filepath.Join(dir, d, "*.yaml"))
			if err != nil {
				return err
			}
			slices.Sort(files)
			for _, f := range files {
				if s.Files != nil && !slices.Contains(s.Files, filepath.Base(f)) {
					continue
				}
				n, err := addCRDs(f, s.Group, &rawCRDs, crdDoc, kinds)
				if err != nil {
					return fmt.Errorf("%s@%s: %w", s.Module, s.Version, err)
				}
				if n > 0 {
					line := fmt.Sprintf("crds\t%s@%s %s", s.Module, s.Version, path.Join(d, filepath.Base(f)))
					if s.Group != "" {
						line += " (group renamed to " + s.Group + ")"
					}
					sources = append(sources, line)
				}
			}
		}
	}
	if err := writeGzip(filepath.Join(out, "crds.json.gz"), map[string]any{"$defs": crdDoc, "kinds": kinds}); err != nil {
		return err
	}
	if err := writeGzipBytes(filepath.Join(out, "crds.yaml.gz"), rawCRDs.Bytes()); err != nil {
		return err
	}
	list := "# Generated by `make schemas` (hack/schemagen). Sources of the embedded schemas.\n" + strings.Join(sources, "\n") + "\n"
	return os.WriteFile(filepath.Join(out, "SOURCES"), []byte(list), 0o644)
}

// download fetches a module through the Go module proxy and returns its directory.
func download(mod, version string, noSumDB bool) (string, error) {
	cmd := exec.Command("go", "mod", "download", "-json", mod+"@"+version)
	cmd.Env = append(os.Environ(), "GOTOOLCHAIN=local", "GOFLAGS=")
	if noSumDB {
		cmd.Env = append(cmd.Env, "GONOSUMDB="+mod)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	b, err := cmd.Output()
	var info struct{ Dir, Error string }
	if jerr := json.Unmarshal(b, &info); jerr == nil && info.Error != "" {
		return "", fmt.Errorf("download %s@%s: %s", mod, version, info.Error)
	}
	if err != nil {
		return "", fmt.Errorf("download %s@%s: %v: %s", mod, version, err, stderr.String())
	}
	if info.Dir == "" {
		return "", fmt.Errorf("download %s@%s: no directory in go mod download output", mod, version)
	}
	return info.Dir, nil
}

// convertSwagger turns an OpenAPI v2 spec into {"$defs": ..., "kinds": {"apps/v1/Deployment": "<def>"}}.
func convertSwagger(file, version string) (map[string]any, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var spec struct {
		Definitions map[string]map[string]any `json:"definitions"`
	}
	if err := json.Unmarshal(b, &spec); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	defs := map[string]any{}
	kinds := map[string]string{}
	for name, def := range spec.Definitions {
		switch name {
		case "io.k8s.apimachinery.pkg.api.resource.Quantity":
			defs[name] = map[string]any{"type": []any{"string", "number", "null"}}
			continue
		}
		defs[name] = convert(def, false)
		gvks, _ := def["x-kubernetes-group-version-kind"].([]any)
		if len(gvks) != 1 {
			continue // DeleteOptions, WatchEvent, ...: not objects one writes
		}
		g := gvks[0].(map[string]any)
		apiVersion := g["version"].(string)
		if grp, _ := g["group"].(string); grp != "" {
			apiVersion = grp + "/" + apiVersion
		}
		kinds[apiVersion+"/"+g["kind"].(string)] = name
	}
	return map[string]any{"kubernetesVersion": version, "$defs": defs, "kinds": kinds}, nil
}

// convert turns an OpenAPI (v2 or v3 structural) schema into a strict JSON Schema.
func convert(s map[string]any, crd bool) map[string]any {
	out := map[string]any{}
	if ref, ok := s["$ref"].(string); ok {
		out["$ref"] = "#/$defs/" + strings.TrimPrefix(ref, "#/definitions/")
		return out
	}
	preserve, _ := s["x-kubernetes-preserve-unknown-fields"].(bool)
	typ, _ := s["type"].(string)
	if f, _ := s["format"].(string); f == "int-or-string" {
		typ = ""
		out["type"] = []any{"string", "integer", "null"}
	}
	if ios, _ := s["x-kubernetes-int-or-string"].(bool); ios {
		typ = ""
		out["type"] = []any{"string", "integer", "null"}
	}
	if typ != "" {
		out["type"] = []any{typ, "null"}
	}
	if props, ok := s["properties"].(map[string]any); ok {
		cp := map[string]any{}
		for k, v := range props {
			if m, ok := v.(map[string]any); ok {
				cp[k] = convert(m, crd)
			}
		}
		out["properties"] = cp
		if _, has := s["additionalProperties"]; !has && !preserve {
			out["additionalProperties"] = false
		}
	}
	switch ap := s["additionalProperties"].(type) {
	case bool:
		out["additionalProperties"] = ap
	case map[string]any:
		out["additionalProperties"] = convert(ap, crd)
	}
	if items, ok := s["items"].(map[string]any); ok {
		out["items"] = convert(items, crd)
	}
	if req, ok := s["required"].([]any); ok && len(req) > 0 {
		out["required"] = req
	}
	if enum, ok := s["enum"].([]any); ok {
		e := slices.Clone(enum)
		if !slices.Contains(e, nil) {
			e = append(e, nil)
		}
		out["enum"] = e
	}
	for _, k := range []string{"allOf", "anyOf", "oneOf"} {
		if list, ok := s[k].([]any); ok {
			var cl []any
			for _, v := range list {
				if m, ok := v.(map[string]any); ok {
					cl = append(cl, convert(m, crd))
				}
			}
			out[k] = cl
		}
	}
	if not, ok := s["not"].(map[string]any); ok {
		out["not"] = convert(not, crd)
	}
	if crd {
		for _, k := range []string{"pattern", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
			"minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties", "multipleOf", "uniqueItems"} {
			if v, ok := s[k]; ok {
				out[k] = v
			}
		}
		// OpenAPI v3.0 booleans become JSON Schema numbers.
		if b, ok := out["exclusiveMinimum"].(bool); ok {
			delete(out, "exclusiveMinimum")
			if b {
				out["exclusiveMinimum"] = out["minimum"]
				delete(out, "minimum")
			}
		}
		if b, ok := out["exclusiveMaximum"].(bool); ok {
			delete(out, "exclusiveMaximum")
			if b {
				out["exclusiveMaximum"] = out["maximum"]
				delete(out, "maximum")
			}
		}
		if emb, _ := s["x-kubernetes-embedded-resource"].(bool); emb {
			p, _ := out["properties"].(map[string]any)
			if p != nil {
				addTypeMeta(p)
			}
		}
	}
	return out
}

// addTypeMeta lets an object carry apiVersion, kind and metadata when its
// schema does not say: the API server always accepts them at a resource root.
func addTypeMeta(p map[string]any) {
	for _, k := range []string{"apiVersion", "kind"} {
		if _, ok := p[k]; !ok {
			p[k] = map[string]any{"type": []any{"string", "null"}}
		}
	}
	p["metadata"] = map[string]any{"$ref": objectMetaRef}
}

// addCRDs appends the CRDs of a YAML file to raw and their converted schemas
// to defs; with group set, under that API group.
func addCRDs(file, group string, raw *bytes.Buffer, defs map[string]any, kinds map[string]string) (int, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return 0, err
	}
	docs, err := splitYAML(b)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", filepath.Base(file), err)
	}
	n := 0
	for _, doc := range docs {
		var crd struct {
			Kind string `json:"kind"`
			Spec struct {
				Group string `json:"group"`
				Names struct {
					Kind string `json:"kind"`
				} `json:"names"`
				Versions []struct {
					Name   string `json:"name"`
					Served bool   `json:"served"`
					Schema struct {
						OpenAPIV3Schema map[string]any `json:"openAPIV3Schema"`
					} `json:"schema"`
				} `json:"versions"`
			} `json:"spec"`
		}
		if err := yaml.Unmarshal(doc, &crd); err != nil {
			return 0, fmt.Errorf("%s: %w", filepath.Base(file), err)
		}
		if crd.Kind != "CustomResourceDefinition" {
			continue
		}
		if group != "" {
			moved, err := regroup(doc, group)
			if err != nil {
				return 0, fmt.Errorf("%s: %w", filepath.Base(file), err)
			}
			doc = moved
			crd.Spec.Group = group
		}
		n++
		raw.WriteString("---\n")
		raw.Write(bytes.TrimSpace(bytes.TrimPrefix(bytes.TrimSpace(doc), []byte("---"))))
		raw.WriteString("\n")
		for _, v := range crd.Spec.Versions {
			if !v.Served || v.Schema.OpenAPIV3Schema == nil {
				continue
			}
			sch := convert(v.Schema.OpenAPIV3Schema, true)
			p, _ := sch["properties"].(map[string]any)
			if p == nil {
				p = map[string]any{}
				sch["properties"] = p
			}
			addTypeMeta(p)
			gv := crd.Spec.Group + "/" + v.Name
			name := strings.ReplaceAll(gv, "/", ".") + "." + crd.Spec.Names.Kind
			defs[name] = sch
			kinds[gv+"/"+crd.Spec.Names.Kind] = name
		}
	}
	return n, nil
}

// regroup moves a CRD to another API group: its spec.group and its name,
// <plural>.<group>.
func regroup(doc []byte, group string) ([]byte, error) {
	var crd map[string]any
	if err := yaml.Unmarshal(doc, &crd); err != nil {
		return nil, err
	}
	md, _ := crd["metadata"].(map[string]any)
	spec, _ := crd["spec"].(map[string]any)
	names, _ := spec["names"].(map[string]any)
	plural, _ := names["plural"].(string)
	if md == nil || plural == "" {
		return nil, fmt.Errorf("CRD without metadata or spec.names.plural")
	}
	md["name"] = plural + "." + group
	spec["group"] = group
	return yaml.Marshal(crd)
}

// splitYAML splits a multi-document YAML stream.
func splitYAML(b []byte) ([][]byte, error) {
	var docs [][]byte
	r := kyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(b)))
	for {
		d, err := r.Read()
		if err == io.EOF {
			return docs, nil
		}
		if err != nil {
			return nil, err
		}
		if len(bytes.TrimSpace(d)) > 0 {
			docs = append(docs, d)
		}
	}
}

func writeGzip(file string, v any) error {
	b, err := json.Marshal(v) // map keys are sorted: deterministic
	if err != nil {
		return err
	}
	return writeGzipBytes(file, b)
}

func writeGzipBytes(file string, b []byte) error {
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return err
	}
	if _, err := io.Copy(zw, bytes.NewReader(b)); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	return os.WriteFile(file, buf.Bytes(), 0o644)
}
