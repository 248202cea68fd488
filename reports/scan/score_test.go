package scan

import (
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/plinth-dev/plinth/reports"
)

// TestScoreScopesDifferential holds what Score finds again only when it
// changes from one finding to the next (the scope, the control) to what
// each finding says alone: the scopes, and each control's status per
// scope, its status and counts, over findings in any order.
func TestScoreScopesDifferential(t *testing.T) {
	catalog := reports.Catalog()
	pick := func(r *rand.Rand, vs ...string) string { return vs[r.IntN(len(vs))] }
	for seed := range uint64(300) {
		r := rand.New(rand.NewPCG(seed, 5))
		fs := make([]reports.Finding, r.IntN(60))
		for i := range fs {
			fs[i] = reports.Finding{Control: pick(r, catalog[0].ID, catalog[1].ID, catalog[2].ID, "PLN-NONE-1"),
				Cluster: pick(r, "", "a", "b"), Environment: pick(r, "", "a", "dev"),
				Status: pick(r, reports.StatusPass, reports.StatusFail, reports.StatusWaived, reports.StatusManual, reports.StatusNA)}
		}
		if seed%2 == 0 { // grouped, as the findings of a report are
			slices.SortStableFunc(fs, func(a, b reports.Finding) int { return strings.Compare(a.Control, b.Control) })
		}
		rep := &reports.Report{Findings: fs}
		Score(rep)
		scopes := map[string]bool{}
		want := map[string]*reports.ControlResult{}
		for _, f := range fs {
			sc := Scope(f.Cluster, f.Environment)
			scopes[sc] = true
			c, ok := want[f.Control]
			if !ok {
				c = &reports.ControlResult{Scopes: map[string]string{}}
				want[f.Control] = c
			}
			c.Status, c.Scopes[sc] = worse(c.Status, f.Status), worse(c.Scopes[sc], f.Status)
			if f.Status == reports.StatusPass || f.Status == reports.StatusWaived {
				c.Passed++
			}
			if f.Status == reports.StatusPass || f.Status == reports.StatusWaived || f.Status == reports.StatusFail {
				c.Total++
			}
		}
		var wantScopes []string
		for sc := range scopes {
			wantScopes = append(wantScopes, sc)
		}
		slices.Sort(wantScopes)
		if !slices.Equal(rep.Scopes, wantScopes) {
			t.Fatalf("seed %d: scopes %q, want %q", seed, rep.Scopes, wantScopes)
		}
		for _, cr := range rep.Controls {
			w := want[cr.ID]
			if w == nil {
				w = &reports.ControlResult{Status: reports.StatusNA, Scopes: map[string]string{}}
			}
			if w.Status == "" {
				w.Status = reports.StatusNA
			}
			if cr.Status != w.Status || !reflect.DeepEqual(cr.Scopes, w.Scopes) || cr.Passed != w.Passed || cr.Total != w.Total {
				t.Fatalf("seed %d: %s: %s %v %d/%d, want %s %v %d/%d", seed, cr.ID, cr.Status, cr.Scopes, cr.Passed, cr.Total,
					w.Status, w.Scopes, w.Passed, w.Total)
			}
		}
	}
}
