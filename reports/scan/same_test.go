package scan_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/plinth-dev/plinth/generator"
	"github.com/plinth-dev/plinth/internal/gitops/render"
	"github.com/plinth-dev/plinth/internal/gitops/source"
	"github.com/plinth-dev/plinth/internal/testutil/golden"
	"github.com/plinth-dev/plinth/internal/testutil/synth"
	"github.com/plinth-dev/plinth/reports"
	"github.com/plinth-dev/plinth/reports/scan"
	"github.com/plinth-dev/plinth/schemas"
)

// TestReportUnchanged holds the JSON report of every test repository, of
// the init example and of a synthetic platform of 50 services (both
// layouts, both engines, and its rendered manifests as one YAML file) to
// the bytes the evaluation gave before it was made faster (issue 15):
// goldens written by that code, gzipped (testdata/same/). Any change of a
// finding, a line, a message or their order fails here.
func TestReportUnchanged(t *testing.T) {
	type tc struct {
		name   string
		report func(t *testing.T) *reports.Report
	}
	var synth50, example *schemas.Model
	synthM := func(t *testing.T) *schemas.Model {
		if synth50 == nil {
			synth50 = synth.Load(t, 50)
		}
		return synth50
	}
	exampleM := func(t *testing.T) *schemas.Model {
		if example == nil {
			example = exampleModel(t)
		}
		return example
	}
	var cases []tc
	for _, repo := range []string{"argocd", "flux", "helm", "plain"} {
		cases = append(cases, tc{"repo-" + repo, func(t *testing.T) *reports.Report {
			r, err := scan.Run(context.Background(), scan.Options{Repo: filepath.Join("..", "..", "testdata", "repos", repo), Date: reportDate})
			if err != nil {
				t.Fatal(err)
			}
			r.Repo = repo
			return r
		}})
	}
	cases = append(cases, tc{"repo-flux-history", fluxReport})
	for _, engine := range []string{generator.EngineFlux, generator.EngineArgoCD} {
		for _, flavor := range []string{generator.FlavorKustomize, generator.FlavorHelm} {
			cases = append(cases, tc{fmt.Sprintf("example-%s-%s", engine, flavor), func(t *testing.T) *reports.Report {
				return evaluateGenerated(t, exampleM(t), engine, flavor, false)
			}})
			cases = append(cases, tc{fmt.Sprintf("synth50-%s-%s", engine, flavor), func(t *testing.T) *reports.Report {
				return evaluateGenerated(t, synthM(t), engine, flavor, false)
			}})
		}
	}
	for _, flavor := range []string{generator.FlavorKustomize, generator.FlavorHelm} {
		cases = append(cases, tc{"synth50-rendered-" + flavor, func(t *testing.T) *reports.Report {
			return evaluateGenerated(t, synthM(t), generator.EngineFlux, flavor, true)
		}})
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := renderAs(t, &buf, c.report(t), "json"); err != nil {
				t.Fatal(err)
			}
			checkGzipGolden(t, filepath.Join("testdata", "same", c.name+".json.gz"), buf.Bytes())
		})
	}
}

// evaluateGenerated evaluates plinth's output for m; rendered: the objects
// rendered from it, written as one multi-document YAML file (what the
// benchmark gives kube-score and plinth report alike).
func evaluateGenerated(t *testing.T, m *schemas.Model, engine, flavor string, rendered bool) *reports.Report {
	t.Helper()
	out, err := generator.Generate(m, generator.Options{Engine: engine, Flavor: flavor})
	if err != nil {
		t.Fatal(err)
	}
	files := out.Files
	if rendered {
		data, _ := renderedYAML(t, out.Files)
		files = map[string][]byte{"rendered/rendered.yaml": data}
	}
	return scan.Evaluate(source.FromFiles("same", files), reportDate)
}

// renderedYAML is the objects rendered from a repository's files, as one
// multi-document YAML file, and their number.
func renderedYAML(tb testing.TB, files map[string][]byte) ([]byte, int) {
	tb.Helper()
	res := render.Render(source.FromFiles("rendered", files), render.Options{})
	var buf bytes.Buffer
	for _, o := range res.Objects {
		data, err := yaml.Marshal(o.Value)
		if err != nil {
			tb.Fatal(err)
		}
		buf.WriteString("---\n")
		buf.Write(data)
	}
	return buf.Bytes(), len(res.Objects)
}

// checkGzipGolden is golden.Check for a gzipped golden file.
func checkGzipGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	if golden.Update() {
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		if _, err := zw.Write(got); err != nil {
			t.Fatal(err)
		}
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
		golden.Check(t, path, buf.Bytes())
		return
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("%v (run the test with -update to create it)", err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	want, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("report differs from %s:\n%s", path, golden.FirstDiff(string(want), string(got)))
	}
}
