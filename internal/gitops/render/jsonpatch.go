package render

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
	"unsafe"
)

// The native build applies JSON 6902 patches to the decoded objects
// directly. What it must give is what kustomize's library,
// gopkg.in/evanphx/json-patch.v4, gives on the object's JSON text, decoded
// again: the same objects (numbers as float64, as JSON decodes them) and
// the same errors, quirks included (negative array indices, "replace" of a
// missing object member adding it, a path without its leading "/" read
// from its second token, a null written by "value": null that a later
// "copy" makes a member no operation can go below). jsonpatch_test.go
// holds both to the same results on a table of cases and a fuzz target.
//
// Where the library's answer depends on the text of the values rather than
// on the values ("test" compares numbers and strings as they are spelled),
// a "test" reads the object's JSON text as the library does; a "test" after
// an operation that changed the object is not attempted (errPatchDeclined:
// the build is left to kustomize).

var (
	errPatchMissing   = errors.New("missing value")
	errPatchTest      = errors.New("test failed")
	errPatchInvalid   = errors.New("invalid state detected")
	errPatchIndex     = errors.New("invalid index referenced")
	errPatchDeclined  = errors.New("JSON patch not applied natively")
	errPatchNilMember = errors.New("JSON patch reaches a node that is not there") // where the library panics
)

// jsonNull is a null the library keeps apart from the others: opNull is
// the value of an operation with "value": null (nothing can be found below
// it), copiedNull a copy of one (its own member, which every operation
// below it fails on). Both are null in the result.
type jsonNull int

const (
	opNull jsonNull = iota + 1
	copiedNull
)

// jsonOp is one decoded operation of a JSON patch.
type jsonOp struct {
	kind     string
	path     string
	pathErr  error
	from     string
	fromErr  error
	hasValue bool   // the operation has a value member
	null     bool   // which is null
	raw      []byte // its text (for a test; nil for null)
	value    any    // the text decoded (numbers float64)
	valueErr error
}

type jsonPatch []jsonOp

// decodeJSONPatch reads a JSON patch (a JSON array of operations).
func decodeJSONPatch(text []byte) (jsonPatch, error) {
	var ops []map[string]*json.RawMessage
	if err := json.Unmarshal(text, &ops); err != nil {
		return nil, err
	}
	p := make(jsonPatch, len(ops))
	for i, o := range ops {
		op := &p[i]
		op.kind = "unknown"
		if raw := o["op"]; raw != nil {
			var s string
			if json.Unmarshal(*raw, &s) == nil {
				op.kind = s
			}
		}
		op.path, op.pathErr = opString(o, "path", errNoPath)
		op.from, op.fromErr = opString(o, "from", errNoFrom)
		raw, hasValue := o["value"]
		op.hasValue, op.null = hasValue, hasValue && raw == nil
		if raw != nil {
			op.raw = *raw
			op.valueErr = json.Unmarshal(*raw, &op.value)
		}
	}
	return p, nil
}

// The errors of a missing path or from.
var (
	errNoPath = fmt.Errorf("operation missing path field: %w", errPatchMissing)
	errNoFrom = fmt.Errorf("operation, missing from field: %w", errPatchMissing)
)

// opString reads a string member of an operation ("path", "from").
func opString(o map[string]*json.RawMessage, key string, missing error) (string, error) {
	raw := o[key]
	if raw == nil {
		return "unknown", missing
	}
	var s string
	if err := json.Unmarshal(*raw, &s); err != nil {
		return "unknown", err
	}
	return s, nil
}

// newValue is a fresh copy of the operation's value.
func (op *jsonOp) newValue() (any, error) {
	switch {
	case !op.hasValue:
		return nil, nil
	case op.null:
		return opNull, nil
	case op.valueErr != nil:
		return nil, errPatchDeclined // the library inserts the text; decoding the result fails
	}
	return deepCopy(op.value), nil
}

// patchDoc is an object being patched.
type patchDoc struct {
	root     any
	private  bool // root is a copy made for this patch (with cow, only the root map)
	changed  bool // an operation other than test ran
	sentinel bool // root may hold jsonNull values
	// cow: the patch copies only the containers on the paths it changes
	// and gives its values in final form (applyFinal).
	cow   bool
	owned []unsafe.Pointer // with cow, the containers copied for this patch
	once  bool             // with cow, the operations' values go into the object (the patch is not used again)
}

