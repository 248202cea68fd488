package render

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"

	yaml "go.yaml.in/yaml/v3"

	"github.com/plinth-dev/plinth/internal/gitops/obj"
)

// yamlDoc is one YAML document of a file: its value and the line it starts on.
type yamlDoc struct {
	Value map[string]any
	Line  int
}

// maxDocs bounds the documents read from one file.
const maxDocs = 100000

// parseDocs splits a multi-document YAML stream into its mapping documents.
// Empty documents are skipped; a document that is not a mapping is an
// error naming its line. Alias bombs are refused by the decoder. Streams
// in the block style tools write are read by fastDocs, which gives the
// same documents without the decoder's node tree; decodeDocs reads the rest.
func parseDocs(data []byte) ([]yamlDoc, error) { return parseDocsShared(data, nil) }

// parseDocsShared is parseDocs sharing identical mappings through in
// (yamlintern.go).
func parseDocsShared(data []byte, in *interner) ([]yamlDoc, error) {
	if docs, ok := fastDocs(data, in); ok {
		return docs, nil
	}
	return decodeDocs(data)
}

// decodeDocs is parseDocs with the YAML decoder.
func decodeDocs(data []byte) ([]yamlDoc, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var docs []yamlDoc
	for i := 0; ; i++ {
		if i >= maxDocs {
			return docs, fmt.Errorf("more than %d YAML documents", maxDocs)
		}
		var n yaml.Node
		err := dec.Decode(&n)
		if errors.Is(err, io.EOF) {
			return docs, nil
		}
		if err != nil {
			return docs, fmt.Errorf("invalid YAML: %w", err)
		}
		if n.Kind != yaml.DocumentNode || len(n.Content) == 0 {
			continue
		}
		root := n.Content[0]
		if root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
			continue
		}
		if root.Kind != yaml.MappingNode {
			return docs, fmt.Errorf("line %d: YAML document is not a mapping", root.Line)
		}
		var v map[string]any
		if err := root.Decode(&v); err != nil {
			return docs, fmt.Errorf("line %d: invalid YAML: %w", root.Line, err)
		}
		if len(v) == 0 {
			continue
		}
		docs = append(docs, yamlDoc{Value: stringKeys(v).(map[string]any), Line: root.Line})
	}
}

// Functions, not variables holding obj's: a call through a variable
// cannot be inlined, and the path it is given then goes to the heap.

func get(v any, path ...string) any              { return obj.Get(v, path...) }
func str(v any, path ...string) string           { return obj.Str(v, path...) }
func mapAt(v any, path ...string) map[string]any { return obj.Map(v, path...) }
func listAt(v any, path ...string) []any         { return obj.List(v, path...) }

// stringKeys turns every map of a decoded YAML value into a map[string]any,
// as Kubernetes sees it: the YAML decoder makes a map with a key that is not
// a string (data: {123: …}, on: true) a map[any]any, which every accessor
// would take for no map at all. Keys are spelled as the API server's
// YAML-to-JSON conversion spells them; when two keys spell the same, a
// string key wins over the others, then the first in sorted order.
func stringKeys(v any) any {
	switch v := v.(type) {
	case map[string]any:
		for k, e := range v {
			v[k] = stringKeys(e)
		}
		return v
	case map[any]any:
		keys := make([]any, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.SliceStable(keys, func(i, j int) bool {
			_, si := keys[i].(string)
			_, sj := keys[j].(string)
			if si != sj {
				return si
			}
			if a, b := keyString(keys[i]), keyString(keys[j]); a != b {
				return a < b
			}
			return fmt.Sprintf("%T", keys[i]) < fmt.Sprintf("%T", keys[j])
		})
		out := make(map[string]any, len(v))
		for _, k := range keys {
			ks := keyString(k)
			if _, dup := out[ks]; !dup {
				out[ks] = stringKeys(v[k])
			}
		}
		return out
	case []any:
		for i, e := range v {
			v[i] = stringKeys(e)
		}
		return v
	}
	return v
}

// keyString spells a YAML map key the way sigs.k8s.io/yaml does when it
// converts YAML to JSON.
func keyString(k any) string {
	switch k := k.(type) {
	case string:
		return k
	case int:
		return strconv.Itoa(k)
	case int64:
		return strconv.FormatInt(k, 10)
	case uint64:
		return strconv.FormatUint(k, 10)
	case float64:
		return strconv.FormatFloat(k, 'g', -1, 64)
	case bool:
		return strconv.FormatBool(k)
	case nil:
		return "null"
	}
	return fmt.Sprint(k)
}
