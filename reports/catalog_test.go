package reports_test

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/plinth-dev/plinth/reports"
	"github.com/plinth-dev/plinth/reports/checks"
)

var markup = regexp.MustCompile(`<[^>]*>`)

// headings returns the headings of a seed: of the Microsoft docs seeds the
// texts of their Markdown headings (the Korean or Chinese translation and
// the English original, each on its own); of the plain-text seeds every
// short line that is not a list item, without a trailing colon.
func headings(text string) []string {
	var out []string
	for _, l := range strings.Split(text, "\n") {
		l = strings.TrimSpace(l)
		if strings.HasPrefix(l, "#") && strings.Contains(l, "<") {
			for _, part := range markup.Split(strings.TrimLeft(l, "# "), -1) {
				if part = strings.TrimSpace(part); part != "" {
					out = append(out, part)
				}
			}
			continue
		}
		if l != "" && len([]rune(l)) <= 60 && !strings.HasPrefix(l, "-") && !strings.HasPrefix(l, "#") {
			out = append(out, strings.TrimSuffix(l, ":"))
		}
	}
	return out
}

// TestCatalogCitesSeeds: each cited section is, word for word, a heading
// of its seed (a test copy of ../shared/seeds), not a phrase inside one.
func TestCatalogCitesSeeds(t *testing.T) {
	controls := reports.Catalog()
	if len(controls) < 40 {
		t.Fatalf("catalog has %d controls, want the whole checklist", len(controls))
	}
	cited := 0
	for _, c := range controls {
		if c.Seed == "" {
			if len(c.CIS)+len(c.Kubescape)+len(c.KubeScore)+len(c.Polaris) == 0 {
				t.Errorf("%s cites neither a seed nor a peer reference", c.ID)
			}
			continue
		}
		cited++
		t.Run(c.ID, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", "seeds", c.Seed))
			if err != nil {
				t.Fatalf("seed %q: %v", c.Seed, err)
			}
			if !slices.Contains(headings(string(data)), c.Section) {
				t.Errorf("section %q is not a heading of %s", c.Section, c.Seed)
			}
		})
	}
	if cited < len(controls)*3/4 {
		t.Errorf("only %d of %d controls cite a seed", cited, len(controls))
	}
}

func TestHeadings(t *testing.T) {
	md := `## <a name="x"></a><span data-ttu-id="1">상태 프로브</span><span class="sxs-lookup"><span data-stu-id="1">Health probes</span></span>`
	plain := "Internal Load Balancer:\n- a list item\nThis line is a long paragraph that goes on well past sixty characters of text."
	got := headings(md + "\n" + plain)
	want := []string{"상태 프로브", "Health probes", "Internal Load Balancer"}
	if !slices.Equal(got, want) {
		t.Errorf("headings = %q, want %q", got, want)
	}
	if slices.Contains(got, "Health") {
		t.Error("a part of a heading counts as a heading")
	}
}