// apply applies the patch to v and returns the result as JSON would decode
// it. v is not modified.
func (p jsonPatch) apply(v map[string]any) (map[string]any, error) {
	return (&patchDoc{root: v}).run(p)
}

// applyFinal is yamlNumbers of apply's result, as the native build gives
// it, with final true; where it cannot tell that result without the
// round trip (an object that is not jsonStable, operations other than
// add, remove, replace and test, null values), it is apply's result
// itself, final false. With final, the result shares what the patch does
// not change with v: neither may be modified. With once, the patch is
// not used again: a final result may hold its operations' values
// themselves.
func (p jsonPatch) applyFinal(v map[string]any, once bool) (_ map[string]any, final bool, _ error) {
	if !p.cowable() || !jsonStable(v) {
		m, err := p.apply(v)
		return m, false, err
	}
	m, err := (&patchDoc{root: v, cow: true, once: once}).run(p)
	return m, err == nil, err
}

// cowable: the patch has only operations that applyFinal knows.
func (p jsonPatch) cowable() bool {
	for i := range p {
		switch op := &p[i]; op.kind {
		case "add", "replace":
			if op.null {
				return false
			}
		case "remove", "test":
		default:
			return false
		}
	}
	return true
}

// jsonStable says whether yamlNumbers(jsonRoundTrip(v)) is v: maps
// map[string]any and lists []any (none nil), valid UTF-8 keys and strings,
// integers (int) that go through float64 and back as themselves, floats
// that stay floats, booleans and nulls.
func jsonStable(v any) bool {
	switch t := v.(type) {
	case nil, bool:
		return true
	case string:
		return utf8.ValidString(t)
	case int:
		// yamlNumbers formats with 'g': from 1e6 on, an exponent.
		return t > -1e6 && t < 1e6
	case float64:
		if math.IsNaN(t) || math.IsInf(t, 0) {
			return false
		}
		_, err := strconv.Atoi(strconv.FormatFloat(t, 'g', -1, 64))
		return err != nil
	case map[string]any:
		if t == nil {
			return false
		}
		for k, e := range t {
			if !utf8.ValidString(k) || !jsonStable(e) {
				return false
			}
		}
		return true
	case []any:
		if t == nil {
			return false
		}
		for _, e := range t {
			if !jsonStable(e) {
				return false
			}
		}
		return true
	}
	return false
}

// run applies the patch.
func (d *patchDoc) run(p jsonPatch) (map[string]any, error) {
	for i := range p {
		op := &p[i]
		if op.kind == "test" {
			if d.changed {
				return nil, errPatchDeclined
			}
			if err := d.test(op); err != nil {
				return nil, err
			}
			continue
		}
		d.changed = true
		if err := d.own(); err != nil {
			return nil, err
		}
		var err error
		switch op.kind {
		case "add":
			err = d.add(op)
		case "remove":
			err = d.remove(op)
		case "replace":
			err = d.replace(op)
		case "move":
			err = d.move(op)
		case "copy":
			err = d.copy(op)
		default:
			err = fmt.Errorf("Unexpected kind: %s", op.kind)
		}
		if err != nil {
			return nil, err
		}
	}
	if err := d.own(); err != nil {
		return nil, err
	}
	if d.sentinel {
		d.root = dropJSONNulls(d.root)
	}
	m, ok := d.root.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("json: cannot unmarshal %s into Go value of type map[string]interface {}", jsonKind(d.root))
	}
	return m, nil
}

// own replaces the root with its copy as JSON would decode it (with cow,
// with a copy of the root map).
func (d *patchDoc) own() error {
	if d.private {
		return nil
	}
	if d.cow {
		d.root, d.private = d.mine(d.root), true
		return nil
	}
	root, err := jsonRoundTrip(d.root)
	if err != nil {
		return err
	}
	d.root, d.private = root, true
	return nil
}

// mine is, with cow, container c copied for this patch (c itself when it
// was): the patch changes containers it copied only. A list without
// members is never changed in place.
func (d *patchDoc) mine(c any) any {
	var ptr unsafe.Pointer
	switch t := c.(type) {
	case map[string]any:
		ptr = reflect.ValueOf(t).UnsafePointer()
	case []any:
		if len(t) == 0 {
			return c
		}
		ptr = unsafe.Pointer(unsafe.SliceData(t))
	default:
		return c
	}
	if slices.Contains(d.owned, ptr) {
		return c
	}
	switch t := c.(type) {
	case map[string]any:
		m := maps.Clone(t)
		d.owned = append(d.owned, reflect.ValueOf(m).UnsafePointer())
		return m
	case []any:
		l := make([]any, len(t))
		copy(l, t)
		d.owned = append(d.owned, unsafe.Pointer(unsafe.SliceData(l)))
		return l
	}
	return c
}

