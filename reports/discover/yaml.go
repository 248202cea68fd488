package discover

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"gopkg.in/yaml.v3"
)

// Doc is one YAML document of a file: its value and the line it starts on.
type Doc struct {
	Value map[string]any
	Line  int
}

// maxDocs bounds the documents read from one file.
const maxDocs = 100000

// ParseDocs splits a multi-document YAML stream into its mapping documents.
// Empty documents are skipped; a document that is not a mapping is an
// error naming its line. Alias bombs are refused by the decoder.
func ParseDocs(data []byte) ([]Doc, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var docs []Doc
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
		docs = append(docs, Doc{Value: v, Line: root.Line})
	}
}

// str returns the string at path in v, or "".
func str(v any, path ...string) string {
	s, _ := get(v, path...).(string)
	return s
}

// get walks maps along path.
func get(v any, path ...string) any {
	for _, p := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[p]
	}
	return v
}

func mapAt(v any, path ...string) map[string]any {
	m, _ := get(v, path...).(map[string]any)
	return m
}

func listAt(v any, path ...string) []any {
	l, _ := get(v, path...).([]any)
	return l
}
