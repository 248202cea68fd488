package publish

import "testing"

func TestBranch(t *testing.T) {
	for _, tc := range []struct {
		requested, followed, base string
		want                      string
		warns                     bool
	}{
		{"", "", "", "main", false},
		{"", "release", "", "release", false},
		{"main", "", "", "main", false},
		{"main", "main", "", "main", false},
		{"hotfix", "main", "", "hotfix", true},
		{"plinth/update", "main", "main", "plinth/update", false},
		{"plinth/update", "main", "develop", "plinth/update", true},
	} {
		got, warning := Branch(tc.requested, tc.followed, tc.base)
		if got != tc.want || (warning != "") != tc.warns {
			t.Errorf("Branch(%q, %q, %q) = %q, %q; want %q, warning %v", tc.requested, tc.followed, tc.base, got, warning, tc.want, tc.warns)
		}
	}
}

func TestCheckBranch(t *testing.T) {
	for name, ok := range map[string]bool{"main": true, "plinth/update": true, "a..b": false, "my branch": false, "-x": false, "x.lock": false, "": false} {
		if err := CheckBranch(name); (err == nil) != ok {
			t.Errorf("CheckBranch(%q) = %v", name, err)
		}
	}
}
