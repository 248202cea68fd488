package render

import (
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/client-go/kubernetes/scheme"
	"sigs.k8s.io/kustomize/kyaml/resid"
)

// walkAgrees says whether the walk's answer for v at type t (a pointer
// type) is decodesIntoJSON's; known: the walk gave one.
func walkAgrees(v any, t reflect.Type) (agree, known, want bool) {
	want = decodesIntoJSON(v, t)
	ok, known := typedWalk(v, t)
	return !known || ok == want, known, want
}

// walkTally counts a differential test's checks.
type walkTally struct{ checked, known, invalid int }

// check holds the walk to decodesIntoJSON on v at type t.
func (w *walkTally) check(t *testing.T, v any, tp reflect.Type) {
	t.Helper()
	agree, known, want := walkAgrees(v, tp)
	w.checked++
	if known {
		w.known++
	}
	if !want {
		w.invalid++
	}
	if !agree {
		text, _ := json.Marshal(v)
		t.Errorf("%s: walk says %v, JSON %v: %s", tp, !want, want, text)
	}
}

// done fails the test when the walk answered under minKnown of the
// checks, or the values were nearly all of one side.
func (w *walkTally) done(t *testing.T, minKnown float64) {
	t.Helper()
	t.Logf("%d checks, %d answered by the walk, %d not decoding", w.checked, w.known, w.invalid)
	if float64(w.known) < minKnown*float64(w.checked) || w.invalid < w.checked/10 || w.invalid > w.checked*9/10 {
		t.Errorf("%d of %d answered, %d not decoding: the cases miss one side", w.known, w.checked, w.invalid)
	}
}

// walkPalette are values put in place of others: each kind JSON decoding
// treats in its own way, numbers at the edges of int32, int64, uint64 and
// float32, quantities, times and base64 good and bad, text JSON escapes.
var walkPalette = []any{
	nil, true, false, "", "x", "100m", "1Gi", " 1 ", "1e3", "1.5", "-1", "abc", "YWJj", "YWJ", "not a time",
	"2026-01-01T00:00:00Z", "2026-01-01", "\t5", "<&>", "25%", "é", "\u2028", "a\x00b", "\xff",
	0, 1, -1, 255, 256, -129, 1 << 31, -1 << 31, -1<<31 - 1, 1<<31 - 1, int64(math.MaxInt64), int64(math.MinInt64),
	uint64(math.MaxUint64), uint64(1 << 63), uint64(7),
	0.0, math.Copysign(0, -1), 1.5, -2.5, 3.0, 1e21, 1e20, 1e-7, 1e-6, 4e38, -4e38, 3.4e38, 1e300, 5e-324, 9007199254740993.0,
	math.NaN(), math.Inf(1),
	map[string]any{}, map[string]any{"a": "b"}, map[string]any{"a": 1}, map[string]any{"name": "x", "value": "y"},
	map[string]any{"Name": "x"}, map[string]any{"x": math.NaN()},
	[]any{}, []any{"a"}, []any{1, 2}, []any{map[string]any{"name": "a", "image": "b"}}, []any{nil}, []any{math.Inf(-1)},
	[]any{1, 2, "x"}, []any{1, 2, math.NaN()}, []any{1, 2, 3},
	int32(1), float32(1.5), []string{"a"}, map[string]any(nil), []any(nil),
}

