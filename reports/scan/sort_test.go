package scan

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/plinth-dev/plinth/reports"
)

// TestSortFindingsDifferential holds sortFindings (sorting indexes, then
// moving the findings in place) to a stable sort of the findings
// themselves with every key compared, on findings with many equal keys.
func TestSortFindingsDifferential(t *testing.T) {
	catalog := reports.Catalog()
	pick := func(r *rand.Rand, vs ...string) string { return vs[r.IntN(len(vs))] }
	for seed := range uint64(200) {
		r := rand.New(rand.NewPCG(seed, 1))
		fs := make([]reports.Finding, r.IntN(300))
		for i := range fs {
			fs[i] = reports.Finding{Control: catalog[r.IntN(min(len(catalog), 6))].ID, Cluster: pick(r, "", "a", "b"),
				Environment: pick(r, "", "dev", "prod"), Namespace: pick(r, "x", "y"), File: pick(r, "f1", "f2", ""),
				Line: r.IntN(3), Object: pick(r, "Deployment/a", "Service/a"), Message: pick(r, "m1", "m2", "m3"),
				Title: fmt.Sprint(i)} // tells equal findings apart: the sort must be stable
		}
		order := map[string]int{}
		for i, c := range catalog {
			order[c.ID] = i
		}
		switch seed % 5 {
		case 0: // mostly in order already
			slices.SortStableFunc(fs, func(a, b reports.Finding) int { return cmp.Compare(a.Control, b.Control) })
		case 1, 2: // in control order, as the checks make them: by control alone, some of them in order
			slices.SortStableFunc(fs, func(a, b reports.Finding) int { return cmp.Compare(order[a.Control], order[b.Control]) })
			if seed%5 == 2 {
				sortRuns(fs, r)
			}
		case 3: // the same, with findings added after (the waivers' problems)
			slices.SortStableFunc(fs, func(a, b reports.Finding) int { return cmp.Compare(order[a.Control], order[b.Control]) })
			for range r.IntN(3) {
				fs = append(fs, reports.Finding{Control: catalog[r.IntN(len(catalog))].ID, Title: fmt.Sprint("added", len(fs))})
			}
		}
		want := slices.Clone(fs)
		slices.SortStableFunc(want, func(a, b reports.Finding) int {
			return cmp.Or(cmp.Compare(order[a.Control], order[b.Control]), cmp.Compare(a.Cluster, b.Cluster), cmp.Compare(a.Environment, b.Environment),
				cmp.Compare(a.Namespace, b.Namespace), cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line),
				cmp.Compare(a.Object, b.Object), cmp.Compare(a.Message, b.Message))
		})
		sortFindings(fs)
		for i := range fs {
			if fs[i].Title != want[i].Title {
				t.Fatalf("seed %d: finding %d is %+v, want %+v", seed, i, fs[i], want[i])
			}
		}
	}
}

// sortRuns sorts the findings of some controls of fs (in control order)
// in full, leaving the others as they are.
func sortRuns(fs []reports.Finding, r *rand.Rand) {
	for lo := 0; lo < len(fs); {
		hi := lo + 1
		for hi < len(fs) && fs[hi].Control == fs[lo].Control {
			hi++
		}
		if r.IntN(2) == 0 {
			slices.SortStableFunc(fs[lo:hi], func(a, b reports.Finding) int {
				return cmp.Or(cmp.Compare(a.Cluster, b.Cluster), cmp.Compare(a.Environment, b.Environment),
					cmp.Compare(a.Namespace, b.Namespace), cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line),
					cmp.Compare(a.Object, b.Object), cmp.Compare(a.Message, b.Message))
			})
		}
		lo = hi
	}
}
