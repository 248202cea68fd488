package generator

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	jsonpatch "gopkg.in/evanphx/json-patch.v4"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/strategicpatch"
	"k8s.io/client-go/kubernetes/scheme"

	"github.com/plinth-dev/plinth/generator/internal/tree"
	"github.com/plinth-dev/plinth/generator/validate"
	"github.com/plinth-dev/plinth/internal/gitops/render"
	"github.com/plinth-dev/plinth/schemas"
)

// The escape hatch (schemas/escape.go): the patches of an environment and of
// each workload are applied here, once, to the generated objects, and the
// extra objects added beside them. Both layouts then write the objects as
// they are (the kustomize bases and overlays, the helm values), so every
// engine deploys, and the render emulation computes, the same objects
// without a post-renderer. Strategic merge patches use apimachinery's
// strategicpatch with the Go type of the object's kind (a JSON merge patch,
// RFC 7386, for kinds without one, as kustomize does for a kind without a
// schema); JSON patches (RFC 6902) use evanphx/json-patch, kustomize's.

// escape patches the workloads of eo and adds their extra objects. Its
// error is a schemas.Errors located at the patch or object declared.
func (b *builder) escape(eo *tree.Env) error {
	env := eo.Env
	var errs schemas.Errors
	envUsed := make([]bool, len(env.Patches))
	for i := range eo.Workloads {
		errs = append(errs, patchWorkload(&eo.Workloads[i], env.Name, env.Patches, envUsed, eo.Cluster.KubernetesVersion)...)
		errs = append(errs, extraObjects(&eo.Workloads[i], eo.Cluster.KubernetesVersion)...)
	}
	for i, p := range env.Patches {
		if !envUsed[i] {
			errs = append(errs, targetError(p, fmt.Sprintf("no service of environment %q has a %%s", env.Name)))
		}
	}
	errs = append(errs, collisions(eo)...)
	if len(errs) > 0 {
		return errs
	}
	return nil
}

// patchWorkload applies the environment's patches, then the workload's, to
// each generated object their targets select.
func patchWorkload(wo *tree.Workload, envName string, envPatches []schemas.Patch, envUsed []bool, kubeVersion string) schemas.Errors {
	w := wo.Spec
	if len(envPatches) == 0 && len(w.Patches) == 0 {
		return nil
	}
	var errs schemas.Errors
	used := make([]bool, len(w.Patches))
	for i, o := range wo.Objects {
		var last *schemas.Patch
		for _, set := range []struct {
			patches []schemas.Patch
			used    []bool
		}{{envPatches, envUsed}, {w.Patches, used}} {
			for j := range set.patches {
				p := &set.patches[j]
				if !p.Target.Matches(o.Kind, o.Name) {
					continue
				}
				set.used[j] = true
				n, at, path, err := applyPatch(o, p)
				if err != nil {
					errs = append(errs, &schemas.Error{Pos: at, Path: path, Rule: "patch-target",
						Msg: fmt.Sprintf("in environment %q, %s %s: %v", envName, o.Kind, o.Name, err)})
					continue
				}
				o, last = n, p
			}
		}
		if last == nil {
			continue
		}
		if err := validate.Validate(kubeVersion, []validate.Object{{Source: last.Path, Value: o.Value}}); err != nil {
			errs = append(errs, invalidObject(bodyPos(last), last.Path, "patch-target", fmt.Sprintf("in environment %q, the patched %s %s is invalid", envName, o.Kind, o.Name), err))
			continue
		}
		wo.Objects[i] = o
		wo.Patched = true
	}
	for j, p := range w.Patches {
		if !used[j] {
			errs = append(errs, targetError(p, fmt.Sprintf("service %q has no %%s", w.Name)))
		}
	}
	return errs
}

// targetError says that a patch's target matches no generated object;
// format says who has no object of the target, with a %s for it.
func targetError(p schemas.Patch, format string) *schemas.Error {
	what := p.Target.Kind
	if p.Target.Name != "" {
		what += " named " + p.Target.Name
	}
	return &schemas.Error{Pos: p.TargetPos, Path: p.Path + ".target", Rule: "patch-target",
		Msg: "the target matches no generated object: " + fmt.Sprintf(format, what) + " (plinth generates its objects from the fields of the service; use extraObjects for an object of your own)"}
}

