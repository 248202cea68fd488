package render

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/plinth-dev/plinth/internal/gitops/source"
)

// referenceBuildKey is buildKey as it was before sharedBuildKey kept what
// makes keys: every file below every directory the build can read, hashed
// for each key.
func (d *renderer) referenceBuildKey(dir string) string {
	sorted := closureDirs(dir, d.kustomizationDirRefs)
	h := sha256.New()
	fmt.Fprintf(h, "build %s\n", dir)
	for _, dir := range sorted {
		for _, p := range d.snap.Walk(dir) {
			fmt.Fprintf(h, "%s %s\n", p, d.fileHash(p))
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

// layeredRepo is a repository laid out as plinth's kustomize layout is:
// a base per service, an overlay per team and environment that includes
// its services' bases and patches them, and an overlay per environment
// that includes its teams.
func layeredRepo() map[string][]byte {
	files := map[string][]byte{}
	kust := func(dir, body string) {
		files[dir+"/kustomization.yaml"] = []byte("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n" + body)
	}
	for s := range 4 {
		dir := fmt.Sprintf("apps/base/svc%d", s)
		kust(dir, "resources:\n- deployment.yaml\n")
		files[dir+"/deployment.yaml"] = fmt.Appendf(nil, "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: svc%d\nspec:\n  template:\n    spec:\n      containers:\n      - name: app\n        image: r.io/svc%d:1\n", s, s)
	}
	for _, env := range []string{"dev", "prod"} {
		var teams []string
		for team := range 2 {
			dir := fmt.Sprintf("apps/%s/team%d", env, team)
			teams = append(teams, fmt.Sprintf("- team%d\n", team))
			kust(dir, fmt.Sprintf("namespace: team%d-%s\nresources:\n- ../../base/svc%d\n- ../../base/svc%d\npatches:\n- path: patches/replicas.yaml\n", team, env, 2*team, 2*team+1))
			files[dir+"/patches/replicas.yaml"] = fmt.Appendf(nil, "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: svc%d\nspec:\n  replicas: 2\n", 2*team)
		}
		kust("apps/"+env, "resources:\n"+strings.Join(teams, ""))
	}
	return files
}

// TestSharedBuildKeyEqualsReference: for every kustomization directory of a
// layered repository and of changed copies of it (a file of a base, of an
// overlay, a file added, a file removed, a file no build reads), two
// states' keys are equal exactly when the reference keys are, through one
// Cache shared by all states as a history report shares it, and through a
// fresh one.
func TestSharedBuildKeyEqualsReference(t *testing.T) {
	base := layeredRepo()
	change := func(name string, edit func(files map[string][]byte)) map[string][]byte {
		files := maps.Clone(base)
		edit(files)
		if maps.EqualFunc(files, base, func(a, b []byte) bool { return string(a) == string(b) }) {
			t.Fatalf("%s: nothing changed", name)
		}
		return files
	}
	first := func(pred func(p string) bool) string {
		for _, p := range slices.Sorted(maps.Keys(base)) {
			if pred(p) {
				return p
			}
		}
		t.Fatal("no such file")
		return ""
	}
	svcFile := first(func(p string) bool {
		return strings.HasPrefix(p, "apps/base/") && strings.HasSuffix(p, "/deployment.yaml")
	})
	patchFile := first(func(p string) bool { return strings.HasPrefix(p, "apps/dev/") && strings.Contains(p, "/patches/") })
	states := map[string]map[string][]byte{
		"same":         base,
		"base file":    change("base file", func(f map[string][]byte) { f[svcFile] = append(slices.Clone(f[svcFile]), "# changed\n"...) }),
		"overlay file": change("overlay file", func(f map[string][]byte) { f[patchFile] = append(slices.Clone(f[patchFile]), "# changed\n"...) }),
		"file added": change("file added", func(f map[string][]byte) {
			f[strings.Replace(svcFile, "deployment.yaml", "notes.txt", 1)] = []byte("x")
		}),
		"file removed":    change("file removed", func(f map[string][]byte) { delete(f, patchFile) }),
		"file read by no": change("file read by no", func(f map[string][]byte) { f["docs/README.md"] = []byte("x") }),
	}
	names := slices.Sorted(maps.Keys(states))
	shared := NewCache()
	type keys struct{ shared, fresh, ref map[string]string }
	got := map[string]keys{}
	for _, name := range names {
		snap := source.FromFiles(name, states[name])
		ds := &renderer{snap: snap, docCache: map[string]docsResult{}, cache: shared}
		df := &renderer{snap: snap, docCache: map[string]docsResult{}, cache: NewCache()}
		k := keys{map[string]string{}, map[string]string{}, map[string]string{}}
		dirs := kustomizationDirs(snap)
		sort.Strings(dirs)
		for _, dir := range dirs {
			k.shared[dir], k.fresh[dir], k.ref[dir] = ds.buildKey(dir), df.buildKey(dir), ds.referenceBuildKey(dir)
			if again := ds.buildKey(dir); again != k.shared[dir] {
				t.Errorf("%s %s: key %s, then %s", name, dir, k.shared[dir], again)
			}
		}
		got[name] = k
	}
	differ := 0
	for _, a := range names {
		for _, b := range names {
			for dir, ra := range got[a].ref {
				rb, ok := got[b].ref[dir]
				if !ok {
					continue
				}
				if ra != rb {
					differ++
				}
				if (got[a].shared[dir] == got[b].shared[dir]) != (ra == rb) || (got[a].fresh[dir] == got[b].fresh[dir]) != (ra == rb) {
					t.Errorf("%s, states %q and %q: keys equal %v, reference keys equal %v", dir, a, b, got[a].shared[dir] == got[b].shared[dir], ra == rb)
				}
			}
		}
	}
	if differ == 0 {
		t.Fatal("no reference key differs between states: the test changes nothing")
	}
}

// TestDataSums: the memo by memory gives each content's SHA-256, also for
// data that starts where other data did (a prefix, another length).
func TestDataSums(t *testing.T) {
	var s dataSums
	data := []byte("apiVersion: v1\nkind: ConfigMap\n")
	for _, d := range [][]byte{data, data, data[:10], data[:10], data, nil, {}} {
		b := sha256.Sum256(d)
		if got, want := s.sum(d), hex.EncodeToString(b[:]); got != want {
			t.Errorf("%q: %s, want %s", d, got, want)
		}
	}
}
