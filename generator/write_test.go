package generator

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// snapshot reads every file under dir (relative slash paths -> content).
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if d.IsDir() {
			out[filepath.ToSlash(rel)+"/"] = ""
			return nil
		}
		data, err := os.ReadFile(p)
		out[filepath.ToSlash(rel)] = string(data)
		return err
	})
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		t.Fatal(err)
	}
	return out
}

func equalSnapshots(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

func TestWriteFreshAndRerun(t *testing.T) {
	out := generate(t, loadExample(t), Options{})
	dir := filepath.Join(t.TempDir(), "fleet", "repo")
	st, err := WriteWithStats(out, dir)
	if err != nil {
		t.Fatal(err)
	}
	if st.Written != len(out.Files) || st.Removed != 0 {
		t.Errorf("first run: %+v", st)
	}
	got := snapshot(t, dir)
	for p, data := range out.Files {
		if got[p] != string(data) {
			t.Errorf("%s not written as generated", p)
		}
	}
	st, err = WriteWithStats(out, dir)
	if err != nil {
		t.Fatal(err)
	}
	if st.Written != 0 || st.Unchanged != len(out.Files) {
		t.Errorf("second run changed files: %+v", st)
	}
	if !equalSnapshots(got, snapshot(t, dir)) {
		t.Error("second run changed the tree")
	}
	// No staging directory is left next to the tree.
	ents, _ := os.ReadDir(filepath.Dir(dir))
	if len(ents) != 1 {
		t.Errorf("left behind: %v", ents)
	}
}

func TestWriteStaleAndForeign(t *testing.T) {
	m := loadExample(t)
	dir := t.TempDir()
	if err := Write(generate(t, m, Options{}), dir); err != nil {
		t.Fatal(err)
	}
	foreign := map[string]string{
		"README.md":                          "# our fleet\n",
		"apps/dev/ingestion/notes.txt":       "hand-written\n",
		"clusters/nonprod/flux-system/x.yml": "kind: Foo\n",
	}
	for p, c := range foreign {
		if err := writeFile(filepath.Join(dir, p), []byte(c)); err != nil {
			t.Fatal(err)
		}
	}
	// Only prod now: dev and staging files are stale.
	prod := generate(t, m, Options{Envs: []string{"prod"}})
	st, err := WriteWithStats(prod, dir)
	if err != nil {
		t.Fatal(err)
	}
	if st.Removed == 0 {
		t.Errorf("no stale file removed: %+v", st)
	}
	got := snapshot(t, dir)
	for p, c := range foreign {
		if got[p] != c {
			t.Errorf("foreign file %s touched", p)
		}
	}
	for p := range got {
		if strings.HasSuffix(p, "/") {
			continue
		}
		if _, owned := prod.Files[p]; !owned && foreign[p] == "" {
			t.Errorf("stale file %s left", p)
		}
	}
	if _, ok := got["infrastructure/staging/"]; ok {
		t.Error("empty stale directory infrastructure/staging left")
	}
	if _, ok := got["apps/dev/ingestion/"]; !ok {
		t.Error("directory holding a foreign file removed")
	}
}

func TestWriteRefusesForeignFile(t *testing.T) {
	out := generate(t, loadExample(t), Options{})
	dir := t.TempDir()
	if err := writeFile(filepath.Join(dir, "clusters/prod/kustomization.yaml"), []byte("mine\n")); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, dir)
	err := Write(out, dir)
	if err == nil || !strings.Contains(err.Error(), "clusters/prod/kustomization.yaml exists and is not owned by plinth") {
		t.Fatalf("err = %v", err)
	}
	if !equalSnapshots(before, snapshot(t, dir)) {
		t.Error("tree changed after a refused write")
	}
}

// TestWriteAtomic fails every move in turn and checks the tree is left
// exactly as it was, with no staging directory or journal.
func TestWriteAtomic(t *testing.T) {
	m := loadExample(t)
	all := generate(t, m, Options{})
	prod := generate(t, m, Options{Envs: []string{"prod"}, Flavor: FlavorHelm})
	for _, tc := range []struct {
		name  string
		first *Output // tree already in place (nil: none)
		next  *Output
	}{
		{"fresh", nil, all},
		{"fresh in new parents", nil, all},
		{"update", all, prod},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for fail := 1; ; fail++ {
				root := t.TempDir()
				dir := filepath.Join(root, "tree")
				if strings.Contains(tc.name, "parents") {
					dir = filepath.Join(root, "a", "b", "tree")
				}
				if tc.first != nil {
					if err := Write(tc.first, dir); err != nil {
						t.Fatal(err)
					}
				}
				before := snapshot(t, dir)
				calls := 0
				failMove = func(string) error {
					calls++
					if calls == fail {
						return errors.New("injected failure")
					}
					return nil
				}
				err := Write(tc.next, dir)
				failMove = nil
				if err == nil {
					if fail == 1 {
						t.Fatal("no rename happened")
					}
					return // every rename position tested
				}
				if !equalSnapshots(before, snapshot(t, dir)) {
					t.Fatalf("failure at rename %d changed the tree", fail)
				}
				ents, _ := os.ReadDir(root)
				if len(ents) > 1 || tc.first == nil && len(ents) > 0 {
					t.Fatalf("failure at rename %d left %v", fail, ents)
				}
				if fail > 8 {
					fail += 41 // sample the long tail
				}
			}
		})
	}
}
