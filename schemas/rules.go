package schemas

import (
	"fmt"
	"net/netip"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/Masterminds/semver/v3"
	"github.com/distribution/reference"
	"github.com/robfig/cron/v3"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/plinth-dev/plinth/internal/gitauth"
)

var (
	kubeVersionRE = regexp.MustCompile(`^1\.[0-9]{2}$`)
	guidRE        = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	keyVaultRE    = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9-]{1,22}[a-zA-Z0-9]$`)
	kvObjectRE    = lazyRegexp(`^[0-9a-zA-Z-]{1,127}$`)
	chartRE       = regexp.MustCompile(`^[a-z0-9]([-a-z0-9_.]*[a-z0-9])?$`)
	// A Google Cloud project ID: 6-30 lowercase letters, digits and '-',
	// starting with a letter, not ending with '-'.
	gcpProjectRE = lazyRegexp(`^[a-z][-a-z0-9]{4,28}[a-z0-9]$`)
	// A user-managed IAM service account: NAME@PROJECT.iam.gserviceaccount.com,
	// NAME 6-30 characters like a project ID.
	gcpServiceAccountRE = lazyRegexp(`^[a-z][-a-z0-9]{4,28}[a-z0-9]@[a-z][-a-z0-9]{4,28}[a-z0-9]\.iam\.gserviceaccount\.com$`)
	// A Secret Manager secret ID: 1-255 letters, digits, '-' and '_'.
	gcpSecretRE = lazyRegexp(`^[a-zA-Z0-9_-]{1,255}$`)
)

// cronParser accepts the five-field cron syntax and @daily-style descriptors,
// as Velero schedules and CronJobs do.
var cronParser = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

func (l *loader) checkLabel(name, path string, at []string, what string) {
	if errs := validation.IsDNS1123Label(name); len(errs) > 0 {
		l.add("dns-name", l.pathPos(at), path, "%s %q is not a DNS-1123 label: use at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit", what, name)
	}
}

func (l *loader) checkPlatform(s *rawSpec) {
	p := s.Platform
	if p.Name == "" {
		l.addAt("platform", []string{"platform", "name"}, "platform name must not be empty")
	}
	if len(p.Registries) == 0 {
		l.addAt("registry", []string{"platform", "registries"}, "list at least one trusted registry (e.g. \"myorg.azurecr.io\"): every image must come from one")
	}
	for i, r := range p.Registries {
		host := strings.SplitN(r, "/", 2)[0]
		if r == "" || strings.Contains(r, "://") || len(validation.IsDNS1123Subdomain(strings.ToLower(strings.Split(host, ":")[0]))) > 0 {
			l.addAt("registry", []string{"platform", "registries", fmt.Sprint(i)}, "registry %q must be a registry host with an optional path, like \"myorg.azurecr.io\" (no scheme)", r)
		}
	}
	repoAt := []string{"platform", "gitops", "repo"}
	if p.GitOps.Repo == "" {
		l.addAt("gitops", repoAt, "gitops.repo must name the GitOps repository URL")
	} else if l.checkNoCredentials(repoAt, p.GitOps.Repo) {
		if u, err := url.Parse(p.GitOps.Repo); !gitauth.IsSCPLike(p.GitOps.Repo) && (err != nil || u.Scheme == "") {
			l.addAt("gitops", repoAt, "gitops.repo %q must be a git URL (https://..., ssh://... or git@host:path)", p.GitOps.Repo)
		}
	}
	if p.GitOps.Branch == "" {
		l.addAt("gitops", []string{"platform", "gitops", "branch"}, "gitops.branch must not be empty")
	}
}

func (l *loader) checkCluster(name string, c rawCluster) {
	at := []string{"clusters", name}
	l.checkLabel(name, "clusters."+name, at, "cluster name")
	l.checkValuesNoCredentials(appendPath(at, "settings"), c.Settings)
	if !kubeVersionRE.MatchString(c.KubernetesVersion) {
		l.addAt("kubernetes-version", appendPath(at, "kubernetesVersion"), "kubernetesVersion %q must look like \"1.34\" (major.minor, the API the output is validated against)", c.KubernetesVersion)
	}
	seen := map[string]bool{}
	for i, z := range c.Zones {
		if z == "" || seen[z] {
			l.addAt("zones", appendPath(at, "zones", fmt.Sprint(i)), "zone %q must be a non-empty, unique zone name", z)
		}
		seen[z] = true
	}
}

func (l *loader) checkEnvironment(s *rawSpec, name string, e rawEnvironment) {
	at := []string{"environments", name}
	l.checkLabel(name, "environments."+name, at, "environment name")
	if n := len(name + "-infrastructure"); n > 63 && len(name) <= 63 {
		l.addAt("name-length", at, "environment name %q is too long: the GitOps object %q is %d characters; names must fit 63 (at most 48 for an environment)", name, name+"-infrastructure", n)
	}
	if _, ok := s.Clusters[e.Cluster]; !ok {
		l.addAt("reference", appendPath(at, "cluster"), "cluster %q is not declared: %s", e.Cluster, choices(e.Cluster, sortedKeys(s.Clusters)))
	}
	if b := e.Backup; b != nil {
		if _, err := cronParser.Parse(b.Schedule); err != nil {
			l.addAt("cron", appendPath(at, "backup", "schedule"), "schedule %q is not a valid cron expression (five fields, e.g. \"0 2 * * *\"): %v", b.Schedule, err)
		}
		if err := checkDuration(b.TTL); err != nil {
			l.addAt("duration", appendPath(at, "backup", "ttl"), "ttl %q is not a valid duration (e.g. \"720h\" or \"720h0m0s\"): %v", b.TTL, err)
		}
	}
}

// checkDuration accepts Go durations such as "720h" and Velero's "720h0m0s".
func checkDuration(s string) error {
	d, err := time.ParseDuration(s)
	if err != nil {
		return err
	}
	if d <= 0 {
		return fmt.Errorf("must be positive")
	}
	return nil
}

func (l *loader) checkTeam(name string, t rawTeam) {
	at := []string{"teams", name}
	l.checkLabel(name, "teams."+name, at, "team name")
	for role, ids := range map[string][]string{"admin": t.Access.Admin, "edit": t.Access.Edit, "view": t.Access.View} {
		for i, id := range ids {
			if !guidRE.MatchString(id) {
				l.addAt("guid", appendPath(at, "access", role, fmt.Sprint(i)), "%q is not an Azure AD group object ID (a GUID like 00000000-0000-0000-0000-000000000000)", id)
			}
		}
	}
	if q := t.Quota; q != nil {
		l.checkQuantity(string(q.CPU), appendPath(at, "quota", "cpu"))
		l.checkQuantity(string(q.Memory), appendPath(at, "quota", "memory"))
		if q.LimitsCPU != nil {
			l.checkQuantity(string(*q.LimitsCPU), appendPath(at, "quota", "limitsCPU"))
		}
		if q.LimitsMemory != nil {
			l.checkQuantity(string(*q.LimitsMemory), appendPath(at, "quota", "limitsMemory"))
		}
		if q.Pods != nil && *q.Pods < 0 {
			l.addAt("quantity", appendPath(at, "quota", "pods"), "pods must be 0 or more, got %d", *q.Pods)
		}
	}
}

func (l *loader) checkQuantity(q string, at []string) (resource.Quantity, bool) {
	v, err := resource.ParseQuantity(q)
	if err != nil {
		l.addAt("quantity", at, "%q is not a Kubernetes quantity (e.g. \"500m\" or \"2\" for CPU, \"256Mi\" or \"1Gi\" for memory)", q)
		return v, false
	}
	if v.Sign() < 0 {
		l.addAt("quantity", at, "quantity %q must not be negative", q)
		return v, false
	}
	return v, true
}

func (l *loader) checkPort(p int, at []string) {
	if p < 1 || p > 65535 {
		l.addAt("port-range", at, "port must be between 1 and 65535, got %d", p)
	}
}

func (l *loader) checkReplicas(n int, at []string) {
	if n < 0 {
		l.addAt("replicas", at, "replicas must be 0 or more, got %d", n)
	}
}

func (l *loader) checkProbe(p string, at []string) {
	if !strings.HasPrefix(p, "/") || strings.ContainsAny(p, " \t\n") {
		l.addAt("probe-path", at, "probe %q must be an absolute HTTP path such as \"/healthz\"", p)
	}
}

// checkService checks a service's references and every field it or one of
// its overrides declares, at the place it is declared.
func (l *loader) checkService(s *rawSpec, name string, svc rawService, kinds map[string]blueprint) {
	at := []string{"services", name}
	if errs := validation.IsDNS1035Label(name); len(errs) > 0 {
		l.add("dns-name", l.pathPos(at), "services."+name, "service name %q must be a DNS label starting with a letter (at most 63 lowercase letters, digits and '-'): it names the Kubernetes Service", name)
	}
	if _, ok := s.Teams[svc.Team]; !ok {
		l.addAt("reference", appendPath(at, "team"), "team %q is not declared: %s", svc.Team, choices(svc.Team, sortedKeys(s.Teams)))
	}
	bp, ok := kinds[svc.Blueprint]
	if !ok {
		l.addAt("reference", appendPath(at, "blueprint"), "blueprint %q is neither built in nor declared under blueprints: %s", svc.Blueprint, choices(svc.Blueprint, sortedKeys(kinds)))
	} else if bp.Kind == "CronJob" && len(name) > 52 {
		l.addAt("name-length", at, "cron service name %q is %d characters: CronJob names must fit 52 characters", name, len(name))
	}
	l.checkFields(s, name, &svc.rawWorkload, at)
	for _, env := range sortedKeys(svc.Overrides) {
		oat := appendPath(at, "overrides", env)
		if _, ok := s.Environments[env]; !ok {
			l.addAt("reference", oat, "override for environment %q, which is not declared: %s", env, choices(env, sortedKeys(s.Environments)))
		}
		o := svc.Overrides[env]
		l.checkFields(s, name, &o, oat)
	}
}

// checkFields checks the workload fields declared at path at.
func (l *loader) checkFields(s *rawSpec, name string, f *rawWorkload, at []string) {
	if f.Image != nil {
		l.checkImage(*f.Image, s.Platform.Registries, appendPath(at, "image"))
	}
	if f.Port != nil {
		l.checkPort(*f.Port, appendPath(at, "port"))
	}
	if f.Replicas != nil {
		l.checkReplicas(*f.Replicas, appendPath(at, "replicas"))
	}
	l.checkPorts(f.Ports, appendPath(at, "ports"))
	if a := f.Autoscale.V; a != nil {
		aat := appendPath(at, "autoscale")
		if a.Min < 1 {
			l.addAt("autoscale", appendPath(aat, "min"), "autoscale.min must be at least 1, got %d", a.Min)
		}
		if a.Max < a.Min {
			l.addAt("autoscale", appendPath(aat, "max"), "autoscale.max (%d) must be at least autoscale.min (%d)", a.Max, a.Min)
		}
		if a.CPUUtilization < 1 || a.CPUUtilization > 100 {
			l.addAt("autoscale", appendPath(aat, "cpuUtilization"), "cpuUtilization is a percentage between 1 and 100, got %d", a.CPUUtilization)
		}
	}
	if r := f.Resources; r != nil {
		rat := appendPath(at, "resources")
		var req, lim [2]*resource.Quantity
		for i, pair := range []struct {
			res  *rawResources
			name string
			dst  *[2]*resource.Quantity
		}{{r.Requests, "requests", &req}, {r.Limits, "limits", &lim}} {
			_ = i
			if pair.res == nil {
				continue
			}
			if pair.res.CPU != nil {
				if q, ok := l.checkQuantity(string(*pair.res.CPU), appendPath(rat, pair.name, "cpu")); ok {
					pair.dst[0] = &q
				}
			}
			if pair.res.Memory != nil {
				if q, ok := l.checkQuantity(string(*pair.res.Memory), appendPath(rat, pair.name, "memory")); ok {
					pair.dst[1] = &q
				}
			}
		}
		for i, res := range []string{"cpu", "memory"} {
			if req[i] != nil && lim[i] != nil && req[i].Cmp(*lim[i]) > 0 {
				l.addAt("requests-limits", appendPath(rat, "requests", res), "%s request %s exceeds its limit %s: requests must be <= limits", res, req[i].String(), lim[i].String())
			}
		}
	}
	if p := f.Probes; p != nil {
		l.checkProbes(p, appendPath(at, "probes"))
	}
	if r := f.Route.V; r != nil {
		l.checkRouteFields(s, r, appendPath(at, "route"))
	}
	if in := f.Ingress.V; in != nil {
		if errs := validation.IsDNS1123Subdomain(in.Host); len(errs) > 0 || !strings.Contains(in.Host, ".") {
			l.addAt("ingress-host", appendPath(at, "ingress", "host"), "ingress host %q must be a fully qualified DNS name like \"api.example.com\" (lowercase, no scheme or port)", in.Host)
		}
		if !strings.HasPrefix(in.Path, "/") || strings.ContainsAny(in.Path, " \t\n") {
			l.addAt("ingress-path", appendPath(at, "ingress", "path"), "ingress path %q must be an absolute path such as \"/\" or \"/api\"", in.Path)
		}
	}
	for i, d := range f.DependsOn {
		if _, ok := s.Services[d]; !ok {
			l.addAt("reference", appendPath(at, "dependsOn", fmt.Sprint(i)), "service %q is not declared: dependsOn lists services this one calls; %s", d, choices(d, sortedKeys(s.Services)))
		} else if d == name {
			l.addAt("reference", appendPath(at, "dependsOn", fmt.Sprint(i)), "a service cannot depend on itself")
		}
	}
	for i, e := range f.Egress {
		l.checkEgress(e, appendPath(at, "egress", fmt.Sprint(i)))
	}
	if f.Identity.V != nil {
		l.checkIdentity(f.Identity.V, appendPath(at, "identity"))
	}
	if f.Secrets.V != nil {
		l.checkSecrets(f.Secrets.V, appendPath(at, "secrets"))
	}
	l.checkConfigFields(f, at)
	l.checkMetricsFields(f.Metrics.V, appendPath(at, "metrics"))
	if f.Schedule != nil {
		if _, err := cronParser.Parse(*f.Schedule); err != nil {
			l.addAt("cron", appendPath(at, "schedule"), "schedule %q is not a valid cron expression (five fields, e.g. \"*/15 * * * *\"): %v", *f.Schedule, err)
		}
	}
	l.checkPlacementFields(f, at)
}

// checkIdentity checks an identity declared at path at: exactly one form,
// each in its format.
func (l *loader) checkIdentity(id *rawIdentity, at []string) {
	l.checkOneOf("identity-form", at, id.ClientID != nil, id.GCPServiceAccount != nil,
		"identity sets both clientID (Azure Workload Identity) and gcpServiceAccount (GKE Workload Identity): keep the one of the cluster's provider, and set the other in overrides.<env>.identity for environments on another provider",
		"identity needs clientID (Azure Workload Identity, aks clusters) or gcpServiceAccount (GKE Workload Identity, gke clusters)")
	if c := id.ClientID; c != nil && !guidRE.MatchString(*c) {
		l.addAt("guid", appendPath(at, "clientID"), "clientID %q is not a GUID: use the managed identity's client ID (00000000-0000-0000-0000-000000000000 form)", *c)
	}
	if g := id.GCPServiceAccount; g != nil && !gcpServiceAccountRE().MatchString(*g) {
		l.addAt("gcp-service-account", appendPath(at, "gcpServiceAccount"), "gcpServiceAccount %q is not an IAM service account: use NAME@PROJECT.iam.gserviceaccount.com (NAME and PROJECT 6-30 lowercase letters, digits and '-', starting with a letter)", *g)
	}
}

// checkOneOf requires exactly one of two alternative fields (a, b: whether
// each is set) of the struct at path at, and reports whether it holds.
func (l *loader) checkOneOf(rule string, at []string, a, b bool, both, neither string) bool {
	switch {
	case a && b:
		l.addAt(rule, at, "%s", both)
	case !a && !b:
		l.addAt(rule, at, "%s", neither)
	default:
		return true
	}
	return false
}

// checkSecrets checks secrets declared at path at: exactly one store, its
// name and the names of its objects.
func (l *loader) checkSecrets(sec *rawSecrets, at []string) {
	ok := l.checkOneOf("secrets-form", at, sec.KeyVault != nil, sec.GCPProject != nil,
		"secrets name both keyVault (Azure Key Vault) and gcpProject (Google Secret Manager): keep the store of the cluster's provider, and set the other in overrides.<env>.secrets for environments on another provider",
		"secrets need a store: keyVault (Azure Key Vault, aks clusters) or gcpProject (Google Secret Manager, gke clusters)")
	if ok && sec.GCPProject != nil && sec.TenantID != nil {
		l.addAt("secrets-form", appendPath(at, "tenantID"), "tenantID is the Azure AD tenant of a Key Vault: Google Secret Manager secrets (gcpProject) take none; remove it")
	}
	if kv := sec.KeyVault; kv != nil && (!keyVaultRE.MatchString(*kv) || strings.Contains(*kv, "--")) {
		l.addAt("key-vault", appendPath(at, "keyVault"), "keyVault %q is not a Key Vault name (3-24 letters, digits and single '-', starting with a letter)", *kv)
	}
	if p := sec.GCPProject; p != nil && !gcpProjectRE().MatchString(*p) {
		l.addAt("secret-manager", appendPath(at, "gcpProject"), "gcpProject %q is not a Google Cloud project ID (6-30 lowercase letters, digits and '-', starting with a letter, not ending with '-')", *p)
	}
	// Object names follow the store's rules; Key Vault's when it is unclear.
	rule, store, nameRE, format := "key-vault", "Key Vault objects", kvObjectRE, "a Key Vault object name (1-127 letters, digits and '-')"
	if sec.GCPProject != nil && sec.KeyVault == nil {
		rule, store, nameRE, format = "secret-manager", "Secret Manager secrets", gcpSecretRE, "a Secret Manager secret name (1-255 letters, digits, '-' and '_')"
	}
	if len(sec.Objects) == 0 {
		l.addAt(rule, appendPath(at, "objects"), "list the %s to mount (names only; values never enter the repo)", store)
	}
	for i, o := range sec.Objects {
		if !nameRE().MatchString(o) {
			l.addAt(rule, appendPath(at, "objects", fmt.Sprint(i)), "%q is not %s", o, format)
		}
	}
	if t := sec.TenantID; t != nil && *t != "" && !guidRE.MatchString(*t) {
		l.addAt("guid", appendPath(at, "tenantID"), "tenantID %q is not a GUID", *t)
	}
}

// providerForm is a form of identity or secrets that needs one provider.
type providerForm struct {
	field     string // the field that selects the form
	what      string // what it is, with its verb
	need      string // the cluster it needs, with its article
	alt       string // the form to use on the other cloud
	onGeneric string // what to do on a generic cluster
}

// providerForms are the identity and secrets forms, by the provider they need.
var providerForms = []struct {
	rule, field string
	provider    func(Workload) string
	forms       map[string]providerForm
}{
	{"identity-provider", "identity", func(w Workload) string { return w.Identity.Provider() }, map[string]providerForm{
		"aks": {"clientID", "Azure Workload Identity needs", "an aks", "identity.gcpServiceAccount", noIdentity},
		"gke": {"gcpServiceAccount", "GKE Workload Identity needs", "a gke", "identity.clientID", noIdentity},
	}},
	{"secrets-provider", "secrets", func(w Workload) string { return w.Secrets.Provider() }, map[string]providerForm{
		"aks": {"keyVault", "Azure Key Vault secrets need", "an aks", "secrets.gcpProject (Google Secret Manager)", noSecrets},
		"gke": {"gcpProject", "Google Secret Manager secrets need", "a gke", "secrets.keyVault (Azure Key Vault)", noSecrets},
	}},
}

const (
	noIdentity = "a generic cluster has no cloud workload identity: leave identity out of services that run there"
	noSecrets  = "a generic cluster has no cloud secret store add-on: leave secrets out and use a Kubernetes Secret manager of your own (such as Sealed Secrets or External Secrets) there"
)

// checkProviders requires the identity and secrets of every workload to
// match the provider of the cluster its environment runs on: Azure forms on
// aks, Google forms on gke, neither on generic clusters. One error per
// declaration and cluster names the environments concerned.
func (l *loader) checkProviders(m *Model) {
	providers := make(map[string]string, len(m.Clusters))
	for _, c := range m.Clusters {
		providers[c.Name] = c.Provider
	}
	type group struct {
		rule    string
		path    []string
		cluster string
		form    providerForm
		envs    []string
	}
	groups := map[string]*group{}
	var order []string
	for _, env := range m.Environments {
		have := providers[env.Cluster]
		if have != "aks" && have != "gke" && have != "generic" {
			continue // an unknown cluster or provider is already an error
		}
		for _, w := range env.Workloads {
			for _, pf := range providerForms {
				need := pf.provider(w)
				if need == "" || need == have {
					continue
				}
				form := pf.forms[need]
				path := appendPath(l.declaredAt(w.Name, env.Name, pf.field), form.field)
				key := pf.rule + "\x00" + strings.Join(path, "\x00") + "\x00" + env.Cluster
				g := groups[key]
				if g == nil {
					g = &group{rule: pf.rule, path: path, cluster: env.Cluster, form: form}
					groups[key] = g
					order = append(order, key)
				}
				g.envs = append(g.envs, env.Name)
			}
		}
	}
	for _, key := range order {
		g := groups[key]
		have, f := providers[g.cluster], g.form
		runs := fmt.Sprintf("environment %q runs", g.envs[0])
		if len(g.envs) > 1 {
			q := make([]string, len(g.envs))
			for i, e := range g.envs {
				q[i] = fmt.Sprintf("%q", e)
			}
			runs = "environments " + strings.Join(q, ", ") + " run"
		}
		fix := f.onGeneric
		if have != "generic" {
			fix = "use " + f.alt + " there"
		}
		l.addAt(g.rule, g.path, "%s %s cluster: %s on cluster %q (%s); %s", f.what, f.need, runs, g.cluster, have, fix)
	}
}

// checkEgress checks one egress entry: a canonical network CIDR, except
// ranges strictly inside it, and at least one port, each in range and listed
// once.
func (l *loader) checkEgress(e Egress, at []string) {
	cidr, ok := l.checkCIDR("cidr", e.CIDR, appendPath(at, "cidr"))
	for i, x := range e.Except {
		xat := appendPath(at, "except", fmt.Sprint(i))
		p, xok := l.checkCIDR("except", x, xat)
		if ok && xok && (p.Bits() <= cidr.Bits() || !cidr.Contains(p.Addr())) {
			l.addAt("cidr-except", xat, "except %q is not strictly inside cidr %q: except lists smaller ranges of cidr that stay blocked", x, e.CIDR)
		}
	}
	if len(e.Ports) == 0 {
		l.addAt("egress-ports", appendPath(at, "ports"), "an egress rule needs at least one port (e.g. ports: [443]): without ports it would allow every port of %s", e.CIDR)
	}
	seen := make(map[int]bool, len(e.Ports))
	for i, p := range e.Ports {
		pat := appendPath(at, "ports", fmt.Sprint(i))
		l.checkPort(p, pat)
		if seen[p] {
			l.addAt("egress-ports", pat, "port %d is listed twice: list each port once", p)
		}
		seen[p] = true
	}
}

// checkCIDR requires a CIDR in the form the API server stores without a
// warning: the network address (no host bits set), IPv6 in canonical
// (RFC 5952) form, IPv4 not written as IPv4-mapped IPv6.
func (l *loader) checkCIDR(field, s string, at []string) (netip.Prefix, bool) {
	p, err := netip.ParsePrefix(s)
	if err != nil {
		l.addAt("cidr", at, "%s %q is not a CIDR: write an address and a prefix length, like \"10.240.4.0/24\" or \"fd00::/8\"", field, s)
		return p, false
	}
	if a := p.Addr(); a.Is4In6() {
		if p.Bits() >= 96 {
			l.addAt("cidr", at, "%s %q is an IPv4-mapped IPv6 prefix: write the IPv4 CIDR %q", field, s, netip.PrefixFrom(a.Unmap(), p.Bits()-96).Masked().String())
		} else {
			l.addAt("cidr", at, "%s %q is an IPv4-mapped IPv6 prefix: write an IPv4 or IPv6 CIDR", field, s)
		}
		return p, false
	}
	m := p.Masked()
	switch {
	case m != p:
		l.addAt("cidr", at, "%s %q has host bits set: use the network address %q (or %q for the single address)", field, s, m.String(), netip.PrefixFrom(p.Addr(), p.Addr().BitLen()).String())
		return p, false
	case m.String() != s:
		l.addAt("cidr", at, "%s %q is not in canonical form: write %q", field, s, m.String())
		return p, false
	}
	return p, true
}

// checkImage requires an image from a trusted registry with an explicit tag
// or a digest, never "latest" (seeds 000/002 "Secure the images and run time",
// 003 "이미지 버전은 신중하게 선택").
func (l *loader) checkImage(image string, registries []string, at []string) {
	ref, err := reference.Parse(image)
	if err != nil {
		l.addAt("image-reference", at, "image %q is not a valid image reference (registry/repository:tag or @sha256:digest): %v", image, err)
		return
	}
	named, ok := ref.(reference.Named)
	if !ok {
		l.addAt("image-reference", at, "image %q must name a registry and repository", image)
		return
	}
	trusted := false
	for _, r := range registries {
		if r != "" && strings.HasPrefix(named.Name(), strings.TrimSuffix(r, "/")+"/") {
			trusted = true
		}
	}
	if !trusted {
		l.addAt("image-registry", at, "image %q does not come from a trusted registry: use one of platform.registries (%s)", image, strings.Join(registries, ", "))
	}
	tagged, isTagged := ref.(reference.Tagged)
	_, isDigested := ref.(reference.Digested)
	switch {
	case isTagged && tagged.Tag() == "latest":
		l.addAt("image-tag", at, "image %q uses the tag \"latest\": pin a version tag or a @sha256 digest", image)
	case !isTagged && !isDigested:
		l.addAt("image-tag", at, "image %q has no tag: pin a version tag (\":1.4.2\") or a @sha256 digest", image)
	}
}

// checkQuotas requires every team's quota to cover the requests (and limits)
// of its workloads in every environment: replicas, or autoscale max, times
// the per-pod amount. One error per quota field names every environment
// that does not fit.
func (l *loader) checkQuotas(s *rawSpec, m *Model) {
	type usage struct {
		reqCPU, reqMem, limCPU, limMem int64 // milli-units
		pods                           int64
	}
	// use[team][env]
	use := map[string]map[string]*usage{}
	for _, env := range m.Environments {
		for _, w := range env.Workloads {
			n := int64(w.Replicas)
			if w.Autoscale != nil {
				n = int64(w.Autoscale.Max)
			}
			n += int64(w.CanaryReplicas())
			if use[w.Team] == nil {
				use[w.Team] = map[string]*usage{}
			}
			u := use[w.Team][env.Name]
			if u == nil {
				u = &usage{}
				use[w.Team][env.Name] = u
			}
			u.pods += n
			u.reqCPU += milli(w.Resources.Requests.CPU) * n
			u.reqMem += milli(w.Resources.Requests.Memory) * n
			u.limCPU += milli(w.Resources.Limits.CPU) * n
			u.limMem += milli(w.Resources.Limits.Memory) * n
		}
	}
	for _, team := range sortedKeys(use) {
		t, ok := s.Teams[team]
		if !ok || t.Quota == nil {
			continue
		}
		q := t.Quota
		envs := use[team]
		at := []string{"teams", team, "quota"}
		// check reports the environments whose need exceeds have (milli-units).
		check := func(field string, have int64, need func(*usage) int64, what, hint string) bool {
			var over []string
			for _, env := range sortedKeys(envs) {
				if n := need(envs[env]); n > have {
					over = append(over, fmt.Sprintf("%s needs %s", env, fromMilli(n, field)))
				}
			}
			if len(over) > 0 {
				l.addAt("quota", appendPath(at, field), "%s of team %q do not fit the quota (%s): %s; raise %s or lower replicas, autoscale max or requests", what, team, fromMilli(have, field), strings.Join(over, ", "), hint)
			}
			return len(over) > 0
		}
		cpu, cpuErr := resource.ParseQuantity(string(q.CPU))
		mem, memErr := resource.ParseQuantity(string(q.Memory))
		cpuOver, memOver := false, false
		if cpuErr == nil {
			cpuOver = check("cpu", cpu.MilliValue(), func(u *usage) int64 { return u.reqCPU }, "the CPU requests", "cpu")
		}
		if memErr == nil {
			memOver = check("memory", mem.MilliValue(), func(u *usage) int64 { return u.reqMem }, "the memory requests", "memory")
		}
		switch {
		case q.LimitsCPU != nil:
			if v, err := resource.ParseQuantity(string(*q.LimitsCPU)); err == nil {
				check("limitsCPU", v.MilliValue(), func(u *usage) int64 { return u.limCPU }, "the CPU limits", "limitsCPU")
			}
		case cpuErr == nil && !cpuOver:
			check("cpu", 2*cpu.MilliValue(), func(u *usage) int64 { return u.limCPU }, "the CPU limits (limits.cpu defaults to twice cpu)", "cpu, or set limitsCPU,")
		}
		switch {
		case q.LimitsMemory != nil:
			if v, err := resource.ParseQuantity(string(*q.LimitsMemory)); err == nil {
				check("limitsMemory", v.MilliValue(), func(u *usage) int64 { return u.limMem }, "the memory limits", "limitsMemory")
			}
		case memErr == nil && !memOver:
			check("memory", 2*mem.MilliValue(), func(u *usage) int64 { return u.limMem }, "the memory limits (limits.memory defaults to twice memory)", "memory, or set limitsMemory,")
		}
		if q.Pods != nil && *q.Pods >= 0 {
			check("pods", int64(*q.Pods)*1000, func(u *usage) int64 { return u.pods * 1000 }, "the pods", "pods")
		}
	}
}

func milli(q string) int64 {
	v, err := resource.ParseQuantity(q)
	if err != nil {
		return 0
	}
	return v.MilliValue()
}

func fromMilli(m int64, field string) string {
	if field == "pods" {
		return fmt.Sprint(m / 1000)
	}
	if strings.Contains(strings.ToLower(field), "memory") {
		return resource.NewQuantity(m/1000, resource.BinarySI).String()
	}
	return resource.NewMilliQuantity(m, resource.DecimalSI).String()
}

// checkIngresses requires host+path pairs to be unique on each cluster (one
// ingress controller serves every environment of a cluster).
func (l *loader) checkIngresses(m *Model) {
	type owner struct{ env, svc string }
	byCluster := map[string]map[string]owner{}
	for _, env := range m.Environments {
		seen := byCluster[env.Cluster]
		if seen == nil {
			seen = map[string]owner{}
			byCluster[env.Cluster] = seen
		}
		for _, w := range env.Workloads {
			if w.Ingress == nil {
				continue
			}
			key := w.Ingress.Host + w.Ingress.Path
			if prev, dup := seen[key]; dup {
				l.addAt("ingress-unique", l.declaredAt(w.Name, env.Name, "ingress"), "ingress %s%s of service %q in environment %q is already used by service %q in environment %q on cluster %q: host+path pairs must be unique (override ingress.host per environment)", w.Ingress.Host, w.Ingress.Path, w.Name, env.Name, prev.svc, prev.env, env.Cluster)
				continue
			}
			seen[key] = owner{env.Name, w.Name}
		}
	}
}

func (l *loader) checkAddon(name string, a rawAddon) {
	at := []string{"addons", name}
	l.checkLabel(name, "addons."+name, at, "addon name")
	if !chartRE.MatchString(a.Chart) {
		l.addAt("addon-chart", appendPath(at, "chart"), "chart %q must be a Helm chart name such as \"ingress-nginx\"", a.Chart)
	}
	if repoAt := appendPath(at, "repo"); l.checkNoCredentials(repoAt, a.Repo) {
		if u, err := url.Parse(a.Repo); err != nil || (u.Scheme != "https" && u.Scheme != "http" && u.Scheme != "oci") || u.Host == "" {
			l.addAt("addon-repo", repoAt, "repo %q must be a Helm repository URL (https://... or oci://...)", a.Repo)
		}
	}
	l.checkValuesNoCredentials(appendPath(at, "values"), a.Values)
	if _, err := semver.StrictNewVersion(strings.TrimPrefix(a.Version, "v")); err != nil {
		l.addAt("addon-version", appendPath(at, "version"), "version %q must pin an exact chart version such as \"4.11.3\" (no ranges, wildcards or \"latest\")", a.Version)
	}
	if errs := validation.IsDNS1123Label(a.Namespace); len(errs) > 0 {
		l.addAt("dns-name", appendPath(at, "namespace"), "namespace %q is not a DNS-1123 label", a.Namespace)
	}
}

// checkNoCredentials refuses a URL of the spec that carries a password or
// token (https://user:token@…, https://token@…, ssh://user:secret@…,
// user:secret@host:path): every such field is written into the generated
// repository, and publish would commit the secret. The message shows the
// URL redacted. It reports whether v is free of credentials.
func (l *loader) checkNoCredentials(at []string, v string) bool {
	if !gitauth.HasCredentials(v) {
		return true
	}
	l.addAt("credentials", at, "%q carries credentials, and the generated repository would hold them: "+
		"remove them from the URL (plinth publish takes them from %s, Flux and Argo CD from a Secret)",
		gitauth.RedactURLs(v), gitauth.EnvToken)
	return false
}

// checkValuesNoCredentials walks free-form values written into the
// generated repository (addon values, cluster settings) for URLs with
// credentials.
func (l *loader) checkValuesNoCredentials(at []string, v any) {
	switch v := v.(type) {
	case string:
		l.checkNoCredentials(at, v)
	case map[string]any:
		for _, k := range sortedKeys(v) {
			l.checkValuesNoCredentials(appendPath(at, k), v[k])
		}
	case []any:
		for i, e := range v {
			l.checkValuesNoCredentials(appendPath(at, strconv.Itoa(i)), e)
		}
	}
}