// applyPatch applies one patch to an object; the result keeps its identity.
// Its error is located at the part of the patch that failed.
func applyPatch(o tree.Object, p *schemas.Patch) (tree.Object, schemas.Pos, string, error) {
	doc, err := json.Marshal(o.Value)
	if err != nil {
		return o, p.Pos, p.Path, fmt.Errorf("encode: %w", err)
	}
	if p.StrategicMerge != nil {
		at, path := p.BodyPos, p.Path+".strategicMerge"
		patch, err := json.Marshal(p.StrategicMerge)
		if err != nil {
			return o, at, path, fmt.Errorf("encode strategicMerge: %w", err)
		}
		gvk := schema.FromAPIVersionAndKind(o.APIVersion, o.Kind)
		if typed, terr := scheme.Scheme.New(gvk); terr == nil {
			doc, err = strategicpatch.StrategicMergePatch(doc, patch, typed)
		} else {
			doc, err = jsonpatch.MergePatch(doc, patch)
		}
		if err != nil {
			return o, at, path, fmt.Errorf("the strategic merge patch does not apply: %w", err)
		}
		return decodePatched(o, doc, at, path)
	}
	// One operation at a time, to name the one that fails.
	for i, op := range p.JSONPatch {
		at, path := p.Pos, fmt.Sprintf("%s.jsonPatch[%d]", p.Path, i)
		if i < len(p.OpPos) {
			at = p.OpPos[i]
		}
		b, err := json.Marshal([]any{op})
		if err != nil {
			return o, at, path, fmt.Errorf("encode: %w", err)
		}
		ops, err := jsonpatch.DecodePatch(b)
		if err != nil {
			return o, at, path, fmt.Errorf("not a JSON patch operation: %w", err)
		}
		if doc, err = ops.Apply(doc); err != nil {
			return o, at, path, fmt.Errorf("the JSON patch operation does not apply: %w", err)
		}
	}
	return decodePatched(o, doc, p.Pos, p.Path+".jsonPatch")
}

// bodyPos is where a patch's changes are declared: its strategic merge
// patch or its last JSON patch operation.
func bodyPos(p *schemas.Patch) schemas.Pos {
	switch {
	case p.StrategicMerge != nil:
		return p.BodyPos
	case len(p.OpPos) > 0:
		return p.OpPos[len(p.OpPos)-1]
	}
	return p.Pos
}

// decodePatched decodes a patched object and checks it is still o.
func decodePatched(o tree.Object, doc []byte, at schemas.Pos, path string) (tree.Object, schemas.Pos, string, error) {
	m, err := tree.DecodeObject(doc)
	if err != nil {
		return o, at, path, fmt.Errorf("decode the patched object: %w", err)
	}
	n, err := tree.FromMap(m)
	if err != nil || n.ID() != o.ID() {
		return o, at, path, fmt.Errorf("the patch changes what the object is (apiVersion, kind, name or namespace): target the object you mean instead")
	}
	return n, at, path, nil
}

