package corpus_test

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/plinth-dev/plinth/internal/testutil/snapshot"

	"github.com/plinth-dev/plinth/internal/gitops/render"
	"github.com/plinth-dev/plinth/internal/testutil/gittest"
	"github.com/plinth-dev/plinth/reports"
	"github.com/plinth-dev/plinth/reports/scan"
	"github.com/plinth-dev/plinth/test/corpus"
)

// This file is the other half of the corpus: plinth's own emulation
// (internal/gitops/render) and report (reports/scan) against the
// hand-written expectations that corpus_test.go checks against the
// standalone CLIs. It is an external test package so that package corpus
// itself imports nothing of plinth's rendering.

// knownGaps are the repositories that do not pass yet, each for features
// other parts of the emulation have still to bring; the test skips them
// while they fail, listing the differences, and fails once one passes so
// that the entry is removed.
var knownGaps = map[string]string{}

// TestCorpusRender renders every corpus repository with render.Render and
// compares, per cluster, the deployed objects (deployer, apiVersion, kind,
// namespace, name) and the sources not evaluated; then reports on a git
// copy of it with reports/scan and checks that every planted violation is
// a failing finding at its file and line and that no finding names an
// object that is not deployed.
func TestCorpusRender(t *testing.T) {
	all, err := corpus.LoadAll("../../testdata/corpus")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range all {
		t.Run(e.Name, func(t *testing.T) {
			var diffs []string
			report := func(format string, args ...any) { diffs = append(diffs, fmt.Sprintf(format, args...)) }
			res := render.Render(snapshot.Dir(t, e.Dir), render.Options{RepoURL: e.RepoURL})
			// The report knows the repository by its clone's origin.
			clone := gittest.FromDir(t, e.Dir, gittest.Date(2026, 10, 1))
			if e.RepoURL != "" {
				gittest.Git(t, clone.Dir, "remote", "add", "origin", e.RepoURL)
			}
			r, err := scan.Run(context.Background(), scan.Options{Repo: clone.Dir, Date: gittest.Date(2026, 11, 1)})
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range e.Clusters {
				compareObjects(res, c, report)
				compareNotEvaluated(res, c, report)
				compareFindings(r, c, report)
			}
			names := map[string]bool{}
			for _, c := range e.Clusters {
				names[c.Name] = true
			}
			for _, c := range res.Clusters {
				if !names[c] {
					report("cluster %q rendered, not written down", c)
				}
			}
			gap, known := knownGaps[e.Name]
			switch {
			case known && len(diffs) > 0:
				t.Skipf("missing: %s. %d differences:\n  %s", gap, len(diffs), strings.Join(diffs, "\n  "))
			case known:
				t.Errorf("passes now: remove %s from knownGaps", e.Name)
			}
			for _, d := range diffs {
				t.Error(d)
			}
		})
	}
}

// deployerOf is how render names an expected deployer: "" for manifests
// applied as they are ({path: …}), else Kind/namespace/name.
func deployerOf(r corpus.Ref) string {
	if r.Path != "" {
		return ""
	}
	return r.Kind + "/" + r.Namespace + "/" + r.Name
}

func expectedKey(deployer string, o corpus.Object) string {
	return deployer + " | " + o.Key()
}

// namespaceOf is the namespace an object has in the cluster: kubectl's
// default for a namespaced object that names none.
func namespaceOf(o *render.Object) string {
	if o.Namespace == "" && !o.ClusterScoped() {
		return "default"
	}
	return o.Namespace
}

func renderedKey(o *render.Object) string {
	return expectedKey(o.Deployer, corpus.Object{APIVersion: o.APIVersion, Kind: o.Kind, Namespace: namespaceOf(o), Name: o.Name, GenerateName: o.GenerateName})
}

