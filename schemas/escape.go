package schemas

import (
	"encoding/json"
	"fmt"
	"strings"

	jsonpatch "gopkg.in/evanphx/json-patch.v4"
	"k8s.io/apimachinery/pkg/util/validation"
)

// The escape hatch: objects deployed beside a service's own (extraObjects)
// and patches of the objects plinth generates (patches), per service, per
// service and environment (overrides.<env>) and, for patches, per
// environment. The loader checks what can be checked without the generated
// objects (the shape of each object and patch); the generator applies the
// patches and reports a target that matches nothing or a patch that fails
// at the patch's position.

// ExtraObject is a whole Kubernetes object a service deploys beside its own.
type ExtraObject struct {
	// Value is the object as declared; the generator sets its namespace to
	// the service's.
	Value map[string]any `json:"value"`
	Pos   Pos            `json:"-"`
	// Path is the CUE path of the declaration, e.g. services.api.extraObjects[0].
	Path string `json:"-"`
	at   []string
}

// Patch is a patch of the generated objects a target selects: a strategic
// merge patch or a JSON patch (RFC 6902), exactly one.
type Patch struct {
	Target         PatchTarget      `json:"target"`
	StrategicMerge map[string]any   `json:"strategicMerge,omitempty"`
	JSONPatch      []map[string]any `json:"jsonPatch,omitempty"`
	Pos            Pos              `json:"-"`
	// Path is the CUE path of the declaration, e.g. services.api.patches[1].
	Path string `json:"-"`
	// TargetPos is where the target is declared, BodyPos the strategic
	// merge patch, OpPos each JSON patch operation.
	TargetPos Pos   `json:"-"`
	BodyPos   Pos   `json:"-"`
	OpPos     []Pos `json:"-"`
}

// PatchTarget selects generated objects by kind and, optionally, name.
type PatchTarget struct {
	Kind string `json:"kind"`
	Name string `json:"name,omitempty"`
}

// Matches says whether the target selects an object of kind and name.
func (t PatchTarget) Matches(kind, name string) bool {
	return t.Kind == kind && (t.Name == "" || t.Name == name)
}

type rawPatch struct {
	Target struct {
		Kind string  `json:"kind"`
		Name *string `json:"name"`
	} `json:"target"`
	StrategicMerge map[string]any   `json:"strategicMerge"`
	JSONPatch      []map[string]any `json:"jsonPatch"`
}

// identityPaths are the JSON pointers of the fields that make an object
// what it is: a patch may not change them (target another object instead).
var identityPaths = []string{"/apiVersion", "/kind", "/metadata/name", "/metadata/namespace"}

// checkEscape checks every extraObjects and patches declaration once: on
// services, in their overrides and on environments.
func (l *loader) checkEscape(s *rawSpec) {
	for _, name := range sortedKeys(s.Services) {
		svc := s.Services[name]
		l.checkEscapeFields(&svc.rawWorkload, []string{"services", name})
		for _, env := range sortedKeys(svc.Overrides) {
			o := svc.Overrides[env]
			l.checkEscapeFields(&o, []string{"services", name, "overrides", env})
		}
	}
	for _, name := range sortedKeys(s.Environments) {
		l.checkPatches(s.Environments[name].Patches, []string{"environments", name, "patches"})
	}
}

func (l *loader) checkEscapeFields(w *rawWorkload, at []string) {
	for i, o := range w.ExtraObjects {
		l.checkExtraObject(o, appendPath(at, "extraObjects", fmt.Sprint(i)))
	}
	l.checkPatches(w.Patches, appendPath(at, "patches"))
}

// checkExtraObject requires apiVersion, kind and a valid metadata.name.
func (l *loader) checkExtraObject(o map[string]any, at []string) {
	for _, f := range []string{"apiVersion", "kind"} {
		if s, _ := o[f].(string); s == "" {
			l.addAt("extra-object", at, "an extra object needs %s: give the whole Kubernetes object (apiVersion, kind, metadata.name)", f)
		}
	}
	md, _ := o["metadata"].(map[string]any)
	name, _ := md["name"].(string)
	if name == "" {
		l.addAt("extra-object", at, "an extra object needs metadata.name: give the whole Kubernetes object (apiVersion, kind, metadata.name)")
		return
	}
	if errs := validation.IsDNS1123Subdomain(name); len(errs) > 0 {
		l.addAt("extra-object", appendPath(at, "metadata", "name"), "metadata.name %q is not a valid object name: %s", name, strings.Join(errs, "; "))
	}
}

// checkPatches checks each patch's shape: a target kind, exactly one of
// strategicMerge and jsonPatch, JSON patch operations that decode, paths
// that are JSON pointers, and no change of an object's identity.
func (l *loader) checkPatches(ps []rawPatch, at []string) {
	for i, p := range ps {
		pat := appendPath(at, fmt.Sprint(i))
		if p.Target.Kind == "" {
			l.addAt("patch", appendPath(pat, "target", "kind"), "a patch target names the kind of the generated objects it patches (e.g. Deployment)")
		}
		if n := p.Target.Name; n != nil && len(validation.IsDNS1123Subdomain(*n)) > 0 {
			l.addAt("patch", appendPath(pat, "target", "name"), "target name %q is not an object name", *n)
		}
		switch {
		case p.StrategicMerge == nil && p.JSONPatch == nil:
			l.addAt("patch", appendPath(pat, "target"), "a patch needs strategicMerge: {...} or jsonPatch: [...]")
		case p.StrategicMerge != nil && p.JSONPatch != nil:
			l.addAt("patch", appendPath(pat, "target"), "a patch is a strategicMerge or a jsonPatch, not both: split it in two patches")
		}
		if p.StrategicMerge != nil {
			l.checkStrategicMerge(p, appendPath(pat, "strategicMerge"))
		}
		if p.JSONPatch != nil {
			l.checkJSONPatch(p.JSONPatch, appendPath(pat, "jsonPatch"))
		}
	}
}