// mutate returns a copy of v with one place changed: a value replaced by
// one of the palette or by another place's, a member added, removed or
// renamed (in another case, or to one the type does not have).
func mutate(rng *rand.Rand, v any, depth int) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x)+1)
		for k, e := range x {
			out[k] = e
		}
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		if len(keys) == 0 || rng.IntN(8) == 0 {
			out[[]string{"unknown", "spec", "Spec", "metadata", "NAME", "ſpec", "\u212aind", "\xffk"}[rng.IntN(8)]] = walkPalette[rng.IntN(len(walkPalette))]
			return out
		}
		k := keys[rng.IntN(len(keys))]
		switch rng.IntN(10) {
		case 0:
			delete(out, k)
		case 1:
			delete(out, k)
			out[strings.ToUpper(k[:1])+k[1:]] = x[k]
		case 2:
			out[strings.ToUpper(k)] = walkPalette[rng.IntN(len(walkPalette))]
		case 3, 4:
			out[k] = walkPalette[rng.IntN(len(walkPalette))]
		default:
			if depth > 12 {
				out[k] = walkPalette[rng.IntN(len(walkPalette))]
			} else {
				out[k] = mutate(rng, x[k], depth+1)
			}
		}
		return out
	case []any:
		out := slices.Clone(x)
		if len(out) == 0 || rng.IntN(6) == 0 {
			return append(out, walkPalette[rng.IntN(len(walkPalette))])
		}
		i := rng.IntN(len(out))
		if rng.IntN(3) == 0 || depth > 12 {
			out[i] = walkPalette[rng.IntN(len(walkPalette))]
		} else {
			out[i] = mutate(rng, out[i], depth+1)
		}
		return out
	}
	return walkPalette[rng.IntN(len(walkPalette))]
}

// testdataObjects are the objects of every YAML file under the
// repository's testdata directories.
func testdataObjects(t *testing.T) []map[string]any {
	t.Helper()
	root := filepath.Join("..", "..", "..")
	var objects []map[string]any
	for _, dir := range []string{"testdata", "internal/gitops/render/testdata", "internal/gitops/source/testdata", "reports/testdata", "reports/scan/testdata", "generator/testdata"} {
		err := filepath.WalkDir(filepath.Join(root, dir), func(p string, e fs.DirEntry, err error) error {
			if err != nil || e.IsDir() || (!strings.HasSuffix(p, ".yaml") && !strings.HasSuffix(p, ".yml")) {
				return err
			}
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			docs, err := parseDocs(data)
			if err != nil {
				return nil // invalid on purpose
			}
			for _, d := range docs {
				if str(d.Value, "kind") != "" {
					objects = append(objects, d.Value)
				}
			}
			return nil
		})
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			t.Fatal(err)
		}
	}
	return objects
}

// TestTypedWalkMatchesJSON: on every object of the test data, and on
// mutations of each, the walk gives decodesIntoJSON's answer wherever it
// gives one, and it gives one for nearly all.
func TestTypedWalkMatchesJSON(t *testing.T) {
	objects := testdataObjects(t)
	if len(objects) < 100 {
		t.Fatalf("only %d objects in the test data", len(objects))
	}
	rng := rand.New(rand.NewPCG(15, 2))
	var tally walkTally
	for _, o := range objects {
		tt := typedTarget(gvkOf(str(o, "apiVersion"), str(o, "kind")))
		for i := 0; i < 40; i++ {
			v := any(o)
			if i > 0 {
				v = mutate(rng, o, 0)
				for n := rng.IntN(3); n > 0; n-- {
					v = mutate(rng, v, 0)
				}
			}
			tally.check(t, v, tt)
		}
	}
	tally.done(t, 0.9)
}

// TestTypedWalkEveryKnownType: for every type the scheme knows, values
// made along its shape (each place right, or wrong with some chance) get
// decodesIntoJSON's answer.
func TestTypedWalkEveryKnownType(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 3))
	types := map[string]reflect.Type{}
	for gvk, tp := range scheme.Scheme.AllKnownTypes() {
		types[gvk.String()] = tp
	}
	names := slices.Sorted(func(yield func(string) bool) {
		for n := range types {
			if !yield(n) {
				return
			}
		}
	})
	var tally walkTally
	for _, name := range names {
		tp := reflect.PointerTo(types[name])
		for i := 0; i < 6; i++ {
			tally.check(t, valueFor(rng, tp, 0, []float64{0, 0.01, 0.05}[i%3]), tp)
		}
	}
	tally.done(t, 0.8)
}

