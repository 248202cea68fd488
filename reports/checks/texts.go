package checks

import (
	"runtime"

	"golang.org/x/sync/errgroup"

	"github.com/plinth-dev/plinth/internal/gitops/render"
	"github.com/plinth-dev/plinth/reports"
	"github.com/plinth-dev/plinth/reports/i18n"
)

// pending is a finding as a check makes it. Most findings are of a
// workload or an object, and what they say of it is read from it when the
// findings are made into the report's (expand), in place: a control's
// findings are not made twice (once in a slice of its own, then in the
// joined one), and a pending finding is a quarter of the size of a finding.
type pending struct {
	// Of the three, one is set: f is a finding made in full (add), its
	// Msg set, or another state's finding with its texts (copied,
	// reuse.go); w is the workload (addWorkload) and o the object (addObj)
	// the finding is about.
	f *reports.Finding
	w *workload
	o *render.Object
	// Of w or o: the message (message), its remediation the control's
	// when fix, and the status, statuses[status].
	id     string
	args   []any
	fix    bool
	copied bool
	status uint8
	line   int32 // of w: when > 0, the line its finding points at (eachWorkload)
}

// pend adds p, a finding of a workload or object, with its status and
// message, when it can be pending: its status one of statuses, the
// remediation of its message none or the control's.
func (ev *evaluator) pend(p pending, status string, msg reports.Msg) bool {
	s, ok := statusIndex(status)
	if !ok || msg.Fix != "" && msg.Fix != ev.control.ID {
		return false
	}
	p.status, p.id, p.args, p.fix = s, msg.ID, msg.Args, msg.Fix != ""
	ev.findings = append(ev.findings, p)
	return true
}

// message is the message of p, of a workload or object, a finding of control c.
func (p *pending) message(c *reports.Control) reports.Msg {
	m := reports.Msg{ID: p.id, Args: p.args}
	if p.fix {
		m.Fix = c.ID
	}
	return m
}

// statuses are the statuses of pending findings of a workload or object
// (any other is made in full).
var statuses = [...]string{reports.StatusPass, reports.StatusFail, reports.StatusManual, reports.StatusNA}

func statusIndex(status string) (uint8, bool) {
	for i, s := range statuses {
		if s == status {
			return uint8(i), true
		}
	}
	return 0, false
}

// expand makes the pending findings of per into one slice, in order, with
// their texts: per[i] are those of control controls[i]; off[i] is where
// per[i] starts in the slice. The findings
// are made a share per core: formatting their messages, in English and
// Korean, is most of what a finding costs, and each finding is made of its
// pending one alone, so the order of the work changes nothing.
func (ev *evaluator) expand(controls []reports.Control, per [][]pending) (fs []reports.Finding, off []int) {
	off = make([]int, len(per)+1)
	for i, ps := range per {
		off[i+1] = off[i] + len(ps)
	}
	fs = make([]reports.Finding, off[len(per)])
	n := min(runtime.GOMAXPROCS(0), len(fs)/2048+1)
	var g errgroup.Group
	for k := range n {
		lo, hi := k*len(fs)/n, (k+1)*len(fs)/n
		g.Go(func() error {
			var last texts
			for i, ps := range per {
				for j := max(off[i], lo); j < min(off[i+1], hi); j++ {
					ev.made(&fs[j], &controls[i], &ps[j-off[i]], &last)
				}
			}
			return nil
		})
	}
	_ = g.Wait()
	return fs, off[:len(per)]
}

// texts are the texts of a message.
type texts struct {
	msg         reports.Msg
	english, ko string
}

// made makes f (zero) of p, a finding of control c; last holds the texts
// of the message of the finding made before, taken again for the same
// message (most findings have the message of the one before).
func (ev *evaluator) made(f *reports.Finding, c *reports.Control, p *pending, last *texts) {
	var msg reports.Msg
	switch {
	case p.f != nil:
		*f = *p.f
		if p.copied {
			return
		}
		msg = f.Msg
	case p.w != nil:
		w := p.w
		f.Cluster, f.Environment, f.Namespace, f.Object = w.o.Cluster, w.env, w.at, w.id
		f.File, f.Line, f.Deployer = w.o.File, w.o.Line, w.o.Deployer
		if p.line > 0 {
			f.Line = int(p.line)
		}
	default:
		o := p.o
		ns := ""
		if !o.ClusterScoped() {
			ns = namespaceOf(o)
		}
		f.Cluster, f.Environment, f.Namespace, f.Object = o.Cluster, ev.env(o.Cluster, ns).Name, ns, o.ID()
		f.File, f.Line, f.Deployer = o.File, o.Line, o.Deployer
	}
	if p.f == nil {
		f.Control, f.Title, f.Category, f.Severity, f.Status = c.ID, c.Title, c.Category, c.Severity, statuses[p.status]
		msg = p.message(c)
	}
	if sameMsg(msg, last.msg) {
		f.Msg, f.MessageID, f.Message, f.MessageKo = msg, msg.ID, last.english, last.ko
		return
	}
	i18n.SetMessage(f, msg)
	*last = texts{msg, f.Message, f.MessageKo}
}

// sameMsg says whether a and b are the same message, to the texts: the
// same ID, remediation and arguments, strings and numbers alone (anything
// else is not compared: false).
func sameMsg(a, b reports.Msg) bool {
	if a.ID != b.ID || a.Fix != b.Fix || len(a.Args) != len(b.Args) || a.ID == "" {
		return false
	}
	for i, x := range a.Args {
		switch x := x.(type) {
		case string:
			if y, ok := b.Args[i].(string); !ok || x != y {
				return false
			}
		case int:
			if y, ok := b.Args[i].(int); !ok || x != y {
				return false
			}
		default:
			return false
		}
	}
	return true
}