func compareObjects(res *render.Result, c corpus.Cluster, report func(string, ...any)) {
	want := map[string]bool{}
	for _, d := range c.Deployers {
		for _, o := range d.Objects {
			want[expectedKey(deployerOf(d.Deployer), o)] = true
		}
	}
	got := map[string]bool{}
	for i := range res.Objects {
		o := &res.Objects[i]
		if o.Cluster != c.Name {
			continue
		}
		k := renderedKey(o)
		if got[k] {
			report("cluster %q: %s rendered twice", c.Name, k)
		}
		got[k] = true
	}
	for _, k := range sortedKeys(want) {
		if !got[k] {
			report("cluster %q: expected, not rendered: %s", c.Name, k)
		}
	}
	for _, k := range sortedKeys(got) {
		if !want[k] {
			report("cluster %q: rendered, not expected: %s", c.Name, k)
		}
	}
}

// reasonWords are words a problem's message has for each reason.
var reasonWords = map[string][]string{
	corpus.ReasonRemoteChart:     {"chart"},
	corpus.ReasonOtherRepository: {"repository", "source"},
	corpus.ReasonPlugin:          {"plugin"},
}

// compareNotEvaluated matches the problems of a cluster with the sources
// written down as not evaluated: each is named by its deployer's
// Kind/name at the start of the message (a render error: by its file and
// line), and no problem is left over.
func compareNotEvaluated(res *render.Result, c corpus.Cluster, report func(string, ...any)) {
	var probs []render.Problem
	for _, p := range res.Problems {
		if p.Cluster == c.Name {
			probs = append(probs, p)
		}
	}
	matched := make([]bool, len(probs))
	for _, n := range c.NotEvaluated {
		found := false
		for i, p := range probs {
			if n.Reason == corpus.ReasonRenderError {
				if !p.NotEvaluated && strings.Contains(p.Message, fmt.Sprintf("%s:%d", n.File, n.Line)) {
					found, matched[i] = true, true
				}
				continue
			}
			if !p.NotEvaluated || !strings.HasPrefix(p.Message, n.Deployer.Kind+"/"+n.Deployer.Name+":") {
				continue
			}
			for _, w := range reasonWords[n.Reason] {
				if strings.Contains(p.Message, w) {
					found, matched[i] = true, true
				}
			}
		}
		if !found {
			report("cluster %q: not evaluated %s (%s) not reported", c.Name, n.Deployer, n.Reason)
		}
	}
	for i, p := range probs {
		if !matched[i] {
			report("cluster %q: problem not written down: %s:%d %s (not evaluated: %v)", c.Name, p.File, p.Line, p.Message, p.NotEvaluated)
		}
	}
}

// compareFindings checks the report of a cluster: every planted violation
// fails at its file and line (with its catalog control when one is named),
// and every finding about an object names a deployed one.
func compareFindings(r *reports.Report, c corpus.Cluster, report func(string, ...any)) {
	deployed := map[string]bool{} // namespace|Kind/name
	for _, d := range c.Deployers {
		for _, o := range d.Objects {
			name := o.Name
			if name == "" {
				name = o.GenerateName
			}
			deployed[o.Namespace+"|"+o.Kind+"/"+name] = true
			deployed["|"+o.Kind+"/"+name] = true
		}
	}
	for _, v := range c.Violations {
		found := false
		for _, f := range r.Findings {
			if f.Cluster == c.Name && f.Status == reports.StatusFail && f.File == v.File && f.Line == v.Line &&
				(v.Catalog == "" || f.Control == v.Catalog) {
				found = true
			}
		}
		if !found {
			report("cluster %q: planted violation %q (%s) of %s not found at %s:%d", c.Name, v.Control, v.Catalog, v.Object.Key(), v.File, v.Line)
		}
	}
	seen := map[string]bool{}
	for _, f := range r.Findings {
		if f.Cluster != c.Name || f.Object == "" || strings.HasPrefix(f.Object, "Namespace/") {
			continue
		}
		k := f.Namespace + "|" + f.Object
		if !deployed[k] && !seen[k] {
			seen[k] = true
			report("cluster %q: %s finding about %s in namespace %q, which is not deployed", c.Name, f.Control, f.Object, f.Namespace)
		}
	}
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return slices.Compact(out)
}