// valueFor makes a value for type t as JSON decodes it, each place
// replaced by a palette value with chance wrong.
func valueFor(rng *rand.Rand, t reflect.Type, depth int, wrong float64) any {
	if rng.Float64() < wrong || depth > 8 {
		return walkPalette[rng.IntN(len(walkPalette))]
	}
	switch t {
	case quantityType:
		return []any{"100m", "1Gi", 2, 0.5, "1e3", " 5", "x"}[rng.IntN(7)]
	case intOrStringType:
		return []any{"25%", 8080, "http", 1 << 40}[rng.IntN(4)]
	case timeType:
		return []any{nil, "2026-01-01T00:00:00Z", "2026-01-01"}[rng.IntN(3)]
	}
	switch t.Kind() {
	case reflect.Pointer:
		if rng.IntN(10) == 0 {
			return nil
		}
		return valueFor(rng, t.Elem(), depth, wrong)
	case reflect.Bool:
		return rng.IntN(2) == 0
	case reflect.String:
		return []string{"a", "b-c", "Always", ""}[rng.IntN(4)]
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return []any{1, 0, 80, 3.0}[rng.IntN(4)]
	case reflect.Float32, reflect.Float64:
		return []any{1.5, 2}[rng.IntN(2)]
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return []any{"YWJj", "!!", []any{1, 2}}[rng.IntN(3)]
		}
		var out []any
		for n := rng.IntN(3); n > 0; n-- {
			out = append(out, valueFor(rng, t.Elem(), depth+1, wrong))
		}
		return out
	case reflect.Map:
		out := map[string]any{}
		for n := rng.IntN(3); n > 0; n-- {
			out[fmt.Sprintf("k%d", n)] = valueFor(rng, t.Elem(), depth+1, wrong)
		}
		return out
	case reflect.Struct:
		out := map[string]any{}
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if !f.IsExported() || name == "-" || rng.IntN(3) == 0 {
				continue
			}
			v := valueFor(rng, f.Type, depth+1, wrong)
			if name == "" && f.Anonymous {
				if m, ok := v.(map[string]any); ok {
					for k, e := range m {
						out[k] = e
					}
				}
				continue
			}
			out[cmpOr(name, f.Name)] = v
		}
		return out
	case reflect.Interface:
		return walkPalette[rng.IntN(len(walkPalette))]
	}
	return nil
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// Types for the rules of field names, kinds and decoders the walk follows
// or hands to JSON.
type (
	walkInner struct {
		A string `json:"a"`
		B int    `json:"b"`
		X string
	}
	walkOther struct {
		X int
		Y int
		C string `json:"c"`
	}
	walkTagged struct {
		D string `json:"Y"`
	}
	walkPtrInner struct {
		E int `json:"e"`
	}
	walkText  struct{ s string }
	walkJSON  struct{ n int }
	walkKey   string
	walkIface interface{ M() }
	walkNamed *walkInner
	walkAll   struct {
		walkInner
		walkOther
		*walkPtrInner
		walkTagged
		Own      string               `json:"own"`
		Quoted   int                  `json:"quoted,string"`
		Bytes    []byte               `json:"bytes"`
		Fixed    [2]int               `json:"fixed"`
		IntKeys  map[int]string       `json:"intKeys"`
		TextKeys map[walkKey]int      `json:"textKeys"`
		Strs     map[string]string    `json:"strs"`
		Num      json.Number          `json:"num"`
		Iface    walkIface            `json:"iface"`
		Any      any                  `json:"any"`
		Text     walkText             `json:"text"`
		TextPtr  *walkText            `json:"textPtr"`
		Custom   walkJSON             `json:"custom"`
		F32      float32              `json:"f32"`
		F64      float64              `json:"f64"`
		U64      uint64               `json:"u64"`
		Q        resource.Quantity    `json:"q"`
		QP       *resource.Quantity   `json:"qp"`
		I        intstr.IntOrString   `json:"i"`
		IP       *intstr.IntOrString  `json:"ip"`
		T        metav1.Time          `json:"t"`
		TP       *metav1.Time         `json:"tp"`
		Raw      runtime.RawExtension `json:"raw"`
		U8       uint8                `json:"u8"`
		I16      int16                `json:"i16"`
		Untagged bool
		Named    walkNamed `json:"named"`
		BadTag   string    `json:"bad\"tag"`
		Deep     **walkInner
		Kelvin   string `json:"\u212aey"`
		hidden   string
	}
)

