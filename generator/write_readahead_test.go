package generator

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"syscall"
	"testing"

	"github.com/plinth-dev/plinth/internal/fsguard"
	"github.com/plinth-dev/plinth/internal/gitops/repo"
)

// TestReadAheadSamePlan: the plan made with the read-ahead (directory
// listings, files read on both cores) is exactly the plan made by reading
// every path through the guard, error included, on trees changed in every
// way a tree on disk can differ from the generated one.
func TestReadAheadSamePlan(t *testing.T) {
	m := loadExample(t)
	all := generate(t, m, Options{})
	prod := generate(t, m, Options{Envs: []string{"prod"}})
	paths := make([]string, 0, len(all.Files))
	for p := range all.Files {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	kust := "clusters/prod/kustomization.yaml"
	deep := paths[len(paths)/2]
	at := func(dir, p string) string { return filepath.Join(dir, filepath.FromSlash(p)) }
	must := func(t *testing.T, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name   string
		change func(t *testing.T, dir, outside string)
		next   *Output
	}{
		{"unchanged", func(*testing.T, string, string) {}, all},
		{"fewer environments", func(*testing.T, string, string) {}, prod},
		{"files edited and removed", func(t *testing.T, dir, _ string) {
			for i, p := range paths {
				switch i % 7 {
				case 1:
					must(t, os.WriteFile(at(dir, p), []byte("edited\n"), 0o644))
				case 2:
					must(t, os.Remove(at(dir, p)))
				}
			}
		}, all},
		{"a directory removed", func(t *testing.T, dir, _ string) {
			must(t, os.RemoveAll(filepath.Dir(at(dir, deep))))
		}, all},
		{"no manifest, foreign files", func(t *testing.T, dir, _ string) {
			must(t, os.Remove(at(dir, repo.ManifestPath)))
			must(t, os.WriteFile(at(dir, kust), []byte("mine\n"), 0o644))
		}, all},
		{"a file is a link to outside", func(t *testing.T, dir, outside string) {
			must(t, os.Remove(at(dir, deep)))
			must(t, os.Symlink(filepath.Join(outside, "secret"), at(dir, deep)))
		}, all},
		{"a file is a link inside", func(t *testing.T, dir, _ string) {
			must(t, os.Remove(at(dir, kust)))
			must(t, os.Symlink("sources.yaml", at(dir, kust)))
		}, all},
		{"a directory is a link", func(t *testing.T, dir, outside string) {
			d := filepath.Dir(at(dir, deep))
			must(t, os.RemoveAll(d))
			must(t, os.Symlink(outside, d))
		}, all},
		{"a file is a directory", func(t *testing.T, dir, _ string) {
			must(t, os.Remove(at(dir, kust)))
			must(t, os.Mkdir(at(dir, kust), 0o755))
		}, all},
		{"a directory is a file", func(t *testing.T, dir, _ string) {
			d := filepath.Dir(at(dir, deep))
			must(t, os.RemoveAll(d))
			must(t, os.WriteFile(d, []byte("x"), 0o644))
		}, all},
		{"a file is a fifo", func(t *testing.T, dir, _ string) {
			must(t, os.Remove(at(dir, kust)))
			if err := syscall.Mkfifo(at(dir, kust), 0o644); err != nil {
				t.Skip(err)
			}
		}, all},
	} {
		t.Run(tc.name, func(t *testing.T) {
			base := t.TempDir()
			dir, outside := filepath.Join(base, "out"), filepath.Join(base, "outside")
			must(t, os.MkdirAll(outside, 0o755))
			must(t, os.WriteFile(filepath.Join(outside, "secret"), []byte("secret\n"), 0o644))
			if err := Write(all, dir); err != nil {
				t.Fatal(err)
			}
			tc.change(t, dir, outside)
			r, err := fsguard.OpenWrite(dir, outWhat, fsguard.Limits{File: maxOutFile})
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			ahead, aheadErr := repo.Plan(rootTree{r: r, seen: readAhead(r, tc.next.Files)}, tc.next.Files)
			guard, guardErr := repo.Plan(rootTree{r: r}, tc.next.Files)
			if fmt.Sprint(aheadErr) != fmt.Sprint(guardErr) {
				t.Fatalf("error with the read-ahead:\n%v\nthrough the guard:\n%v", aheadErr, guardErr)
			}
			if !reflect.DeepEqual(ahead, guard) {
				t.Fatalf("plans differ:\nread-ahead %d changes, %d unchanged\nguard %d changes, %d unchanged", len(ahead.List), ahead.Unchanged, len(guard.List), guard.Unchanged)
			}
			t.Logf("error: %v", guardErr)
		})
	}
}

// TestEachDirFirstError: whatever order the directories run in, the error
// returned is that of the lowest index that fails, and every index below
// it ran.
func TestEachDirFirstError(t *testing.T) {
	r, err := fsguard.OpenWrite(t.TempDir(), outWhat, fsguard.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for _, tc := range []struct {
		n     int
		fails []int
	}{{0, nil}, {5, nil}, {100, []int{99}}, {100, []int{37, 38, 90}}, {1000, []int{3, 500}}, {1000, []int{999, 17}}} {
		t.Run(fmt.Sprint(tc.n, tc.fails), func(t *testing.T) {
			for range 20 {
				ran := make([]bool, tc.n)
				err := eachDir(r, tc.n, func(_ *fsguard.Dirs, i int) error {
					ran[i] = true
					for _, f := range tc.fails {
						if i == f {
							return fmt.Errorf("index %d", i)
						}
					}
					return nil
				})
				first := tc.n
				for _, f := range tc.fails {
					first = min(first, f)
				}
				if first == tc.n {
					if err != nil {
						t.Fatalf("err = %v", err)
					}
				} else if err == nil || err.Error() != fmt.Sprintf("index %d", first) {
					t.Fatalf("err = %v, want index %d", err, first)
				}
				for i := range first {
					if !ran[i] {
						t.Fatalf("index %d below the first failure did not run", i)
					}
				}
			}
		})
	}
	if err := eachDir(r, 3, func(*fsguard.Dirs, int) error { return errors.New("x") }); err == nil {
		t.Fatal("no error")
	}
}
