package render

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"sort"
	"strings"

	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/api/resmap"
	"sigs.k8s.io/kustomize/api/types"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/yaml"
)

// fluxBuild is what a Flux Kustomization changes in the kustomization it
// builds, as kustomize-controller's generator does: it writes a
// kustomization.yaml listing the directory's manifests when there is none,
// then sets namespace (targetNamespace), namePrefix and nameSuffix, and
// appends patches, images and components to it.
type fluxBuild struct {
	namePrefix, nameSuffix string
	patches                []any
	images                 []any
	components             []string
	// dependsOn names the Kustomizations applied first ("namespace/name"):
	// order only, recorded in Source.DependsOn.
	dependsOn []string
}

// key identifies the build's edits for entry.key.
func (b *fluxBuild) key() string {
	if !b.edits() {
		return "" // the same build as the path's own: rendered once
	}
	data, _ := json.Marshal([]any{b.namePrefix, b.nameSuffix, b.patches, b.images, b.components})
	return string(data)
}

// deps is dependsOn of a build, nil without one.
func (b *fluxBuild) deps() []string {
	if b == nil {
		return nil
	}
	return b.dependsOn
}

// edits says whether the build differs from building the path as it is
// (targetNamespace and substitution are applied to the objects).
func (b *fluxBuild) edits() bool {
	return b != nil && (b.namePrefix != "" || b.nameSuffix != "" || len(b.patches) > 0 || len(b.images) > 0 || len(b.components) > 0)
}

// renderFluxBuild builds e.path with the Flux Kustomization's edits, with
// kustomize (no load restrictions, no plugins, as kustomize-controller).
func (d *renderer) renderFluxBuild(e entry, r *rendered) {
	if !d.snap.IsDir(e.path) {
		r.problem(e, e.from, e.fromLine, "path %q does not exist in the repository", e.path)
		return
	}
	kfile := d.kfile(e.path)
	k, err := d.fluxKustomizationFile(e, kfile)
	if err != nil {
		file := kfile
		if file == "" {
			file = e.from
		}
		r.problem(e, file, 0, "kustomization %s: %v", e.path, err)
		return
	}
	base := d.kustomizeFS().fs
	over := &overlayFS{FileSystem: base, files: map[string][]byte{path.Join(repoRoot, e.path, "kustomization.yaml"): k}}
	if kfile != "" && path.Base(kfile) != "kustomization.yaml" {
		over.hidden = path.Join(repoRoot, kfile) // the edited copy replaces it
	}
	opts := krusty.MakeDefaultOptions()
	opts.LoadRestrictions = types.LoadRestrictionsNone
	kz := krusty.MakeKustomizer(opts)
	resMap, err := safe(func() (resmap.ResMap, error) { return kz.Run(over, path.Join(repoRoot, e.path)) })
	if err != nil {
		file := kfile
		if file == "" {
			file = e.from
		}
		r.problem(e, file, 0, "kustomize build %s: %s", e.path, strings.ReplaceAll(err.Error(), repoRoot+"/", ""))
		return
	}
	idx := d.fluxSourceIndex(e.path)
	for _, res := range resMap.Resources() {
		v, err := res.Map()
		if err != nil {
			r.problem(e, kfile, 0, "kustomize build %s: output: %v", e.path, err)
			return
		}
		file, line := idx.locate(str(v, "kind"), str(v, "metadata", "name"))
		if file == "" {
			file, line = kfile, d.lineOf(kfile, generatedName(str(v, "metadata", "name")))
		}
		if o, ok := newObject(stringKeys(v).(map[string]any), file, line, e.cluster); ok {
			r.objects = append(r.objects, d.finish(e, o))
		}
	}
}