func (w *walkText) UnmarshalText(b []byte) error {
	if string(b) == "bad" {
		return errors.New("bad text")
	}
	w.s = string(b)
	return nil
}

func (w *walkJSON) UnmarshalJSON(b []byte) error {
	if string(b) == "1" {
		return errors.New("one")
	}
	return nil
}

func (k *walkKey) UnmarshalText(b []byte) error {
	if string(b) == "bad" {
		return errors.New("bad key")
	}
	*k = walkKey(b)
	return nil
}

var _ encoding.TextUnmarshaler = (*walkText)(nil)

// TestTypedWalkFieldRules: members of a struct with embedded, tagged,
// clashing and case-matched names, and places of every kind, get
// decodesIntoJSON's answer.
func TestTypedWalkFieldRules(t *testing.T) {
	tp := reflect.TypeFor[*walkAll]()
	members := []string{"a", "A", "b", "B", "c", "X", "x", "Y", "y", "D", "e", "E", "own", "Own", "OWN", "quoted", "bytes", "fixed", "intKeys", "textKeys", "strs",
		"num", "iface", "any", "text", "textPtr", "custom", "f32", "u8", "i16", "Untagged", "untagged", "named", "bad\"tag", "BadTag",
		"Deep", "deep", "\u212aey", "key", "KEY", "hidden", "walkInner", "x", "ſtrs", "f64", "u64", "q", "qp", "i", "ip", "t", "tp", "raw"}
	// Each value in each place alone, then a few together.
	for _, m := range members {
		for _, value := range walkPalette {
			v := map[string]any{m: value}
			if agree, _, want := walkAgrees(v, tp); !agree {
				t.Errorf("%q: %#v: walk says %v, JSON %v", m, value, !want, want)
			}
		}
	}
	rng := rand.New(rand.NewPCG(15, 4))
	var tally walkTally
	for i := 0; i < 20000; i++ {
		v := map[string]any{}
		for n := 1 + rng.IntN(3); n > 0; n-- {
			var value any = walkPalette[rng.IntN(len(walkPalette))]
			if rng.IntN(4) == 0 {
				value = map[string]any{[]string{"a", "e", "1", "bad", "b", "x"}[rng.IntN(6)]: walkPalette[rng.IntN(len(walkPalette))]}
			}
			v[members[rng.IntN(len(members))]] = value
		}
		tally.check(t, v, tp)
	}
	tally.done(t, 0.5)
}

// TestJSONFloatText: the text of a float64 is encoding/json's.
func TestJSONFloatText(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 5))
	values := []float64{0, math.Copysign(0, -1), 1, -1, 1e21, 1e20, 999999999999999999999, 1e-6, 1e-7, 9.999999e-7, 5e-324, math.MaxFloat64,
		-math.MaxFloat64, 1.5, 123456789.125, 1e-10, 1e100, math.NaN(), math.Inf(1), math.Inf(-1)}
	for i := 0; i < 20000; i++ {
		values = append(values, math.Float64frombits(rng.Uint64()), rng.NormFloat64()*math.Pow(10, float64(rng.IntN(60)-30)))
	}
	for _, f := range values {
		data, err := json.Marshal(f)
		text, ok := jsonFloatText(f)
		if (err == nil) != ok || ok && text != string(data) {
			t.Fatalf("%v: %q, %v; encoding/json %q, %v", f, text, ok, data, err)
		}
	}
}

