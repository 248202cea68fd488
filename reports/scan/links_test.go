package scan_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/plinth-dev/plinth/internal/testutil/gittest"
	"github.com/plinth-dev/plinth/reports"
	"github.com/plinth-dev/plinth/reports/scan"
)

const privileged = `apiVersion: apps/v1
kind: Deployment
metadata: {name: root, namespace: apps}
spec:
  template:
    spec:
      containers: [{name: c, image: docker.io/x/y:1, securityContext: {privileged: true}}]
`

func writeFile(t *testing.T, p, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestPlinthFilesBehindLinks: a .plinth/ file the report reads (waivers,
// baseline, a cluster state), or .plinth/ itself, kept as a symbolic link
// is a failing PLN-OPS-003 finding like a broken file, in git (a blob of
// mode 120000) and on disk, whether the link points into the repository
// or out of it; the linked file is not read (its waiver waives nothing).
func TestPlinthFilesBehindLinks(t *testing.T) {
	const waivers = "waivers:\n  - control: PLN-SEC-006\n    reason: linked in\n"
	for _, tc := range []struct {
		name, link, target, file string
	}{
		{"waivers inside", ".plinth/waivers.yaml", "../other/waivers.yaml", ".plinth/waivers.yaml"},
		{"waivers outside", ".plinth/waivers.yaml", "/etc/hostname", ".plinth/waivers.yaml"},
		{"baseline", ".plinth/baseline.yaml", "../other/baseline.yaml", ".plinth/baseline.yaml"},
		{"cluster state", ".plinth/clusters/prod.json", "../../other/prod.json", ".plinth/clusters/prod.json"},
		{"plinth directory", ".plinth", "other", ".plinth"},
	} {
		for _, store := range []string{"git", "disk"} {
			t.Run(tc.name+" "+store, func(t *testing.T) {
				files := map[string]string{
					"apps/deploy.yaml":    privileged,
					"other/waivers.yaml":  waivers,
					"other/baseline.yaml": "trustedRegistries: [evil.example.com]\n",
					"other/prod.json":     `{"provider": "aks", "privateCluster": true}`,
				}
				var dir string
				if store == "git" {
					repo := gittest.New(t)
					for p, data := range files {
						repo.Write(p, []byte(data))
					}
					repo.Symlink(tc.link, tc.target)
					repo.Commit("links", gittest.Date(2026, 10, 1))
					dir = repo.Dir
				} else {
					dir = t.TempDir()
					for p, data := range files {
						writeFile(t, filepath.Join(dir, p), data)
					}
					if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, tc.link)), 0o755); err != nil {
						t.Fatal(err)
					}
					if err := os.Symlink(tc.target, filepath.Join(dir, tc.link)); err != nil {
						t.Fatal(err)
					}
				}
				r, err := scan.Run(context.Background(), scan.Options{Repo: dir, Date: gittest.Date(2026, 11, 1)})
				if err != nil {
					t.Fatal(err)
				}
				var got []reports.Finding
				for _, f := range r.Findings {
					if f.File == tc.file && f.Control == "PLN-OPS-003" {
						got = append(got, f)
					}
					if f.Status == reports.StatusWaived {
						t.Errorf("waived through the link: %s %s", f.Control, f.Message)
					}
				}
				if len(got) != 1 || got[0].Status != reports.StatusFail || !strings.HasPrefix(got[0].Message, tc.file+" is a symbolic link (to \"") ||
					!strings.Contains(got[0].Message, "\"); not read") {
					t.Fatalf("want one failing finding at %s, got %+v", tc.file, got)
				}
			})
		}
	}
}
