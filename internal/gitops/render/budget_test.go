package render

import (
	"errors"
	"fmt"
	"reflect"
	"runtime/metrics"
	"strings"
	"testing"
	"time"

	"github.com/plinth-dev/plinth/internal/gitops/source"
)

// hostileChart is a repository with one chart whose template is tmpl.
func hostileChart(tmpl string) map[string][]byte {
	return map[string][]byte{
		"chart/Chart.yaml":       []byte("apiVersion: v2\nname: chart\nversion: 0.1.0\n"),
		"chart/values.yaml":      []byte("l: [" + strings.TrimSuffix(strings.Repeat("1,", 700), ",") + "]\n"),
		"chart/templates/x.yaml": []byte(tmpl),
	}
}

// hostileAppSet is a repository with an ApplicationSet whose name template is tmpl.
func hostileAppSet(tmpl string) map[string][]byte {
	return map[string][]byte{
		"clusters/prod/appset.yaml": []byte(`apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: {name: s, namespace: argocd}
spec:
  goTemplate: true
  generators: [{list: {elements: [{n: 1}]}}]
  template:
    metadata: {name: '` + tmpl + `'}
    spec: {source: {path: apps}, destination: {namespace: x}}
`),
		"apps/cm.yaml": []byte("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n"),
	}
}

// TestRenderBudget: runaway and hostile templates become one problem
// naming the file and the limit, within the budget's time.
func TestRenderBudget(t *testing.T) {
	const budget = 2 * time.Second
	for _, tc := range []struct {
		name  string
		files map[string][]byte
		file  string // the problem's file
		want  string // in its message
	}{
		{"helm string doubling", hostileChart(`{{ $s := "ab" }}{{ range until 64 }}{{ $s = printf "%s%s" $s $s }}{{ end }}{{ $s }}`),
			"chart/templates/x.yaml", "printf would make"},
		{"helm doubling with cat", hostileChart(`{{ $s := "ab" }}{{ range until 64 }}{{ $s = cat $s $s }}{{ end }}{{ $s }}`),
			"chart/templates/x.yaml", "cat would make"},
		{"helm repeat", hostileChart(`a: {{ repeat 1000000000 "x" }}`), "chart/templates/x.yaml", "repeat would make 953 MiB"},
		{"helm printf width", hostileChart(`{{ range until 100 }}{{ printf "%0999999d%0999999d%0999999d%0999999d%0999999d%0999999d%0999999d%0999999d%0999999d" 1 2 3 4 5 6 7 8 9 }}{{ end }}`),
			"chart/templates/x.yaml", "printf would make"},
		{"helm replace", hostileChart(`{{ replace "a" (repeat 1000 "b") (repeat 100000 "a") }}`), "chart/templates/x.yaml", "replace would make"},
		{"helm indent", hostileChart(`{{ indent 100000 (repeat 100000 "\n") }}`), "chart/templates/x.yaml", "indent would make"},
		{"helm long list", hostileChart(`{{ until 100000000 | len }}`), "chart/templates/x.yaml", "until would make"},
		{"helm cyclic dict", hostileChart(`{{ $d := dict }}{{ $_ := set $d "x" $d }}{{ toToml $d }}`), "chart/templates/x.yaml", "toToml would make"},
		{"helm output", hostileChart(`{{ range until 1000000 }}0123456789abcdef{{ end }}`), "chart/templates/x.yaml", "a template wrote more than 8 MiB"},
		{"helm include doubling", hostileChart(`{{ define "d" }}{{ include "d" . }}{{ include "d" . }}x{{ end }}{{ include "d" . }}`),
			"chart/templates/x.yaml", "… 999 nested calls … error calling include: template: chart/templates/x.yaml:1:19"},
		{"helm nested range", hostileChart(`{{ range until 100000 }}{{ range until 100000 }}{{ $x := add 1 2 }}{{ end }}{{ end }}`),
			"chart/templates/x.yaml", "rendering time of 2s is used up"},
		{"helm loop without functions", hostileChart(`{{ range .Values.l }}{{ range $.Values.l }}{{ range $.Values.l }}{{ end }}{{ end }}{{ end }}`),
			"chart/templates/x.yaml", "rendering time of 2s is used up"},
		{"helm partial", map[string][]byte{
			"chart/Chart.yaml":             []byte("apiVersion: v2\nname: chart\nversion: 0.1.0\n"),
			"chart/templates/_helpers.tpl": []byte(`{{ define "big" }}{{ range until 1000000 }}0123456789abcdef{{ end }}{{ end }}`),
			"chart/templates/x.yaml":       []byte(`a: {{ include "big" . }}`),
		}, "chart/templates/x.yaml", "a template wrote more than 8 MiB"},
		{"appset string doubling", hostileAppSet(`{{ $s := "ab" }}{{ range until 64 }}{{ $s = printf "%s%s" $s $s }}{{ end }}{{ $s }}`),
			"clusters/prod/appset.yaml", "printf would make"},
		{"appset nested range", hostileAppSet(`{{ range until 100000 }}{{ range until 100000 }}{{ end }}{{ end }}`),
			"clusters/prod/appset.yaml", "rendering time of 2s is used up"},
		{"appset output", hostileAppSet(`{{ range until 1000000 }}0123456789abcdef{{ end }}`), "clusters/prod/appset.yaml", "a template wrote more than 8 MiB"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// A case that must meet a size limit gets all the time it may
			// need on a loaded machine: only the cases about time are timed.
			budget := budget
			if !strings.Contains(tc.want, "is used up") {
				budget = 10 * time.Minute
			}
			start := time.Now()
			res := Render(source.FromFiles("hostile", tc.files), Options{Budget: NewBudget(budget)})
			if took := time.Since(start); took > budget+30*time.Second {
				t.Errorf("took %s with a budget of %s", took, budget)
			}
			var got []Problem
			for _, p := range res.Problems {
				if strings.Contains(p.Message, "render budget exceeded") || strings.Contains(p.Message, "nested reference") {
					got = append(got, p)
				}
			}
			if len(got) != 1 {
				t.Fatalf("want one budget problem, got %+v", res.Problems)
			}
			p := got[0]
			if p.File != tc.file || !strings.Contains(p.Message, tc.want) || p.NotEvaluated {
				t.Errorf("problem %s: %q; want a failing one at %s containing %q", p.File, p.Message, tc.file, tc.want)
			}
			if len(p.Message) > 2*maxMessage {
				t.Errorf("message of %d bytes", len(p.Message))
			}
		})
	}
}

