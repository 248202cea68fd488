package schemas

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// dataFileError finds, before CUE reads a .yaml, .yml or .json data file,
// the problems CUE would report at line 1 or not at all, and returns the
// first at its own line: bytes that are not UTF-8, a YAML alias naming no
// anchor, and a key given twice in one YAML mapping (CUE would unify the
// two values, so a repeated key was silently accepted when both agree). It
// returns nil when it found none of these; syntax errors are left to CUE,
// which places them where YAML does.
func dataFileError(name string, src []byte, isYAML bool) *Error {
	if !utf8.Valid(src) {
		off := 0
		for off < len(src) {
			r, size := utf8.DecodeRune(src[off:])
			if r == utf8.RuneError && size <= 1 {
				break
			}
			off += size
		}
		line, col := lineCol(src, off)
		return &Error{Pos: Pos{File: name, Line: line, Column: col}, Rule: "syntax",
			Msg: fmt.Sprintf("invalid UTF-8 (byte 0x%02x): data files are UTF-8 text", src[off])}
	}
	if !isYAML {
		return nil
	}
	dec := yaml.NewDecoder(bytes.NewReader(src))
	for {
		var v any
		err := dec.Decode(&v)
		if err == nil {
			continue
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		var te *yaml.TypeError
		if errors.As(err, &te) {
			for _, msg := range te.Errors {
				if m := yamlDuplicateRE.FindStringSubmatch(msg); m != nil {
					line, _ := strconv.Atoi(m[1])
					return &Error{Pos: Pos{File: name, Line: line, Column: keyColumn(src, line)}, Rule: "syntax",
						Msg: fmt.Sprintf("mapping key %s already defined at line %s", m[2], m[3])}
				}
			}
			return nil
		}
		if m := yamlAnchorRE.FindStringSubmatch(err.Error()); m != nil {
			if i := bytes.Index(src, []byte("*"+m[1])); i >= 0 {
				line, col := lineCol(src, i)
				return &Error{Pos: Pos{File: name, Line: line, Column: col}, Rule: "syntax",
					Msg: fmt.Sprintf("unknown anchor '%s' referenced", m[1])}
			}
		}
		return nil // a syntax error: CUE reports it at the same line
	}
}

var (
	yamlDuplicateRE = regexp.MustCompile(`^line (\d+): mapping key (.+) already defined at line (\d+)$`)
	yamlAnchorRE    = regexp.MustCompile(`unknown anchor '([^']*)' referenced`)
)

// lineCol is the 1-based line and column (in bytes) of offset off in src.
func lineCol(src []byte, off int) (line, col int) {
	before := src[:off]
	line = bytes.Count(before, []byte("\n")) + 1
	col = off - (bytes.LastIndexByte(before, '\n') + 1) + 1
	return line, col
}

// keyColumn is the column of the first non-blank byte of line in src (the
// key of a block mapping), 1 when there is none.
func keyColumn(src []byte, line int) int {
	lines := bytes.Split(src, []byte("\n"))
	if line < 1 || line > len(lines) {
		return 1
	}
	l := lines[line-1]
	return len(l) - len(bytes.TrimLeft(l, " \t-")) + 1
}
