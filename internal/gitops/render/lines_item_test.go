package render

import (
	"bytes"
	"testing"
)

// TestListItemNamed: a container whose name is not the first key of its
// list item (sorted keys, as plinth and kubectl write them) is found by its
// "name:" key; an env var of the same name one level down is not it.
func TestListItemNamed(t *testing.T) {
	doc := []byte(`spec:
  containers:
  - env:
    - name: api
      value: x
    image: a
    name: web
    securityContext:
      privileged: true
  - image: b
    name: api
`)
	lines := bytes.Split(doc, []byte("\n"))
	tests := []struct {
		name      string
		want, ind int
	}{
		{"web", 2, 2},
		{"api", 9, 2}, // not the env var named api
		{"db", -1, 0},
	}
	for _, tc := range tests {
		got, ind := listItemNamed(lines, 0, len(lines), tc.name)
		if got != tc.want || ind != tc.ind {
			t.Errorf("listItemNamed(%q) = %d, %d; want %d, %d", tc.name, got, ind, tc.want, tc.ind)
		}
	}
}
