// Package evidence reads what a cloud provider says about a cluster, the JSON
// printed by `az aks show -o json`, `az aks nodepool list -o json` and
// `gcloud container clusters describe --format json`, and turns it into the
// settings vocabulary of the platform spec (internal/baseline), each setting
// with the file and JSON path it was read from, so the declared controls can
// be evaluated from the cluster itself.
package evidence

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/plinth-dev/plinth/internal/baseline"
	"github.com/plinth-dev/plinth/internal/fsguard"
)

// MaxFileSize bounds one evidence file (az and gcloud print well under 1 MiB).
const MaxFileSize = 8 << 20

// MaxTotalSize bounds the evidence files together.
const MaxTotalSize = 64 << 20

// MaxFiles bounds the number of evidence files read from a directory.
const MaxFiles = 1000

// Kinds of evidence documents.
const (
	KindAKS       = "az aks show"
	KindNodePools = "az aks nodepool list"
	KindGKE       = "gcloud container clusters describe"
)

// Document is one evidence file.
type Document struct {
	// File is the path shown in findings: the directory as given, slash
	// separated, joined with the file name.
	File string
	Kind string
	// Stem is the file name up to its first '.' ("prod" for prod.aks.json).
	Stem string
	// Name is the cluster's name in the JSON (the managed cluster's or GKE
	// cluster's name; for a node pool list, the cluster in the pools' ids).
	Name string
	data any
}

// Cluster is what the evidence says about one cluster.
type Cluster struct {
	Provider string
	// Files are the evidence files of the cluster, sorted.
	Files []string
	// Observed is the cluster as the provider describes it, in the settings
	// vocabulary of the platform spec.
	Observed baseline.Cluster
	// Sources map a setting key (or "zones", "kubernetesVersion") to the
	// "file#$.json.path" it was read from.
	Sources map[string]string
}

// NodeMinimum is the Sources key of the JSON path the node minimum (the
// weakest pool's minCount or count) was read from.
const NodeMinimum = "nodeMinimum"

// Set is the evidence of a directory.
type Set struct {
	Dir  string
	Docs []*Document
}

// Load reads every *.json file of dir (not recursively; through
// internal/fsguard: no symbolic links, regular files only, within
// MaxFileSize and MaxTotalSize) as evidence. A file that is no az/gcloud
// cluster description is an error naming it.
func Load(dir string) (*Set, error) {
	root, err := fsguard.Open(dir, "the evidence directory", fsguard.Limits{File: MaxFileSize, Total: MaxTotalSize})
	if err != nil {
		return nil, fmt.Errorf("evidence: %w", err)
	}
	defer root.Close()
	entries, err := root.ReadDir(".")
	if err != nil {
		return nil, fmt.Errorf("evidence: %w", err)
	}
	s := &Set{Dir: dir}
	shown := filepath.ToSlash(dir)
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || strings.HasPrefix(name, ".") || !strings.EqualFold(path.Ext(name), ".json") {
			continue
		}
		if len(s.Docs) >= MaxFiles {
			return nil, fmt.Errorf("evidence %s: more than %d .json files", dir, MaxFiles)
		}
		b, err := root.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("evidence: %w", err)
		}
		d, err := Parse(path.Join(shown, name), b)
		if err != nil {
			return nil, err
		}
		s.Docs = append(s.Docs, d)
	}
	if len(s.Docs) == 0 {
		return nil, fmt.Errorf("evidence %s: no .json files (the output of az aks show -o json, az aks nodepool list -o json or gcloud container clusters describe --format json)", dir)
	}
	return s, nil
}

// Parse reads one evidence document; file names it in errors and findings.
func Parse(file string, b []byte) (*Document, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("evidence %s: not JSON: %w", file, jsonErr(b, err))
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("evidence %s: more than one JSON value", file)
	}
	base := path.Base(file)
	d := &Document{File: file, Stem: strings.SplitN(base, ".", 2)[0], data: v}
	switch t := v.(type) {
	case []any:
		d.Kind = KindNodePools
		for i, p := range t {
			pm, ok := p.(map[string]any)
			if !ok {
				return nil, fmt.Errorf("evidence %s: $[%d]: want a node pool object (az aks nodepool list -o json), got %s", file, i, typeName(p))
			}
			if n := clusterOfPool(str(pm, "id")); n != "" && d.Name == "" {
				d.Name = n
			}
		}
	case map[string]any:
		switch {
		case t["agentPoolProfiles"] != nil || strings.EqualFold(str(t, "type"), "Microsoft.ContainerService/ManagedClusters") || props(t) != nil:
			d.Kind = KindAKS
		case t["nodePools"] != nil || t["currentMasterVersion"] != nil || strings.Contains(str(t, "selfLink"), "container.googleapis.com"):
			d.Kind = KindGKE
		default:
			return nil, fmt.Errorf("evidence %s: $: not the output of az aks show -o json, az aks nodepool list -o json or gcloud container clusters describe --format json (no agentPoolProfiles, nodePools or currentMasterVersion)", file)
		}
		d.Name = str(t, "name")
	default:
		return nil, fmt.Errorf("evidence %s: $: want an object or a list, got %s", file, typeName(v))
	}
	return d, nil
}

func jsonErr(b []byte, err error) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		line := bytes.Count(b[:min(int(se.Offset), len(b))], []byte("\n")) + 1
		return fmt.Errorf("line %d: %w", line, err)
	}
	return err
}

