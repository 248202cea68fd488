package render

import (
	"cmp"
	"encoding/base64"
	"encoding/json"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// Whether a value decodes into a Go type is found here without the JSON
// text: a walk of the value along the type, following what encoding/json's
// Marshal then Unmarshal do at every place (which member goes into which
// field, what each kind of value may go into, numbers as their JSON text
// parses, strings into []byte as base64). The types' shapes are worked out
// once per type. Where the walk does not follow the decoder (a custom
// decoder other than Quantity's, IntOrString's and Time's, a member that
// only matches a field by case, a field name several fields claim, a
// ",string" field, an embedded pointer, a string the JSON text escapes
// where that matters) that place alone is decoded through JSON: decoding a
// place depends on nothing but its value and its type. Values of Go types
// other than those the readers give, and very deep ones, make the walk
// give no answer (the whole object is then decoded as before).
// nativetypewalk_test.go holds the walk to decodesInto's JSON answers.

// verdict is the walk's answer for one place.
type verdict uint8

const (
	verdictOK    verdict = iota // JSON decoding of the place succeeds
	verdictBad                  // JSON encoding or decoding of the place fails
	verdictWhole                // no answer here: decode the whole object
)

// maxWalkDepth bounds the nesting the walk follows.
const maxWalkDepth = 200

// customKind is the decoder a type hands its JSON values to.
type customKind uint8

const (
	customNone customKind = iota
	customQuantity
	customIntOrString
	customTime
	customOther // decoded through JSON
)

// shape is how JSON decoding treats the values of one Go type.
type shape struct {
	t      reflect.Type
	kind   reflect.Kind
	custom customKind
	elem   *shape // Pointer, Slice, Array, Map
	length int    // Array
	bytes  bool   // a slice of a uint8 kind: strings are base64
	number bool   // json.Number
	empty  bool   // an interface without methods
	keyOK  bool   // Map: a key of string kind without a text decoder
	// Struct: the field shapes by member name; names decided otherwise
	// (several fields, ",string", an embedded pointer); the lower-case
	// form of every name, for members that match one by case only.
	fields   map[string]*shape
	unsure   map[string]bool
	folded   map[string]bool
	foldSlow bool // a name is not ASCII: compare with strings.EqualFold
	names    []string
}

var (
	shapes   sync.Map // reflect.Type → *shape, complete
	shapesMu sync.Mutex

	numberType      = reflect.TypeFor[json.Number]()
	quantityType    = reflect.TypeFor[resource.Quantity]()
	intOrStringType = reflect.TypeFor[intstr.IntOrString]()
	timeType        = reflect.TypeFor[metav1.Time]()
)

// shapeOf is the shape of t, worked out once (with every shape it leads to).
func shapeOf(t reflect.Type) *shape {
	if s, ok := shapes.Load(t); ok {
		return s.(*shape)
	}
	shapesMu.Lock()
	defer shapesMu.Unlock()
	building := map[reflect.Type]*shape{}
	s := buildShape(t, building)
	for bt, bs := range building {
		shapes.Store(bt, bs)
	}
	return s
}

func buildShape(t reflect.Type, building map[reflect.Type]*shape) *shape {
	if s, ok := shapes.Load(t); ok {
		return s.(*shape)
	}
	if s, ok := building[t]; ok {
		return s
	}
	s := &shape{t: t, kind: t.Kind()}
	building[t] = s
	if customDecoder(t) {
		s.custom = customOther
		base := t
		for base.Kind() == reflect.Pointer {
			base = base.Elem()
		}
		switch base {
		case quantityType:
			s.custom = customQuantity
		case intOrStringType:
			s.custom = customIntOrString
		case timeType:
			s.custom = customTime
		}
		if t.Kind() != reflect.Pointer {
			return s
		}
	}
	switch t.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Array:
		s.elem = buildShape(t.Elem(), building)
		if t.Kind() == reflect.Array {
			s.length = t.Len()
		}
		s.bytes = t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8
	case reflect.Map:
		s.elem = buildShape(t.Elem(), building)
		s.keyOK = t.Key().Kind() == reflect.String && !reflect.PointerTo(t.Key()).Implements(textUnmarshalerType)
	case reflect.Interface:
		s.empty = t.NumMethod() == 0
	case reflect.String:
		s.number = t == numberType
	case reflect.Struct:
		s.structFields(building)
	}
	return s
}