// fluxKustomizationFile returns the kustomization Flux builds in e.path:
// the directory's own (or one generated from its manifests) with the
// Kustomization's edits.
func (d *renderer) fluxKustomizationFile(e entry, kfile string) ([]byte, error) {
	k := map[string]any{}
	if kfile != "" {
		f, _ := d.snap.File(kfile)
		if f.Err != nil {
			return nil, f.Err
		}
		data := d.kustomizeFS().rewrite(kfile, f.Data)
		if err := yaml.Unmarshal(data, &k); err != nil {
			return nil, fmt.Errorf("%s: %w", kfile, err)
		}
		if k == nil {
			k = map[string]any{}
		}
	} else {
		k["apiVersion"] = "kustomize.config.k8s.io/v1beta1"
		k["kind"] = "Kustomization"
		var res []any
		for _, p := range d.generatedResources(e.path) {
			res = append(res, p)
		}
		k["resources"] = res
	}
	b := e.flux
	if b.namePrefix != "" {
		k["namePrefix"] = b.namePrefix
	}
	if b.nameSuffix != "" {
		k["nameSuffix"] = b.nameSuffix
	}
	if e.namespace != "" {
		k["namespace"] = e.namespace
	}
	if len(b.patches) > 0 {
		k["patches"] = append(anyList(k["patches"]), b.patches...)
	}
	if len(b.images) > 0 {
		images := anyList(k["images"])
		for _, im := range b.images {
			replaced := false
			for i, old := range images {
				if str(old, "name") == str(im, "name") {
					images[i], replaced = im, true
				}
			}
			if !replaced {
				images = append(images, im)
			}
		}
		k["images"] = images
	}
	for _, c := range b.components {
		k["components"] = append(anyList(k["components"]), c)
	}
	return yaml.Marshal(k)
}

func anyList(v any) []any {
	l, _ := v.([]any)
	return append([]any(nil), l...)
}

// generatedResources lists what the kustomization Flux generates for a
// directory without one holds: every .yaml/.yml file below it, and each
// subdirectory with a kustomization as a whole (not descended into),
// relative to dir.
func (d *renderer) generatedResources(dir string) []string {
	var out []string
	var visit func(dir, rel string)
	visit = func(cur, rel string) {
		var subdirs []string
		seen := map[string]bool{}
		for _, p := range d.snap.Walk(cur) {
			r := strings.TrimPrefix(p, cur+"/")
			if cur == "." {
				r = p
			}
			if i := strings.IndexByte(r, '/'); i >= 0 {
				if !seen[r[:i]] {
					seen[r[:i]] = true
					subdirs = append(subdirs, r[:i])
				}
				continue
			}
			if isYAML(p) && !slices.Contains(kustomizationNames, path.Base(p)) {
				out = append(out, "./"+path.Join(rel, r))
			}
		}
		for _, s := range subdirs {
			sub := path.Join(cur, s)
			if d.kfile(sub) != "" {
				out = append(out, "./"+path.Join(rel, s))
				continue
			}
			visit(sub, path.Join(rel, s))
		}
	}
	visit(dir, "")
	sort.Strings(out)
	return out
}

// fluxSourceIndex is sourceIndex for a directory that may have no
// kustomization: its manifests and the kustomizations below it.
func (d *renderer) fluxSourceIndex(dir string) sourceIndex {
	if d.kfile(dir) != "" {
		return d.sourceIndex(dir)
	}
	var idx sourceIndex
	for _, res := range d.generatedResources(dir) {
		p := path.Join(dir, res)
		if d.kfile(p) != "" {
			idx = append(idx, d.sourceIndex(p)...)
			continue
		}
		docs, _ := d.docs(p)
		for _, fd := range docs {
			idx = append(idx, sourceDoc{kind: str(fd.Value, "kind"), name: str(fd.Value, "metadata", "name"), file: p, line: fd.Line})
		}
	}
	return idx
}

// overlayFS is a file system with some files replaced or added (an edited
// or generated kustomization.yaml) and one hidden (the kustomization file
// of another name the edited copy replaces). Only reads are used.
type overlayFS struct {
	filesys.FileSystem
	files  map[string][]byte
	hidden string
}

func (o *overlayFS) ReadFile(p string) ([]byte, error) {
	if data, ok := o.files[path.Clean(p)]; ok {
		return data, nil
	}
	if path.Clean(p) == o.hidden {
		return nil, fmt.Errorf("%s: %w", p, fs.ErrNotExist)
	}
	return o.FileSystem.ReadFile(p)
}

func (o *overlayFS) Exists(p string) bool {
	if _, ok := o.files[path.Clean(p)]; ok {
		return true
	}
	if path.Clean(p) == o.hidden {
		return false
	}
	return o.FileSystem.Exists(p)
}

func (o *overlayFS) IsDir(p string) bool {
	if _, ok := o.files[path.Clean(p)]; ok {
		return false
	}
	return o.FileSystem.IsDir(p)
}

func (o *overlayFS) CleanedAbs(p string) (filesys.ConfirmedDir, string, error) {
	c := path.Clean(p)
	if _, ok := o.files[c]; ok {
		return filesys.ConfirmedDir(path.Dir(c)), path.Base(c), nil
	}
	return o.FileSystem.CleanedAbs(p)
}

var errReadOnly = errors.New("read-only file system")

func (o *overlayFS) WriteFile(string, []byte) error { return errReadOnly }
