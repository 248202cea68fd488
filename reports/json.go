package reports

import (
	"bytes"
	"encoding/json"
)

// The JSON shape of plinth.dev/report/v1 (and of plinth controls --format
// json) gives every control its Korean title beside its title ("titleKo").
// The model holds titles in English only; the Korean one comes from the
// catalog (ControlTitle) when a control is written.

// controlFields is Control without its methods, so encoding/json walks its fields.
type controlFields Control

// controlJSON is a control as JSON writes it: id, title, titleKo, then the rest.
type controlJSON struct {
	ID      string `json:"id"`
	Title   string `json:"title"`
	TitleKO string `json:"titleKo"`
	controlFields
}

func newControlJSON(c Control) controlJSON {
	ko, _ := ControlTitle(c.ID, "ko")
	return controlJSON{ID: c.ID, Title: c.Title, TitleKO: ko, controlFields: controlFields(c)}
}

// MarshalJSON writes the control with its Korean title from the catalog.
func (c Control) MarshalJSON() ([]byte, error) { return marshalPlain(newControlJSON(c)) }

// MarshalJSON writes the control as Control does, then its outcome.
func (c ControlResult) MarshalJSON() ([]byte, error) {
	return marshalPlain(struct {
		controlJSON
		Status string            `json:"status"`
		Scopes map[string]string `json:"scopes"`
		Passed int               `json:"passed"`
		Total  int               `json:"total"`
	}{newControlJSON(c.Control), c.Status, c.Scopes, c.Passed, c.Total})
}

// marshalPlain is json.Marshal without HTML escaping, as the renderers
// encode (an enclosing encoder keeps the bytes a Marshaler returns).
func marshalPlain(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}
