package repo

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCheckPath(t *testing.T) {
	for _, tc := range []struct {
		path string
		ok   bool
	}{
		{"a.yaml", true},
		{"clusters/prod/kustomization.yaml", true},
		{".plinth/manifest.json", true},
		{"", false},
		{".", false},
		{"/abs", false},
		{"a/./b", false},
		{"a//b", false},
		{"a/", false},
		{"..", false},
		{"../x", false},
		{"a/../b", false},
		{".git/config", false},
		{"a/.GIT/x", false},
		{"a\\b", false},
		{"a\nb", false},
		{"a\x00b", false},
	} {
		if err := CheckPath(tc.path); (err == nil) != tc.ok {
			t.Errorf("CheckPath(%q) = %v, want ok %v", tc.path, err, tc.ok)
		}
	}
}

func TestParseManifest(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     string
		ok       bool
	}{
		{"sorted", `{"generator":"plinth","files":[{"path":"b.yaml","sha256":"x"},{"path":"a/c.yaml","sha256":"y"}]}`, "a/c.yaml,b.yaml", true},
		{"no files", `{}`, "", true},
		{"git dir", `{"files":[{"path":".git/config"},{"path":"ok.yaml"}]}`, "", false},
		{"parent", `{"files":[{"path":"../etc/passwd"}]}`, "", false},
		{"absolute", `{"files":[{"path":"/abs"}]}`, "", false},
		{"unclean", `{"files":[{"path":"a/./b"}]}`, "", false},
		{"not json", `files:`, "", false},
		{"files scalar", `{"files":3}`, "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := ParseManifest([]byte(tc.in))
			if (err == nil) != tc.ok {
				t.Fatalf("err = %v", err)
			}
			if err != nil {
				var me *ManifestError
				if !errors.As(err, &me) || !strings.HasPrefix(err.Error(), ManifestPath+": ") {
					t.Errorf("error %v is not a located *ManifestError", err)
				}
				return
			}
			var got []string
			for _, f := range m.Files {
				got = append(got, f.Path)
			}
			if strings.Join(got, ",") != tc.want {
				t.Errorf("files %q, want %q", got, tc.want)
			}
		})
	}
}

func TestNewManifestRoundTrip(t *testing.T) {
	files := map[string][]byte{"b.yaml": []byte("b\n"), "a/x.yaml": []byte("x\n"), ManifestPath: []byte("old")}
	data, err := NewManifest(files)
	if err != nil {
		t.Fatal(err)
	}
	m, err := ParseManifest(data)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Files) != 2 || m.Files[0].Path != "a/x.yaml" || !m.Owns("b.yaml") || m.Owns(ManifestPath) {
		t.Errorf("manifest %+v", m)
	}
	// sha256("b\n")
	if m.Files[1].SHA256 != "0263829989b6fd954f72baaf2fc64bc2e2f01d692d4de72986ea808f6e99813f" {
		t.Errorf("hash %q", m.Files[1].SHA256)
	}
}

func FuzzParseManifest(f *testing.F) {
	f.Add([]byte(`{"generator":"plinth","files":[{"path":"a/b.yaml","sha256":"00"}]}`))
	f.Add([]byte(`{"files":[{"path":"../x"}]}`))
	f.Add([]byte(`{"files":[{"path":".git/x"}]}`))
	f.Add([]byte(`{`))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := ParseManifest(data)
		if err != nil {
			return
		}
		for _, fl := range m.Files {
			if CheckPath(fl.Path) != nil {
				t.Fatalf("accepted path %q", fl.Path)
			}
		}
	})
}

