package scan

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/plinth-dev/plinth/generator"
	"github.com/plinth-dev/plinth/internal/gitops/render"
	"github.com/plinth-dev/plinth/internal/gitops/source"
	"github.com/plinth-dev/plinth/internal/testutil/synth"
)

// readTree reads the files below dir as a map by slash path.
func readTree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		files[filepath.ToSlash(rel)] = data
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

var (
	imageTag  = regexp.MustCompile(`(?m)^(\s*-?\s*image:\s*"?[^"\s:@{]+:)([^"\s@]+)`)
	valuesTag = regexp.MustCompile(`(?m)^(\s+tag:\s*)(\S+)`)
)

// changes are second states of a repository's files: each changes what a
// workload-local check reads in some workloads and leaves the others.
var changes = []struct {
	name   string
	change func(files map[string][]byte)
}{
	{"unchanged", func(map[string][]byte) {}},
	{"an image tag", func(files map[string][]byte) {
		for _, re := range []*regexp.Regexp{imageTag, valuesTag} {
			for _, p := range sortedPaths(files) {
				if re.Match(files[p]) {
					files[p] = re.ReplaceAll(files[p], []byte("${1}9.9.9"))
					return
				}
			}
		}
	}},
	{"lines moved and text changed", func(files map[string][]byte) {
		n := 0
		for _, p := range sortedPaths(files) {
			if !bytes.Contains(files[p], []byte("kind: Deployment")) {
				continue
			}
			switch n {
			case 0: // lines move
				files[p] = append([]byte("# moved down\n"), files[p]...)
			case 1: // lines stay, the text changes
				files[p] = append(slices.Clone(files[p]), "# a comment\n"...)
			}
			if n++; n == 2 {
				return
			}
		}
	}},
	{"trusted registries and environments", func(files map[string][]byte) {
		files[BaselineFile] = []byte("trustedRegistries: [r.example.com]\n")
		for _, p := range sortedPaths(files) {
			if filepath.Dir(p) == StateDir {
				files[p] = bytes.Replace(files[p], []byte(`"name": "staging"`), []byte(`"name": "stage"`), 1)
			}
		}
	}},
}

func sortedPaths(files map[string][]byte) []string { return slices.Sorted(maps.Keys(files)) }

// TestTwoStatesReuseFindings evaluates the base of a history report as Run
// does (after the head, sharing the render cache and the head's findings)
// and alone: the reports are the same, for the test repositories and a
// synthetic platform in both layouts, each with second states that change
// images, lines, file texts, trusted registries and environments.
func TestTwoStatesReuseFindings(t *testing.T) {
	date := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	repos := map[string]map[string][]byte{}
	for _, r := range []string{"argocd", "flux", "helm", "plain"} {
		repos["repo-"+r] = readTree(t, filepath.Join("..", "..", "testdata", "repos", r))
	}
	m := synth.Load(t, 20)
	for _, flavor := range []string{generator.FlavorKustomize, generator.FlavorHelm} {
		out, err := generator.Generate(m, generator.Options{Flavor: flavor})
		if err != nil {
			t.Fatal(err)
		}
		repos["synth-"+flavor] = out.Files
	}
	for _, name := range slices.Sorted(maps.Keys(repos)) {
		for _, ch := range changes {
			t.Run(name+"/"+ch.name, func(t *testing.T) {
				first := repos[name]
				second := map[string][]byte{}
				for p, data := range first {
					second[p] = slices.Clone(data)
				}
				ch.change(second)
				if changed := !reflect.DeepEqual(first, second); changed != (ch.name != "unchanged") {
					t.Fatalf("files changed: %v", changed)
				}
				want := evaluate(source.FromFiles(name, second), date, nil, nil, nil)
				two := &twoStates{cache: render.NewCache()}
				evaluate(source.FromFiles(name, first), date, two, nil, nil)
				if two.kept == nil {
					t.Fatal("the first state kept nothing")
				}
				got := evaluate(source.FromFiles(name, second), date, two, nil, nil)
				if len(got.Findings) == 0 {
					t.Fatal("no findings")
				}
				if !reflect.DeepEqual(got.Findings, want.Findings) {
					for i := range min(len(got.Findings), len(want.Findings)) {
						if !reflect.DeepEqual(got.Findings[i], want.Findings[i]) {
							t.Fatalf("finding %d of %d:\n got %+v\nwant %+v", i, len(want.Findings), got.Findings[i], want.Findings[i])
						}
					}
					t.Fatalf("%d findings, want %d", len(got.Findings), len(want.Findings))
				}
				g, err := json.Marshal(got)
				if err != nil {
					t.Fatal(err)
				}
				w, err := json.Marshal(want)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(g, w) {
					t.Error("the reports differ")
				}
			})
		}
	}
}
