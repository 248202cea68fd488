package render

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"gopkg.in/yaml.v3"

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
// error naming its line. Alias bombs are refused by the decoder.
func parseDocs(data []byte) ([]yamlDoc, error) {
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
		docs = append(docs, yamlDoc{Value: v, Line: root.Line})
	}
}

var (
	get    = obj.Get
	str    = obj.Str
	mapAt  = obj.Map
	listAt = obj.List
)
