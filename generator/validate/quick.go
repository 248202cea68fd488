package validate

import (
	"fmt"
	"math"
	"math/big"
	"unicode/utf8"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// The quick check decides, without allocating, whether an object is valid
// against a kind's compiled schema; the library validates an object in
// about eight times its time and allocates for every value it visits. It
// reads the library's compiled schema (the same $ref resolution, patterns
// and draft) and knows the keywords the embedded schemas use: type, enum
// (of strings, booleans and null), $ref, properties, additionalProperties,
// required, items, the bounds of lengths, sizes and numbers, pattern,
// allOf, anyOf, oneOf and not. A schema with any other keyword is never
// judged quickly.
//
// Only "valid" is taken from it: anything else (an invalid object, or one
// it cannot judge) is validated by the library, which words the problems.
// ValidateExhaustive runs the library on every object and fails where the
// two disagree (generate --verify full, and the tests).

// verdict is the quick check's answer.
type verdict uint8

const (
	unknown verdict = iota // not judged: the library decides
	valid
	invalid
)

// JSON types as the library names them, as bits.
const (
	tNull uint8 = 1 << iota
	tBoolean
	tNumber
	tInteger
	tString
	tArray
	tObject
)

var typeBits = map[string]uint8{
	"null": tNull, "boolean": tBoolean, "number": tNumber, "integer": tInteger,
	"string": tString, "array": tArray, "object": tObject,
}

// qnode is one compiled schema as the quick check reads it.
type qnode struct {
	unsupported bool  // a keyword the quick check does not know
	boolean     *bool // a boolean schema
	types       uint8 // 0: any
	enum        []any
	hasEnum     bool
	ref         *qnode
	required    []string
	props       map[string]*qnode
	addl        addlKind
	addlSchema  *qnode
	items       *qnode
	allOf       []*qnode
	anyOf       []*qnode
	oneOf       []*qnode
	not         *qnode
	pattern     jsonschema.Regexp
	minimum     *big.Rat
	maximum     *big.Rat
	// Bounds; -1: none.
	minItems, maxItems, minProps, maxProps, minLen, maxLen int
}

type addlKind uint8

const (
	addlAny    addlKind = iota // no additionalProperties
	addlFalse                  // additionalProperties: false
	addlSchema                 // additionalProperties: a schema (true included)
)

// compileQuick reads a compiled schema (and every schema it reaches).
func compileQuick(s *jsonschema.Schema) *qnode {
	return (&quickCompiler{seen: map[*jsonschema.Schema]*qnode{}}).node(s)
}

type quickCompiler struct {
	seen map[*jsonschema.Schema]*qnode
}

func (c *quickCompiler) node(s *jsonschema.Schema) *qnode {
	if s == nil {
		return nil
	}
	if n, ok := c.seen[s]; ok {
		return n
	}
	n := &qnode{minItems: -1, maxItems: -1, minProps: -1, maxProps: -1, minLen: -1, maxLen: -1}
	c.seen[s] = n
	if unsupportedKeywords(s) {
		n.unsupported = true
		return n
	}
	if s.Bool != nil {
		b := *s.Bool
		n.boolean = &b
		return n
	}
	if s.Types != nil {
		for _, t := range s.Types.ToStrings() {
			n.types |= typeBits[t]
		}
	}
	if s.Enum != nil {
		n.hasEnum, n.enum = true, s.Enum.Values
	}
	n.ref = c.node(s.Ref)
	n.required = s.Required
	if len(s.Properties) > 0 {
		n.props = make(map[string]*qnode, len(s.Properties))
		for name, p := range s.Properties {
			n.props[name] = c.node(p)
		}
	}
	switch a := s.AdditionalProperties.(type) {
	case nil:
	case bool:
		if a {
			t := true
			n.addl, n.addlSchema = addlSchema, &qnode{boolean: &t}
		} else {
			n.addl = addlFalse
		}
	case *jsonschema.Schema:
		n.addl, n.addlSchema = addlSchema, c.node(a)
	default:
		n.unsupported = true
	}
	n.items = c.node(s.Items2020)
	for _, sub := range s.AllOf {
		n.allOf = append(n.allOf, c.node(sub))
	}
	for _, sub := range s.AnyOf {
		n.anyOf = append(n.anyOf, c.node(sub))
	}
	for _, sub := range s.OneOf {
		n.oneOf = append(n.oneOf, c.node(sub))
	}
	n.not = c.node(s.Not)
	n.pattern = s.Pattern
	n.minimum, n.maximum = s.Minimum, s.Maximum
	for _, b := range []struct {
		from *int
		to   *int
	}{{s.MinItems, &n.minItems}, {s.MaxItems, &n.maxItems}, {s.MinProperties, &n.minProps},
		{s.MaxProperties, &n.maxProps}, {s.MinLength, &n.minLen}, {s.MaxLength, &n.maxLen}} {
		if b.from != nil {
			*b.to = *b.from
		}
	}
	return n
}

// unsupportedKeywords reports whether s holds a keyword the quick check
// does not evaluate (or a draft before 2020-12, whose items differ).
// quick_test.go classifies every field of jsonschema.Schema, so that a
// new one in a later release of the library is not silently ignored.
func unsupportedKeywords(s *jsonschema.Schema) bool {
	return s.DraftVersion < 2020 ||
		s.RecursiveRef != nil || s.RecursiveAnchor || s.DynamicRef != nil || s.DynamicAnchor != "" ||
		s.Const != nil || s.If != nil || s.Then != nil || s.Else != nil || s.Format != nil ||
		s.PropertyNames != nil || len(s.PatternProperties) > 0 || len(s.Dependencies) > 0 ||
		len(s.DependentRequired) > 0 || len(s.DependentSchemas) > 0 || s.UnevaluatedProperties != nil ||
		s.UniqueItems || s.Contains != nil || s.MinContains != nil || s.MaxContains != nil ||
		s.Items != nil || s.AdditionalItems != nil || len(s.PrefixItems) > 0 || s.UnevaluatedItems != nil ||
		s.ContentEncoding != nil || s.ContentMediaType != nil || s.ContentSchema != nil ||
		s.ExclusiveMaximum != nil || s.ExclusiveMinimum != nil || s.MultipleOf != nil ||
		len(s.Extensions) > 0
}

// maxRefChain bounds the schemas applied to one value without descending
// into it ($ref, allOf, ...): the library reports a cycle there.
const maxRefChain = 64

// check judges v against n; chain counts the schemas applied to v so far.
func (n *qnode) check(v any, chain int) verdict {
	if n.unsupported || chain > maxRefChain {
		return unknown
	}
	if n.boolean != nil {
		if *n.boolean {
			return valid
		}
		return invalid
	}
	t, isInt := jsonTypeOf(v)
	if t == 0 {
		return unknown // not a JSON value (the library rejects it)
	}
	res := valid
	and := func(r verdict) bool {
		if r == invalid {
			res = invalid
			return false
		}
		if r == unknown {
			res = unknown
		}
		return true
	}
	if n.types != 0 && n.types&t == 0 && (n.types&tInteger == 0 || t != tNumber || !isInt) {
		return invalid
	}
	if n.hasEnum {
		if r := n.inEnum(v); r != valid {
			return r
		}
	}
	if n.ref != nil && !and(n.ref.check(v, chain+1)) {
		return invalid
	}
	switch t {
	case tObject:
		if !and(n.object(v.(map[string]any))) {
			return invalid
		}
	case tArray:
		arr := v.([]any)
		if (n.minItems >= 0 && len(arr) < n.minItems) || (n.maxItems >= 0 && len(arr) > n.maxItems) {
			return invalid
		}
		if n.items != nil {
			for _, e := range arr {
				if !and(n.items.check(e, 0)) {
					return invalid
				}
			}
		}
	case tString:
		s := v.(string)
		if n.minLen >= 0 || n.maxLen >= 0 {
			l := utf8.RuneCountInString(s)
			if (n.minLen >= 0 && l < n.minLen) || (n.maxLen >= 0 && l > n.maxLen) {
				return invalid
			}
		}
		if n.pattern != nil && !n.pattern.MatchString(s) {
			return invalid
		}
	case tNumber:
		if n.minimum != nil || n.maximum != nil {
			num, ok := new(big.Rat).SetString(fmt.Sprintf("%v", v)) // as the library reads it
			if !ok {
				return unknown
			}
			if (n.minimum != nil && num.Cmp(n.minimum) < 0) || (n.maximum != nil && num.Cmp(n.maximum) > 0) {
				return invalid
			}
		}
	}
	for _, sub := range n.allOf {
		if !and(sub.check(v, chain+1)) {
			return invalid
		}
	}
	if len(n.anyOf) > 0 && !and(anyOf(n.anyOf, v, chain)) {
		return invalid
	}
	if len(n.oneOf) > 0 && !and(oneOf(n.oneOf, v, chain)) {
		return invalid
	}
	if n.not != nil {
		switch n.not.check(v, chain+1) {
		case valid:
			return invalid
		case unknown:
			res = unknown
		}
	}
	return res
}

// inEnum judges the enum of n. A string, a boolean and null equal only
// the same value of their type, as the library compares them; numbers,
// arrays and objects are left to the library.
func (n *qnode) inEnum(v any) verdict {
	switch v.(type) {
	case string, bool, nil:
		for _, e := range n.enum {
			if e == v {
				return valid
			}
		}
		return invalid
	}
	return unknown
}

// object judges the object keywords of n.
func (n *qnode) object(obj map[string]any) verdict {
	if (n.minProps >= 0 && len(obj) < n.minProps) || (n.maxProps >= 0 && len(obj) > n.maxProps) {
		return invalid
	}
	for _, r := range n.required {
		if _, ok := obj[r]; !ok {
			return invalid
		}
	}
	res := valid
	for k, e := range obj {
		p, ok := n.props[k]
		switch {
		case ok:
		case n.addl == addlFalse:
			return invalid
		case n.addl == addlSchema:
			p = n.addlSchema
		default:
			continue
		}
		switch p.check(e, 0) {
		case invalid:
			return invalid
		case unknown:
			res = unknown
		}
	}
	return res
}

func anyOf(subs []*qnode, v any, chain int) verdict {
	res := invalid
	for _, sub := range subs {
		switch sub.check(v, chain+1) {
		case valid:
			return valid
		case unknown:
			res = unknown
		}
	}
	return res
}

func oneOf(subs []*qnode, v any, chain int) verdict {
	matched, unsure := 0, false
	for _, sub := range subs {
		switch sub.check(v, chain+1) {
		case valid:
			matched++
		case unknown:
			unsure = true
		}
	}
	switch {
	case matched > 1:
		return invalid
	case unsure:
		return unknown
	case matched == 1:
		return valid
	}
	return invalid
}

// jsonTypeOf is v's JSON type as the library sees it, and for a number
// whether it is an integer; 0 for what the quick check leaves to the
// library (values that are not JSON, NaN and infinities, json.Number,
// float32).
func jsonTypeOf(v any) (uint8, bool) {
	switch v := v.(type) {
	case nil:
		return tNull, false
	case bool:
		return tBoolean, false
	case string:
		return tString, false
	case map[string]any:
		return tObject, false
	case []any:
		return tArray, false
	case float64:
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return 0, false
		}
		// The library reads the number's shortest decimal form, which is
		// an integer exactly when the float is one.
		return tNumber, v == math.Trunc(v)
	case int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64:
		return tNumber, true
	}
	return 0, false
}

// Prepare compiles the schemas of kinds ("apps/v1/Deployment") for
// kubeVersion ahead of Validate, which otherwise compiles each on first
// use, one at a time: a caller that knows what it will validate compiles
// them while it does other work. Kinds without a schema are skipped (Validate
// reports them).
func Prepare(kubeVersion string, kinds []string) error {
	v, err := validatorFor(kubeVersion)
	if err != nil {
		return err
	}
	for _, k := range kinds {
		if _, err := v.schema(k); err != nil {
			return err
		}
	}
	return nil
}
