package generator

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/plinth-dev/plinth/internal/gitops/repo"
	"github.com/plinth-dev/plinth/internal/testutil/cputime"
)

// synthFiles is a tree of the shape and sizes generate writes for the
// synthetic platform at 2,000 services (flux, kustomize, 3 environments:
// 26,823 files in 2,817 directories, 35 MB): a base directory of 6 to 8
// files per service, a patches directory of 60 files per team in dev and
// staging, a kustomization per team and environment, 6 infrastructure files
// per team and environment, the clusters' entries and the manifest. Built
// without rendering, so that the write alone is measured. version changes
// the content of the files whose name ends in -deployment.yaml (1,800 of
// them per version) when nonzero; changed, when > 0, changes only that many
// of them.
func synthFiles(services, version, changed int) map[string][]byte {
	files := map[string][]byte{}
	n := 0
	add := func(p string, size int) {
		v := 0
		if strings.HasSuffix(p, "-deployment.yaml") && (changed <= 0 || n < changed) {
			v = version
			n++
		}
		files[p] = synthContent(p, size, v)
	}
	teams := max(services/20, 1)
	envs := []string{"dev", "staging", "prod"}
	for i := range services {
		svc, team := fmt.Sprintf("svc%04d", i), fmt.Sprintf("team%03d", i*teams/services)
		base := "apps/base/" + svc + "/"
		for _, f := range []struct {
			name string
			size int
		}{{"kustomization.yaml", 360}, {"serviceaccount.yaml", 432}, {"deployment.yaml", 3214},
			{"poddisruptionbudget.yaml", 488}, {"service.yaml", 534}, {"networkpolicies.yaml", 897}} {
			add(base+f.name, f.size)
		}
		if i%5 == 0 {
			add(base+"horizontalpodautoscaler.yaml", 656)
			add(base+"config-configmap.yaml", 441)
		}
		for _, env := range envs[:2] {
			patches := "apps/" + env + "/" + team + "/patches/" + svc
			add(patches+"-deployment.yaml", 584)
			add(patches+"-delete-poddisruptionbudget.yaml", 267)
			add(patches+"-networkpolicies.yaml", 561)
		}
	}
	for t := range teams {
		team := fmt.Sprintf("team%03d", t)
		for _, env := range envs {
			add("apps/"+env+"/"+team+"/kustomization.yaml", 6000)
			for _, f := range []string{"rolebindings", "networkpolicies", "namespace", "limitrange", "resourcequota", "kustomization"} {
				add("infrastructure/"+env+"/"+team+"/"+f+".yaml", 700)
			}
		}
	}
	for _, c := range []string{"prod", "nonprod"} {
		for _, f := range []string{"addons.yaml", "sources.yaml", "infrastructure.yaml", "apps.yaml", "addons/kustomization.yaml", "flux-system/kustomization.yaml"} {
			add("clusters/"+c+"/"+f, 2500)
		}
		add(".plinth/clusters/"+c+".json", 4000)
	}
	manifest, err := repo.NewManifest(files)
	if err != nil {
		panic(err)
	}
	files[repo.ManifestPath] = manifest
	return files
}

// synthContent is size bytes of YAML-like text naming p and version.
func synthContent(p string, size, version int) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s version %d\n", p, version)
	for i := 0; b.Len() < size; i++ {
		fmt.Fprintf(&b, "key%03d: value of %s line %d\n", i, filepath.Base(p), i)
	}
	return []byte(b.String()[:size])
}

// BenchmarkWrite measures WriteContext on a tree of the size generate
// writes at 2,000 services (synthFiles): the first write into an empty
// directory, a write over an identical tree (nothing changes), and writes
// that change 20 files or all 1,800 deployment patches (alternating between
// two versions). cpu-s/op is user and system CPU of the process.
func BenchmarkWrite(b *testing.B) {
	const services = 2000
	v0 := &Output{Files: synthFiles(services, 0, 0)}
	b.Logf("%d files", len(v0.Files))
	run := func(b *testing.B, prepare func(dir string, i int) *Output) {
		cpu := cputime.Self()
		var cpuSum float64
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			dir := filepath.Join(b.TempDir(), "out")
			out := prepare(dir, i)
			cpu = cputime.Self()
			b.StartTimer()
			if _, err := WriteContext(context.Background(), out, dir, WriteOptions{}); err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			cpuSum += (cputime.Self() - cpu).Seconds()
			if err := os.RemoveAll(dir); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
		}
		b.ReportMetric(cpuSum/float64(b.N), "cpu-s/op")
	}
	written := func(b *testing.B, dir string, out *Output) {
		if _, err := WriteContext(context.Background(), out, dir, WriteOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	b.Run("first", func(b *testing.B) {
		run(b, func(string, int) *Output { return v0 })
	})
	b.Run("unchanged", func(b *testing.B) {
		run(b, func(dir string, _ int) *Output { written(b, dir, v0); return v0 })
	})
	for _, changed := range []int{20, 1800} {
		next := &Output{Files: synthFiles(services, 1, changed)}
		b.Run(fmt.Sprintf("changed=%d", changed), func(b *testing.B) {
			run(b, func(dir string, _ int) *Output { written(b, dir, v0); return next })
		})
	}
}
