package checks

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"runtime"
	"testing"

	"github.com/plinth-dev/plinth/internal/gitops/render"
	"github.com/plinth-dev/plinth/internal/gitops/repo"
	"github.com/plinth-dev/plinth/reports"
	"github.com/plinth-dev/plinth/reports/i18n"
)

// evaluateRef is Evaluate as it was before findings were pending: every
// control in catalog order, one after the other, each finding made in
// full when the check adds it (the add functions of then, replayed), the
// findings joined, then their texts set.
func evaluateRef(in *Input) []reports.Finding {
	ev := newEvaluator(in)
	ev.prepare()
	var out []reports.Finding
	replay := func() {
		for _, p := range ev.findings {
			switch x := p.of.(type) {
			case *reports.Finding:
				f := *x
				f.MessageID = f.Msg.ID
				out = append(out, f)
			case *workload:
				out = append(out, addWorkloadRef(ev, x, statuses[p.status], *p.msg))
				if p.line > 0 {
					out[len(out)-1].Line = int(p.line)
				}
			case *render.Object:
				out = append(out, addObjRef(ev, x, statuses[p.status], *p.msg))
			case *render.Source:
				f := addRef(ev, statuses[p.status], x.Cluster, "", "", nil, *p.msg)
				f.File = x.Path
				out = append(out, f)
			}
		}
	}
	for _, c := range reports.Catalog() {
		if ev.evaluateControl(c) {
			manifestChecks[c.ID](ev)
		}
		replay()
	}
	if in.Evidence != nil {
		ev.findings = nil
		ev.unmatchedEvidence()
		replay()
	}
	for i := range out {
		i18n.SetMessage(&out[i], out[i].Msg)
	}
	return out
}

func addObjRef(ev *evaluator, o *render.Object, status string, msg reports.Msg) reports.Finding {
	ns := ""
	if !o.ClusterScoped() {
		ns = namespaceOf(o)
	}
	return addRef(ev, status, o.Cluster, ns, o.ID(), o, msg)
}

func addWorkloadRef(ev *evaluator, w *workload, status string, msg reports.Msg) reports.Finding {
	return addInRef(ev, w.env, status, w.o.Cluster, w.at, w.id, w.o, msg)
}

func addRef(ev *evaluator, status, cluster, namespace, object string, at *render.Object, msg reports.Msg) reports.Finding {
	return addInRef(ev, ev.env(cluster, namespace).Name, status, cluster, namespace, object, at, msg)
}

func addInRef(ev *evaluator, env, status, cluster, namespace, object string, at *render.Object, msg reports.Msg) reports.Finding {
	f := reports.Finding{
		Control: ev.control.ID, Title: ev.control.Title, Category: ev.control.Category, Severity: ev.control.Severity,
		Status: status, Cluster: cluster, Namespace: namespace, Object: object, Environment: env,
	}
	f.Msg, f.MessageID = msg, msg.ID
	if at != nil {
		f.File, f.Line, f.Deployer = at.File, at.Line, at.Deployer
	}
	return f
}

// TestEvaluateDifferential holds Evaluate (pending findings made in place,
// a share per core) to evaluateRef, over random objects of two clusters
// with environments, many of them at times (findings made by several
// cores), and over the evidence fixtures.
func TestEvaluateDifferential(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4))
	for seed := range uint64(120) {
		r := rand.New(rand.NewPCG(seed, 3))
		objs := randomObjects(r)
		if seed%4 == 0 {
			for k := range 30 {
				more := randomObjects(r)
				for i := range more {
					more[i].Name += fmt.Sprint(k)
					more[i].Line += 100 * k
					more[i].Deployer = fmt.Sprintf("Application/argocd/a%d", k%3)
				}
				objs = append(objs, more...)
			}
		}
		in := &Input{Discovery: &render.Result{Clusters: []string{"p", "q"}, Objects: objs}}
		if seed%2 == 0 {
			in.Discovery.Sources = []render.Source{{Cluster: "p", Kind: "chart", Path: "charts/a"}, {Cluster: "p", Kind: "chart", Path: "charts/a"},
				{Cluster: "q", Kind: "kustomization", Path: "apps/b", Deployer: "Kustomization/flux-system/b"}, {Cluster: "r", Kind: "file", Path: "c.yaml"}}
			in.Discovery.Problems = []render.Problem{{Cluster: "p", File: "d.yaml", Line: 3, Message: "bad"}}
		}
		if seed%3 > 0 {
			in.States = map[string]*ClusterState{"p": {ClusterState: repo.ClusterState{Name: "p", Zones: []string{"a", "b"},
				Environments: []repo.EnvState{{Name: "prod", Tier: "production", Namespaces: []string{"x"}}, {Name: "dev", Tier: "development", Namespaces: []string{"y", "default"}}}}}}
		}
		if seed%5 == 0 {
			in.TrustedRegistries, in.RegistriesFile = []string{"r.io"}, ".plinth/baseline.yaml"
		}
		got, want := Evaluate(in), evaluateRef(in)
		if len(got) != len(want) {
			t.Fatalf("seed %d: %d findings, want %d", seed, len(got), len(want))
		}
		for i := range got {
			if !reflect.DeepEqual(got[i], want[i]) {
				t.Fatalf("seed %d: finding %d:\n got %+v\nwant %+v", seed, i, got[i], want[i])
			}
		}
	}
	in := reuseState()
	in.Evidence = loadFixtures(t)
	if got, want := Evaluate(in), evaluateRef(in); !reflect.DeepEqual(got, want) {
		t.Fatalf("with evidence: got %d findings %+v\nwant %d %+v", len(got), got, len(want), want)
	}
}

