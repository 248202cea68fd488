package render

import "bytes"

// renderedDocs parses one template's output as parseDocs does (fastDocs
// reads the plain block YAML chart templates write, without a copy).
func renderedDocs(content string) ([]yamlDoc, error) {
	if chartOutputHook != nil {
		chartOutputHook(content)
	}
	if docs, ok := fastDocsText(content); ok {
		return docs, nil
	}
	return decodeDocs([]byte(content))
}

// chartOutputHook, set by tests, sees every template output renderedDocs
// parses.
var chartOutputHook func(content string)

// valuesDoc decodes a values file of one document through parseDocs,
// giving what yaml.Unmarshal into a map followed by
// stringKeys gives; ok is false for anything else (an empty file, more than one document, a document
// that is not a mapping, an error): the caller then decodes the file
// itself, for its value or its message.
func valuesDoc(data []byte) (map[string]any, bool) {
	if bytes.HasPrefix(data, []byte("---")) || bytes.HasPrefix(data, []byte("...")) || bytes.Contains(data, []byte("\n---")) || bytes.Contains(data, []byte("\n...")) {
		return nil, false // yaml.Unmarshal reads only the first document
	}
	docs, err := parseDocs(data)
	if err != nil {
		return nil, false
	}
	if len(docs) != 1 {
		return nil, false
	}
	return docs[0].Value, true
}
