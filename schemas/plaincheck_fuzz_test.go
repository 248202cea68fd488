package schemas

import (
	"testing"

	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/cuecontext"
	"cuelang.org/go/cue/parser"
)

// FuzzPlainCheck holds the Go check of plain-data services to CUE on any
// service declaration: whenever checkPlain is sure of a service, alone or
// unified with a valid one, CUE must find it valid with the same value and
// decode it into the same service (plainVersusCUE). A declaration CUE
// cannot parse is not a service and is skipped.
func FuzzPlainCheck(f *testing.F) {
	f.Add(plainBase)
	for _, s := range plainSnippets {
		f.Add(s)
	}
	f.Add(`{team: "shop", blueprint: "web", image: "a.azurecr.io/x:1", port: 8080, replicas: 3}`)
	f.Add(`{port: 0x1F90, env: {A: "1", B: """
		multi
		"""}}`)
	f.Fuzz(func(t *testing.T, src string) {
		if len(src) > 4<<10 {
			return
		}
		e, err := parser.ParseExpr("fuzz.cue", src)
		if err != nil {
			return
		}
		base, err := parser.ParseExpr("base.cue", plainBase)
		if err != nil {
			t.Fatal(err)
		}
		for _, decls := range [][]ast.Expr{{e}, {base, e}} {
			if _, problem := plainVersusCUE(cuecontext.New(), decls); problem != "" {
				t.Fatalf("%s: %s", src, problem)
			}
		}
	})
}