// FuzzTypedWalk: a YAML document, as the native build reads it, decodes
// into one of a few types by the walk exactly when through JSON.
func FuzzTypedWalk(f *testing.F) {
	f.Add([]byte(nativeDeployment), uint8(0))
	f.Add([]byte(typedObjects), uint8(1))
	f.Add([]byte("spec:\n  replicas: 1.5\n  template:\n    spec:\n      containers:\n      - name: a\n        resources: {limits: {cpu: 1e3}}\n"), uint8(0))
	f.Add([]byte("own: x\nquoted: \"1\"\nbytes: YWJj\nfixed: [1, 2, 3]\n"), uint8(3))
	gvks := []resid.Gvk{gvkOf("apps/v1", "Deployment"), gvkOf("v1", "Service"), gvkOf("example.com/v1", "Widget"), {}, gvkOf("v1", "Secret"),
		gvkOf("batch/v1", "CronJob"), gvkOf("networking.k8s.io/v1", "Ingress"), gvkOf("autoscaling/v2", "HorizontalPodAutoscaler")}
	f.Fuzz(func(t *testing.T, data []byte, which uint8) {
		docs, err := parseDocs(data)
		if err != nil {
			return
		}
		tp := reflect.TypeFor[*walkAll]()
		if g := gvks[int(which)%len(gvks)]; g.Kind != "" {
			tp = typedTarget(g)
		}
		for _, d := range docs {
			if agree, _, want := walkAgrees(d.Value, tp); !agree {
				t.Errorf("%s: walk says %v, JSON %v", tp, !want, want)
			}
		}
		// The first document as a build may patch it: the second over it,
		// sharing what it leaves alone.
		if len(docs) >= 2 && decodesIntoJSON(docs[0].Value, tp) {
			v := besideOf(docs[0].Value, docs[1].Value)
			want := decodesIntoJSON(v, tp)
			if ok, known := typedWalkBeside(v, docs[0].Value, tp); known && ok != want {
				t.Errorf("%s: walk beside the first document says %v, JSON %v", tp, ok, want)
			}
		}
	})
}

// besideOf is read with over's members put in place, shallow: the maps
// of read over leaves alone are read's own.
func besideOf(read, over map[string]any) map[string]any {
	v := maps.Clone(read)
	for k, e := range over {
		rm, isMap := read[k].(map[string]any)
		if om, ok := e.(map[string]any); ok && isMap {
			v[k] = besideOf(rm, om)
			continue
		}
		v[k] = e
	}
	return v
}

// TestTypedWalkBeside: a patched object, sharing what the patch left
// alone with the object as read, decodes by the walk beside it exactly
// when through JSON, and the places it shares are not walked.
func TestTypedWalkBeside(t *testing.T) {
	docs, err := parseDocs([]byte(nativeDeployment))
	if err != nil || len(docs) == 0 {
		t.Fatal(err, len(docs))
	}
	read := docs[0].Value
	tp := typedTarget(gvkOf("apps/v1", "Deployment"))
	for _, tc := range []struct {
		name, over string
		want       bool
	}{
		{"replicas", "spec: {replicas: 3}", true},
		{"replicas a string", "spec: {replicas: x}", false},
		{"a new template label", "spec: {template: {metadata: {labels: {a: b}}}}", true},
		{"labels a list", "spec: {template: {metadata: {labels: [a]}}}", false},
		{"nothing", "{}", true},
	} {
		over, err := parseDocs([]byte(tc.over))
		if err != nil {
			t.Fatal(err)
		}
		var o map[string]any
		if len(over) > 0 {
			o = over[0].Value
		}
		v := besideOf(read, o)
		ok, known := typedWalkBeside(v, read, tp)
		if want := decodesIntoJSON(v, tp); !known || ok != want || ok != tc.want {
			t.Errorf("%s: walk beside says %v (known %v), JSON %v, want %v", tc.name, ok, known, want, tc.want)
		}
	}
	// What is shared is not walked: beside a value said to decode, a
	// place the walk would refuse is taken as that value's.
	bad := besideOf(read, map[string]any{"spec": map[string]any{"template": map[string]any{"metadata": map[string]any{"labels": []any{"a"}}}}})
	v := besideOf(bad, map[string]any{"spec": map[string]any{"replicas": 3}})
	if full, _ := typedWalk(v, tp); full {
		t.Fatal("labels as a list decode")
	}
	if ok, _ := typedWalkBeside(v, bad, tp); !ok {
		t.Error("a place shared with the value beside was walked again")
	}
}
