package render

import (
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/plinth-dev/plinth/internal/gitops/source"
	"github.com/plinth-dev/plinth/test/corpus"
)

// TestArgoCorpus renders the Argo CD repositories of testdata/corpus and
// compares what they deploy (apiVersion, kind, namespace, name, per
// cluster) and what is not evaluated (deployer and reason) with the
// hand-written expected.yaml, itself checked against the standalone
// kustomize, helm and jsonnet CLIs by test/corpus.
//
// The repositories have no clusters/ directory: their roots are applied by
// hand. The deployers that are plain paths are copied under
// clusters/corpus/ so Render follows them as entry points whatever its
// discovery without entry points does.
func TestArgoCorpus(t *testing.T) {
	for _, name := range []string{"argocd-app-of-apps-helm", "argocd-appset-matrix"} {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join("..", "..", "..", "testdata", "corpus", name)
			exp, err := corpus.Load(dir)
			if err != nil {
				t.Fatal(err)
			}
			files := readTree(t, dir)
			for _, c := range exp.Clusters {
				for _, dep := range c.Deployers {
					if dep.Deployer.Path == "" {
						continue
					}
					for p, data := range files {
						if p == dep.Deployer.Path || strings.HasPrefix(p, dep.Deployer.Path+"/") {
							files["clusters/corpus/"+p] = data
						}
					}
				}
			}
			res := Render(source.FromFiles(name, files), Options{RepoURL: exp.RepoURL})
			if len(exp.Clusters) != 1 || exp.Clusters[0].Name != "" {
				t.Fatalf("expected one cluster without a name, got %d", len(exp.Clusters))
			}
			c := exp.Clusters[0]

			want := map[string]int{}
			for _, dep := range c.Deployers {
				for _, o := range dep.Objects {
					want[o.Key()]++
				}
			}
			got := map[string]int{}
			for _, o := range res.Objects {
				if o.Cluster != "corpus" {
					t.Errorf("object %s in cluster %q", o.ID(), o.Cluster)
				}
				got[corpus.Object{APIVersion: o.APIVersion, Kind: o.Kind, Namespace: o.Namespace, Name: o.Name}.Key()]++
			}
			for _, k := range sortedKeys(want, got) {
				switch {
				case got[k] == want[k]:
				default:
					t.Errorf("%s: rendered %d, expected %d", k, got[k], want[k])
				}
			}

			// Every problem is an expected not-evaluated source, and every
			// expected one is reported: by its deployer, with its reason.
			matched := make([]bool, len(c.NotEvaluated))
			for _, p := range res.Problems {
				i := slices.IndexFunc(c.NotEvaluated, func(ne corpus.NotEvaluated) bool {
					return p.NotEvaluated && strings.HasPrefix(p.Message, ne.Deployer.Kind+"/"+ne.Deployer.Name+": ") &&
						strings.Contains(p.Message, ne.Reason)
				})
				if i < 0 {
					t.Errorf("unexpected problem %s:%d: %s (not evaluated %v)", p.File, p.Line, p.Message, p.NotEvaluated)
					continue
				}
				matched[i] = true
			}
			for i, ok := range matched {
				if !ok {
					t.Errorf("not reported as not evaluated: %s (%s)", c.NotEvaluated[i].Deployer, c.NotEvaluated[i].Reason)
				}
			}
		})
	}
}

func readTree(t *testing.T, root string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.Walk(root, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		if rel == "expected.yaml" {
			return nil
		}
		data, err := os.ReadFile(p)
		files[filepath.ToSlash(rel)] = data
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func sortedKeys(ms ...map[string]int) []string {
	set := map[string]bool{}
	for _, m := range ms {
		for k := range m {
			set[k] = true
		}
	}
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