// writeTree writes files (slash path -> content) under dir.
func writeTree(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for p, data := range files {
		f := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(f), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(f, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func manifestOf(t *testing.T, files ...string) string {
	t.Helper()
	m := map[string][]byte{}
	for _, p := range files {
		m[p] = nil
	}
	data, err := NewManifest(m)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// manifestWith is the manifest of files with their contents.
func manifestWith(t *testing.T, files map[string]string) string {
	t.Helper()
	m := map[string][]byte{}
	for p, d := range files {
		m[p] = []byte(d)
	}
	data, err := NewManifest(m)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func TestPlan(t *testing.T) {
	for _, tc := range []struct {
		name      string
		old       map[string]string
		new       map[string]string
		want      string // "A path" lines
		unchanged int
		err       string
	}{
		{name: "empty tree", new: map[string]string{"a.yaml": "a", ManifestPath: "m"},
			want: "A .plinth/manifest.json\nA a.yaml"},
		{name: "up to date", old: map[string]string{"a.yaml": "a", ManifestPath: manifestOf(t, "a.yaml")}, new: map[string]string{"a.yaml": "a", ManifestPath: manifestOf(t, "a.yaml")},
			unchanged: 2},
		{name: "owned changed, stale removed, foreign kept",
			old:  map[string]string{"a.yaml": "a", "b.yaml": "b", "mine.txt": "x", ManifestPath: manifestOf(t, "a.yaml", "b.yaml")},
			new:  map[string]string{"a.yaml": "a2", ManifestPath: "m2"},
			want: "M .plinth/manifest.json\nM a.yaml edited\nD b.yaml edited"},
		{name: "hashes checked: edited changed and removed files marked",
			old: map[string]string{"a.yaml": "a", "b.yaml": "b", "c.yaml": "hand", "d.yaml": "hand",
				ManifestPath: manifestWith(t, map[string]string{"a.yaml": "a", "b.yaml": "b", "c.yaml": "c", "d.yaml": "d"})},
			new:  map[string]string{"a.yaml": "a2", "c.yaml": "c2", ManifestPath: "m2"},
			want: "M .plinth/manifest.json\nM a.yaml\nD b.yaml\nM c.yaml edited\nD d.yaml edited"},
		{name: "edited to what is generated: unchanged",
			old:       map[string]string{"a.yaml": "a2", ManifestPath: manifestWith(t, map[string]string{"a.yaml": "a"})},
			new:       map[string]string{"a.yaml": "a2"},
			unchanged: 1},
		{name: "stale already gone", old: map[string]string{ManifestPath: manifestOf(t, "gone.yaml")}, new: map[string]string{ManifestPath: "m"},
			want: "M .plinth/manifest.json"},
		{name: "foreign file in the way", old: map[string]string{"a.yaml": "mine", "b.yaml": "mine"}, new: map[string]string{"a.yaml": "a", "b.yaml": "b", "c.yaml": "c"},
			err: "a.yaml, b.yaml not owned by plinth"},
		{name: "foreign file equal", old: map[string]string{"a.yaml": "a"}, new: map[string]string{"a.yaml": "a"}, unchanged: 1},
		{name: "damaged manifest", old: map[string]string{ManifestPath: `{"files":[{"path":"../x"}]}`}, new: map[string]string{"a.yaml": "a"},
			err: ".plinth/manifest.json: path \"../x\""},
		{name: "unsafe new path", new: map[string]string{"../a.yaml": "a"}, err: "leaves the tree"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			writeTree(t, dir, tc.old)
			files := map[string][]byte{}
			for p, d := range tc.new {
				files[p] = []byte(d)
			}
			pl, err := Plan(Dir(dir), files)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var lines []string
			for _, c := range pl.List {
				line := c.Action.Letter() + " " + c.Path
				if c.Edited {
					line += " edited"
				}
				lines = append(lines, line)
				if (c.Action == Added) != (c.Old == nil) || (c.Action == Removed) != (c.New == nil) {
					t.Errorf("%s %s: old %q new %q", c.Action, c.Path, c.Old, c.New)
				}
				if c.Action != Added && string(c.Old) != tc.old[c.Path] {
					t.Errorf("%s: old %q, want %q", c.Path, c.Old, tc.old[c.Path])
				}
			}
			if got := strings.Join(lines, "\n"); got != tc.want || pl.Unchanged != tc.unchanged {
				t.Errorf("plan:\n%s\nunchanged %d; want:\n%s\nunchanged %d", got, pl.Unchanged, tc.want, tc.unchanged)
			}
		})
	}
}

func TestCount(t *testing.T) {
	a, c, r := Count([]Change{{Action: Added}, {Action: Changed}, {Action: Changed}, {Action: Removed}})
	if a != 1 || c != 2 || r != 1 {
		t.Errorf("Count = %d, %d, %d", a, c, r)
	}
}