// TestRenderBudgetAcrossCharts: four runaway charts share one report's
// time; each is a problem and the report ends within its budget.
func TestRenderBudgetAcrossCharts(t *testing.T) {
	files := map[string][]byte{}
	for _, c := range []string{"a", "b", "c", "d"} {
		files[c+"/Chart.yaml"] = []byte("apiVersion: v2\nname: " + c + "\nversion: 0.1.0\n")
		files[c+"/templates/x.yaml"] = []byte(`{{ range until 100000 }}{{ range until 100000 }}{{ $x := add 1 2 }}{{ end }}{{ end }}`)
	}
	b := NewBudget(3 * time.Second)
	start := time.Now()
	res := Render(source.FromFiles("runaway", files), Options{Budget: b})
	if took := time.Since(start); took > 3*time.Second+30*time.Second {
		t.Errorf("four runaway charts took %s with a budget of 3s", took)
	}
	if len(res.Problems) != 4 {
		t.Fatalf("problems: %+v", res.Problems)
	}
	for _, p := range res.Problems {
		if !strings.Contains(p.Message, "not evaluated: render budget exceeded (") {
			t.Errorf("%s: %s", p.File, p.Message)
		}
	}
	// A later Render of the same report has no time left.
	res = Render(source.FromFiles("runaway", hostileChart("a: {{ add 1 2 }}\n")), Options{Budget: b})
	if len(res.Problems) != 1 || !strings.Contains(res.Problems[0].Message, "used up") {
		t.Errorf("after the budget: %+v", res.Problems)
	}
}

// TestShortMessage: a long chain keeps its ends and a bounded length.
func TestShortMessage(t *testing.T) {
	chain := "template: x.yaml:1:3: executing \"x\" at <include>" + strings.Repeat(": error calling include: template: x.yaml:1:19: executing \"r\" at <include \"r\" .>", 1000) +
		": rendering template has a nested reference name: r: unable to execute template"
	for _, tc := range []struct {
		name, msg string
		want      []string
		max       int
	}{
		{"short", "kustomize build a: boom", []string{"kustomize build a: boom"}, 100},
		{"chain", chain, []string{"template: x.yaml:1:3", "nested calls", "nested reference name: r"}, maxMessage + 100},
		{"long", strings.Repeat("é", 5000) + "the cause", []string{"bytes cut", "the cause"}, maxMessage + 100},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := shortMessage(tc.msg)
			if len(got) > tc.max || !strings.Contains(got, tc.want[0]) {
				t.Fatalf("%d bytes: %.300q", len(got), got)
			}
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("%q misses %q", got, w)
				}
			}
			if !strings.Contains(got, "\ufffd") && strings.ToValidUTF8(got, "") != got {
				t.Errorf("invalid UTF-8: %q", got)
			}
		})
	}
}

