package checks

import (
	"slices"
	"strings"

	"github.com/plinth-dev/plinth/internal/gitops/render"
	"github.com/plinth-dev/plinth/reports"
)

func isRBAC(o *render.Object, kinds ...string) bool {
	return strings.HasPrefix(o.APIVersion, "rbac.authorization.k8s.io/") && slices.Contains(kinds, o.Kind) &&
		!strings.HasPrefix(o.Name, "system:") // the API server's own roles and bindings
}

// checkClusterAdminBound fails every RoleBinding or ClusterRoleBinding to
// the cluster-admin ClusterRole: in a RoleBinding it still grants every
// verb on every resource of the namespace, the namespace itself included.
func checkClusterAdminBound(ev *evaluator) {
	for _, c := range ev.clusters {
		for _, o := range ev.byCluster[c] {
			if !isRBAC(o, "RoleBinding", "ClusterRoleBinding") {
				continue
			}
			role := str(o.Value, "roleRef", "name")
			if str(o.Value, "roleRef", "kind") == "ClusterRole" && role == "cluster-admin" {
				var subjects reports.Names
				for _, s := range listAt(o.Value, "subjects") {
					subjects = append(subjects, str(s, "kind")+" "+str(s, "name"))
				}
				m := reports.M("check.bindsClusterAdmin", o.Kind, subjects)
				if len(subjects) == 0 {
					m = reports.M("check.bindsClusterAdminNobody", o.Kind)
				}
				ev.addObj(o, reports.StatusFail, m.WithFix(ev.control.ID))
				continue
			}
			ev.addObj(o, reports.StatusPass, reports.M("check.binds", str(o.Value, "roleRef", "kind"), role))
		}
	}
}

// eachRole evaluates every rule of every Role and ClusterRole of the
// repository: bad describes what a rule grants that it should not.
func (ev *evaluator) eachRole(bad func(rule map[string]any) reports.Msg) {
	for _, c := range ev.clusters {
		for _, o := range ev.byCluster[c] {
			if !isRBAC(o, "Role", "ClusterRole") {
				continue
			}
			var probs reports.Msgs
			for i, r := range listAt(o.Value, "rules") {
				rule, _ := r.(map[string]any)
				if p := bad(rule); !p.IsZero() {
					probs = append(probs, reports.M("check.rule", i+1, p))
				}
			}
			if len(probs) > 0 {
				ev.addObj(o, reports.StatusFail, reports.M("check.list", probs).WithFix(ev.control.ID))
				continue
			}
			ev.addObj(o, reports.StatusPass, reports.M("check.rulesFine", len(listAt(o.Value, "rules"))))
		}
	}
}

// ruleGrants: the rule grants one of verbs on one of resources of the
// API group (wildcards and "*/subresource" included).
func ruleGrants(rule map[string]any, group string, resources, verbs []string) bool {
	groups, res, vs := strList(listAt(rule, "apiGroups")), strList(listAt(rule, "resources")), strList(listAt(rule, "verbs"))
	if !slices.Contains(groups, group) && !slices.Contains(groups, "*") {
		return false
	}
	resOK := slices.Contains(res, "*")
	for _, r := range resources {
		if slices.Contains(res, r) {
			resOK = true
		}
		if i := strings.IndexByte(r, '/'); i > 0 && slices.Contains(res, "*"+r[i:]) {
			resOK = true
		}
	}
	if !resOK {
		return false
	}
	if slices.Contains(vs, "*") {
		return true
	}
	for _, v := range verbs {
		if slices.Contains(vs, v) {
			return true
		}
	}
	return false
}

// matching returns the message id with the items pred holds for, or no message.
func matching(id string, items []string, pred func(string) bool) reports.Msg {
	var out []string
	for _, it := range items {
		if pred(it) {
			out = append(out, it)
		}
	}
	if len(out) == 0 {
		return reports.Msg{}
	}
	return reports.M(id, strings.Join(out, ", "))
}

func checkRoleWildcards(ev *evaluator) {
	ev.eachRole(func(rule map[string]any) reports.Msg {
		return matching("check.wildcardIn", []string{"apiGroups", "resources", "verbs"}, func(f string) bool {
			return slices.Contains(strList(listAt(rule, f)), "*")
		})
	})
}

func checkRoleSecrets(ev *evaluator) {
	ev.eachRole(func(rule map[string]any) reports.Msg {
		if ruleGrants(rule, "", []string{"secrets"}, []string{"get", "list", "watch"}) {
			return reports.M("check.readsSecrets", strings.Join(strList(listAt(rule, "verbs")), ","))
		}
		return reports.Msg{}
	})
}

func checkRoleExec(ev *evaluator) {
	ev.eachRole(func(rule map[string]any) reports.Msg {
		return matching("check.grants", []string{"pods/exec", "pods/attach"}, func(r string) bool {
			return ruleGrants(rule, "", []string{r}, []string{"create", "get"})
		})
	})
}

func checkRoleEscalation(ev *evaluator) {
	ev.eachRole(func(rule map[string]any) reports.Msg {
		return matching("check.grants", strList(listAt(rule, "verbs")), func(v string) bool {
			return v == "escalate" || v == "bind" || v == "impersonate"
		})
	})
}
