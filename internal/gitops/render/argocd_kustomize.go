package render

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path"
	"sort"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/yaml"
)

// Argo CD's kustomize source options. Argo CD applies them by editing the
// kustomization in its checkout before `kustomize build`
// (util/kustomize/kustomize.go): `kustomize edit set nameprefix/namesuffix/
// namespace/image/replicas`, `edit add label/annotation` (with --force for
// forceCommonLabels/forceCommonAnnotations, --without-selector for
// labelWithoutSelector), `edit add component`, and its inline patches
// appended to the kustomization's patches. The same edits are made here to
// an in-memory copy of the kustomization.

// argoKustomizeEdits are the kustomize fields that edit the kustomization.
var argoKustomizeEdits = []string{"namePrefix", "nameSuffix", "namespace", "images", "replicas", "commonLabels",
	"commonAnnotations", "components", "patches"}

// edits says whether the source edits its kustomization.
func (s *argoSource) edits() bool {
	if s == nil {
		return false
	}
	for _, f := range argoKustomizeEdits {
		if v, ok := s.kustomize[f]; ok && v != nil && v != "" {
			return true
		}
	}
	return false
}

// renderArgoKustomize builds the kustomization kfile of e.path edited as
// Argo CD edits it.
func (d *renderer) renderArgoKustomize(e entry, kfile string, r *rendered) {
	if kfile == "" {
		r.problem(e, e.from, e.fromLine, "kustomize source %q has no kustomization", e.path)
		return
	}
	f, _ := d.snap.File(kfile)
	if f == nil || f.Err != nil {
		r.problem(e, kfile, 0, "kustomization %s cannot be read", kfile)
		return
	}
	edited, err := editKustomization(f.Data, e.argo.kustomize)
	if err != nil {
		r.problem(e, e.from, e.fromLine, "kustomize options for %s: %v", e.path, err)
		return
	}
	key := ""
	if bk := d.buildKey(e.path); bk != "" {
		h := sha256.Sum256(append([]byte(bk+"\n"), edited...))
		key = "argo " + hex.EncodeToString(h[:])
	}
	built, ok := cacheGet(d.cache, builds, key)
	if !ok {
		fs := editedFS{FileSystem: d.kustomizeFS().fs, file: path.Join(repoRoot, kfile), data: edited}
		var line int
		if built, line, err = d.krustyBuildFS(fs, e.path, kfile); err != nil {
			r.problem(e, kfile, line, "kustomize build %s (with the Application's kustomize options): %s", e.path, err)
			return
		}
		cachePut(d.cache, builds, key, built)
	}
	for _, b := range built {
		if o, ok := newObject(b.Value, b.File, b.Line, e.cluster); ok {
			r.objects = append(r.objects, d.finish(e, o))
		}
	}
}

// editedFS is a kustomize file system with one file's content replaced.
type editedFS struct {
	filesys.FileSystem
	file string
	data []byte
}

func (f editedFS) ReadFile(p string) ([]byte, error) {
	if path.Clean(p) == f.file {
		return f.data, nil
	}
	return f.FileSystem.ReadFile(p)
}

// editKustomization applies an Argo CD kustomize block to a kustomization
// as the kustomize edit commands Argo CD runs would.
func editKustomization(data []byte, opts map[string]any) ([]byte, error) {
	var k map[string]any
	if err := yaml.Unmarshal(data, &k); err != nil {
		return nil, fmt.Errorf("kustomization: %w", err)
	}
	if k == nil {
		k = map[string]any{}
	}
	for _, f := range []string{"namePrefix", "nameSuffix", "namespace"} {
		if s := str(opts, f); s != "" {
			k[f] = s
		}
	}
	for _, img := range listAt(opts, "images") {
		s, _ := img.(string)
		if s == "" {
			continue
		}
		k["images"] = setImage(listAt(k, "images"), s)
	}
	for _, rep := range listAt(opts, "replicas") {
		name := str(rep, "name")
		count := get(rep, "count")
		reps := listAt(k, "replicas")
		found := false
		for _, x := range reps {
			if m, ok := x.(map[string]any); ok && str(m, "name") == name {
				m["count"], found = count, true
			}
		}
		if !found {
			reps = append(reps, map[string]any{"name": name, "count": count})
		}
		k["replicas"] = reps
	}
	if labels := mapAt(opts, "commonLabels"); len(labels) > 0 {
		if get(opts, "labelWithoutSelector") == true {
			pairs := map[string]any{}
			for n, v := range labels {
				pairs[n] = fmt.Sprint(v)
			}
			entry := map[string]any{"pairs": pairs}
			if get(opts, "labelIncludeTemplates") == true {
				entry["includeTemplates"] = true
			}
			k["labels"] = append(listAt(k, "labels"), entry)
		} else if err := addPairs(k, "commonLabels", "label", labels, get(opts, "forceCommonLabels") == true); err != nil {
			return nil, err
		}
	}
	if ann := mapAt(opts, "commonAnnotations"); len(ann) > 0 {
		if err := addPairs(k, "commonAnnotations", "annotation", ann, get(opts, "forceCommonAnnotations") == true); err != nil {
			return nil, err
		}
	}
	for _, c := range listAt(opts, "components") {
		if s, ok := c.(string); ok && s != "" {
			k["components"] = append(listAt(k, "components"), s)
		}
	}
	if ps := listAt(opts, "patches"); len(ps) > 0 {
		k["patches"] = append(listAt(k, "patches"), ps...)
	}
	return yaml.Marshal(k)
}

// addPairs is `kustomize edit add label|annotation k:v,...`: an existing key
// is an error unless forced.
func addPairs(k map[string]any, field, what string, pairs map[string]any, force bool) error {
	cur := mapAt(k, field)
	if cur == nil {
		cur = map[string]any{}
	}
	names := make([]string, 0, len(pairs))
	for n := range pairs {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if _, exists := cur[n]; exists && !force {
			return fmt.Errorf("%s %s already in kustomization file (force%s is not set)", what, n, map[string]string{"label": "CommonLabels", "annotation": "CommonAnnotations"}[what])
		}
		cur[n] = fmt.Sprint(pairs[n])
	}
	k[field] = cur
	return nil
}

// setImage is `kustomize edit set image arg` on the images list: arg is
// name=newName[:tag|@digest], name:tag, name@digest or name=newName; the
// entry of that name is updated, else one is added.
func setImage(images []any, arg string) []any {
	name, spec, renamed := strings.Cut(arg, "=")
	if !renamed {
		spec = arg
	}
	ref, tag, digest := splitImage(spec)
	if !renamed {
		name = ref
	}
	upd := map[string]any{}
	if renamed {
		upd["newName"] = ref
	}
	if tag != "" {
		upd["newTag"] = tag
	}
	if digest != "" {
		upd["digest"] = digest
	}
	for _, x := range images {
		m, ok := x.(map[string]any)
		if !ok || str(m, "name") != name {
			continue
		}
		if tag != "" {
			delete(m, "digest")
		}
		if digest != "" {
			delete(m, "newTag")
		}
		for f, v := range upd {
			m[f] = v
		}
		return images
	}
	upd["name"] = name
	return append(images, upd)
}

// splitImage splits "repo[:tag][@digest]" (a port in the host is not a tag).
func splitImage(s string) (ref, tag, digest string) {
	if i := strings.IndexByte(s, '@'); i >= 0 {
		s, digest = s[:i], s[i+1:]
	}
	if i := strings.LastIndexByte(s, ':'); i > strings.LastIndexByte(s, '/') {
		s, tag = s[:i], s[i+1:]
	}
	return s, tag, digest
}
