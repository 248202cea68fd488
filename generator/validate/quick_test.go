package validate

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"sigs.k8s.io/yaml"
)

// TestQuickKnowsEverySchemaField: every exported field of the library's
// compiled schema is either read by the quick check, an annotation, or
// left to the library (and then unsupportedKeywords says so). A field a
// later release adds fails here until it is classified.
func TestQuickKnowsEverySchemaField(t *testing.T) {
	quick := []string{"Bool", "Ref", "Types", "Enum", "AllOf", "AnyOf", "OneOf", "Not", "MaxProperties", "MinProperties",
		"Required", "Properties", "AdditionalProperties", "MinItems", "MaxItems", "Items2020", "MinLength", "MaxLength",
		"Pattern", "Maximum", "Minimum"}
	annotations := []string{"DraftVersion", "Location", "ID", "Anchor", "Title", "Description", "Default", "Comment",
		"ReadOnly", "WriteOnly", "Examples", "Deprecated"}
	library := []string{"RecursiveRef", "RecursiveAnchor", "DynamicRef", "DynamicAnchor", "Const", "If", "Then", "Else",
		"Format", "PropertyNames", "PatternProperties", "Dependencies", "DependentRequired", "DependentSchemas",
		"UnevaluatedProperties", "UniqueItems", "Contains", "MinContains", "MaxContains", "Items", "AdditionalItems",
		"PrefixItems", "UnevaluatedItems", "ContentEncoding", "ContentMediaType", "ContentSchema", "ExclusiveMaximum",
		"ExclusiveMinimum", "MultipleOf", "Extensions"}
	class := map[string]string{}
	for _, group := range []struct {
		name   string
		fields []string
	}{{"quick", quick}, {"annotation", annotations}, {"library", library}} {
		for _, f := range group.fields {
			class[f] = group.name
		}
	}
	rt := reflect.TypeFor[jsonschema.Schema]()
	for i := range rt.NumField() {
		f := rt.Field(i)
		if !f.IsExported() {
			continue
		}
		c, ok := class[f.Name]
		if !ok {
			t.Errorf("jsonschema.Schema.%s is not classified for the quick check", f.Name)
			continue
		}
		// Setting the field alone: unsupported exactly for the library's.
		s := &jsonschema.Schema{DraftVersion: 2020}
		setNonZero(t, reflect.ValueOf(s).Elem().Field(i))
		if f.Name == "DraftVersion" {
			s.DraftVersion = 2019
			c = "library"
		}
		if got := unsupportedKeywords(s); got != (c == "library") {
			t.Errorf("%s (%s): unsupportedKeywords = %v", f.Name, c, got)
		}
	}
}

// setNonZero gives v a value other than its zero value.
func setNonZero(t *testing.T, v reflect.Value) {
	t.Helper()
	switch v.Kind() {
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int:
		v.SetInt(1)
	case reflect.String:
		v.SetString("x")
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 1, 1))
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		m.SetMapIndex(reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem())
		v.Set(m)
	case reflect.Interface:
		if v.Type().NumMethod() > 0 { // Regexp
			v.Set(reflect.ValueOf(stdRegexp{}))
			return
		}
		v.Set(reflect.ValueOf(false))
	default:
		t.Fatalf("cannot set a %s", v.Type())
	}
}

// TestQuickAgreesWithTheLibrary: on every object of the generate goldens
// and the objects of this package's tests, for the oldest and the newest
// Kubernetes minor, the quick check finds the valid objects valid, and on
// variants of them (a field of each place added, removed, or of another
// type or value) it never gives a verdict the library does not: the
// shortcut can only skip the library where the library says valid.
func TestQuickAgreesWithTheLibrary(t *testing.T) {
	if testing.Short() {
		t.Skip("validates thousands of variants with the library")
	}
	objs := goldenObjects(t)
	for _, src := range []string{deployment, schedule, gitRepository, application, spc, httpRoute, serviceCIDR} {
		objs = append(objs, obj(t, src))
	}
	// Variants of one object of each kind, for the newest minor (the
	// library takes long on invalid objects).
	perKind := map[string]int{}
	var sample []map[string]any
	for _, o := range objs {
		k := fmt.Sprint(o["apiVersion"], "/", o["kind"])
		if perKind[k] == 0 {
			perKind[k]++
			sample = append(sample, o)
		}
	}
	if len(perKind) < 20 {
		t.Fatalf("the goldens hold %d kinds, want the generator's (20 or more)", len(perKind))
	}
	all := Versions()
	versions := []string{all[0], all[len(all)-1]} // compiling a minor's schemas takes long
	for i, version := range versions {
		v, err := validatorFor(version)
		if err != nil {
			t.Fatal(err)
		}
		var judged, variants int
		for _, o := range objs {
			ks, err := v.schema(fmt.Sprint(o["apiVersion"], "/", o["kind"]))
			if err != nil || ks == nil {
				continue // a kind this minor does not serve
			}
			if err := ks.s.Validate(o); err != nil {
				t.Fatalf("%s: a golden object does not validate: %v", version, err)
			}
			if q := ks.q.check(o, 0); q != valid {
				t.Errorf("%s: %s/%s: quick verdict %d on a valid object: the library validates it (slow)", version, o["kind"], name(o), q)
			}
		}
		for _, o := range sample {
			if i != len(versions)-1 {
				break
			}
			ks, _ := v.schema(fmt.Sprint(o["apiVersion"], "/", o["kind"]))
			if ks == nil {
				continue
			}
			for _, m := range mutations(o) {
				variants++
				q := ks.q.check(m.value, 0)
				err := ks.s.Validate(m.value)
				if q == unknown {
					continue
				}
				judged++
				if (q == valid) != (err == nil) {
					t.Errorf("%s: %s/%s, %s: quick says valid=%v, the library %v", version, o["kind"], name(o), m.what, q == valid, err)
				}
			}
		}
		if judged < variants*9/10 {
			t.Errorf("%s: the quick check judged %d of %d variants, want nine in ten", version, judged, variants)
		}
	}
}