// extraObjects adds a workload's extra objects, in its namespace.
func extraObjects(wo *tree.Workload, kubeVersion string) schemas.Errors {
	w := wo.Spec
	if len(w.ExtraObjects) == 0 {
		return nil
	}
	var errs schemas.Errors
	generated, declared := map[string]bool{}, map[string]bool{}
	for _, o := range wo.Objects {
		generated[o.ID()] = true
	}
	for _, x := range w.ExtraObjects {
		v, err := deepCopy(x.Value)
		if err == nil {
			md, _ := v["metadata"].(map[string]any)
			if md == nil {
				md = map[string]any{}
				v["metadata"] = md
			}
			md["namespace"] = w.Namespace
		}
		var o tree.Object
		if err == nil {
			o, err = tree.FromMap(v)
		}
		fail := func(format string, args ...any) {
			errs = append(errs, &schemas.Error{Pos: x.Pos, Path: x.Path, Rule: "extra-object", Msg: fmt.Sprintf(format, args...)})
		}
		switch {
		case err != nil:
			fail("%v", err)
			continue
		case render.ClusterScoped(o.Kind):
			fail("%s is a cluster-scoped kind: extra objects are deployed in the service's namespace; declare cluster-wide objects outside plinth's output (or as an addon)", o.Kind)
			continue
		case generated[o.ID()]:
			fail("%s %q is generated by plinth for the service: patch it (patches: [{target: {kind: %q, name: %q}, ...}]) instead of declaring it", o.Kind, o.Name, o.Kind, o.Name)
			continue
		case declared[o.ID()]:
			fail("%s %q is declared twice: each extra object has a name of its own", o.Kind, o.Name)
			continue
		}
		if err := validate.Validate(kubeVersion, []validate.Object{{Source: x.Path, Value: o.Value}}); err != nil {
			errs = append(errs, invalidObject(x.Pos, x.Path, "extra-object", "the extra object is invalid", err))
			continue
		}
		declared[o.ID()] = true
		wo.Extra = append(wo.Extra, o)
	}
	return errs
}

// collisions reports extra objects that share a name with another object of
// their namespace: a team namespace's own objects or another service's.
func collisions(eo *tree.Env) schemas.Errors {
	if !slices.ContainsFunc(eo.Workloads, func(wo tree.Workload) bool { return len(wo.Extra) > 0 }) {
		return nil
	}
	owner := map[string]string{}
	for team, objs := range eo.Infra {
		for _, o := range objs {
			owner[o.ID()] = "the namespace objects of team " + team
		}
	}
	for _, wo := range eo.Workloads {
		for _, o := range wo.Objects {
			owner[o.ID()] = "service " + wo.Spec.Name
		}
	}
	var errs schemas.Errors
	for _, wo := range eo.Workloads {
		for _, o := range wo.Extra {
			x := extraDecl(wo, o)
			if by, ok := owner[o.ID()]; ok && by != "service "+wo.Spec.Name {
				errs = append(errs, &schemas.Error{Pos: x.Pos, Path: x.Path, Rule: "extra-object",
					Msg: fmt.Sprintf("in environment %q, %s %q of namespace %s is also an object of %s: give it another name", eo.Env.Name, o.Kind, o.Name, o.Namespace, by)})
				continue
			}
			owner[o.ID()] = "service " + wo.Spec.Name
		}
	}
	return errs
}

// extraDecl is the declaration of an extra object of a workload: the one
// of its kind and name (extraObjects refuses two).
func extraDecl(wo tree.Workload, o tree.Object) schemas.ExtraObject {
	for _, x := range wo.Spec.ExtraObjects {
		md, _ := x.Value["metadata"].(map[string]any)
		if x.Value["kind"] == o.Kind && md["name"] == o.Name {
			return x
		}
	}
	return schemas.ExtraObject{Pos: wo.Spec.Source, Path: "services." + wo.Spec.Name + ".extraObjects"}
}

// invalidObject is a located error for an object that fails offline
// validation, one line per problem without the validator's prefix.
func invalidObject(pos schemas.Pos, path, rule, what string, err error) *schemas.Error {
	var lines []string
	if ve := (*validate.Error)(nil); errors.As(err, &ve) {
		for _, l := range ve.Problems {
			lines = append(lines, strings.TrimPrefix(l, path+": "))
		}
	} else {
		lines = []string{err.Error()}
	}
	return &schemas.Error{Pos: pos, Path: path, Rule: rule, Msg: what + ": " + strings.Join(lines, "; ")}
}

// deepCopy copies a JSON-compatible value.
func deepCopy(v map[string]any) (map[string]any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encode: %w", err)
	}
	out, err := tree.DecodeObject(b)
	if err != nil {
		return nil, fmt.Errorf("decode: %w", err)
	}
	return out, nil
}