// fieldCandidate is a field JSON decoding may put a member into.
type fieldCandidate struct {
	name   string
	tagged bool
	index  []int
	typ    reflect.Type
	unsure bool // ",string", or reached through an embedded pointer
}

// structFields works out which field each member name goes into, as
// encoding/json's typeFields does (fields of embedded structs at the
// shallowest depth, a tagged name over an untagged one, none where two
// tie).
func (s *shape) structFields(building map[reflect.Type]*shape) {
	type embedded struct {
		typ    reflect.Type
		index  []int
		viaPtr bool
	}
	var cands []fieldCandidate
	next := []embedded{{typ: s.t}}
	var count, nextCount map[reflect.Type]int
	visited := map[reflect.Type]bool{}
	for len(next) > 0 {
		current := next
		next = nil
		count, nextCount = nextCount, map[reflect.Type]int{}
		for _, f := range current {
			if visited[f.typ] {
				continue
			}
			visited[f.typ] = true
			for i := 0; i < f.typ.NumField(); i++ {
				sf := f.typ.Field(i)
				if sf.Anonymous {
					t := sf.Type
					if t.Kind() == reflect.Pointer {
						t = t.Elem()
					}
					if !sf.IsExported() && t.Kind() != reflect.Struct {
						continue
					}
				} else if !sf.IsExported() {
					continue
				}
				tag := sf.Tag.Get("json")
				if tag == "-" {
					continue
				}
				name, opts, _ := strings.Cut(tag, ",")
				if !validTagName(name) {
					name = ""
				}
				index := append(slices.Clip(f.index), i)
				ft := sf.Type
				if ft.Name() == "" && ft.Kind() == reflect.Pointer {
					ft = ft.Elem()
				}
				quoted := false
				if slices.Contains(strings.Split(opts, ","), "string") {
					switch ft.Kind() {
					case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
						reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
						reflect.Float32, reflect.Float64, reflect.String:
						quoted = true
					}
				}
				if name != "" || !sf.Anonymous || ft.Kind() != reflect.Struct {
					c := fieldCandidate{name: cmp.Or(name, sf.Name), tagged: name != "", index: index, typ: sf.Type, unsure: quoted || f.viaPtr}
					cands = append(cands, c)
					if count[f.typ] > 1 {
						cands = append(cands, c)
					}
					continue
				}
				nextCount[ft]++
				if nextCount[ft] == 1 {
					next = append(next, embedded{typ: ft, index: index, viaPtr: f.viaPtr || sf.Type.Kind() == reflect.Pointer})
				}
			}
		}
	}
	slices.SortFunc(cands, func(a, b fieldCandidate) int {
		if c := strings.Compare(a.name, b.name); c != 0 {
			return c
		}
		if c := cmp.Compare(len(a.index), len(b.index)); c != 0 {
			return c
		}
		if a.tagged != b.tagged {
			if a.tagged {
				return -1
			}
			return +1
		}
		return slices.Compare(a.index, b.index)
	})
	s.fields, s.unsure, s.folded = map[string]*shape{}, map[string]bool{}, map[string]bool{}
	for i := 0; i < len(cands); {
		group := cands[i : i+1]
		for j := i + 1; j < len(cands) && cands[j].name == cands[i].name; j++ {
			group = cands[i : j+1]
		}
		i += len(group)
		f := group[0]
		s.names = append(s.names, f.name)
		s.folded[strings.ToLower(f.name)] = true
		for _, r := range f.name {
			if r >= utf8.RuneSelf {
				s.foldSlow = true
			}
		}
		if len(group) > 1 && len(group[0].index) == len(group[1].index) && group[0].tagged == group[1].tagged || f.unsure {
			s.unsure[f.name] = true // no field, or one decided by rules not followed here
			continue
		}
		s.fields[f.name] = buildShape(f.typ, building)
	}
}

