package discover

import (
	"fmt"
	"path"
	"regexp"
	"slices"
	"strings"

	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/api/resmap"
	"sigs.k8s.io/kustomize/api/types"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/yaml"

	"github.com/plinth-dev/plinth/reports/source"
)

// repoRoot is where the snapshot sits in the in-memory file system.
const repoRoot = "/repo"

var kustErrRef = regexp.MustCompile(`from '([^']+)'`)

const originAnnotation = "config.kubernetes.io/origin"

var kustomizationNames = []string{"kustomization.yaml", "kustomization.yml", "Kustomization"}

// kustomizationFile returns the kustomization file of dir, or "".
func kustomizationFile(snap *source.Snapshot, dir string) string {
	for _, n := range kustomizationNames {
		p := path.Join(dir, n)
		if _, ok := snap.File(p); ok {
			return p
		}
	}
	return ""
}

// kustFS is the snapshot as an in-memory file system for krusty, with
// origin annotations switched on and remote resources removed in every
// kustomization (nothing is fetched; no plugin runs).
type kustFS struct {
	fs filesys.FileSystem
	// remote lists, per kustomization file, the remote resources removed.
	remote map[string][]string
}

func (d *discoverer) kustomizeFS() *kustFS {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.kfs != nil {
		return d.kfs
	}
	k := &kustFS{fs: filesys.MakeFsInMemory(), remote: map[string][]string{}}
	for _, p := range d.snap.Paths() {
		f, _ := d.snap.File(p)
		if f.Err != nil {
			continue
		}
		data := f.Data
		if slices.Contains(kustomizationNames, path.Base(p)) {
			data = k.rewrite(p, data)
		}
		_ = k.fs.WriteFile(path.Join(repoRoot, p), data)
	}
	d.kfs = k
	return k
}

// rewrite adds buildMetadata: [originAnnotations] and drops remote resources.
func (k *kustFS) rewrite(p string, data []byte) []byte {
	var m map[string]any
	if err := yaml.Unmarshal(data, &m); err != nil || m == nil {
		return data // krusty reports the error
	}
	for _, field := range []string{"resources", "bases", "components"} {
		list, ok := m[field].([]any)
		if !ok {
			continue
		}
		kept := list[:0:0]
		for _, r := range list {
			s, _ := r.(string)
			if isRemote(s) {
				k.remote[p] = append(k.remote[p], s)
				continue
			}
			kept = append(kept, r)
		}
		m[field] = kept
	}
	bm, _ := m["buildMetadata"].([]any)
	if !slices.Contains(bm, any(types.OriginAnnotations)) {
		m["buildMetadata"] = append(bm, types.OriginAnnotations)
	}
	out, err := yaml.Marshal(m)
	if err != nil {
		return data
	}
	return out
}

func isRemote(s string) bool {
	return strings.Contains(s, "://") || strings.HasPrefix(s, "github.com/") || strings.HasPrefix(s, "git@") ||
		strings.HasPrefix(s, "gitlab.com/") || strings.HasPrefix(s, "bitbucket.org/")
}

func (d *discoverer) renderKustomization(e entry, r *rendered) {
	kfs := d.kustomizeFS()
	kfile := kustomizationFile(d.snap, e.path)
	for _, rem := range kfs.remote[kfile] {
		r.problems = append(r.problems, Problem{Cluster: e.cluster, File: kfile, Line: d.lineOf(kfile, rem),
			Message: fmt.Sprintf("remote resource %q is not fetched; its objects are not evaluated", rem), NotEvaluated: true})
	}
	opts := krusty.MakeDefaultOptions()
	k := krusty.MakeKustomizer(opts)
	resMap, err := safe(func() (resmap.ResMap, error) { return k.Run(kfs.fs, path.Join(repoRoot, e.path)) })
	if err != nil {
		msg := strings.ReplaceAll(err.Error(), repoRoot+"/", "")
		line := 0
		if m := kustErrRef.FindStringSubmatch(msg); m != nil {
			line = d.lineOf(kfile, m[1])
		}
		r.problem(e, kfile, line, "kustomize build %s: %s", e.path, msg)
		return
	}
	data, err := resMap.AsYaml()
	if err != nil {
		r.problem(e, kfile, 0, "kustomize build %s: %v", e.path, err)
		return
	}
	docs, err := ParseDocs(data)
	if err != nil {
		r.problem(e, kfile, 0, "kustomize build %s: output: %v", e.path, err)
		return
	}
	for _, doc := range docs {
		file, line := kfile, 0
		if ann := mapAt(doc.Value, "metadata", "annotations"); ann != nil {
			if origin, ok := ann[originAnnotation].(string); ok {
				file, line = d.origin(e.path, origin, doc.Value)
				delete(ann, originAnnotation)
				if len(ann) == 0 {
					delete(mapAt(doc.Value, "metadata"), "annotations")
				}
			}
		}
		o, ok := newObject(doc.Value, file, line, e.cluster)
		if !ok {
			continue
		}
		r.objects = append(r.objects, d.finish(e, o))
	}
}

// origin maps a config.kubernetes.io/origin annotation back to the source
// file (repository-relative) and the line of the object in it.
func (d *discoverer) origin(dir, ann string, v map[string]any) (string, int) {
	var o struct {
		Path string `json:"path"`
		Repo string `json:"repo"`
	}
	if err := yaml.Unmarshal([]byte(ann), &o); err != nil || o.Path == "" || o.Repo != "" {
		return kustomizationFile(d.snap, dir), 0
	}
	file := path.Clean(path.Join(dir, o.Path))
	return file, d.objectLine(file, str(v, "kind"), str(v, "metadata", "name"))
}

// objectLine finds the line of the kind/name object in file: the document of
// that kind whose name is contained in the rendered name (kustomize adds
// prefixes and suffixes), else the only document of that kind, else 1.
func (d *discoverer) objectLine(file, kind, name string) int {
	docs, err := d.docs(file)
	if err != nil || len(docs) == 0 {
		return 1
	}
	best, bestLen, ofKind, kindLine := 0, -1, 0, 0
	for _, doc := range docs {
		if k := str(doc.Value, "kind"); k != kind && k != "" {
			continue
		}
		ofKind++
		kindLine = doc.Line
		n := str(doc.Value, "metadata", "name")
		if n != "" && strings.Contains(name, n) && len(n) > bestLen {
			best, bestLen = doc.Line, len(n)
		}
	}
	switch {
	case best > 0:
		return best
	case ofKind == 1:
		return kindLine
	}
	return docs[0].Line
}

// lineOf returns the first line of file containing s, or 0.
func (d *discoverer) lineOf(file, s string) int {
	f, ok := d.snap.File(file)
	if !ok || f.Err != nil {
		return 0
	}
	for i, l := range strings.Split(string(f.Data), "\n") {
		if strings.Contains(l, s) {
			return i + 1
		}
	}
	return 0
}