func TestSameMsg(t *testing.T) {
	m := reports.M("check.namespace", "a", 1)
	for _, tc := range []struct {
		b    reports.Msg
		same bool
	}{
		{reports.M("check.namespace", "a", 1), true},
		{reports.M("check.namespace", "a", 1).WithFix("PLN-SEC-022"), false},
		{reports.M("check.namespace", "a", "1"), false},
		{reports.M("check.namespace", "a", int64(1)), false},
		{reports.M("check.namespace", "b", 1), false},
		{reports.M("check.namespace", "a"), false},
		{reports.M("check.hasProbe", "a", 1), false},
		{reports.M("check.namespace", reports.M("a"), 1), false},
	} {
		if got := sameMsg(m, tc.b); got != tc.same || sameMsg(tc.b, m) != tc.same {
			t.Errorf("sameMsg(%v, %v) = %v, want %v", m, tc.b, got, tc.same)
		}
	}
	if sameMsg(reports.M("x", reports.Names{"a"}), reports.M("x", reports.Names{"a"})) || sameMsg(reports.Msg{}, reports.Msg{}) {
		t.Error("lists or no message taken as the same")
	}
}

// TestPendingRoundTrip: a finding added of an object, a workload or a
// source is made with the status and message it was added with, pending
// or not (a status or remediation a pending finding cannot hold), each
// with its own message when the one before has the same texts but not the
// same value.
func TestPendingRoundTrip(t *testing.T) {
	in := reuseState()
	in.Discovery.Sources = []render.Source{{Cluster: "p", Kind: "chart", Path: "charts/a"}}
	ev := newEvaluator(in)
	c, _ := reports.LookupControl("PLN-SEC-006")
	ev.control = c
	o, w, s := ev.all[0].o, ev.all[0], &in.Discovery.Sources[0]
	en, _ := i18n.For(i18n.English)
	for _, status := range []string{reports.StatusPass, reports.StatusFail, reports.StatusManual, reports.StatusNA, reports.StatusWaived, "other"} {
		for _, msg := range []reports.Msg{reports.M("check.privileged"), {ID: "check.privileged", Args: []any{}},
			reports.M("check.namespace", "a").WithFix(c.ID), reports.M("check.namespace", "a").WithFix("PLN-SEC-007"),
			reports.M("check.list", reports.Msgs{reports.M("check.privileged")})} {
			ev.findings = nil
			var want []reports.Msg
			for _, m := range []reports.Msg{msg, {ID: msg.ID, Args: append([]any(nil), msg.Args...), Fix: msg.Fix}, msg} {
				ev.addObj(o, status, m)
				ev.addWorkload(w, status, m)
				ev.addSource(s, status, m)
				want = append(want, m, m, m)
			}
			fs, _ := ev.expand([]reports.Control{c}, [][]pending{ev.findings})
			for i, f := range fs {
				m := want[i]
				if f.Status != status || !reflect.DeepEqual(f.Msg, m) || f.MessageID != m.ID || f.MessageKo != i18n.Korean(m) || f.Message != en.Format(m) {
					t.Errorf("finding %d added as %s %#v: made %s %#v (%q)", i, status, m, f.Status, f.Msg, f.MessageKo)
				}
				if i%3 == 2 && (f.File != s.Path || f.Cluster != s.Cluster || f.Object != "" || f.Namespace != "") {
					t.Errorf("finding %d of source %+v: %+v", i, s, f)
				}
			}
		}
	}
}
