package generator

import (
	"fmt"
	"strings"
	"testing"

	"github.com/plinth-dev/plinth/schemas"
)

// TestWorkloadsInOrder: the workloads of an environment, built in
// parallel, come back in the environment's order, and with several bad
// ones the error is the first one's in that order, whichever goroutine
// got to it first.
func TestWorkloadsInOrder(t *testing.T) {
	tests := []struct {
		name string
		bad  []int // indexes of workloads with a bad quantity
		want string
	}{
		{name: "none bad"},
		{name: "one bad", bad: []int{37}, want: "service w37: resources.limits.memory"},
		{name: "first of many", bad: []int{90, 3, 55, 4}, want: "service w03: resources.limits.memory"},
		{name: "the last", bad: []int{99}, want: "service w99: resources.limits.memory"},
	}
	m := minimalModel()
	tmpl := m.Environments[0].Workloads[1]
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env := m.Environments[0]
			env.Workloads = nil
			for i := range 100 {
				w := tmpl
				w.Name = fmt.Sprintf("w%02d", i)
				env.Workloads = append(env.Workloads, w)
			}
			for _, i := range tc.bad {
				env.Workloads[i].Resources.Limits.Memory = "lots"
			}
			for range 20 { // scheduling differs from run to run
				wos, err := newBuilder(m).workloads(env, map[string]*schemas.Workload{}, nil)
				if tc.want != "" {
					if err == nil || !strings.Contains(err.Error(), tc.want) {
						t.Fatalf("err = %v, want %q", err, tc.want)
					}
					continue
				}
				if err != nil {
					t.Fatal(err)
				}
				for i, wo := range wos {
					if wo.Spec.Name != env.Workloads[i].Name || len(wo.Objects) == 0 {
						t.Fatalf("workload %d is %s with %d objects, want %s", i, wo.Spec.Name, len(wo.Objects), env.Workloads[i].Name)
					}
				}
			}
		})
	}
}