// FuzzTemplateBudget runs arbitrary templates, with arbitrary values, as a
// chart and as an ApplicationSet under a small budget: never a panic or a
// hang past the budget, never output over the cap.
func FuzzTemplateBudget(f *testing.F) {
	f.Add(`{{ $s := "ab" }}{{ range until 64 }}{{ $s = printf "%s%s" $s $s }}{{ end }}{{ $s }}`, "l: [1, 2]\n")
	f.Add(`{{ repeat 100 (toYaml .Values) }}`, "a: &a [1, 2]\nb: [*a, *a]\n")
	f.Add(`{{ $d := dict }}{{ $_ := set $d "x" $d }}{{ toJson $d }}{{ toToml $d }}`, "")
	f.Add(`{{ tpl (repeat 3 "{{ . }}") .Values }}`, "x: 1\n")
	f.Add(`{{ regexReplaceAll "a" (repeat 1000 "a") "$0$0$0$0" }}`, "")
	f.Add(`{{ range until 1000 }}{{ wrapWith 1 (repeat 100 "-") (repeat 1000 "x") }}{{ end }}`, "")
	f.Fuzz(func(t *testing.T, tmpl, values string) {
		files := hostileChart(tmpl)
		files["chart/values.yaml"] = []byte(values)
		for k, v := range hostileAppSet(strings.ReplaceAll(tmpl, "'", "''")) {
			files[k] = v
		}
		start := time.Now()
		res := Render(source.FromFiles("fuzz", files), Options{Budget: NewBudget(time.Second)})
		if took := time.Since(start); took > 30*time.Second {
			t.Fatalf("took %s", took)
		}
		for _, o := range res.Objects {
			if n := valueSize(reflectValue(o.Value), MaxTemplateOutput*4); n > MaxTemplateOutput*4 {
				t.Fatalf("object %s of %d bytes", o.ID(), n)
			}
		}
	})
}

func reflectValue(v any) reflect.Value { return reflect.ValueOf(v) }

// TestExecutionsReuseExecutors: template executions one after another run
// on the same few goroutines, whatever they return or however they panic;
// one abandoned at its deadline does not hold up the next.
func TestExecutionsReuseExecutors(t *testing.T) {
	created := func() uint64 {
		s := []metrics.Sample{{Name: "/sched/goroutines-created:goroutines"}}
		metrics.Read(s)
		return s[0].Value.Uint64()
	}
	r := NewBudget(time.Hour).run()
	boom := errors.New("boom")
	before := created()
	for i := range 200 {
		var want error
		var f func() error
		switch i % 4 {
		case 0:
			f = func() error { return nil }
		case 1:
			want, f = boom, func() error { return boom }
		case 2:
			f = func() error { panic("at the template") }
		case 3:
			be := &BudgetError{Reason: "test"}
			f = func() error { panic(fmt.Errorf("wrapped: %w", be)) }
		}
		err := r.execute(f)
		switch i % 4 {
		case 0, 1:
			if err != want {
				t.Fatalf("execution %d: %v, want %v", i, err, want)
			}
		case 2:
			if err == nil || err.Error() != "panic: at the template" {
				t.Fatalf("execution %d: %v", i, err)
			}
		case 3:
			if _, ok := IsBudget(err); !ok {
				t.Fatalf("execution %d: %v, want the budget error", i, err)
			}
		}
	}
	if n := created() - before; n > maxIdleExecutors {
		t.Errorf("200 executions made %d goroutines", n)
	}
	// An execution past its deadline is abandoned; the next one runs.
	stuck := make(chan struct{})
	defer close(stuck)
	late := NewBudget(time.Hour).run()
	late.setDeadline(time.Now())
	if err := late.execute(func() error { <-stuck; return nil }); err == nil {
		t.Fatal("an execution past its deadline was not abandoned")
	}
	if err := r.execute(func() error { return boom }); err != boom {
		t.Errorf("after an abandoned execution: %v", err)
	}
}
