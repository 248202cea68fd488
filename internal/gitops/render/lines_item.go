package render

import (
	"bytes"
	"regexp"
)

var nameKey = regexp.MustCompile(`^(\s*)name:\s*["']?([^"'#\s]*)["']?\s*(#.*)?$`)

// listItemNamed finds, between lines start and end, the list item whose
// "name:" key is name when that key is not on the item's "- " line (YAML
// written with sorted keys: "- env:" or "- image:" first, "name:" below).
// It returns the index of the item's "- " line and its indentation, or -1.
func listItemNamed(lines [][]byte, start, end int, name string) (int, int) {
	for i := start; i < end; i++ {
		m := nameKey.FindSubmatch(lines[i])
		if m == nil || string(m[2]) != name || len(m[1]) < 2 {
			continue
		}
		dash := len(m[1]) - 2
		for j := i - 1; j >= start; j-- {
			l := lines[j]
			t := bytes.TrimLeft(l, " ")
			ind := len(l) - len(t)
			if len(t) == 0 || t[0] == '#' || ind > dash+1 {
				continue
			}
			if ind == dash && bytes.HasPrefix(t, []byte("- ")) {
				return j, dash
			}
			break
		}
	}
	return -1, 0
}