// value is a fresh copy of the operation's value (with cow, in final
// form; with once, the value itself).
func (d *patchDoc) value(op *jsonOp) (any, error) {
	if d.once && op.hasValue && !op.null && op.valueErr == nil {
		return yamlNumbers(op.value), nil
	}
	v, err := op.newValue()
	if err != nil || !d.cow {
		return v, err
	}
	return yamlNumbers(v), nil
}

// place is where an operation's path leads: the container holding its last
// token and where that container is held.
type place struct {
	c      any    // map[string]any, []any or copiedNull
	key    string // the last token, decoded
	parent any    // the container holding c; nil: c is the root
	pkey   string // c's key in a parent map
	pidx   int    // c's index in a parent array
}

// find is the library's findObject: ok is false where it finds nothing.
func (d *patchDoc) find(path string) (place, bool) {
	split := strings.Split(path, "/")
	if len(split) < 2 {
		return place{}, false
	}
	at := place{c: d.root}
	for _, part := range split[1 : len(split)-1] {
		key := decodePatchKey(part)
		next, idx, err := getMember(at.c, key)
		if err != nil || isJSONNull(next) {
			return place{}, false
		}
		switch next.(type) {
		case map[string]any, []any, jsonNull:
		default:
			return place{}, false // a scalar holds no members
		}
		if d.cow {
			next = d.mine(next)
			switch c := at.c.(type) { // a container copied for this patch
			case map[string]any:
				c[key] = next
			case []any:
				c[idx] = next
			}
		}
		at = place{c: next, parent: at.c, pkey: key, pidx: idx}
	}
	at.key = decodePatchKey(split[len(split)-1])
	return at, true
}

// store puts c, changed, back where it is held.
func (d *patchDoc) store(at place, c any) {
	switch p := at.parent.(type) {
	case nil:
		d.root = c
	case map[string]any:
		p[at.pkey] = c
	case []any:
		p[at.pidx] = c
	}
}

// isJSONNull: what the library finds as no node (a member missing or
// null) or as a node without text ("value": null).
func isJSONNull(v any) bool {
	switch v := v.(type) {
	case nil:
		return true
	case jsonNull:
		return v == opNull
	case map[string]any:
		return v == nil
	case []any:
		return v == nil
	}
	return false
}

// getMember reads the member key of a container; idx is the array index.
func getMember(c any, key string) (_ any, idx int, _ error) {
	switch c := c.(type) {
	case map[string]any:
		return c[key], 0, nil
	case []any:
		idx, err := arrayIndex(key, len(c))
		if err != nil {
			return nil, 0, err
		}
		if idx >= len(c) {
			return nil, 0, fmt.Errorf("Unable to access invalid index: %d: %w", idx, errPatchIndex)
		}
		return c[idx], idx, nil
	}
	return nil, 0, nil // a copied null: an empty object
}

// arrayIndex reads an array index, negative ones counting from the end
// (n members).
func arrayIndex(key string, n int) (int, error) {
	idx, err := strconv.Atoi(key)
	if err != nil {
		return 0, err
	}
	if idx < 0 {
		if idx < -n {
			return 0, fmt.Errorf("Unable to access invalid index: %d: %w", idx, errPatchIndex)
		}
		idx += n
	}
	return idx, nil
}

// addMember is the library's container add.
func (d *patchDoc) addMember(at place, v any) error {
	d.sentinel = d.sentinel || isSentinel(v)
	switch c := at.c.(type) {
	case map[string]any:
		c[at.key] = v
		return nil
	case []any:
		if at.key == "-" {
			d.store(at, append(c, v))
			return nil
		}
		idx, err := strconv.Atoi(at.key)
		if err != nil {
			return fmt.Errorf("value was not a proper array index: '%s': %w", at.key, err)
		}
		if idx >= len(c)+1 {
			return fmt.Errorf("Unable to access invalid index: %d: %w", idx, errPatchIndex)
		}
		if idx < 0 {
			if idx < -(len(c) + 1) {
				return fmt.Errorf("Unable to access invalid index: %d: %w", idx, errPatchIndex)
			}
			idx += len(c) + 1
		}
		out := make([]any, len(c)+1)
		copy(out, c[:idx])
		out[idx] = v
		copy(out[idx+1:], c[idx:])
		d.store(at, out)
		return nil
	}
	return errPatchNilMember
}

