package scan

import (
	"bytes"

	"github.com/plinth-dev/plinth/internal/gitops/render"
	"github.com/plinth-dev/plinth/internal/gitops/source"
	"github.com/plinth-dev/plinth/reports"
	"github.com/plinth-dev/plinth/reports/checks"
)

// twoStates is what the two states of a history report (--since, --month)
// share: the render cache (most builds and chart renderings are the same),
// and what the checks of the first state evaluated (head) leave to those of
// the second (checks.EvaluateKeeping, checks.EvaluateReusing).
type twoStates struct {
	cache *render.Cache
	first *source.Snapshot
	kept  *checks.Kept
}

func (s *twoStates) renderCache() *render.Cache {
	if s == nil {
		return nil
	}
	return s.cache
}

// rendersAfresh says whether the state being evaluated renders without a
// state before it: a single state, or the first of two.
func (s *twoStates) rendersAfresh() bool { return s == nil || s.kept == nil }

// check evaluates the checks of the state snap: of a single state alone,
// of the first of two keeping what the second can reuse, of the second
// reusing it.
func (s *twoStates) check(snap *source.Snapshot, in *checks.Input) []reports.Finding {
	switch {
	case s == nil:
		return checks.Evaluate(in)
	case s.kept == nil:
		fs, kept := checks.EvaluateKeeping(in)
		s.first, s.kept = snap, kept
		return fs
	}
	first := s.first
	return checks.EvaluateReusing(in, s.kept, func(p string) bool { return sameFile(first, snap, p) })
}

// sameFile says whether file p reads the same in snapshots a and b: the
// same content, or missing or unreadable in both.
func sameFile(a, b *source.Snapshot, p string) bool {
	fa, oka := a.File(p)
	fb, okb := b.File(p)
	switch {
	case oka != okb:
		return false
	case !oka:
		return true
	case (fa.Err == nil) != (fb.Err == nil):
		return false
	}
	return bytes.Equal(fa.Data, fb.Data)
}
