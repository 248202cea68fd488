package checks

import (
	"runtime"
	"unsafe"

	"golang.org/x/sync/errgroup"

	"github.com/plinth-dev/plinth/internal/gitops/render"
	"github.com/plinth-dev/plinth/internal/hugepage"
	"github.com/plinth-dev/plinth/reports"
	"github.com/plinth-dev/plinth/reports/i18n"
)

// pending is a finding as a check makes it. Most findings are of a
// workload or an object, and what they say of it is read from it when the
// findings are made into the report's (expand), in place: a control's
// findings are not made twice (once in a slice of its own, then in the
// joined one), and a pending finding is a tenth of the size of a finding.
type pending struct {
	// of is what the finding is about: a *workload (addWorkload), a
	// *render.Object (addObj) or a *render.Source (addSource); or it is a
	// *reports.Finding made in full (add), its Msg set, or another
	// state's finding with its texts (copied, reuse.go).
	of any
	// msg is the message of a workload, object or source, shared with the
	// findings before it that have the same, and status its status,
	// statuses[status].
	msg    *reports.Msg
	line   int32 // of a workload: when > 0, the line its finding points at (eachWorkload)
	status uint8
	copied bool
}

// pend adds p, a finding of a workload, object or source, with its status
// and message, when it can be pending: its status one of statuses, the
// remediation of its message none or the control's. A message the same as
// that of the finding before (most are) is not kept again.
func (ev *evaluator) pend(p pending, status string, msg reports.Msg) bool {
	s, ok := statusIndex(status)
	if !ok || msg.Fix != "" && msg.Fix != ev.control.ID {
		return false
	}
	p.status = s
	if n := len(ev.findings); n > 0 && ev.findings[n-1].msg != nil && identicalMsg(msg, *ev.findings[n-1].msg) {
		p.msg = ev.findings[n-1].msg
	} else {
		m := msg // to the heap here alone
		p.msg = &m
	}
	ev.findings = append(ev.findings, p)
	return true
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
	if len(fs) > 0 {
		hugepage.Advise(unsafe.Pointer(&fs[0]), uintptr(len(fs))*unsafe.Sizeof(fs[0]))
	}
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

// texts are the texts of a message; at is where it was last found (a
// pending finding's message or a finding's), the same texts taken again
// at once.
type texts struct {
	at          *reports.Msg
	msg         reports.Msg
	english, ko string
}

// made makes f (zero) of p, a finding of control c; last holds the texts of the message of the finding made before, taken
// again for the same message (most findings have the message of the one
// before).
func (ev *evaluator) made(f *reports.Finding, c *reports.Control, p *pending, last *texts) {
	var msg *reports.Msg
	switch x := p.of.(type) {
	case *reports.Finding:
		*f = *x
		if p.copied {
			return
		}
		msg = &x.Msg
	case *workload:
		f.Cluster, f.Environment, f.Namespace, f.Object = x.o.Cluster, x.env, x.at, x.id
		f.File, f.Line, f.Deployer = x.o.File, x.o.Line, x.o.Deployer
		if p.line > 0 {
			f.Line = int(p.line)
		}
	case *render.Object:
		ns := ""
		if !x.ClusterScoped() {
			ns = namespaceOf(x)
		}
		f.Cluster, f.Environment, f.Namespace, f.Object = x.Cluster, ev.env(x.Cluster, ns).Name, ns, x.ID()
		f.File, f.Line, f.Deployer = x.File, x.Line, x.Deployer
	case *render.Source:
		f.Cluster, f.Environment, f.File = x.Cluster, ev.env(x.Cluster, "").Name, x.Path
	}
	if msg == nil {
		f.Control, f.Title, f.Category, f.Severity, f.Status = c.ID, c.Title, c.Category, c.Severity, statuses[p.status]
		msg = p.msg
	}
	if msg != last.at && !sameMsg(*msg, last.msg) {
		i18n.SetMessage(f, *msg)
		*last = texts{msg, *msg, f.Message, f.MessageKo}
		return
	}
	last.at = msg
	f.Msg, f.MessageID, f.Message, f.MessageKo = *msg, msg.ID, last.english, last.ko
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

// identicalMsg says whether a and b are the same message, to their
// values: sameMsg, without arguments in both or with them in both (nil or
// empty, as reflect.DeepEqual tells them apart).
func identicalMsg(a, b reports.Msg) bool {
	return sameMsg(a, b) && (a.Args == nil) == (b.Args == nil)
}