// removeMember is the library's container remove.
func (d *patchDoc) removeMember(at place) error {
	switch c := at.c.(type) {
	case []any:
		idx, err := strconv.Atoi(at.key)
		if err != nil {
			return err
		}
		if idx >= len(c) {
			return fmt.Errorf("Unable to access invalid index: %d: %w", idx, errPatchIndex)
		}
		if idx < 0 {
			if idx < -len(c) {
				return fmt.Errorf("Unable to access invalid index: %d: %w", idx, errPatchIndex)
			}
			idx += len(c)
		}
		out := make([]any, len(c)-1)
		copy(out, c[:idx])
		copy(out[idx:], c[idx+1:])
		d.store(at, out)
		return nil
	case map[string]any:
		if _, ok := c[at.key]; ok {
			delete(c, at.key)
			return nil
		}
	}
	return fmt.Errorf("Unable to remove nonexistent key: %s: %w", at.key, errPatchMissing)
}

func (d *patchDoc) add(op *jsonOp) error {
	if op.pathErr != nil {
		return fmt.Errorf("add operation failed to decode path: %w", errPatchMissing)
	}
	at, ok := d.find(op.path)
	if !ok {
		return fmt.Errorf("add operation does not apply: doc is missing path: \"%s\": %w", op.path, errPatchMissing)
	}
	v, err := d.value(op)
	if err != nil {
		return err
	}
	if err := d.addMember(at, v); err != nil {
		return fmt.Errorf("error in add for path: '%s': %w", op.path, err)
	}
	return nil
}

func (d *patchDoc) remove(op *jsonOp) error {
	if op.pathErr != nil {
		return fmt.Errorf("remove operation failed to decode path: %w", errPatchMissing)
	}
	at, ok := d.find(op.path)
	if !ok {
		return fmt.Errorf("remove operation does not apply: doc is missing path: \"%s\": %w", op.path, errPatchMissing)
	}
	if err := d.removeMember(at); err != nil {
		return fmt.Errorf("error in remove for path: '%s': %w", op.path, err)
	}
	return nil
}

func (d *patchDoc) replace(op *jsonOp) error {
	if op.pathErr != nil {
		return fmt.Errorf("replace operation failed to decode path: %w", op.pathErr)
	}
	if op.path == "" {
		if !op.hasValue {
			return errPatchNilMember // the library dereferences the missing value
		}
		if !op.null && op.valueErr != nil {
			return errPatchDeclined
		}
		switch op.value.(type) {
		case map[string]any, []any:
		default:
			// The library wraps the path's (nil) error.
			return fmt.Errorf("replace operation value must be object or array: %w", op.pathErr)
		}
		v, err := d.value(op)
		if err != nil {
			return err
		}
		d.root = v
		return nil
	}
	at, ok := d.find(op.path)
	if !ok {
		return fmt.Errorf("replace operation does not apply: doc is missing path: %s: %w", op.path, errPatchMissing)
	}
	if _, _, err := getMember(at.c, at.key); err != nil {
		return fmt.Errorf("replace operation does not apply: doc is missing key: %s: %w", op.path, errPatchMissing)
	}
	v, err := d.value(op)
	if err != nil {
		return err
	}
	d.sentinel = d.sentinel || isSentinel(v)
	switch c := at.c.(type) {
	case map[string]any:
		c[at.key] = v
	case []any:
		idx, _ := arrayIndex(at.key, len(c))
		c[idx] = v
	default:
		return errPatchNilMember
	}
	return nil
}

func (d *patchDoc) move(op *jsonOp) error {
	if op.fromErr != nil {
		return fmt.Errorf("move operation failed to decode from: %w", op.fromErr)
	}
	at, ok := d.find(op.from)
	if !ok {
		return fmt.Errorf("move operation does not apply: doc is missing from path: %s: %w", op.from, errPatchMissing)
	}
	v, _, err := getMember(at.c, at.key)
	if err != nil {
		return fmt.Errorf("error in move for path: '%s': %w", at.key, err)
	}
	if err := d.removeMember(at); err != nil {
		return fmt.Errorf("error in move for path: '%s': %w", at.key, err)
	}
	if op.pathErr != nil {
		return fmt.Errorf("move operation failed to decode path: %w", op.pathErr)
	}
	to, ok := d.find(op.path)
	if !ok {
		return fmt.Errorf("move operation does not apply: doc is missing destination path: %s: %w", op.path, errPatchMissing)
	}
	if err := d.addMember(to, v); err != nil {
		return fmt.Errorf("error in move for path: '%s': %w", op.path, err)
	}
	return nil
}

