package checks

import (
	"runtime"

	"golang.org/x/sync/errgroup"

	"github.com/plinth-dev/plinth/reports"
	"github.com/plinth-dev/plinth/reports/i18n"
)

// setTexts gives every finding its message texts (i18n.SetMessage of its
// Msg), a share of the findings per core: formatting them, in English and
// Korean, is most of what a finding costs, and each finding's texts are
// its own, so the order of the work changes nothing. The findings copied
// from another state (copied[i], reuse.go) have theirs.
func setTexts(fs []reports.Finding, copied []bool) {
	n := min(runtime.GOMAXPROCS(0), len(fs)/2048+1)
	var g errgroup.Group
	for k := range n {
		g.Go(func() error {
			for i := k * len(fs) / n; i < (k+1)*len(fs)/n; i++ {
				if i < len(copied) && copied[i] {
					continue
				}
				i18n.SetMessage(&fs[i], fs[i].Msg)
			}
			return nil
		})
	}
	_ = g.Wait()
}
