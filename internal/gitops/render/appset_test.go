package render

import (
	"strings"
	"testing"

	"github.com/plinth-dev/plinth/internal/gitops/source"
)

// TestGitDirectoryParams checks the parameters of the git directory
// generator against the names and values Argo CD documents and its
// generator code produces (applicationset/generators/git.go and
// utils.SanitizeName), in the classic {{...}} form and with goTemplate.
func TestGitDirectoryParams(t *testing.T) {
	tests := []struct {
		dir, template string
		goTemplate    bool
		want          string
	}{
		// Classic (fasttemplate) parameters.
		{"apps/guestbook", "{{path}}", false, "apps/guestbook"},
		{"apps/guestbook", "{{path.basename}}", false, "guestbook"},
		{"apps/guestbook", "{{ path.basename }}", false, "guestbook"},
		{"apps/guestbook", "{{path[0]}}-{{path[1]}}", false, "apps-guestbook"},
		{"apps/guestbook", "{{path[2]}}", false, "{{path[2]}}"},             // no such segment: left as written
		{"apps/guestbook", "{{path.path}}", false, "{{path.path}}"},         // Go template only
		{"apps/guestbook", "{{path.segments}}", false, "{{path.segments}}"}, // Go template only
		{"apps/app_3", "{{path.basenameNormalized}}", false, "app-3"},
		{"apps/a.b", "{{path.basenameNormalized}}", false, "a.b"},
		{"apps/My App!", "{{path.basenameNormalized}}", false, "my-app"},
		{"apps/a__b", "{{path.basenameNormalized}}", false, "a--b"}, // one for one, not collapsed
		{"apps/-x.", "{{path.basenameNormalized}}", false, "x"},
		{"apps/" + strings.Repeat("a", 300), "{{path.basenameNormalized}}", false, strings.Repeat("a", 253)},
		// Go template parameters.
		{"apps/guestbook", "{{.path.path}}", true, "apps/guestbook"},
		{"apps/guestbook", "{{ .path.basename }}", true, "guestbook"},
		{"apps/a.b", "{{.path.basenameNormalized}}", true, "a.b"},
		{"apps/Team_One", "{{.path.basenameNormalized}}", true, "team-one"},
		{"envs/prod/team", "{{index .path.segments 1}}", true, "prod"},
		{"envs/prod/team", "{{len .path.segments}}", true, "3"},
		{"apps/guestbook", "{{.path.basename | upper}}", true, "GUESTBOOK"},
	}
	for _, tc := range tests {
		got, err := expandTemplate(tc.template, gitDirectoryParams(tc.dir), tc.goTemplate, NewBudget(0).run())
		if err != nil {
			t.Errorf("%s %q (goTemplate %v): %v", tc.dir, tc.template, tc.goTemplate, err)
			continue
		}
		if got != tc.want {
			t.Errorf("%s %q (goTemplate %v) = %q, want %q", tc.dir, tc.template, tc.goTemplate, got, tc.want)
		}
	}
	// A missing key is an error with goTemplate (missingkey=error).
	if _, err := expandTemplate("{{.path.nope}}", gitDirectoryParams("apps/x"), true, NewBudget(0).run(), "missingkey=error"); err == nil {
		t.Error("goTemplate with a missing key: no error")
	}
}

// TestApplicationSetGitDirectories renders an ApplicationSet end to end: the
// git directory generator with an exclusion, in both template forms, gives
// one Application per directory, and what each deploys lands in its
// destination namespace.
func TestApplicationSetGitDirectories(t *testing.T) {
	appset := func(name, goTemplate, ns string) string {
		return `apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: {name: ` + name + `, namespace: argocd}
spec:
  goTemplate: ` + goTemplate + `
  generators:
    - git:
        repoURL: https://git.example.com/fleet.git
        directories:
          - path: apps/*
          - path: apps/skip
            exclude: true
  template:
    metadata: {name: '` + ns + `'}
    spec:
      source: {repoURL: https://git.example.com/fleet.git, path: '{{path}}'}
      destination: {namespace: '` + ns + `'}
`
	}
	cm := func(name string) []byte {
		return []byte("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: " + name + "}\n")
	}
	for _, tc := range []struct {
		name, goTemplate, path, ns string
	}{
		{"classic", "false", "{{path}}", "{{path.basenameNormalized}}"},
		{"go", "true", "{{.path.path}}", "{{.path.basenameNormalized}}"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			files := map[string][]byte{
				"clusters/prod/appset.yaml": []byte(strings.Replace(appset("apps", tc.goTemplate, tc.ns), "'{{path}}'", "'"+tc.path+"'", 1)),
				"apps/a.b/cm.yaml":          cm("dotted"),
				"apps/Team_One/cm.yaml":     cm("team"),
				"apps/skip/cm.yaml":         cm("skipped"),
			}
			res := Render(source.FromFiles("appset", files), Options{})
			for _, p := range res.Problems {
				t.Errorf("problem: %s:%d: %s", p.File, p.Line, p.Message)
			}
			got, apps := map[string]string{}, map[string]string{}
			for _, o := range res.Objects {
				switch o.Kind {
				case "ConfigMap":
					got[o.Name] = o.Namespace
				case "Application":
					apps[o.Name] = o.Namespace + " " + o.File
				}
			}
			// The controller creates the Applications in its own namespace.
			if len(apps) != 2 || apps["a.b"] != "argocd clusters/prod/appset.yaml" || apps["team-one"] != "argocd clusters/prod/appset.yaml" {
				t.Errorf("generated Applications %v", apps)
			}
			want := map[string]string{"dotted": "a.b", "team": "team-one"}
			if len(got) != len(want) || got["dotted"] != want["dotted"] || got["team"] != want["team"] {
				t.Errorf("ConfigMap namespaces %v, want %v", got, want)
			}
		})
	}
}