func (d *patchDoc) copy(op *jsonOp) error {
	if op.fromErr != nil {
		return fmt.Errorf("copy operation failed to decode from: %w", op.fromErr)
	}
	at, ok := d.find(op.from)
	if !ok {
		return fmt.Errorf("copy operation does not apply: doc is missing from path: %s: %w", op.from, errPatchMissing)
	}
	v, _, err := getMember(at.c, at.key)
	if err != nil {
		return fmt.Errorf("error in copy for from: '%s': %w", op.from, err)
	}
	if op.pathErr != nil {
		return fmt.Errorf("copy operation failed to decode path: %w", errPatchMissing)
	}
	to, ok := d.find(op.path)
	if !ok {
		return fmt.Errorf("copy operation does not apply: doc is missing destination path: %s: %w", op.path, errPatchMissing)
	}
	// The library copies through JSON text: a null written by an
	// operation becomes a null with text, nulls below it plain ones.
	if _, isNull := v.(jsonNull); isNull {
		v = copiedNull
	} else {
		v = dropJSONNulls(deepCopy(v))
	}
	if err := d.addMember(to, v); err != nil {
		return fmt.Errorf("error while adding value during copy: %w", err)
	}
	return nil
}

// test is the library's test, on the object's JSON text (it compares
// numbers and strings as they are spelled there and in the operation).
func (d *patchDoc) test(op *jsonOp) error {
	if op.pathErr != nil {
		return fmt.Errorf("test operation failed to decode path: %w", op.pathErr)
	}
	doc, err := json.Marshal(d.root)
	if err != nil {
		return err
	}
	value := op.raw
	if op.path == "" {
		if !op.hasValue {
			return errPatchNilMember
		}
		same, err := rawEqual(doc, value)
		if err != nil {
			return err
		}
		if !same {
			return fmt.Errorf("testing value %s failed: %w", op.path, errPatchTest)
		}
		return nil
	}
	con, key, ok := rawFind(doc, op.path)
	if !ok {
		return fmt.Errorf("test operation does not apply: is missing path: %s: %w", op.path, errPatchMissing)
	}
	val, err := rawGet(con, key)
	if err != nil {
		return fmt.Errorf("error in test for path: '%s': %w", op.path, err)
	}
	switch {
	case val == nil && (!op.hasValue || op.null):
		return nil
	case val == nil || !op.hasValue:
		return fmt.Errorf("testing value %s failed: %w", op.path, errPatchTest)
	}
	same, err := rawEqual(val, value)
	if err != nil {
		return err
	}
	if !same {
		return fmt.Errorf("testing value %s failed: %w", op.path, errPatchTest)
	}
	return nil
}

// rawFind is findObject on JSON text: the container of the last token.
func rawFind(doc []byte, path string) ([]byte, string, bool) {
	split := strings.Split(path, "/")
	if len(split) < 2 {
		return nil, "", false
	}
	for _, part := range split[1 : len(split)-1] {
		next, err := rawGet(doc, decodePatchKey(part))
		if next == nil || err != nil || !rawContainer(next) {
			return nil, "", false
		}
		doc = next
	}
	return doc, decodePatchKey(split[len(split)-1]), true
}

// rawContainer: text the library reads members from (an object, an array,
// or null, which decodes as an empty object).
func rawContainer(text []byte) bool {
	if text[0] == '[' {
		var a []*json.RawMessage
		return json.Unmarshal(text, &a) == nil
	}
	var m map[string]*json.RawMessage
	return json.Unmarshal(text, &m) == nil
}

// rawGet reads member key of container text (nil: missing or null).
func rawGet(c []byte, key string) ([]byte, error) {
	if c[0] == '[' {
		var a []*json.RawMessage
		if err := json.Unmarshal(c, &a); err != nil {
			return nil, err
		}
		idx, err := arrayIndex(key, len(a))
		if err != nil {
			return nil, err
		}
		if idx >= len(a) {
			return nil, fmt.Errorf("Unable to access invalid index: %d: %w", idx, errPatchIndex)
		}
		return rawBytes(a[idx]), nil
	}
	var m map[string]*json.RawMessage
	if err := json.Unmarshal(c, &m); err != nil {
		return nil, err
	}
	return rawBytes(m[key]), nil
}

