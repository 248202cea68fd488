package render

import (
	"encoding/base64"
	"fmt"
	"regexp"
	"strings"

	yaml "go.yaml.in/yaml/v3"
)

// Flux postBuild variable substitution, as kustomize-controller does it:
// on each built object's YAML text, after the build, then parsed again (so
// "replicas: ${n}" becomes a number).

// substituteDisabled is the label or annotation value that turns
// substitution off for an object.
const substituteKey = "kustomize.toolkit.fluxcd.io/substitute"

var varName = regexp.MustCompile(`^[_a-zA-Z][_a-zA-Z0-9]*$`)

// envsubst replaces ${var}, ${var:=default}, ${var:-default},
// ${var=default} and ${var-default} in s: a variable without a value is
// empty (no strict mode); $${ is a literal ${. $var without braces is left
// as it is.
func envsubst(s string, vars map[string]string) (string, error) {
	if !strings.Contains(s, "${") {
		return s, nil
	}
	var b strings.Builder
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			b.WriteString(s)
			return b.String(), nil
		}
		if i > 0 && s[i-1] == '$' {
			b.WriteString(s[:i-1])
			b.WriteString("${")
			s = s[i+2:]
			continue
		}
		b.WriteString(s[:i])
		end := strings.IndexByte(s[i:], '}')
		if end < 0 {
			return "", fmt.Errorf("variable substitution: unterminated ${ in %q", truncate(s[i:], 40))
		}
		expr := s[i+2 : i+end]
		s = s[i+end+1:]
		name, def, hasDef := expr, "", false
		for _, op := range []string{":=", ":-", "=", "-"} {
			if j := strings.Index(expr, op); j > 0 {
				name, def, hasDef = expr[:j], expr[j+len(op):], true
				break
			}
		}
		if !varName.MatchString(name) {
			return "", fmt.Errorf("variable substitution: bad substitution ${%s}", truncate(expr, 40))
		}
		if v := vars[name]; v != "" || !hasDef {
			b.WriteString(v)
		} else {
			b.WriteString(def)
		}
	}
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}

// substituteObject applies the variables to an object unless its label or
// annotation turns substitution off. An object whose substituted text does
// not parse is kept as it was (kustomize-controller fails the whole
// Kustomization).
func substituteObject(o Object, vars map[string]string) Object {
	if str(o.Value, "metadata", "labels", substituteKey) == "disabled" || str(o.Value, "metadata", "annotations", substituteKey) == "disabled" {
		return o
	}
	out, err := substituteValue(o.Value, vars)
	if err != nil {
		return o
	}
	o.Value = out
	o.Name, o.Namespace = str(out, "metadata", "name"), str(out, "metadata", "namespace")
	return o
}

func substituteValue(v map[string]any, vars map[string]string) (map[string]any, error) {
	data, err := yaml.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("variable substitution: %w", err)
	}
	text, err := envsubst(string(data), vars)
	if err != nil {
		return nil, err
	}
	docs, err := parseDocs([]byte(text))
	if err != nil || len(docs) != 1 {
		return nil, fmt.Errorf("variable substitution: the result is not one object: %v", err)
	}
	return docs[0].Value, nil
}

// configData returns the data of a ConfigMap or a Secret of the repository
// as the cluster holds it: a ConfigMap's data; a Secret's data (base64,
// decoded) with stringData over it.
func configData(o Object) (map[string]string, error) {
	out := map[string]string{}
	for k, v := range mapAt(o.Value, "data") {
		s := fmt.Sprint(v)
		if o.Kind == "Secret" {
			b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(s))
			if err != nil {
				return nil, fmt.Errorf("%s: data.%s is not base64: %w", o.ID(), k, err)
			}
			s = string(b)
		}
		out[k] = s
	}
	if o.Kind == "Secret" {
		for k, v := range mapAt(o.Value, "stringData") {
			out[k] = fmt.Sprint(v)
		}
	}
	return out, nil
}

// fluxVars are the postBuild variables of a Kustomization: substituteFrom
// ConfigMaps and Secrets of the repository in the Kustomization's
// namespace (in order, later over earlier; optional ones may be missing),
// then substitute over them. Newlines are removed from values.
func (d *renderer) fluxVars(o Object) (map[string]string, []Problem) {
	post := mapAt(o.Value, "spec", "postBuild")
	vars := map[string]string{}
	var probs []Problem
	for _, ref := range listAt(post, "substituteFrom") {
		kind, name := str(ref, "kind"), str(ref, "name")
		if kind != "ConfigMap" && kind != "Secret" {
			probs = append(probs, d.badRef(o, "postBuild.substituteFrom: kind %q is not ConfigMap or Secret", kind))
			continue
		}
		src, ok := d.fluxIdx.get(o.Cluster, kind, o.Namespace, name)
		if !ok {
			if get(ref, "optional") != true {
				probs = append(probs, d.notEvaluated(o, ReasonClusterValue,
					"postBuild.substituteFrom %s %s/%s is not in this repository (made in the cluster?); its variables are left empty", kind, o.Namespace, name))
			}
			continue
		}
		data, err := configData(src)
		if err != nil {
			probs = append(probs, d.badRef(o, "postBuild.substituteFrom: %v", err))
			continue
		}
		for k, v := range data {
			vars[k] = strings.ReplaceAll(v, "\n", "")
		}
	}
	for k, v := range mapAt(post, "substitute") {
		vars[k] = strings.ReplaceAll(fmt.Sprint(v), "\n", "")
	}
	for k := range vars {
		if !varName.MatchString(k) {
			probs = append(probs, d.badRef(o, "postBuild: variable name %q is invalid", k))
			delete(vars, k)
		}
	}
	return vars, probs
}