// The peer references the catalog may cite, each with what it says, so a
// wrong citation shows in review. CIS: Kubernetes Benchmark v1.10/v1.12
// section 5 (as named in Kubescape's cis-v1.10.0 and cis-v1.12.0
// frameworks); Kubescape: controls of kubescape/regolibrary; kube-score:
// README_CHECKS.md of zegl/kube-score; Polaris: pkg/config/checks of
// FairwindsOps/polaris.
var (
	cisItems = map[string]string{
		"5.1.1":  "Ensure that the cluster-admin role is only used where required",
		"5.1.2":  "Minimize access to secrets",
		"5.1.3":  "Minimize wildcard use in Roles and ClusterRoles",
		"5.1.5":  "Ensure that default service accounts are not actively used",
		"5.1.6":  "Ensure that Service Account Tokens are only mounted where necessary",
		"5.1.8":  "Limit use of the Bind, Impersonate and Escalate permissions in the Kubernetes cluster",
		"5.2.1":  "Ensure that the cluster has at least one active policy control mechanism in place",
		"5.2.2":  "Minimize the admission of privileged containers",
		"5.2.3":  "Minimize the admission of containers wishing to share the host process ID namespace",
		"5.2.4":  "Minimize the admission of containers wishing to share the host IPC namespace",
		"5.2.5":  "Minimize the admission of containers wishing to share the host network namespace",
		"5.2.6":  "Minimize the admission of containers with allowPrivilegeEscalation",
		"5.2.7":  "Minimize the admission of root containers",
		"5.2.8":  "Minimize the admission of containers with the NET_RAW capability",
		"5.2.9":  "Minimize the admission of containers with added capabilities",
		"5.2.12": "Minimize the admission of HostPath volumes",
		"5.2.13": "Minimize the admission of containers which use HostPorts",
		"5.3.1":  "Ensure that the CNI in use supports Network Policies",
		"5.3.2":  "Ensure that all Namespaces have Network Policies defined",
		"5.4.1":  "Prefer using secrets as files over secrets as environment variables",
		"5.4.2":  "Consider external secret storage",
		"5.7.2":  "Ensure that the seccomp profile is set to docker/default in your pod definitions",
		"5.7.4":  "The default namespace should not be used",
	}
	kubescapeControls = map[string]string{
		"C-0002": "Prevent containers from allowing command execution (subjects allowed pods/exec)",
		"C-0004": "Resources memory limit and request",
		"C-0009": "Resource limits",
		"C-0013": "Non-root containers",
		"C-0015": "List Kubernetes secrets",
		"C-0016": "Allow privilege escalation",
		"C-0017": "Immutable container filesystem",
		"C-0018": "Configured readiness probe",
		"C-0034": "Automatic mapping of service account",
		"C-0035": "Administrative Roles (subjects bound to cluster-admin)",
		"C-0038": "Host PID/IPC privileges",
		"C-0041": "HostNetwork access",
		"C-0044": "Container hostPort",
		"C-0046": "Insecure capabilities",
		"C-0048": "HostPath mount",
		"C-0050": "Resources CPU limit and request",
		"C-0056": "Configured liveness probe",
		"C-0057": "Privileged container",
		"C-0061": "Pods in default namespace",
		"C-0073": "Naked pods",
		"C-0075": "Image pull policy on latest tag",
		"C-0078": "Images from allowed registry",
		"C-0185": "CIS 5.1.1 Ensure that the cluster-admin role is only used where required",
		"C-0186": "CIS 5.1.2 Minimize access to secrets",
		"C-0187": "CIS 5.1.3 Minimize wildcard use in Roles and ClusterRoles",
		"C-0189": "CIS 5.1.5 Ensure that default service accounts are not actively used",
		"C-0190": "CIS 5.1.6 Ensure that Service Account Tokens are only mounted where necessary",
		"C-0191": "CIS 5.1.8 Limit use of the Bind, Impersonate and Escalate permissions",
		"C-0207": "CIS 5.4.1 Prefer using secrets as files over secrets as environment variables",
		"C-0210": "CIS 5.7.2 Ensure that the seccomp profile is set to docker/default",
		"C-0260": "Missing network policy",
		"C-0263": "Ingress uses TLS",
		"C-0293": "Service with no workload",
		"C-0298": "Dangling Ingress backend",
	}
	kubeScoreChecks = map[string]string{
		"container-image-tag":                               "Makes sure that a explicit non-latest tag is used",
		"container-security-context-readonlyrootfilesystem": "Makes sure that all pods have a security context with read only filesystem set",
		"deployment-replicas":                               "Makes sure that Deployment has multiple replicas",
		"horizontalpodautoscaler-has-target":                "Makes sure that the HPA targets a valid object",
		"ingress-targets-service":                           "Makes sure that the Ingress targets a Service",
		"networkpolicy-targets-pod":                         "Makes sure that all NetworkPolicies targets at least one Pod",
		"pod-probes-identical":                              "Makes sure that readiness and liveness probes are not identical",
		"service-targets-pod":                               "Makes sure that all Services targets a Pod",
		"service-type":                                      "Makes sure that the Service type is not NodePort",
	}
	polarisChecks = map[string]string{
		"automountServiceAccountToken":       "The ServiceAccount will be automounted",
		"clusterrolePodExecAttach":           "The ClusterRole allows pods/exec or pods/attach",
		"clusterrolebindingClusterAdmin":     "The ClusterRoleBinding references the cluster-admin ClusterRole",
		"deploymentMissingReplicas":          "Only one replica is scheduled",
		"hostPortSet":                        "Host port should not be configured",
		"notReadOnlyRootFilesystem":          "Filesystem should be read only",
		"pdbDisruptionsIsZero":               "Voluntary evictions are not possible",
		"procMount":                          "Proc mount must not be changed from the default",
		"rolePodExecAttach":                  "The Role allows pods/exec or pods/attach",
		"rolebindingClusterAdminClusterRole": "The RoleBinding references the default cluster-admin ClusterRole",
		"tagNotSpecified":                    "Image tag should be specified",
	}
)