func rawBytes(r *json.RawMessage) []byte {
	if r == nil {
		return nil
	}
	return *r
}

// rawEqual is the library's lazyNode.equal of n (the object's side, not
// null) and o (the operation's; nil: no text). Where the library
// dereferences a missing node, it is an error.
func rawEqual(n, o []byte) (bool, error) {
	var nd map[string]*json.RawMessage
	if json.Unmarshal(n, &nd) == nil {
		var od map[string]*json.RawMessage
		if o == nil || json.Unmarshal(o, &od) != nil {
			return false, nil
		}
		if len(nd) != len(od) {
			return false, nil
		}
		for k, v := range nd {
			ov, ok := od[k]
			switch {
			case !ok || (v == nil) != (ov == nil):
				return false, nil
			case v == nil:
				continue
			}
			if same, err := rawEqual(*v, *ov); err != nil || !same {
				return false, err
			}
		}
		return true, nil
	}
	var na []*json.RawMessage
	if json.Unmarshal(n, &na) != nil {
		return bytes.Equal(jsonCompact(n), jsonCompact(o)), nil
	}
	var oa []*json.RawMessage
	if o == nil || json.Unmarshal(o, &oa) != nil {
		return false, nil
	}
	if len(na) != len(oa) {
		return false, nil
	}
	for i, v := range na {
		if v == nil || oa[i] == nil {
			return false, errPatchNilMember
		}
		if same, err := rawEqual(*v, *oa[i]); err != nil || !same {
			return false, err
		}
	}
	return true, nil
}

// jsonCompact is the library's compact: the text without insignificant
// space (as it is when it is not JSON).
func jsonCompact(text []byte) []byte {
	if text == nil {
		return nil
	}
	var buf bytes.Buffer
	if json.Compact(&buf, text) != nil {
		return text
	}
	return buf.Bytes()
}

var patchKeyDecoder = strings.NewReplacer("~1", "/", "~0", "~")

// decodePatchKey unescapes a JSON pointer token (RFC 6901).
func decodePatchKey(k string) string {
	if !strings.Contains(k, "~") {
		return k
	}
	return patchKeyDecoder.Replace(k)
}

// jsonRoundTrip is json.Unmarshal(json.Marshal(v)) into an any, without the
// text: a copy with every number a float64, strings made valid UTF-8, and
// anything else decoded from its JSON.
func jsonRoundTrip(v any) (any, error) {
	switch t := v.(type) {
	case nil, bool:
		return v, nil
	case string:
		if utf8.ValidString(t) {
			return v, nil
		}
	case float64:
		if math.IsNaN(t) || math.IsInf(t, 0) {
			return nil, fmt.Errorf("json: unsupported value: %s", strconv.FormatFloat(t, 'g', -1, 64))
		}
		return v, nil
	case int:
		return float64(t), nil
	case int64:
		return float64(t), nil
	case uint64:
		return float64(t), nil
	case map[string]any:
		if t == nil {
			return nil, nil
		}
		out := make(map[string]any, len(t))
		for k, e := range t {
			if !utf8.ValidString(k) {
				return jsonText(v) // keys change: let JSON say which wins
			}
			c, err := jsonRoundTrip(e)
			if err != nil {
				return nil, err
			}
			out[k] = c
		}
		return out, nil
	case []any:
		if t == nil {
			return nil, nil
		}
		out := make([]any, len(t))
		for i, e := range t {
			c, err := jsonRoundTrip(e)
			if err != nil {
				return nil, err
			}
			out[i] = c
		}
		return out, nil
	}
	return jsonText(v)
}

// jsonText decodes v's JSON.
func jsonText(v any) (any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, err
	}
	return out, nil
}

func isSentinel(v any) bool {
	_, ok := v.(jsonNull)
	return ok
}

// dropJSONNulls turns the jsonNull values of v into nulls, in place.
func dropJSONNulls(v any) any {
	switch t := v.(type) {
	case jsonNull:
		return nil
	case map[string]any:
		for k, e := range t {
			t[k] = dropJSONNulls(e)
		}
	case []any:
		for i, e := range t {
			t[i] = dropJSONNulls(e)
		}
	}
	return v
}

// jsonKind names a decoded JSON value's kind as encoding/json does.
func jsonKind(v any) string {
	switch v.(type) {
	case []any:
		return "array"
	case string:
		return "string"
	case float64:
		return "number"
	case bool:
		return "bool"
	}
	return "value"
}
