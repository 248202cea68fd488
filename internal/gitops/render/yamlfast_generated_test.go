package render_test

import (
	"bytes"
	"sort"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/plinth-dev/plinth/generator"
	"github.com/plinth-dev/plinth/internal/gitops/render"
	"github.com/plinth-dev/plinth/internal/gitops/source"
	"github.com/plinth-dev/plinth/internal/testutil/synth"
)

// TestFastDocsOnPlinthOutput: every YAML file plinth writes for a synthetic
// platform (both layouts and engines), and the objects rendered from it
// written as one multi-document file (what `plinth report` and kube-score
// are given in the benchmark), read the same with the fast YAML reader as
// with the decoder, and the fast reader reads every one of them the
// decoder reads (JSON patches, lists at the top, are not manifests).
func TestFastDocsOnPlinthOutput(t *testing.T) {
	m := synth.Load(t, 30)
	for _, engine := range []string{generator.EngineFlux, generator.EngineArgoCD} {
		for _, flavor := range []string{generator.FlavorKustomize, generator.FlavorHelm} {
			t.Run(engine+"-"+flavor, func(t *testing.T) {
				out, err := generator.Generate(m, generator.Options{Engine: engine, Flavor: flavor})
				if err != nil {
					t.Fatal(err)
				}
				files := map[string][]byte{}
				for p, data := range out.Files {
					// Chart templates are Go templates, not YAML.
					if (strings.HasSuffix(p, ".yaml") || strings.HasSuffix(p, ".yml")) && !strings.Contains(p, "/templates/") {
						files[p] = data
					}
				}
				res := render.Render(source.FromFiles("fast", out.Files), render.Options{})
				var buf bytes.Buffer
				for _, o := range res.Objects {
					data, err := yaml.Marshal(o.Value)
					if err != nil {
						t.Fatal(err)
					}
					buf.WriteString("---\n")
					buf.Write(data)
				}
				files["rendered.yaml"] = buf.Bytes()
				paths := make([]string, 0, len(files))
				for p := range files {
					paths = append(paths, p)
				}
				sort.Strings(paths)
				for _, p := range paths {
					fast, decoded, diff := render.FastDocsDiffer(files[p])
					if diff != "" {
						t.Errorf("%s: %s", p, diff)
					}
					if !fast && decoded {
						t.Errorf("%s: left to the decoder", p)
					}
				}
			})
		}
	}
}