// validTagName is encoding/json's isValidTag.
func validTagName(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		switch {
		case strings.ContainsRune("!#$%&()*+-./:;<=>?@[]^_{|}~ ", c):
		case !unicode.IsLetter(c) && !unicode.IsDigit(c):
			return false
		}
	}
	return true
}

// foldMatch says whether JSON decoding could put member key, which names
// no field exactly, into a field whose name it matches by case.
func (s *shape) foldMatch(key string) bool {
	ascii := true
	for i := 0; i < len(key); i++ {
		if key[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii && !s.foldSlow {
		var buf [64]byte
		if len(key) > len(buf) {
			return s.folded[strings.ToLower(key)]
		}
		for i := 0; i < len(key); i++ {
			c := key[i]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			buf[i] = c
		}
		return s.folded[string(buf[:len(key)])]
	}
	for _, n := range s.names {
		if strings.EqualFold(n, key) {
			return true
		}
	}
	return false
}

// typedWalk says whether v, as JSON, decodes into a value of type t; known
// is false when the whole of v has to be decoded to tell.
func typedWalk(v any, t reflect.Type) (ok, known bool) { return typedWalkBeside(v, nil, t) }

// typedWalkBeside is typedWalk of v beside read, a value that decodes
// into t: the places of v that are read's own at the same place (the same
// map or list, as a build shares what it does not change) decode as they
// do in read, and are not walked again. Decoding a place depends on its
// value and its type alone; what JSON decoding makes of a member matched
// by case only depends on the members of its own object, which are walked
// wherever that object is not read's.
func typedWalkBeside(v, read any, t reflect.Type) (ok, known bool) {
	switch walkValue(v, read, shapeOf(t), 0) {
	case verdictOK:
		return true, true
	case verdictBad:
		return false, true
	}
	return false, false
}

// walkValue is the verdict for value v at a place of shape s; read, when
// not nil, is what is at the same place in a value known to decode
// (typedWalkBeside).
func walkValue(v, read any, s *shape, depth int) verdict {
	if read != nil && sameContainer(v, read) {
		return verdictOK
	}
	if depth > maxWalkDepth {
		return verdictWhole
	}
	switch x := v.(type) {
	case map[string]any:
		if x == nil {
			v = nil // JSON null
		}
	case []any:
		if x == nil {
			v = nil
		}
	}
	for s.kind == reflect.Pointer {
		if v == nil {
			return verdictOK // a pointer is set to nil
		}
		if s.custom != customNone {
			break
		}
		s = s.elem
	}
	if s.custom != customNone {
		return walkCustom(v, s)
	}
	switch x := v.(type) {
	case nil:
		return verdictOK
	case bool:
		return okIf(s.kind == reflect.Bool || s.empty)
	case string:
		if !utf8.ValidString(x) {
			return verdictWhole // the JSON text changes it
		}
		switch {
		case s.number:
			return viaJSON(x, s.t)
		case s.kind == reflect.String || s.empty:
			return verdictOK
		case s.bytes:
			_, err := base64.StdEncoding.DecodeString(x)
			return okIf(err == nil)
		}
		return verdictBad
	case int:
		return walkInt(int64(x), s)
	case int64:
		return walkInt(x, s)
	case uint64:
		if x > math.MaxInt64 {
			return walkNumber(strconv.FormatUint(x, 10), s)
		}
		return walkInt(int64(x), s)
	case float64:
		text, ok := jsonFloatText(x)
		if !ok {
			return verdictBad // JSON encoding fails
		}
		return walkNumber(text, s)
	case []any:
		switch s.kind {
		case reflect.Slice, reflect.Array:
		case reflect.Interface:
			if s.empty {
				return encodable(x, depth)
			}
			return verdictBad
		default:
			return verdictBad
		}
		readList, _ := read.([]any)
		for i, e := range x {
			var r verdict
			if s.kind == reflect.Array && i >= s.length {
				r = encodable(e, depth+1) // past a fixed array's end: skipped
			} else {
				var at any
				if i < len(readList) {
					at = readList[i]
				}
				r = walkValue(e, at, s.elem, depth+1)
			}
			if r != verdictOK {
				return r
			}
		}
		return verdictOK
	case map[string]any:
		readMap, _ := read.(map[string]any)
		return walkObject(x, readMap, s, depth)
	}
	return verdictWhole // a Go type the readers do not give
}

func okIf(b bool) verdict {
	if b {
		return verdictOK
	}
	return verdictBad
}

// sameContainer says whether v and read are the same map or list (not
// equal ones: the same).
func sameContainer(v, read any) bool {
	switch x := v.(type) {
	case map[string]any:
		y, ok := read.(map[string]any)
		return ok && x != nil && y != nil && reflect.ValueOf(x).UnsafePointer() == reflect.ValueOf(y).UnsafePointer()
	case []any:
		y, ok := read.([]any)
		return ok && len(x) > 0 && len(x) == len(y) && &x[0] == &y[0]
	}
	return false
}

// walkObject is walkValue of a JSON object; read, when not nil, is the
// object at the same place in a value known to decode.
func walkObject(m, read map[string]any, s *shape, depth int) verdict {
	switch s.kind {
	case reflect.Interface:
		if s.empty {
			return encodable(m, depth)
		}
		return verdictBad
	case reflect.Map:
		if !s.keyOK {
			return viaJSON(m, s.t)
		}
		for k, e := range m {
			if !utf8.ValidString(k) {
				return verdictWhole
			}
			if r := walkValue(e, readAt(read, k), s.elem, depth+1); r != verdictOK {
				return r
			}
		}
		return verdictOK
	case reflect.Struct:
	default:
		return verdictBad
	}
	// A member matched by case only, or by rules not followed here, makes
	// the whole object decode through JSON, even after a verdict on others
	// (two members may then go into one field).
	r := verdictOK
	for k, e := range m {
		if !utf8.ValidString(k) {
			return verdictWhole
		}
		f, exact := s.fields[k]
		if !exact && (s.unsure[k] || s.foldMatch(k)) {
			return viaJSON(m, s.t)
		}
		switch {
		case r != verdictOK:
		case exact:
			r = walkValue(e, readAt(read, k), f, depth+1)
		default:
			r = encodable(e, depth+1) // no field: skipped
		}
	}
	return r
}

// readAt is member k of read, nil without one.
func readAt(read map[string]any, k string) any {
	if read == nil {
		return nil
	}
	return read[k]
}

// walkInt is walkValue of an integer: JSON decoding parses its text as
// that of the kind of s.
func walkInt(n int64, s *shape) verdict {
	switch s.kind {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return okIf(!s.t.OverflowInt(n))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return okIf(n >= 0 && !s.t.OverflowUint(uint64(n)))
	case reflect.Float32, reflect.Float64:
		return verdictOK
	case reflect.Interface:
		return okIf(s.empty)
	}
	return okIf(s.number)
}

// walkNumber is walkValue of a number of JSON text text, as literalStore
// stores it.
func walkNumber(text string, s *shape) verdict {
	switch s.kind {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n, err := strconv.ParseInt(text, 10, 64)
		return okIf(err == nil && !s.t.OverflowInt(n))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		n, err := strconv.ParseUint(text, 10, 64)
		return okIf(err == nil && !s.t.OverflowUint(n))
	case reflect.Float32, reflect.Float64:
		n, err := strconv.ParseFloat(text, s.t.Bits())
		return okIf(err == nil && !s.t.OverflowFloat(n))
	case reflect.Interface:
		_, err := strconv.ParseFloat(text, 64)
		return okIf(err == nil && s.empty)
	}
	return okIf(s.number)
}

// numberText is the JSON text of a number the readers give.
func numberText(v any) (string, bool) {
	switch x := v.(type) {
	case int:
		return strconv.Itoa(x), true
	case int64:
		return strconv.FormatInt(x, 10), true
	case uint64:
		return strconv.FormatUint(x, 10), true
	case float64:
		return jsonFloatText(x)
	}
	return "", false
}

// jsonFloatText is encoding/json's text of a float64 (false for what it
// refuses: NaN and infinities).
func jsonFloatText(f float64) (string, bool) {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return "", false
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b := strconv.AppendFloat(make([]byte, 0, 32), f, format, -1, 64)
	if n := len(b); format == 'e' && n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
		b[n-2] = b[n-1]
		b = b[:n-1]
	}
	return string(b), true
}

// walkCustom is walkValue at a type with a decoder of its own: Quantity,
// IntOrString and Time followed for the values they are commonly given,
// the rest through JSON.
func walkCustom(v any, s *shape) verdict {
	switch s.custom {
	case customQuantity:
		// UnmarshalJSON: null, else ParseQuantity of the trimmed JSON
		// text (a string's without its quotes, escapes unread).
		switch x := v.(type) {
		case nil:
			return verdictOK
		case string:
			if unescapedInJSON(x) {
				_, err := resource.ParseQuantity(strings.TrimSpace(x))
				return okIf(err == nil)
			}
		default:
			if text, ok := numberText(x); ok {
				_, err := resource.ParseQuantity(text)
				return okIf(err == nil)
			}
		}
	case customIntOrString:
		// UnmarshalJSON: a string into a string, else into an int32.
		switch x := v.(type) {
		case nil:
			return verdictOK
		case string:
			if utf8.ValidString(x) {
				return verdictOK
			}
		default:
			if text, ok := numberText(x); ok {
				n, err := strconv.ParseInt(text, 10, 64)
				return okIf(err == nil && n >= math.MinInt32 && n <= math.MaxInt32)
			}
		}
	case customTime:
		// UnmarshalJSON: null, else a string parsed as RFC 3339.
		switch x := v.(type) {
		case nil:
			return verdictOK
		case string:
			if unescapedInJSON(x) {
				_, err := time.Parse(time.RFC3339, x)
				return okIf(err == nil)
			}
		}
	}
	return viaJSON(v, s.t)
}

// unescapedInJSON says whether s is its own JSON text between the quotes
// (nothing escaped).
func unescapedInJSON(s string) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c < 0x20 || c >= utf8.RuneSelf, c == '"', c == '\\', c == '<', c == '>', c == '&':
			return false
		}
	}
	return true
}

// encodable is the verdict for a value JSON decoding skips (a member no
// field takes, anything put into an any): whether JSON encoding takes it.
func encodable(v any, depth int) verdict {
	if depth > maxWalkDepth {
		return verdictWhole
	}
	switch x := v.(type) {
	case nil, bool, string, int, int64, uint64:
		return verdictOK
	case float64:
		return okIf(!math.IsInf(x, 0) && !math.IsNaN(x))
	case []any:
		for _, e := range x {
			if r := encodable(e, depth+1); r != verdictOK {
				return r
			}
		}
		return verdictOK
	case map[string]any:
		for _, e := range x {
			if r := encodable(e, depth+1); r != verdictOK {
				return r
			}
		}
		return verdictOK
	}
	return verdictWhole
}

// viaJSON decodes the JSON text of v into a new value of type t: the
// place's verdict where the walk does not follow the decoder.
func viaJSON(v any, t reflect.Type) verdict {
	data, err := json.Marshal(v)
	if err != nil {
		return verdictBad
	}
	return okIf(json.Unmarshal(data, reflect.New(t).Interface()) == nil)
}
