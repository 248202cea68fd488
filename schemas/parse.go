package schemas

import (
	"path/filepath"
	"runtime"
	"sync"

	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/parser"
	cuejson "cuelang.org/go/encoding/json"
	cueyaml "cuelang.org/go/encoding/yaml"
)

// parsed is one platform file read into CUE syntax: the file, or the
// problem of a data file found before CUE reads it, or CUE's error.
type parsed struct {
	file    *ast.File
	dataErr *Error
	err     error
}

// parseAll parses the platform files on every CPU (parsing needs no CUE
// context) and returns the results in the order of files, so that what is
// reported does not depend on which file finished first.
func parseAll(files []string, srcs map[string][]byte) []parsed {
	out := make([]parsed, len(files))
	workers := min(runtime.GOMAXPROCS(0), len(files))
	next := make(chan int)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := range next {
				out[i] = parseFile(files[i], srcs[files[i]])
			}
		})
	}
	for i := range files {
		next <- i
	}
	close(next)
	wg.Wait()
	return out
}

// parseFile parses one .cue file, or reads a .json, .yaml or .yml data file.
func parseFile(name string, src []byte) parsed {
	ext := filepath.Ext(name)
	if ext != ".cue" {
		if e := dataFileError(name, src, ext != ".json"); e != nil {
			return parsed{dataErr: e}
		}
	}
	var r parsed
	switch ext {
	case ".cue":
		r.file, r.err = parser.ParseFile(name, src, parser.ParseComments)
	case ".json":
		var expr ast.Expr
		expr, r.err = cuejson.Extract(name, src)
		if r.err == nil {
			r.file, r.err = exprFile(name, expr)
		}
	default:
		r.file, r.err = cueyaml.Extract(name, src)
	}
	return r
}
