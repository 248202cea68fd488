package render

import (
	"bytes"
	"regexp"
	"strings"
	"sync"
)

// lineIndex finds the lines of fields in the source files of objects, so
// that a finding points at the offending field rather than at the start of
// its object.
type lineIndex struct {
	mu    sync.Mutex
	lines map[string][][]byte
}

var dashName = regexp.MustCompile(`^(\s*)-\s+name:\s*["']?([^"'#\s]*)["']?\s*(#.*)?$`)

// FieldLine returns the line, in o's source file, of field (a key such as
// "privileged" or "hostPID") within the container named container (its
// "- name:" line when field is "" or absent from it), or within o's
// document when container is "". It returns o.Line when the text is not
// found (a templated name, a key spelled otherwise), never 0 for an object
// that has a line.
func (res *Result) FieldLine(o *Object, container, field string) int {
	if res == nil || res.snap == nil || o.File == "" {
		return o.Line
	}
	lines := res.index.file(res, o.File)
	start, end := docBounds(lines, o.Line)
	if start >= end {
		return o.Line
	}
	from, to := start, end
	if container != "" {
		found := -1
		indent := 0
		for i := start; i < end; i++ {
			if m := dashName.FindSubmatch(lines[i]); m != nil && string(m[2]) == container {
				found, indent = i, len(m[1])
				break
			}
		}
		if found < 0 {
			found, indent = listItemNamed(lines, start, end, container)
		}
		if found < 0 {
			return o.Line
		}
		from, to = found, end
		for i := found + 1; i < end; i++ {
			t := bytes.TrimLeft(lines[i], " ")
			if len(t) == 0 || t[0] == '#' {
				continue
			}
			if len(lines[i])-len(t) <= indent {
				to = i
				break
			}
		}
		if field == "" {
			return found + 1
		}
		if l := findKey(lines[from:to], field); l >= 0 {
			return from + l + 1
		}
		return found + 1
	}
	if l := findKey(lines[from:to], field); l >= 0 {
		return from + l + 1
	}
	return o.Line
}

// findKey returns the index of the first line holding "field:" as a key.
func findKey(lines [][]byte, field string) int {
	for i, l := range lines {
		t := strings.TrimLeft(string(l), " ")
		t = strings.TrimLeft(strings.TrimPrefix(t, "-"), " ")
		if strings.HasPrefix(t, field+":") {
			return i
		}
	}
	return -1
}

func (x *lineIndex) file(res *Result, p string) [][]byte {
	x.mu.Lock()
	defer x.mu.Unlock()
	if ls, ok := x.lines[p]; ok {
		return ls
	}
	if x.lines == nil {
		x.lines = map[string][][]byte{}
	}
	var ls [][]byte
	if f, ok := res.snap.File(p); ok && f.Err == nil {
		ls = bytes.Split(f.Data, []byte("\n"))
	}
	x.lines[p] = ls
	return ls
}

// PodFieldLine returns the line of field in the pod's securityContext of o
// (the securityContext key at the indentation of the pod's containers
// key), else FieldLine(o, "", field).
func (res *Result) PodFieldLine(o *Object, field string) int {
	if res == nil || res.snap == nil || o.File == "" {
		return o.Line
	}
	lines := res.index.file(res, o.File)
	start, end := docBounds(lines, o.Line)
	indent := func(l []byte) int { return len(l) - len(bytes.TrimLeft(l, " ")) }
	podIndent := -1
	if start < end {
		if i := findKey(lines[start:end], "containers"); i >= 0 {
			podIndent = indent(lines[start+i])
		}
	}
	for i := start; podIndent >= 0 && i < end; i++ {
		if indent(lines[i]) != podIndent || !bytes.HasPrefix(bytes.TrimLeft(lines[i], " "), []byte("securityContext:")) {
			continue
		}
		to := end
		for j := i + 1; j < end; j++ {
			t := bytes.TrimLeft(lines[j], " ")
			if len(t) > 0 && t[0] != '#' && indent(lines[j]) <= podIndent {
				to = j
				break
			}
		}
		if l := findKey(lines[i+1:to], field); l >= 0 {
			return i + 1 + l + 1
		}
		break
	}
	return res.FieldLine(o, "", field)
}

// docBounds are the indexes of the first line of the document at line
// (1-based) and of the line after it (its "---" or the end of lines).
func docBounds(lines [][]byte, line int) (start, end int) {
	start, end = max(line, 1)-1, len(lines)
	for i := start + 1; i < len(lines); i++ {
		if bytes.HasPrefix(lines[i], []byte("---")) {
			return start, i
		}
	}
	return start, end
}
