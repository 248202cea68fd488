package render

import (
	"errors"
	"fmt"
	"path"

	"github.com/google/go-jsonnet"
	yaml "go.yaml.in/yaml/v3"
)

// renderJsonnet evaluates a .jsonnet file of an Argo CD directory source
// with go-jsonnet as the repo-server does (makeJsonnetVm): the source's
// extVars and tlas, imports relative to the importing file, then the
// application directory, then the libs (repository paths); the output is
// one object or a list of objects. Imports are read from the snapshot
// only; the evaluation is bounded in time like a template.
func (d *renderer) renderJsonnet(e entry, p string, r *rendered) {
	f, ok := d.snap.File(p)
	if !ok {
		r.problem(e, p, 0, "jsonnet %s: no such file in the repository", p)
		return
	}
	if f.Err != nil {
		r.problem(e, p, 0, "jsonnet: %v", f.Err)
		return
	}
	v, err := d.budget.expand(func(*tmplRun) (any, error) {
		vm := jsonnet.MakeVM()
		for _, a := range e.argo.jsonnet.extVars {
			if a.code {
				vm.ExtCode(a.name, a.value)
			} else {
				vm.ExtVar(a.name, a.value)
			}
		}
		for _, a := range e.argo.jsonnet.tlas {
			if a.code {
				vm.TLACode(a.name, a.value)
			} else {
				vm.TLAVar(a.name, a.value)
			}
		}
		vm.Importer(&snapImporter{d: d, jpaths: append([]string{e.path}, e.argo.jsonnet.libs...)})
		return vm.EvaluateAnonymousSnippet(p, string(f.Data))
	})
	out, _ := v.(string)
	if err != nil {
		r.problem(e, p, jsonnetErrLine(p, err.Error()), "evaluate jsonnet %s: %v", p, err)
		return
	}
	items, err := objectList([]byte(out))
	if err != nil {
		r.problem(e, p, 0, "jsonnet %s: output: %v", p, err)
		return
	}
	for i, it := range items {
		m, ok := it.(map[string]any)
		if !ok {
			r.problem(e, p, 0, "jsonnet %s: output item %d is not an object", p, i)
			continue
		}
		o, ok := newObject(m, p, 1, e.cluster)
		if !ok {
			continue
		}
		if l := d.lineOf(p, `"`+o.Kind+`"`); l > 0 {
			o.Line = l
		} else if l := d.lineOf(p, "'"+o.Kind+"'"); l > 0 {
			o.Line = l
		}
		r.objects = append(r.objects, d.finish(e, o))
	}
}

// jsonnetErrLine is the line of p a go-jsonnet error names ("p:12:3-9"), or 0.
func jsonnetErrLine(p, msg string) int {
	var line int
	for i := 0; i+len(p)+1 < len(msg); i++ {
		if msg[i:i+len(p)+1] == p+":" {
			if _, err := fmt.Sscanf(msg[i+len(p)+1:], "%d", &line); err == nil {
				return line
			}
		}
	}
	return 0
}

// snapImporter resolves jsonnet imports in the snapshot: relative to the
// importing file, then in each of jpaths; never outside the repository.
type snapImporter struct {
	d      *renderer
	jpaths []string
}

func (im *snapImporter) Import(importedFrom, importedPath string) (jsonnet.Contents, string, error) {
	dirs := append([]string{path.Dir(importedFrom)}, im.jpaths...)
	for _, dir := range dirs {
		p, ok := repoPath(path.Join(dir, importedPath))
		if !ok {
			continue
		}
		f, found := im.d.snap.File(p)
		if !found {
			continue
		}
		if f.Err != nil {
			return jsonnet.Contents{}, "", f.Err
		}
		return jsonnet.MakeContentsRaw(f.Data), p, nil
	}
	return jsonnet.Contents{}, "", fmt.Errorf("couldn't open import %q: not found in the repository next to %s or in the library paths", importedPath, importedFrom)
}

// objectList reads JSON or YAML holding one object or a list of them (an
// empty document is one empty object); numbers keep YAML's int type.
func objectList(data []byte) ([]any, error) {
	var v any
	if err := yaml.Unmarshal(data, &v); err != nil {
		return nil, err
	}
	switch t := stringKeys(v).(type) {
	case []any:
		return t, nil
	case map[string]any:
		return []any{t}, nil
	case nil:
		return []any{map[string]any{}}, nil
	}
	return nil, errors.New("neither an object nor a list of objects")
}
