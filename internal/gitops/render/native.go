package render

import (
	"bytes"
	"cmp"
	"maps"
	"path"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"sigs.k8s.io/kustomize/api/types"
	"sigs.k8s.io/kustomize/kyaml/openapi"
	"sigs.k8s.io/kustomize/kyaml/resid"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// The native build renders the kustomizations plinth generates (and
// hand-written ones of the same shape) without kustomize: resource files and
// resource-only bases, a namespace, JSON 6902 patches with a target and
// strategic-merge patches that delete one object. A kustomize build of a
// few hundred services spends most of its time converting every object
// between YAML node trees and JSON once per patch; here the objects are the
// ones already parsed for the source index and each patch is one JSON round
// trip of its target. Anything else, and anything unusual within that shape
// (a patch that fails, a target that matches nothing, a duplicate object,
// a kind whose namespace handling is more than setting metadata.namespace), makes
// nativeBuild decline and krusty builds the kustomization as before, with
// kustomize's own error messages. native_test.go checks that both give the
// same objects on every kustomization it can find.

// maxNativeDepth bounds kustomizations nested through resources.
const maxNativeDepth = 20

// nres is one object being built.
type nres struct {
	value      map[string]any
	read       map[string]any // the value as read from file:line (never changed)
	file       string
	line       int
	gvk        resid.Gvk
	name       string
	orgNS      string // namespace as read from the resource file
	curNS      string // namespace after the transformations so far
	copied     bool   // value is private to this build (else shared with docs)
	ownRoot    bool   // without copied: value's own map is private to this build
	ownMeta    bool   // and so is its metadata map
	jsonNumber bool   // value went through JSON: numbers are float64
	final      bool   // with jsonNumber: the numbers are already as yamlNumbers makes them
}

// nativeKustomizationKeys are the kustomization fields the native build knows.
var nativeKustomizationKeys = map[string]bool{"apiVersion": true, "kind": true, "namespace": true, "resources": true, "patches": true}

// namespaceSpecial are the kinds kustomize's namespace transformer changes
// more than metadata.namespace of (subjects, names, service references).
var namespaceSpecial = map[string]bool{
	"Namespace": true, "RoleBinding": true, "ClusterRoleBinding": true, "APIService": true, "CustomResourceDefinition": true,
}

// nativeBuild renders the kustomization in dir; ok is false when krusty
// has to.
func (d *renderer) nativeBuild(dir string) (_ []builtObject, ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	res, ok := d.nativeAccumulate(dir, map[string]bool{}, 0)
	if !ok {
		return nil, false
	}
	out := make([]builtObject, 0, len(res))
	for _, r := range res {
		if !d.wellTyped(r) {
			return nil, false
		}
		v := r.value
		if r.jsonNumber && !r.final {
			if !r.copied {
				v = deepCopy(v).(map[string]any) // shared with the cache
			}
			v = yamlNumbers(v).(map[string]any)
		}
		out = append(out, builtObject{Value: v, File: r.file, Line: r.line})
	}
	return out, true
}

func (d *renderer) nativeAccumulate(dir string, visiting map[string]bool, depth int) ([]*nres, bool) {
	if depth > maxNativeDepth || visiting[dir] {
		return nil, false
	}
	visiting[dir] = true
	defer delete(visiting, dir)
	kfile := d.kfile(dir)
	if kfile == "" {
		return nil, false
	}
	docs, err := d.docs(kfile)
	if err != nil || len(docs) != 1 {
		return nil, false
	}
	// kustomize reads its kustomization file as YAML 1.1 (namespace: off is
	// false there, and refused): read it the same way.
	f, _ := d.snap.File(kfile)
	k, err := readKustomization(f.Data) // nativeyaml.go
	if err != nil {
		return nil, false
	}
	for key := range k {
		if !nativeKustomizationKeys[key] {
			return nil, false
		}
	}
	if v, ok := k["apiVersion"]; ok && v != "kustomize.config.k8s.io/v1beta1" {
		return nil, false
	}
	if v, ok := k["kind"]; ok && v != "Kustomization" {
		return nil, false
	}
	refs, ok := stringList(k["resources"])
	if !ok {
		return nil, false
	}
	var res []*nres
	for _, ref := range refs {
		p := path.Clean(path.Join(dir, ref))
		if ref == "" || isRemote(ref) {
			return nil, false
		}
		if f, isFile := d.snap.File(p); isFile {
			if f.Err != nil || !below(dir, p) {
				return nil, false
			}
			more, ok := d.nativeFile(p)
			if !ok {
				return nil, false
			}
			res = append(res, more...)
			continue
		}
		if !d.snap.IsDir(p) {
			return nil, false
		}
		more, ok := d.nativeAccumulateShared(p, visiting, depth+1)
		if !ok {
			return nil, false
		}
		res = append(res, more...)
	}
	seen := map[string]bool{}
	for _, r := range res {
		id := r.gvk.String() + "|" + r.curNS + "|" + r.name
		if seen[id] {
			return nil, false
		}
		seen[id] = true
	}
	if res, ok = d.nativePatches(dir, k["patches"], res); !ok {
		return nil, false
	}
	if ns, set := k["namespace"]; set {
		s, isString := ns.(string)
		if !isString || s == "" {
			return nil, false
		}
		for _, r := range res {
			if namespaceSpecial[r.gvk.Kind] || openapi.IsCertainlyClusterScoped(yaml.TypeMeta{APIVersion: r.gvk.ApiVersion(), Kind: r.gvk.Kind}) {
				return nil, false
			}
			r.setNamespace(s)
		}
	}
	return res, true
}

// nativeFile reads the objects of one resource file.
func (d *renderer) nativeFile(p string) ([]*nres, bool) {
	if f, _ := d.snap.File(p); bytes.Contains(f.Data, []byte("<<")) {
		return nil, false // merge keys: left to kustomize's reading
	}
	docs, err := d.docs(p)
	if err != nil {
		return nil, false
	}
	var out []*nres
	for _, doc := range docs {
		apiVersion, kind, name := str(doc.Value, "apiVersion"), str(doc.Value, "kind"), str(doc.Value, "metadata", "name")
		if apiVersion == "" || kind == "" || name == "" || strings.HasSuffix(kind, "List") ||
			strings.HasPrefix(apiVersion, "kustomize.config.k8s.io/") {
			return nil, false
		}
		meta, isMap := doc.Value["metadata"].(map[string]any)
		if !isMap {
			return nil, false
		}
		ns, isString := meta["namespace"].(string)
		if _, set := meta["namespace"]; set && !isString {
			return nil, false
		}
		out = append(out, &nres{value: doc.Value, read: doc.Value, file: p, line: doc.Line, gvk: gvkOf(apiVersion, kind),
			name: name, orgNS: ns, curNS: ns})
	}
	return out, true
}

// gvkOf is the kustomize Gvk of an object (without its cluster-scope flag,
// which selectors and ids do not use).
func gvkOf(apiVersion, kind string) resid.Gvk {
	group, version := resid.ParseGroupVersion(apiVersion)
	return resid.Gvk{Group: group, Version: version, Kind: kind}
}

// nativePatches applies the patches field of a kustomization.
func (d *renderer) nativePatches(dir string, field any, res []*nres) ([]*nres, bool) {
	if field == nil {
		return res, true
	}
	list, ok := field.([]any)
	if !ok {
		return nil, false
	}
	for _, item := range list {
		m, ok := item.(map[string]any)
		if !ok {
			return nil, false
		}
		for key := range m {
			if key != "path" && key != "target" {
				return nil, false
			}
		}
		rel, _ := m["path"].(string)
		p := path.Clean(path.Join(dir, rel))
		f, isFile := d.snap.File(p)
		if rel == "" || !isFile || f.Err != nil || !below(dir, p) {
			return nil, false
		}
		if target, set := m["target"]; set {
			if res, ok = nativeJSONPatch(f.Data, target, res); !ok {
				return nil, false
			}
			continue
		}
		if res, ok = d.nativeDeletePatch(p, res); !ok {
			return nil, false
		}
	}
	return res, true
}

// nativeJSONPatch applies a JSON 6902 patch to the objects its target selects.
func nativeJSONPatch(data []byte, target any, res []*nres) ([]*nres, bool) {
	tm, ok := target.(map[string]any)
	if !ok {
		return nil, false
	}
	var sel types.Selector
	for key, v := range tm {
		s, ok := v.(string)
		if !ok {
			return nil, false
		}
		switch key {
		case "group":
			sel.Group = s
		case "version":
			sel.Version = s
		case "kind":
			sel.Kind = s
		case "name":
			sel.Name = s
		default:
			return nil, false // namespace, label and annotation selectors
		}
	}
	sr, err := newTargetSelector(sel)
	if err != nil {
		return nil, false
	}
	patch, err := readJSONPatch(data)
	if err != nil || len(patch) == 0 {
		return nil, false
	}
	for _, op := range patch {
		if (op.pathErr == nil && !patchablePath(op.path)) || (op.fromErr == nil && !patchablePath(op.from)) {
			return nil, false
		}
	}
	var matched []*nres
	for _, r := range res {
		if sr.match(r.name, r.gvk) {
			matched = append(matched, r)
		}
	}
	for _, r := range matched {
		// The only object patched takes the patch's values themselves.
		v, final, err := patch.applyFinal(r.value, len(matched) == 1) // jsonpatch.go
		if err != nil {
			return nil, false
		}
		if !plainAnnotations(v) {
			return nil, false
		}
		// A final value shares what the patch left alone.
		r.value, r.copied, r.jsonNumber, r.final = v, !final, true, final
		r.ownRoot, r.ownMeta = final, false
	}
	return res, len(matched) > 0
}

// plainAnnotations drops empty or null annotations, as kustomize does when it
// sets the annotations of a patched object again, and says whether the rest
// come out of that unchanged: string values under keys that read back as
// strings. v's root map is the patch's own; its metadata may be shared.
func plainAnnotations(v map[string]any) bool {
	meta, _ := v["metadata"].(map[string]any)
	annotations, isMap := meta["annotations"].(map[string]any)
	if !isMap && meta["annotations"] != nil {
		return false
	}
	if _, set := meta["annotations"]; set && len(annotations) == 0 {
		meta = maps.Clone(meta)
		delete(meta, "annotations")
		v["metadata"] = meta
	}
	for key, value := range annotations {
		if _, isString := value.(string); !isString || !readsBack(key) {
			return false
		}
	}
	return true
}

// readsBackMemo holds readsBack's answers (annotation keys repeat across
// objects), up to maxReadsBack of them.
var (
	readsBackMemo sync.Map
	readsBackN    atomic.Int64
)

const maxReadsBack = 4096

// readsBack says whether key, read as YAML, is the string key.
func readsBack(key string) bool {
	if ok, done := readsBackMemo.Load(key); done {
		return ok.(bool)
	}
	var back any
	ok := yaml.Unmarshal([]byte(key), &back) == nil && back == key
	if len(key) <= 256 && readsBackN.Add(1) <= maxReadsBack {
		readsBackMemo.Store(key, ok)
	}
	return ok
}

// patchablePath: a JSON patch path that does not change what an object is
// (its kind, name or namespace: kustomize then tracks the previous id).
func patchablePath(p string) bool {
	if p == "" || p == "/" || p == "/metadata" {
		return false
	}
	for _, fixed := range []string{"/apiVersion", "/kind", "/metadata/name", "/metadata/namespace"} {
		if p == fixed || strings.HasPrefix(p, fixed+"/") {
			return false
		}
	}
	return true
}

// nativeDeletePatch applies a strategic-merge patch that deletes one object.
func (d *renderer) nativeDeletePatch(p string, res []*nres) ([]*nres, bool) {
	docs, err := d.docs(p)
	if err != nil || len(docs) != 1 {
		return nil, false
	}
	v := docs[0].Value
	meta, _ := v["metadata"].(map[string]any)
	name, _ := meta["name"].(string)
	apiVersion, _ := v["apiVersion"].(string)
	kind, _ := v["kind"].(string)
	if len(v) != 4 || v["$patch"] != "delete" || len(meta) != 1 || name == "" || apiVersion == "" || kind == "" {
		return nil, false
	}
	gvk := gvkOf(apiVersion, kind)
	at := -1
	for i, r := range res {
		if r.gvk.Equals(gvk) && r.name == name && (effectiveNS(r.orgNS) == "default" || effectiveNS(r.curNS) == "default") {
			if at >= 0 {
				return nil, false
			}
			at = i
		}
	}
	if at < 0 {
		return nil, false
	}
	return append(res[:at:at], res[at+1:]...), true
}

func effectiveNS(ns string) string { return cmp.Or(ns, "default") }

// wellTyped says whether the object decodes into its Kubernetes type (its
// metadata into ObjectMeta for kinds without one here): kustomize's
// transformers walk the fields of known kinds and refuse objects whose
// fields have the wrong shape (spec: 0), so such objects are left to it.
func (d *renderer) wellTyped(r *nres) bool {
	if !r.jsonNumber {
		return d.typedAsRead(r.file, r.line, r.value, r.gvk)
	}
	// A patched object shares with the object as read what the patches
	// left alone: when that one decodes, only the rest is walked.
	if r.read != nil && d.typedAsRead(r.file, r.line, r.read, r.gvk) {
		return decodesIntoBeside(r.value, r.read, r.gvk) // nativetyped.go
	}
	return decodesInto(r.value, r.gvk)
}

// typedAsRead is wellTyped of an object as read from file:line, checked
// once per report.
func (d *renderer) typedAsRead(file string, line int, v map[string]any, gvk resid.Gvk) bool {
	key := file + ":" + strconv.Itoa(line)
	d.mu.Lock()
	ok, done := d.typed[key]
	d.mu.Unlock()
	if done {
		return ok
	}
	// The other state of a history report may have checked the same file.
	shared := ""
	if dk := d.docsKey(file); dk != "" {
		shared = dk + ":" + strconv.Itoa(line)
	}
	ok, done = cacheGet(d.cache, typedMemo, shared)
	if !done {
		ok = decodesInto(v, gvk)
		cachePut(d.cache, typedMemo, shared, ok)
	}
	d.mu.Lock()
	d.typed[key] = ok
	d.mu.Unlock()
	return ok
}

func typedMemo(c *Cache) *memo[bool] { return &c.typed }

// setNamespace sets the namespace of the object. A value shared with
// others (docs, the cache) is not changed: the object gets its own copy of
// the two maps on the way, the rest stays shared.
func (r *nres) setNamespace(ns string) {
	if !r.copied {
		if !r.ownRoot {
			r.value, r.ownRoot = maps.Clone(r.value), true
		}
		if !r.ownMeta {
			r.value["metadata"], r.ownMeta = maps.Clone(r.value["metadata"].(map[string]any)), true
		}
	}
	r.value["metadata"].(map[string]any)["namespace"] = ns
	r.curNS = ns
}

// share marks the object's value as shared (with a cache or memo).
func (r *nres) share() { r.copied, r.ownRoot, r.ownMeta = false, false, false }

func deepCopy(v any) any {
	switch t := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(t))
		for k, e := range t {
			m[k] = deepCopy(e)
		}
		return m
	case []any:
		l := make([]any, len(t))
		for i, e := range t {
			l[i] = deepCopy(e)
		}
		return l
	}
	return v
}

// yamlNumbers turns the float64 numbers of a JSON-decoded value into what
// kustomize's conversion back to YAML makes of them: an int when the
// shortest formatting is an integer, else a float64.
func yamlNumbers(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, e := range t {
			t[k] = yamlNumbers(e)
		}
	case []any:
		for i, e := range t {
			t[i] = yamlNumbers(e)
		}
	case float64:
		if n, err := strconv.Atoi(strconv.FormatFloat(t, 'g', -1, 64)); err == nil {
			return n
		}
	}
	return v
}

// below says whether p is inside dir (kustomize's load restriction).
func below(dir, p string) bool {
	if dir == "." || dir == "" {
		return p != ".." && !strings.HasPrefix(p, "../")
	}
	return strings.HasPrefix(p, dir+"/")
}

// stringList is a list of strings (nil for none); ok is false for anything else.
func stringList(v any) ([]string, bool) {
	if v == nil {
		return nil, true
	}
	list, ok := v.([]any)
	if !ok {
		return nil, false
	}
	out := make([]string, 0, len(list))
	for _, e := range list {
		s, ok := e.(string)
		if !ok {
			return nil, false
		}
		out = append(out, s)
	}
	return out, true
}