func typeName(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case float64:
		return "a number"
	case string:
		return "a string"
	case []any:
		return "a list"
	}
	return "an object"
}

// clusterOfPool is the managed cluster named in an agent pool id
// (/subscriptions/…/managedClusters/<name>/agentPools/<pool>).
func clusterOfPool(id string) string {
	parts := strings.Split(id, "/")
	for i := 0; i+1 < len(parts); i++ {
		if strings.EqualFold(parts[i], "managedClusters") {
			return parts[i+1]
		}
	}
	return ""
}

// match reports whether the document belongs to a cluster: its file stem,
// else its JSON name, is the cluster's name.
func (d *Document) match(cluster string, clusters map[string]bool) bool {
	if clusters[d.Stem] {
		return d.Stem == cluster
	}
	return d.Name == cluster
}

// For returns the evidence of a cluster, or nil. clusters are every
// cluster of the repository: a file named after one of them belongs to it
// whatever its JSON name says.
func (s *Set) For(cluster string, clusters []string) (*Cluster, error) {
	if s == nil {
		return nil, nil
	}
	known := map[string]bool{}
	for _, c := range clusters {
		known[c] = true
	}
	var docs []*Document
	for _, d := range s.Docs {
		if d.match(cluster, known) {
			docs = append(docs, d)
		}
	}
	if len(docs) == 0 {
		return nil, nil
	}
	return build(docs)
}

// Unmatched lists the files that belong to none of the clusters.
func (s *Set) Unmatched(clusters []string) []string {
	if s == nil {
		return nil
	}
	known := map[string]bool{}
	for _, c := range clusters {
		known[c] = true
	}
	var out []string
	for _, d := range s.Docs {
		if !known[d.Stem] && !known[d.Name] {
			out = append(out, d.File)
		}
	}
	sort.Strings(out)
	return out
}

func build(docs []*Document) (*Cluster, error) {
	c := &Cluster{Observed: baseline.Cluster{Settings: map[string]any{}}, Sources: map[string]string{}}
	var kinds []string
	for _, d := range docs {
		c.Files = append(c.Files, d.File)
		kinds = append(kinds, d.Kind+" ("+d.File+")")
	}
	sort.Strings(c.Files)
	count := map[string]int{}
	for _, d := range docs {
		count[d.Kind]++
	}
	for k, n := range count {
		if n > 1 {
			return nil, fmt.Errorf("evidence: %d files of %s for one cluster: %s", n, k, strings.Join(kinds, ", "))
		}
	}
	if count[KindGKE] > 0 && (count[KindAKS] > 0 || count[KindNodePools] > 0) {
		return nil, fmt.Errorf("evidence: AKS and GKE descriptions for one cluster: %s", strings.Join(kinds, ", "))
	}
	// The cluster first, then its node pools (a node pool list is newer
	// than the cluster's agentPoolProfiles and replaces them).
	sort.SliceStable(docs, func(i, j int) bool { return docs[i].Kind == KindAKS && docs[j].Kind != KindAKS })
	for _, d := range docs {
		switch d.Kind {
		case KindAKS:
			c.Provider = "aks"
			c.aks(d)
		case KindNodePools:
			c.Provider = "aks"
			list, _ := d.data.([]any)
			c.aksPools(d.File, "$", list)
		case KindGKE:
			c.Provider = "gke"
			c.gke(d)
		}
	}
	c.Observed.Provider = c.Provider
	return c, nil
}

// set records an observed setting and where it was read.
func (c *Cluster) set(key string, v any, file, at string) {
	c.Observed.Settings[key] = v
	c.Sources[key] = file + "#" + at
}

// ---- helpers over decoded JSON

func get(v any, keys ...string) any {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		var found bool
		var next any
		if next, found = m[k]; !found {
			// az prints camelCase, ARM's REST shapes differ in
			// capitalisation (authorizedIPRanges, omsAgent).
			names := make([]string, 0, len(m))
			for n := range m {
				names = append(names, n)
			}
			sort.Strings(names)
			for _, n := range names {
				if strings.EqualFold(n, k) {
					next, found = m[n], true
					break
				}
			}
		}
		if !found {
			return nil
		}
		v = next
	}
	return v
}

// has reports whether the key path exists (null counts as present).
func has(v any, keys ...string) bool {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return false
		}
		found := false
		for n, next := range m {
			if strings.EqualFold(n, k) {
				found, v = true, next
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

func str(v any, keys ...string) string {
	s, _ := get(v, keys...).(string)
	return s
}

func boolean(v any, keys ...string) bool {
	b, _ := get(v, keys...).(bool)
	return b
}

func num(v any, keys ...string) (int, bool) {
	f, ok := get(v, keys...).(float64)
	if !ok || f != float64(int(f)) {
		return 0, false
	}
	return int(f), true
}

func stringList(v any) []string {
	var out []string
	for _, x := range asList(v) {
		if s, ok := x.(string); ok && s != "" {
			out = append(out, s)
		}
	}
	return out
}

func asList(v any) []any {
	l, _ := v.([]any)
	return l
}

// props is the properties object of an ARM resource as the REST API
// returns it (az flattens it into the top level).
func props(m map[string]any) map[string]any {
	p, _ := m["properties"].(map[string]any)
	if p == nil || p["agentPoolProfiles"] == nil {
		return nil
	}
	return p
}

func jp(base string, keys ...string) string {
	return base + "." + strings.Join(keys, ".")
}
