package schemas

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// FuzzLoad feeds arbitrary bytes as a platform file (beside the valid
// example's other files) and requires the loader to return either a model or
// located errors — never panic, never an unlocated schema error.
func FuzzLoad(f *testing.F) {
	ex := Example()
	for _, name := range sortedKeys(ex) {
		f.Add(name, ex[name])
	}
	cases, _ := filepath.Glob(filepath.Join("..", "testdata", "invalid", "*", "*.cue"))
	for _, c := range cases {
		if b, err := os.ReadFile(c); err == nil {
			f.Add("services.cue", b)
		}
	}
	f.Add("data.yaml", []byte("teams:\n  shop:\n    quota: {cpu: 1, memory: 1Gi}\n"))
	f.Add("data.json", []byte(`{"services": {"x": {"port": "a"}}}`))
	f.Fuzz(func(t *testing.T, name string, src []byte) {
		switch name {
		case "platform.cue", "services.cue", "teams.cue", "data.yaml", "data.json":
		default:
			name = "services.cue"
		}
		srcs := map[string][]byte{}
		for k, v := range ex {
			srcs[k] = v
		}
		srcs[name] = src
		files := sortedKeys(srcs)
		m, err := loadSources(files, srcs)
		if err == nil {
			if m == nil {
				t.Fatal("nil model without error")
			}
			return
		}
		var errs Errors
		if !errors.As(err, &errs) {
			return // e.g. an I/O-free internal error is still an error, not a panic
		}
		if len(errs) == 0 {
			t.Fatal("empty error list")
		}
		for _, e := range errs {
			if e.Msg == "" {
				t.Fatalf("error without message: %#v", e)
			}
		}
	})
}