func name(o map[string]any) string {
	md, _ := o["metadata"].(map[string]any)
	n, _ := md["name"].(string)
	return n
}

// goldenObjects are the Kubernetes objects of the generate goldens.
func goldenObjects(t *testing.T) []map[string]any {
	files, err := filepath.Glob(filepath.Join("..", "..", "testdata", "generate", "*.golden"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no generate goldens: %v", err)
	}
	var out []map[string]any
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, file := range strings.Split("\n"+string(data), "\n=== ")[1:] {
			path, body, _ := strings.Cut(file, "\n")
			if !strings.HasSuffix(path, ".yaml") || strings.Contains(path, "/templates/") || strings.Contains(path, "/patches/") {
				continue
			}
			for _, doc := range strings.Split(body, "\n---\n") {
				var m map[string]any
				if yaml.Unmarshal([]byte(doc), &m) != nil || m["apiVersion"] == nil || m["kind"] == nil ||
					strings.HasPrefix(fmt.Sprint(m["apiVersion"]), "kustomize.config.k8s.io/") {
					continue
				}
				out = append(out, m)
			}
		}
	}
	return out
}

// stdRegexp is a jsonschema.Regexp for setNonZero.
type stdRegexp struct{}

func (stdRegexp) String() string            { return "x" }
func (stdRegexp) MatchString(s string) bool { return s == "x" }

type mutation struct {
	what  string
	value map[string]any
}