func TestCatalogReferencesChecked(t *testing.T) {
	used := map[string]bool{}
	for _, c := range reports.Catalog() {
		for _, ref := range []struct {
			kind string
			ids  []string
			list map[string]string
		}{{"CIS", c.CIS, cisItems}, {"Kubescape", c.Kubescape, kubescapeControls}, {"kube-score", c.KubeScore, kubeScoreChecks}, {"Polaris", c.Polaris, polarisChecks}} {
			for _, id := range ref.ids {
				used[ref.kind+" "+id] = true
				if _, ok := ref.list[id]; !ok {
					t.Errorf("%s cites %s %s, which is not in the checked list of catalog_test.go", c.ID, ref.kind, id)
				}
			}
		}
	}
	// A listed reference nobody cites is stale: keep the lists exact.
	for kind, list := range map[string]map[string]string{"CIS": cisItems, "Kubescape": kubescapeControls, "kube-score": kubeScoreChecks, "Polaris": polarisChecks} {
		for id := range list {
			if !used[kind+" "+id] {
				t.Errorf("%s %s is listed but cited by no control", kind, id)
			}
		}
	}
}

func TestCatalogControls(t *testing.T) {
	seen := map[string]bool{}
	categories := map[string]int{}
	for _, c := range reports.Catalog() {
		if seen[c.ID] {
			t.Errorf("%s: duplicate", c.ID)
		}
		seen[c.ID] = true
		categories[c.Category]++
		switch c.Evaluation {
		case reports.EvalManifest, reports.EvalDeclared:
			if !checks.Implemented(c.ID) {
				t.Errorf("%s: %s control has no evaluation", c.ID, c.Evaluation)
			}
		case reports.EvalManual:
			if checks.Implemented(c.ID) {
				t.Errorf("%s: manual control has an evaluation", c.ID)
			}
		}
		for _, k := range c.Kubescape {
			if !strings.HasPrefix(k, "C-0") {
				t.Errorf("%s: Kubescape id %q", c.ID, k)
			}
		}
		for _, x := range c.CIS {
			if !strings.HasPrefix(x, "5.") {
				t.Errorf("%s: CIS ref %q is not of section 5", c.ID, x)
			}
		}
	}
	for _, cat := range reports.Categories {
		if categories[cat] == 0 {
			t.Errorf("category %s has no control", cat)
		}
	}
	// The controls no other scanner has (issue 5) must be there.
	for _, id := range []string{"PLN-SEC-003", "PLN-RES-003", "PLN-RES-004", "PLN-HA-005", "PLN-HA-003", "PLN-HA-008", "PLN-SEC-005", "PLN-SEC-015", "PLN-SEC-002"} {
		if !seen[id] {
			t.Errorf("missing control %s", id)
		}
	}
	if _, ok := reports.LookupControl("PLN-SEC-006"); !ok {
		t.Error("LookupControl(PLN-SEC-006) failed")
	}
}
