package scan_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/plinth-dev/plinth/internal/testutil/gittest"
	"github.com/plinth-dev/plinth/reports"
	"github.com/plinth-dev/plinth/reports/scan"
)

const aliasBomb = `apiVersion: v1
kind: ConfigMap
metadata:
  name: bomb
data:
  a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
  b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
  c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
  d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
  e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
  f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
  g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
  h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
  i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
`

const okDeployment = `apiVersion: v1
kind: ConfigMap
metadata:
  name: fine
  namespace: apps
data:
  key: value
`

// hostile builds a repository with every input the engine must survive.
func hostile(t *testing.T) *gittest.Repo {
	repo := gittest.New(t)
	repo.Write("ok/config.yaml", []byte(okDeployment))
	repo.Write("bomb/bomb.yaml", []byte(aliasBomb))
	big := bytes.Repeat([]byte("# padding line of a very large file......................................\n"), 20<<20/72)
	repo.Write("big/big.yaml", big)
	repo.Symlink("links/escape.yaml", "../../../../../../etc/passwd")
	repo.Symlink("links/inside.yaml", "../ok/config.yaml")
	repo.Write("invalid/bad.yaml", []byte("apiVersion: v1\nkind: [\n"))
	repo.Write("notmap/list.yaml", []byte("- a\n- b\n"))
	repo.Write("kust/kustomization.yaml", []byte("resources:\n  - ../../../../etc\n"))
	repo.Write("kust-remote/kustomization.yaml", []byte("resources:\n  - https://github.com/kubernetes-sigs/kustomize//examples/helloWorld?ref=v1.0.6\n  - cm.yaml\n"))
	repo.Write("kust-remote/cm.yaml", []byte(okDeployment))
	repo.Write("chart/Chart.yaml", []byte("apiVersion: v2\nname: loop\nversion: 0.1.0\n"))
	repo.Write("chart/templates/cm.yaml", []byte("{{ template \"x\" . }}\n{{ define \"x\" }}{{ template \"x\" . }}{{ end }}\n"))
	repo.Commit("hostile inputs", gittest.Date(2026, 10, 1))
	return repo
}

func TestHostileRepository(t *testing.T) {
	repo := hostile(t)
	r, err := scan.Run(context.Background(), scan.Options{Repo: repo.Dir, Date: reportDate})
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []struct{ file, msg string }{
		{"bomb/bomb.yaml", "alias"},
		{"links/escape.yaml", "points outside the repository"},
		{"invalid/bad.yaml", "invalid YAML"},
		{"notmap/list.yaml", "not a mapping"},
		{"kust/kustomization.yaml", "kustomize build kust"},
		{"chart/templates/cm.yaml", "render chart chart"}, // the template the error names
	} {
		found := false
		for _, f := range r.Findings {
			if f.Control == "PLN-OPS-003" && f.Status == reports.StatusFail && f.File == w.file && strings.Contains(f.Message, w.msg) {
				found = true
			}
		}
		if !found {
			t.Errorf("no failing PLN-OPS-003 finding for %s containing %q:%s", w.file, w.msg, dump(r, "PLN-OPS-003"))
		}
	}
	remote, tooLarge := false, false
	for _, f := range r.Findings {
		if f.Control == "PLN-OPS-003" && f.File == "big/big.yaml" {
			if f.Status != reports.StatusManual || !strings.Contains(f.Message, "not evaluated: file too large") {
				t.Errorf("a file over the size limit is not evaluated (manual), not a failure: %+v", f)
			}
			tooLarge = true
		}
		if f.Control == "PLN-OPS-003" && f.Status == reports.StatusManual && f.File == "kust-remote/kustomization.yaml" && f.Line == 2 {
			remote = true
		}
		if strings.Contains(f.Message, "root:x:0:0") {
			t.Errorf("content from outside the repository leaked: %s", f.Message)
		}
	}
	if !tooLarge {
		t.Errorf("file over the size limit not reported:%s", dump(r, "PLN-OPS-003"))
	}
	if !remote {
		t.Errorf("remote kustomize resource not reported as not evaluated:%s", dump(r, "PLN-OPS-003"))
	}
}

// A plain directory (not a git repository) is read through os.Root.
func TestPlainDirectorySymlinkOutside(t *testing.T) {
	dir := t.TempDir()
	outside := filepath.Join(t.TempDir(), "secret.yaml")
	if err := os.WriteFile(outside, []byte("apiVersion: v1\nkind: Secret\nmetadata:\n  name: outside\ndata:\n  k: dg==\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "cm.yaml"), []byte(okDeployment), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(dir, "link.yaml")); err != nil {
		t.Fatal(err)
	}
	r, err := scan.Run(context.Background(), scan.Options{Repo: dir, Date: reportDate})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range r.Findings {
		if f.Object == "Secret/outside" {
			t.Fatalf("read a file outside the repository: %+v", f)
		}
	}
	if !strings.Contains(dump(r, "PLN-OPS-003"), "link.yaml") {
		t.Errorf("symlink outside not reported:%s", dump(r, "PLN-OPS-003"))
	}
	if _, err := scan.Run(context.Background(), scan.Options{Repo: dir, Month: "2026-10"}); err == nil {
		t.Error("--month on a plain directory: no error")
	}
}

func TestBadOptions(t *testing.T) {
	for _, o := range []scan.Options{
		{Repo: filepath.Join(t.TempDir(), "missing")},
		{Repo: t.TempDir(), Month: "2026-13"},
		{Repo: t.TempDir(), Month: "2026-10", Since: "HEAD"},
	} {
		if _, err := scan.Run(context.Background(), o); err == nil {
			t.Errorf("%+v: no error", o)
		}
	}
}
