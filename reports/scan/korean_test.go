package scan_test

import (
	"bytes"
	"context"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/plinth-dev/plinth/generator"
	"github.com/plinth-dev/plinth/internal/testutil/gittest"
	"github.com/plinth-dev/plinth/reports"
	"github.com/plinth-dev/plinth/reports/render"
	"github.com/plinth-dev/plinth/reports/scan"
)

// englishWords are the words Korean engineers write in English in a
// sentence, beside the identifiers (anything with a digit, a dot, a slash,
// a colon or an upper-case letter inside, quoted or in backticks).
var englishWords = map[string]bool{
	"true": true, "false": true, "latest": true, "default": true, "root": true, "selector": true,
	"capability": true, "liveness": true, "readiness": true, "egress": true, "ingress": true,
	"privileged": true, "restricted": true, "baseline": true, "pod": true, "anti": true, "affinity": true,
	"env": true, "envFrom": true, "type": true, "plinth": true, "kustomization": true, "manifest": true,
	"declared": true, "manual": true, "seccomp": true, "sysctl": true, "cluster": true, "admin": true,
	// RBAC verbs and roles, Pod Security modes.
	"get": true, "list": true, "watch": true, "create": true, "escalate": true, "bind": true, "impersonate": true,
	"edit": true, "view": true, "enforce": true, "audit": true, "warn": true,
	// Commands of the remediations and setting values.
	"az": true, "aks": true, "update": true, "helm": true, "install": true, "kustomize": true, "build": true, "gcloud": true, "patch": true, "stable": true, "rapid": true, "none": true,
}

// englishRun is two or more words of Latin letters in a row.
var englishRun = regexp.MustCompile(`[A-Za-z]+(?:[ ,]+[A-Za-z]+)+`)

// dataOf is what a report shows as the repository and its tools gave it
// (rendering tools' errors, waiver reasons, commit subjects): not the
// report's own words.
func dataOf(r *reports.Report) []string {
	var out []string
	// A message made of a rendering's format shows its arguments (paths,
	// URLs, the tool's own error) as they are; one without is all data.
	data := func(m reports.Msg, text string) {
		if m.IsZero() || m.ID == "msg.text" {
			out = append(out, text)
			return
		}
		for _, a := range m.Args {
			if s, ok := a.(string); ok && strings.Contains(m.ID, "%") {
				out = append(out, s)
			}
		}
	}
	for _, s := range r.Coverage.Skipped {
		data(s.Msg, s.Message)
	}
	for _, w := range r.Warnings {
		data(w.Msg, w.Message)
	}
	for _, f := range r.Findings {
		if f.MessageID == "msg.text" || strings.Contains(f.MessageID, "%") {
			data(f.Msg, f.Message)
		}
	}
	for _, w := range r.Waivers {
		out = append(out, w.Reason)
	}
	for _, c := range r.Commits {
		out = append(out, c.Subject, c.Author)
	}
	// Longest first, so that a message containing another goes whole.
	sort.Slice(out, func(i, j int) bool { return len(out[i]) > len(out[j]) })
	return out
}

// untranslated returns the English sentences of a Korean report: runs of
// English words that are not identifiers or terms written in English.
func untranslated(text string, data []string) []string {
	for _, d := range data {
		if d != "" {
			text = strings.ReplaceAll(text, d, " ")
		}
	}
	text = regexp.MustCompile("`[^`]*`|\"[^\"]*\"|“[^”]*”").ReplaceAllString(text, " ")
	var out []string
	for _, line := range strings.Split(text, "\n") {
		// Identifiers: tokens with anything but letters, or capitals inside.
		var words []string
		for _, w := range strings.FieldsFunc(line, func(r rune) bool {
			return r == ' ' || r == '|' || r == '(' || r == ')' || r == ',' || r == ';' || r == '[' || r == ']'
		}) {
			w = strings.TrimRight(w, ".:")
			if !regexp.MustCompile(`^[a-z]+$`).MatchString(w) || englishWords[w] {
				words = append(words, "·")
				continue
			}
			words = append(words, w)
		}
		for _, run := range englishRun.FindAllString(strings.Join(words, " "), -1) {
			out = append(out, run+"   ← "+strings.TrimSpace(line))
		}
	}
	return out
}

// TestKoreanReportsOfRepositories: the Korean text and Markdown reports of
// the test repositories (their findings' messages included) have no English
// sentence left but the repository's own data.
func TestKoreanReportsOfRepositories(t *testing.T) {
	for _, name := range []string{"plain", "flux", "argocd", "helm", "example+evidence"} {
		var r *reports.Report
		if name == "example+evidence" {
			r = exampleWithEvidence(t)
		} else {
			r = runRepo(t, name)
		}
		data := dataOf(r)
		for _, format := range []string{"text", "markdown"} {
			rd, _ := render.Lookup(format)
			var buf bytes.Buffer
			if err := rd.Report(&buf, r, render.Options{Lang: "ko"}); err != nil {
				t.Fatal(err)
			}
			for _, s := range untranslated(buf.String(), data) {
				t.Errorf("%s %s: English left: %s", name, format, s)
			}
			// The same in English is all English sentences: the test sees them.
			buf.Reset()
			if err := rd.Report(&buf, r, render.Options{Lang: "en"}); err != nil {
				t.Fatal(err)
			}
			if n := len(untranslated(buf.String(), data)); n < 20 {
				t.Errorf("%s %s: only %d English sentences found in the English report", name, format, n)
			}
		}
	}
}

// exampleWithEvidence is the init example generated, with a bare Pod in
// nonprod, evaluated against the demo's cluster evidence (declared
// controls, "declared X but the cluster has Y").
func exampleWithEvidence(t *testing.T) *reports.Report {
	t.Helper()
	out, err := generator.Generate(exampleModel(t), generator.Options{})
	if err != nil {
		t.Fatal(err)
	}
	repo := gittest.New(t)
	for p, data := range out.Files {
		repo.Write(p, data)
	}
	repo.Write("clusters/nonprod/kustomization.yaml", append(out.Files["clusters/nonprod/kustomization.yaml"], "- extra.yaml\n"...))
	repo.Write("clusters/nonprod/extra.yaml", []byte("apiVersion: v1\nkind: Pod\nmetadata: {name: bare, namespace: default}\nspec:\n  containers: [{name: c, image: nginx}]\n"))
	repo.Commit("generated", gittest.Date(2026, 10, 1))
	r, err := scan.Run(context.Background(), scan.Options{Repo: repo.Dir, Date: reportDate,
		EvidenceDir: filepath.Join("..", "..", "testdata", "evidence", "demo")})
	if err != nil {
		t.Fatal(err)
	}
	declared := 0
	for _, f := range r.Findings {
		if strings.HasPrefix(f.MessageID, "decl.") {
			declared++
		}
	}
	if declared == 0 {
		t.Fatal("no declared control evaluated")
	}
	return r
}