// checkStrategicMerge refuses a strategic merge patch that renames or
// moves its object, or makes it another kind.
func (l *loader) checkStrategicMerge(p rawPatch, at []string) {
	if k, ok := p.StrategicMerge["kind"]; ok && k != p.Target.Kind {
		l.addAt("patch", appendPath(at, "kind"), "a patch cannot change the kind of an object (target kind %q): leave kind out", p.Target.Kind)
	}
	md, _ := p.StrategicMerge["metadata"].(map[string]any)
	for _, f := range []string{"name", "namespace"} {
		if _, ok := md[f]; ok {
			l.addAt("patch", appendPath(at, "metadata", f), "a patch cannot change metadata.%s: the target selects the object; leave metadata.%s out", f, f)
		}
	}
}

// checkJSONPatch decodes each operation as RFC 6902 and checks its paths.
func (l *loader) checkJSONPatch(ops []map[string]any, at []string) {
	if len(ops) == 0 {
		l.addAt("patch", at, "a JSON patch needs at least one operation")
		return
	}
	for i, op := range ops {
		oat := appendPath(at, fmt.Sprint(i))
		kind, _ := op["op"].(string)
		for _, f := range []string{"path", "from"} {
			s, ok := op[f].(string)
			if !ok {
				continue
			}
			if s != "" && !strings.HasPrefix(s, "/") {
				l.addAt("patch", appendPath(oat, f), "%s %q is not a JSON pointer: it starts with / (e.g. /spec/template/spec/containers/0/env)", f, s)
				continue
			}
			if strings.Contains(strings.ReplaceAll(strings.ReplaceAll(s, "~0", ""), "~1", ""), "~") {
				l.addAt("patch", appendPath(oat, f), "%s %q has a ~ that is not ~0 or ~1 (JSON pointer escapes of ~ and /)", f, s)
				continue
			}
			if f == "path" && kind != "test" && isIdentityPath(s) {
				l.addAt("patch", appendPath(oat, f), "a patch cannot change %s: the target selects the object", s)
			}
		}
		_, hasValue := op["value"]
		_, hasFrom := op["from"]
		switch {
		case (kind == "add" || kind == "replace" || kind == "test") && !hasValue:
			l.addAt("patch", oat, "a JSON patch %q operation needs a value", kind)
		case (kind == "move" || kind == "copy") && !hasFrom:
			l.addAt("patch", oat, "a JSON patch %q operation needs from", kind)
		}
		if b, err := json.Marshal([]any{op}); err == nil {
			if _, err := jsonpatch.DecodePatch(b); err != nil {
				l.addAt("patch", oat, "not a JSON patch operation: %v", err)
			}
		}
	}
}

func isIdentityPath(p string) bool {
	for _, id := range identityPaths {
		if p == id || strings.HasPrefix(id, p+"/") || p == "" {
			return true
		}
	}
	return false
}

// patches converts declared patches into the model, locating each.
func (l *loader) patches(ps []rawPatch, at []string) []Patch {
	if len(ps) == 0 {
		return nil
	}
	out := make([]Patch, 0, len(ps))
	for i, p := range ps {
		pat := appendPath(at, fmt.Sprint(i))
		mp := Patch{Target: PatchTarget{Kind: p.Target.Kind, Name: deref(p.Target.Name)},
			StrategicMerge: p.StrategicMerge, JSONPatch: p.JSONPatch, Pos: l.pathPos(pat), Path: pathString(pat),
			TargetPos: l.pathPos(appendPath(pat, "target")), BodyPos: l.pathPos(appendPath(pat, "strategicMerge"))}
		for j := range p.JSONPatch {
			mp.OpPos = append(mp.OpPos, l.pathPos(appendPath(pat, "jsonPatch", fmt.Sprint(j))))
		}
		out = append(out, mp)
	}
	return out
}

// extraObjects converts declared objects into the model, locating each.
func (l *loader) extraObjects(objs []map[string]any, at []string) []ExtraObject {
	if len(objs) == 0 {
		return nil
	}
	out := make([]ExtraObject, 0, len(objs))
	for i, o := range objs {
		pat := appendPath(at, fmt.Sprint(i))
		// Located at its kind, which with its name says what it is.
		pos := l.pathPos(appendPath(pat, "kind"))
		out = append(out, ExtraObject{Value: o, Pos: pos, Path: pathString(pat), at: pat})
	}
	return out
}

// checkExtraNamespaces requires an extra object's namespace, when it sets
// one, to be the service's in every environment it runs in: the object is
// deployed with the service (a kustomize overlay sets the namespace of
// everything it deploys).
func (l *loader) checkExtraNamespaces(w Workload, envName string) {
	for _, o := range w.ExtraObjects {
		md, _ := o.Value["metadata"].(map[string]any)
		if ns, _ := md["namespace"].(string); ns != "" && ns != w.Namespace {
			l.addEnv("extra-object", appendPath(o.at, "metadata", "namespace"), envName,
				"an extra object is deployed in the service's namespace %q, not %q: leave metadata.namespace out", w.Namespace, ns)
		}
	}
}
