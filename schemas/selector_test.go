package schemas

import (
	"fmt"
	"strings"
	"testing"

	"cuelang.org/go/cue"
)

// TestSelector: a path element is an index exactly when it is an integer
// written as Go prints it, as the loader's fmt.Sscanf once decided.
func TestSelector(t *testing.T) {
	for _, s := range []string{"0", "12", "-1", "+1", "01", " 1", "1 ", "1_000", "0x10", "cart", "#Spec", "", "99999999999999999999"} {
		var i int
		_, err := fmt.Sscanf(s, "%d", &i)
		want := cue.Str(s)
		switch {
		case strings.HasPrefix(s, "#"):
			want = cue.Def(s)
		case err == nil && fmt.Sprint(i) == s:
			want = cue.Index(i)
		}
		if got := selector(s); got.String() != want.String() || got.Type() != want.Type() {
			t.Errorf("selector(%q) = %v (%v), want %v (%v)", s, got, got.Type(), want, want.Type())
		}
	}
}
