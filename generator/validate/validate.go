// Package validate checks Kubernetes objects offline against the OpenAPI
// schema of a Kubernetes version and the CRD schemas of the custom resources
// plinth writes (Velero, Flux, Argo CD, Gateway API, Secrets Store CSI).
//
// Validation is strict like `kubeconform -strict`: unknown fields, wrong
// types, missing required fields and unknown kinds are errors. The schemas
// are embedded (gzip-compressed JSON Schema derived from the published
// sources by `make schemas`, see schemas/SOURCES); each kind's schema is
// compiled on first use and cached per Kubernetes minor. Validate is safe
// for concurrent use.
package validate

import (
	"bytes"
	"compress/gzip"
	"embed"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// The CRDs as published (crds.yaml.gz) are for tests only
// (internal/testutil/crds) and not embedded.
//
//go:embed schemas/kubernetes-*.json.gz schemas/crds.json.gz
var embedded embed.FS

const (
	baseURL  = "https://plinth.dev/schemas/"
	kindsURL = baseURL + "kinds/" // a kind's document: kindsURL + "apps/v1/Deployment.json"
)

// Object is one Kubernetes object to validate. Value is its JSON form
// (as decoded by encoding/json or sigs.k8s.io/yaml); Source names where it
// comes from (a file path, or file:line) and prefixes its problems.
type Object struct {
	Source string
	Value  map[string]any
}

// Versions returns the supported Kubernetes minors ("1.32", ...), sorted.
func Versions() []string { return slices.Clone(versions()) }

var versions = sync.OnceValue(func() []string {
	ents, _ := fs.Glob(embedded, "schemas/kubernetes-*.json.gz")
	var vs []string
	for _, e := range ents {
		vs = append(vs, strings.TrimSuffix(strings.TrimPrefix(e, "schemas/kubernetes-"), ".json.gz"))
	}
	sort.Slice(vs, func(i, j int) bool { return minorLess(vs[i], vs[j]) })
	return vs
})

func minorLess(a, b string) bool {
	_, am, _ := strings.Cut(a, ".")
	_, bm, _ := strings.Cut(b, ".")
	ai, _ := strconv.Atoi(am)
	bi, _ := strconv.Atoi(bm)
	return ai < bi
}

var minorRE = regexp.MustCompile(`^v?(1\.[0-9]+)(\.[0-9]+)?([-+].*)?$`)

// Minor normalises a Kubernetes version ("1.34", "v1.34.2") to its minor
// ("1.34") and reports whether schemas for it are embedded.
func Minor(kubeVersion string) (string, bool) {
	m := minorRE.FindStringSubmatch(strings.TrimSpace(kubeVersion))
	if m == nil {
		return "", false
	}
	return m[1], slices.Contains(versions(), m[1])
}

// Kinds returns the "apiVersion/Kind" keys the schemas of a Kubernetes
// version know (built-in and custom resources), sorted.
func Kinds(kubeVersion string) ([]string, error) {
	v, err := validatorFor(kubeVersion)
	if err != nil {
		return nil, err
	}
	var ks []string
	for k := range v.kinds {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks, nil
}

// Validate checks every object against the schemas of kubeVersion. It returns
// nil or one error listing every problem, one per line, as
// "source: Kind/name: field.path: message", in input order.
func Validate(kubeVersion string, objs []Object) error {
	return validateAll(kubeVersion, objs, false)
}

// ValidateExhaustive is Validate with the library validating every object,
// also those the quick check (quick.go) finds valid: a quick verdict that
// differs from the library's is a problem of the object.
func ValidateExhaustive(kubeVersion string, objs []Object) error {
	return validateAll(kubeVersion, objs, true)
}

func validateAll(kubeVersion string, objs []Object, exhaustive bool) error {
	v, err := validatorFor(kubeVersion)
	if err != nil {
		return err
	}
	problems := make([][]string, len(objs))
	workers := min(runtime.GOMAXPROCS(0), len(objs))
	if len(objs) < 64 {
		workers = 1
	}
	var wg sync.WaitGroup
	next := make(chan int)
	for range workers {
		wg.Go(func() {
			for i := range next {
				problems[i] = v.object(objs[i], exhaustive)
			}
		})
	}
	for i := range objs {
		next <- i
	}
	close(next)
	wg.Wait()
	var all []string
	for _, p := range problems {
		all = append(all, p...)
	}
	if len(all) == 0 {
		return nil
	}
	return &Error{Problems: all}
}

// Error lists the problems of a validation run.
type Error struct {
	Problems []string // "source: Kind/name: field.path: message"
}

func (e *Error) Error() string {
	if len(e.Problems) == 1 {
		return "invalid object: " + e.Problems[0]
	}
	return fmt.Sprintf("%d schema problems:\n  %s", len(e.Problems), strings.Join(e.Problems, "\n  "))
}

// validator holds the schemas of one Kubernetes minor.
type validator struct {
	minor string
	kinds map[string]string // "apps/v1/Deployment" -> its definition in defs
	defs  map[string]any    // every definition (definitions)

	mu       sync.Mutex // guards compiler
	compiler *jsonschema.Compiler
	compiled sync.Map // kind key -> *kindSchema
}

// kindSchema is a kind's compiled schema, for the library and the quick
// check.
type kindSchema struct {
	s *jsonschema.Schema
	q *qnode
}

var printer = message.NewPrinter(language.English)

var (
	validatorsMu sync.Mutex
	validators   = map[string]*validator{}
	crdDoc       = sync.OnceValues(func() (map[string]any, error) { return readJSON("schemas/crds.json.gz") })
)

func validatorFor(kubeVersion string) (*validator, error) {
	minor, ok := Minor(kubeVersion)
	if !ok {
		return nil, fmt.Errorf("kubernetes version %q: no schemas (supported: %s)", kubeVersion, strings.Join(Versions(), ", "))
	}
	validatorsMu.Lock()
	defer validatorsMu.Unlock()
	if v := validators[minor]; v != nil {
		return v, nil
	}
	k8s, err := readJSON("schemas/kubernetes-" + minor + ".json.gz")
	if err != nil {
		return nil, err
	}
	crds, err := crdDoc()
	if err != nil {
		return nil, err
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	v := &validator{minor: minor, compiler: c}
	v.defs, v.kinds = definitions(k8s, crds)
	validators[minor] = v
	return v, nil
}

func (v *validator) schema(key string) (*kindSchema, error) {
	if s, ok := v.compiled.Load(key); ok {
		return s.(*kindSchema), nil
	}
	def, ok := v.kinds[key]
	if !ok {
		return nil, nil
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	if s, ok := v.compiled.Load(key); ok {
		return s.(*kindSchema), nil
	}
	// The kind's own document, as ExportStandalone writes it for the
	// peers: the compiler checks each document it loads against the JSON
	// Schema meta-schema, which for the whole documents (every definition,
	// every CRD and its patterns) took a second of a generate's CPU.
	url := kindsURL + key + ".json"
	if err := v.compiler.AddResource(url, standalone(v.defs, def)); err != nil {
		return nil, fmt.Errorf("schema of %s: %w", key, err)
	}
	s, err := v.compiler.Compile(url + "#/$defs/" + def)
	if err != nil {
		return nil, fmt.Errorf("compile schema of %s: %w", key, err)
	}
	ks := &kindSchema{s: s, q: compileQuick(s)}
	v.compiled.Store(key, ks)
	return ks, nil
}

// object returns the problems of one object; exhaustive: the library
// validates it even when the quick check finds it valid.
func (v *validator) object(o Object, exhaustive bool) []string {
	apiVersion, _ := o.Value["apiVersion"].(string)
	kindName, _ := o.Value["kind"].(string)
	meta, _ := o.Value["metadata"].(map[string]any)
	name, _ := meta["name"].(string)
	prefix := fmt.Sprintf("%s: %s/%s: ", o.Source, orDash(kindName), orDash(name))
	switch {
	case o.Value == nil:
		return []string{o.Source + ": empty object"}
	case apiVersion == "" || kindName == "":
		return []string{prefix + "apiVersion and kind are required"}
	}
	var out []string
	if name == "" {
		if gn, _ := meta["generateName"].(string); gn == "" {
			out = append(out, prefix+"metadata.name: required field missing")
		}
	}
	ks, err := v.schema(apiVersion + "/" + kindName)
	if err != nil {
		return append(out, prefix+err.Error())
	}
	if ks == nil {
		return append(out, fmt.Sprintf("%sunknown kind %s %s for Kubernetes %s", prefix, apiVersion, kindName, v.minor))
	}
	val := any(o.Value)
	if !jsonCompatible(val) {
		b, err := json.Marshal(val)
		if err != nil {
			return append(out, prefix+"not JSON-serialisable: "+err.Error())
		}
		val = nil
		if err := json.Unmarshal(b, &val); err != nil {
			return append(out, prefix+"not JSON-serialisable: "+err.Error())
		}
	}
	quick := ks.q.check(val, 0)
	if quick == valid && !exhaustive {
		return out
	}
	err = ks.s.Validate(val)
	if exhaustive && quick != unknown && (quick == valid) != (err == nil) {
		out = append(out, fmt.Sprintf("%sthe quick check finds it %s, the schema validator %s", prefix, validity(quick == valid), validity(err == nil)))
	}
	if err == nil {
		return out
	}
	ve, ok := err.(*jsonschema.ValidationError)
	if !ok {
		return append(out, prefix+err.Error())
	}
	var msgs []string
	leaves(ve, &msgs)
	slices.Sort(msgs)
	msgs = slices.Compact(msgs)
	for _, m := range msgs {
		out = append(out, prefix+m)
	}
	return out
}

func validity(ok bool) string {
	if ok {
		return "valid"
	}
	return "invalid"
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// leaves collects "path: message" for the innermost errors of ve.
func leaves(ve *jsonschema.ValidationError, out *[]string) {
	switch k := ve.ErrorKind.(type) {
	case *kind.AdditionalProperties:
		for _, p := range k.Properties {
			*out = append(*out, fieldPath(append(slices.Clone(ve.InstanceLocation), p))+": unknown field")
		}
		return
	case *kind.Required:
		for _, p := range k.Missing {
			*out = append(*out, fieldPath(append(slices.Clone(ve.InstanceLocation), p))+": required field missing")
		}
		return
	case *kind.Type:
		want := slices.DeleteFunc(slices.Clone(k.Want), func(s string) bool { return s == "null" })
		*out = append(*out, fieldPath(ve.InstanceLocation)+": expected "+strings.Join(want, " or ")+", got "+k.Got)
		return
	case *kind.Enum:
		var want []string
		for _, w := range k.Want {
			if w != nil {
				want = append(want, fmt.Sprintf("%q", fmt.Sprint(w)))
			}
		}
		*out = append(*out, fmt.Sprintf("%s: %q is not one of %s", fieldPath(ve.InstanceLocation), fmt.Sprint(k.Got), strings.Join(want, ", ")))
		return
	case *kind.AnyOf, *kind.OneOf:
		if len(ve.Causes) > 0 {
			var alts []string
			for _, c := range ve.Causes {
				var sub []string
				leaves(c, &sub)
				alts = append(alts, strings.Join(sub, " and "))
			}
			*out = append(*out, fieldPath(ve.InstanceLocation)+": matches none of the allowed forms ("+strings.Join(alts, "; or ")+")")
			return
		}
	}
	if len(ve.Causes) == 0 {
		*out = append(*out, fieldPath(ve.InstanceLocation)+": "+ve.ErrorKind.LocalizedString(printer))
		return
	}
	for _, c := range ve.Causes {
		leaves(c, out)
	}
}

// fieldPath renders a JSON instance location as spec.containers[0].name.
func fieldPath(loc []string) string {
	if len(loc) == 0 {
		return "(root)"
	}
	var b strings.Builder
	for i, p := range loc {
		if _, err := strconv.Atoi(p); err == nil {
			b.WriteString("[" + p + "]")
			continue
		}
		if i > 0 {
			b.WriteByte('.')
		}
		b.WriteString(p)
	}
	return b.String()
}

// jsonCompatible reports whether v holds only the types JSON decoding yields
// (plus Go integers), which is what the schema validator understands.
func jsonCompatible(v any) bool {
	switch v := v.(type) {
	case nil, bool, string, float64, float32, int, int32, int64, uint, uint32, uint64, json.Number:
		return true
	case map[string]any:
		for _, e := range v {
			if !jsonCompatible(e) {
				return false
			}
		}
		return true
	case []any:
		for _, e := range v {
			if !jsonCompatible(e) {
				return false
			}
		}
		return true
	}
	return false
}

func readGzip(name string) ([]byte, error) {
	f, err := embedded.Open(name)
	if err != nil {
		return nil, fmt.Errorf("embedded schemas: %w", err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("embedded %s: %w", name, err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		return nil, fmt.Errorf("embedded %s: %w", name, err)
	}
	return b, nil
}

func readJSON(name string) (map[string]any, error) {
	b, err := readGzip(name)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	if err := d.Decode(&m); err != nil {
		return nil, fmt.Errorf("embedded %s: %w", name, err)
	}
	return m, nil
}