// mutations are variants of o: at every place, a field added to each
// object, each field removed, each value replaced by values of other
// types and by other values of its type.
func mutations(o map[string]any) []mutation {
	var out []mutation
	var walk func(path []string, v any)
	walk = func(path []string, v any) {
		var repl []any
		switch v := v.(type) {
		case map[string]any:
			keys := make([]string, 0, len(v))
			for k := range v {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			added := deepCopy(v).(map[string]any)
			added["zzUnknown"] = "x"
			repl = append(repl, added, "text", []any{})
			for _, k := range keys {
				removed := deepCopy(v).(map[string]any)
				delete(removed, k)
				repl = append(repl, removed)
				walk(append(path, k), v[k])
			}
		case []any:
			repl = append(repl, []any{}, map[string]any{}, "text")
			if len(v) > 0 {
				repl = append(repl, append(deepCopy(v).([]any), deepCopy(v[0])))
			}
			for i, e := range v {
				walk(append(path, fmt.Sprint(i)), e)
			}
		case string:
			repl = append(repl, "", "Not A Valid Value!", strings.Repeat("x", 300), float64(12), true, nil, map[string]any{})
		case float64, int64, int:
			repl = append(repl, "12", 1.5, float64(-1), float64(1<<40), false, []any{})
		case bool:
			repl = append(repl, "true", float64(1), nil)
		case nil:
			repl = append(repl, "x", float64(0), map[string]any{})
		}
		for _, r := range repl {
			out = append(out, mutation{what: fmt.Sprintf("%s := %.40v", strings.Join(path, "."), r), value: replaceAt(o, path, r)})
		}
	}
	walk(nil, o)
	return out
}

// replaceAt is a copy of o with the value at path replaced (the root stays
// an object).
func replaceAt(o map[string]any, path []string, r any) map[string]any {
	if len(path) == 0 {
		if m, ok := r.(map[string]any); ok {
			return m
		}
		return map[string]any{"apiVersion": o["apiVersion"], "kind": o["kind"], "metadata": r}
	}
	root := deepCopy(o)
	cur := root
	for i, p := range path {
		last := i == len(path)-1
		switch c := cur.(type) {
		case map[string]any:
			if last {
				c[p] = r
			}
			cur = c[p]
		case []any:
			var n int
			fmt.Sscan(p, &n)
			if last {
				c[n] = r
			}
			cur = c[n]
		}
	}
	return root.(map[string]any)
}

// deepCopy copies a decoded JSON value (by encoding it again).
func deepCopy(v any) any {
	data, _ := json.Marshal(v)
	var out any
	_ = json.Unmarshal(data, &out)
	return out
}

// TestValidateExhaustiveReportsDisagreement: with a quick check made wrong
// on purpose, Validate takes its "valid" (the shortcut) while
// ValidateExhaustive runs the library too and names the disagreement.
func TestValidateExhaustiveReportsDisagreement(t *testing.T) {
	yes, no := true, false
	tests := []struct {
		name       string
		quick      *qnode
		src        string
		validate   string // substring of Validate's error; "": nil
		exhaustive string // of ValidateExhaustive's
	}{
		{name: "quick valid, schema invalid", quick: &qnode{boolean: &yes},
			src:        edit(t, deployment, "imagePullPolicy:", "pullPolicy:"),
			exhaustive: "Deployment/web: the quick check finds it valid, the schema validator invalid"},
		{name: "quick invalid, schema valid", quick: &qnode{boolean: &no}, src: deployment,
			exhaustive: "Deployment/web: the quick check finds it invalid, the schema validator valid"},
		{name: "quick unknown, schema invalid", quick: &qnode{unsupported: true},
			src:      edit(t, deployment, "imagePullPolicy:", "pullPolicy:"),
			validate: "pullPolicy: unknown field", exhaustive: "pullPolicy: unknown field"},
		{name: "quick unknown, schema valid", quick: &qnode{unsupported: true}, src: deployment},
	}
	v, err := validatorFor("1.34")
	if err != nil {
		t.Fatal(err)
	}
	const key = "apps/v1/Deployment"
	ks, err := v.schema(key)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { v.compiled.Store(key, ks) })
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v.compiled.Store(key, &kindSchema{s: ks.s, q: tc.quick})
			objs := []Object{{Source: "src", Value: obj(t, tc.src)}}
			for _, c := range []struct {
				run  func(string, []Object) error
				want string
			}{{Validate, tc.validate}, {ValidateExhaustive, tc.exhaustive}} {
				err := c.run("1.34", objs)
				switch {
				case c.want == "" && err != nil:
					t.Errorf("want nil, got %v", err)
				case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
					t.Errorf("want an error with %q, got %v", c.want, err)
				}
			}
		})
	}
}

// TestPrepare: Prepare compiles the schemas of the kinds it is given (and
// of no other), skips kinds without one, and refuses a version without
// schemas.
func TestPrepare(t *testing.T) {
	tests := []struct {
		version string
		kinds   []string
		wantErr bool
	}{
		{version: "1.33", kinds: []string{"apps/v1/Deployment", "velero.io/v1/Schedule"}},
		{version: "1.33", kinds: []string{"example.com/v1/Unknown"}},
		{version: "1.2", kinds: []string{"apps/v1/Deployment"}, wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.version+" "+strings.Join(tc.kinds, ","), func(t *testing.T) {
			err := Prepare(tc.version, tc.kinds)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, want error %v", err, tc.wantErr)
			}
			if tc.wantErr {
				return
			}
			v, _ := validatorFor(tc.version)
			for _, k := range tc.kinds {
				_, compiled := v.compiled.Load(k)
				if _, known := v.kinds[k]; compiled != known {
					t.Errorf("%s: compiled %v, has a schema %v", k, compiled, known)
				}
			}
			if _, ok := v.compiled.Load("apps/v1/StatefulSet"); ok {
				t.Error("StatefulSet compiled without being asked for")
			}
		})
	}
}

// TestEmbeddedSchemasAreValid: the embedded documents are valid JSON
// Schema as a whole (the compiler checks a document it loads against the
// meta-schema), for every minor: the validator loads only each kind's
// definitions, so a definition no kind of a generate uses is checked here.
func TestEmbeddedSchemasAreValid(t *testing.T) {
	crds, err := crdDoc()
	if err != nil {
		t.Fatal(err)
	}
	for _, version := range Versions() {
		k8s, err := readJSON("schemas/kubernetes-" + version + ".json.gz")
		if err != nil {
			t.Fatal(err)
		}
		c := jsonschema.NewCompiler()
		c.DefaultDraft(jsonschema.Draft2020)
		for _, doc := range []struct {
			url string
			m   map[string]any
		}{{baseURL + "kubernetes.json", k8s}, {baseURL + "crds.json", crds}} {
			if err := c.AddResource(doc.url, doc.m); err != nil {
				t.Fatal(err)
			}
			kinds, _ := doc.m["kinds"].(map[string]any)
			for _, def := range kinds {
				if _, err := c.Compile(doc.url + "#/$defs/" + def.(string)); err != nil {
					t.Errorf("%s: %v", version, err)
				}
				break // the whole document is checked on the first
			}
		}
	}
}
