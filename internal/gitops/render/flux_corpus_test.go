package render

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/plinth-dev/plinth/internal/testutil/snapshot"

	"github.com/plinth-dev/plinth/internal/gitops/source"
	"github.com/plinth-dev/plinth/test/corpus"
)

// TestFluxCorpus renders the Flux repositories of the corpus and compares
// what each cluster deploys and what is not evaluated (with its reason)
// with the hand-written expected.yaml (itself checked against the
// standalone kustomize and helm CLIs by test/corpus).
func TestFluxCorpus(t *testing.T) {
	for _, name := range []string{"flux-monorepo", "flux-multitenancy", "helm-local-deps"} {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join("..", "..", "..", "testdata", "corpus", name)
			exp, err := corpus.Load(dir)
			if err != nil {
				t.Fatal(err)
			}
			snap := snapshot.Dir(t, dir)
			if len(exp.Clusters) == 1 && exp.Clusters[0].Name == "" {
				// Without clusters/, which roots are rendered is discovery's
				// business (render.go); to check what Flux deploys from the
				// manifests applied by hand, they become a cluster's entry.
				snap = underCluster(snap, exp.Clusters[0].Deployers, "corpus")
				exp.Clusters[0].Name = "corpus"
			}
			res := Render(snap, Options{RepoURL: exp.RepoURL})
			for _, c := range exp.Clusters {
				var want, got []string
				for _, dep := range c.Deployers {
					for _, o := range dep.Objects {
						want = append(want, o.Key())
					}
				}
				for _, o := range res.Objects {
					if o.Cluster == c.Name {
						got = append(got, corpus.Object{APIVersion: o.APIVersion, Kind: o.Kind, Namespace: o.Namespace, Name: o.Name}.Key())
					}
				}
				compareSets(t, c.Name+": objects", want, got)

				want, got = nil, nil
				for _, ne := range c.NotEvaluated {
					s := ne.Reason + " " + objectRef(ne.Deployer.Kind, ne.Deployer.Namespace, ne.Deployer.Name)
					if ne.File != "" {
						s += " " + ne.File
					}
					want = append(want, s)
				}
				for _, p := range res.Problems {
					if p.Cluster != c.Name {
						continue
					}
					switch {
					case p.NotEvaluated:
						got = append(got, p.Reason+" "+p.Of)
					case p.Of != "":
						got = append(got, corpus.ReasonRenderError+" "+p.Of+" "+p.File)
					default:
						t.Errorf("%s: problem of no GitOps object: %+v", c.Name, p)
					}
				}
				compareSets(t, c.Name+": not evaluated", want, got)
			}
		})
	}
}

// underCluster moves the paths of the {path: ...} deployers into
// clusters/<cluster>/.
func underCluster(snap *source.Snapshot, deps []corpus.Deployer, cluster string) *source.Snapshot {
	files := map[string][]byte{}
	for _, p := range snap.Paths() {
		f, _ := snap.File(p)
		to := p
		for _, dep := range deps {
			if dp := dep.Deployer.Path; dp != "" && (p == dp || strings.HasPrefix(p, dp+"/")) {
				to = "clusters/" + cluster + "/" + p
			}
		}
		files[to] = f.Data
	}
	return source.FromFiles(snap.Repo, files)
}

// compareSets reports what is missing from got and what is extra in it.
func compareSets(t *testing.T, what string, want, got []string) {
	t.Helper()
	slices.Sort(want)
	slices.Sort(got)
	var missing, extra []string
	for _, w := range want {
		if !slices.Contains(got, w) {
			missing = append(missing, w)
		}
	}
	for _, g := range got {
		if !slices.Contains(want, g) {
			extra = append(extra, g)
		}
	}
	if len(missing)+len(extra) > 0 {
		t.Errorf("%s:\nmissing:\n  %s\nextra:\n  %s", what, strings.Join(missing, "\n  "), strings.Join(extra, "\n  "))
	}
}
