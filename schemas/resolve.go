package schemas

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"k8s.io/apimachinery/pkg/api/resource"
)

// resolve checks the decoded spec and builds the model: blueprint defaults,
// tier policy and per-environment overrides applied to every service.
func (l *loader) resolve(s *rawSpec, bi *builtins) *Model {
	m := &Model{}
	l.checkPlatform(s)
	m.Platform = Platform{Name: s.Platform.Name, Registries: s.Platform.Registries, GitOps: s.Platform.GitOps}
	if m.Platform.Registries == nil {
		m.Platform.Registries = []string{}
	}

	for _, name := range sortedKeys(s.Clusters) {
		c := s.Clusters[name]
		l.checkCluster(name, c)
		zones := c.Zones
		if zones == nil {
			zones = []string{}
		}
		m.Clusters = append(m.Clusters, Cluster{Name: name, Provider: c.Provider, KubernetesVersion: c.KubernetesVersion,
			Zones: zones, Settings: c.Settings, Pos: l.pathPos([]string{"clusters", name})})
		m.Clusters[len(m.Clusters)-1].NodePools = l.nodePools(name, c)
		m.Clusters[len(m.Clusters)-1].Monitoring = l.monitoring(name, c)
	}

	for _, name := range sortedKeys(s.Teams) {
		t := s.Teams[name]
		l.checkTeam(name, t)
		team := Team{Name: name, Access: t.Access, Pos: l.pathPos([]string{"teams", name})}
		if q := t.Quota; q != nil {
			team.Quota = &Quota{CPU: string(q.CPU), Memory: string(q.Memory)}
			if q.LimitsCPU != nil {
				team.Quota.LimitsCPU = string(*q.LimitsCPU)
			}
			if q.LimitsMemory != nil {
				team.Quota.LimitsMemory = string(*q.LimitsMemory)
			}
			if q.Pods != nil {
				team.Quota.Pods = *q.Pods
			}
		}
		m.Teams = append(m.Teams, team)
	}

	kinds := l.resolveBlueprints(s, bi)

	for _, name := range sortedKeys(s.Services) {
		svc := s.Services[name]
		l.checkService(s, name, svc, kinds)
		deps := append([]string(nil), svc.DependsOn...)
		sort.Strings(deps)
		image := ""
		if svc.Image != nil {
			image = *svc.Image
		}
		m.Services = append(m.Services, Service{Name: name, Team: svc.Team, Blueprint: svc.Blueprint, Image: image,
			DependsOn: deps, Pos: l.pathPos([]string{"services", name})})
	}

	for _, name := range sortedKeys(s.Environments) {
		e := s.Environments[name]
		env := Environment{Name: name, Tier: e.Tier, Cluster: e.Cluster, Backup: e.Backup,
			Pos: l.pathPos([]string{"environments", name})}
		l.checkEnvironment(s, name, e)
		env.Policy = l.policy(name, e, bi)
		env.Patches = l.patches(e.Patches, []string{"environments", name, "patches"})
		env.Gateway = l.gateway(s, name, e)
		if env.Policy.BackupRequired && e.Backup == nil {
			l.add("backup-required", env.Pos, "environments."+name, "tier %q requires a Velero backup: add backup: {schedule: \"0 2 * * *\", ttl: \"720h\"} (or set policy: backupRequired: false explicitly)", e.Tier)
		}
		env.Workloads = []Workload{}
		for _, svcName := range sortedKeys(s.Services) {
			k, ok := kinds[s.Services[svcName].Blueprint]
			if !ok {
				continue
			}
			w := l.workload(s, name, env, svcName, s.Services[svcName], k)
			env.Workloads = append(env.Workloads, w)
		}
		m.Environments = append(m.Environments, env)
	}
	l.checkDependencies(m)
	l.checkConfigRefs(m)
	l.checkEscape(s)
	l.placeWorkloads(s, m)
	l.flushEnvErrors()
	l.checkProviders(m)
	l.checkQuotas(s, m)
	l.checkIngresses(m)

	for _, name := range sortedKeys(s.Addons) {
		m.Addons = append(m.Addons, l.addon(name, s.Addons[name], bi))
	}
	l.checkAddonOrder(m.Addons)
	defaultGatewayIssuers(m)
	if m.Clusters == nil {
		m.Clusters = []Cluster{}
	}
	if m.Environments == nil {
		m.Environments = []Environment{}
	}
	if m.Teams == nil {
		m.Teams = []Team{}
	}
	if m.Services == nil {
		m.Services = []Service{}
	}
	if m.Addons == nil {
		m.Addons = []Addon{}
	}
	return m
}

// blueprint is a resolved workload blueprint (built-in or user-declared).
type blueprint struct {
	kind
	name    string
	extends string
}

// resolveBlueprints merges user blueprints over the built-in kinds they extend.
func (l *loader) resolveBlueprints(s *rawSpec, bi *builtins) map[string]blueprint {
	out := map[string]blueprint{}
	for name, k := range bi.Kinds {
		out[name] = blueprint{kind: k, name: name, extends: name}
	}
	for _, name := range sortedKeys(s.Blueprints) {
		b := s.Blueprints[name]
		path := "blueprints." + name
		if _, builtin := bi.Kinds[name]; builtin {
			l.add("blueprint-name", l.pathPos([]string{"blueprints", name}), path, "%q is a built-in blueprint: give your blueprint another name", name)
			continue
		}
		l.checkLabel(name, path, []string{"blueprints", name}, "blueprint name")
		base, ok := bi.Kinds[b.Extends]
		if !ok {
			continue // the schema already rejected it
		}
		bp := blueprint{kind: base, name: name, extends: b.Extends}
		if b.Port != nil {
			l.checkPort(*b.Port, []string{"blueprints", name, "port"})
			bp.Port = *b.Port
		}
		if b.Replicas != nil {
			l.checkReplicas(*b.Replicas, []string{"blueprints", name, "replicas"})
			bp.Replicas = *b.Replicas
		}
		if b.Probes != nil {
			l.checkProbes(b.Probes, []string{"blueprints", name, "probes"})
			bp.Probes = bp.Probes.clone()
			setProbes(&bp.Probes, b.Probes)
		}
		if b.Security != nil {
			if b.Security.RunAsUser != nil {
				bp.Security.RunAsUser = *b.Security.RunAsUser
			}
			if b.Security.RunAsGroup != nil {
				bp.Security.RunAsGroup = *b.Security.RunAsGroup
			}
		}
		out[name] = bp
	}
	return out
}

// policy is the environment's tier policy with its explicit override applied.
func (l *loader) policy(env string, e rawEnvironment, bi *builtins) TierPolicy {
	p := bi.Tiers[e.Tier]
	o := e.Policy
	if o == nil {
		return p
	}
	base := []string{"environments", env, "policy"}
	if ps := o.PodSecurity; ps != nil {
		setStr(&p.PodSecurity.Enforce, ps.Enforce)
		setStr(&p.PodSecurity.Audit, ps.Audit)
		setStr(&p.PodSecurity.Warn, ps.Warn)
	}
	if o.MinReplicas != nil {
		if *o.MinReplicas < 0 {
			l.addAt("policy", append(base, "minReplicas"), "minReplicas must be 0 or more, got %d", *o.MinReplicas)
		}
		p.MinReplicas = *o.MinReplicas
	}
	setBool(&p.ZoneSpread, o.ZoneSpread)
	setBool(&p.PDB, o.PDB)
	setBool(&p.BackupRequired, o.BackupRequired)
	if lr := o.LimitRange; lr != nil {
		lrPath := append(append([]string(nil), base...), "limitRange")
		l.mergeResources(&p.LimitRange.DefaultRequest, lr.DefaultRequest, append(lrPath, "defaultRequest"))
		l.mergeResources(&p.LimitRange.Default, lr.Default, append(lrPath, "default"))
		l.mergeResources(&p.LimitRange.Max, lr.Max, append(lrPath, "max"))
	}
	return p
}

func (l *loader) mergeResources(dst *Resources, src *rawResources, path []string) {
	if src == nil {
		return
	}
	if src.CPU != nil {
		l.checkQuantity(string(*src.CPU), appendPath(path, "cpu"))
		dst.CPU = string(*src.CPU)
	}
	if src.Memory != nil {
		l.checkQuantity(string(*src.Memory), appendPath(path, "memory"))
		dst.Memory = string(*src.Memory)
	}
}

// workload resolves one service in one environment: blueprint defaults, then
// the service's fields, then overrides[env] (where null removes an optional
// object); tier policy applied last. Every rule below, and every check of the
// model after it, sees the fields as they hold in this environment.
func (l *loader) workload(s *rawSpec, envName string, env Environment, name string, svc rawService, bp blueprint) Workload {
	team := svc.Team
	w := Workload{
		Name:       name,
		Team:       team,
		Namespace:  team + "-" + envName,
		Blueprint:  svc.Blueprint,
		Kind:       bp.Kind,
		Port:       bp.Port,
		Probes:     bp.Probes.clone(),
		Security:   bp.Security,
		PDB:        env.Policy.PDB,
		ZoneSpread: env.Policy.ZoneSpread,
		Source:     l.pathPos([]string{"services", name}),
	}
	// src records which declaration last set a field, to locate errors.
	src := map[string][]string{}
	replicasSet := false
	var metrics *rawMetrics
	var declaredPorts []rawPort
	apply := func(f *rawWorkload, at []string) {
		if f == nil {
			return
		}
		set := func(field string) { src[field] = appendPath(at, field) }
		if f.Image != nil {
			w.Image = *f.Image
			set("image")
		}
		if f.Port != nil {
			w.Port = *f.Port
			set("port")
		}
		if f.Replicas != nil {
			w.Replicas = *f.Replicas
			replicasSet = true
			set("replicas")
		}
		if f.Ports != nil {
			declaredPorts = f.Ports
			set("ports")
		}
		if pick(&w.Autoscale, f.Autoscale, func(a Autoscale) *Autoscale { return &a }) {
			set("autoscale")
		}
		if r := f.Resources; r != nil {
			if r.Requests != nil {
				mergeRes(&w.Resources.Requests, r.Requests)
			}
			if r.Limits != nil {
				mergeRes(&w.Resources.Limits, r.Limits)
			}
			set("resources")
		}
		if p := f.Probes; p != nil {
			setProbes(&w.Probes, p)
			set("probes")
		}
		if pick(&w.Ingress, f.Ingress, func(in Ingress) *Ingress { return &in }) {
			set("ingress")
		}
		if f.DependsOn != nil {
			w.DependsOn = append([]string(nil), f.DependsOn...)
			set("dependsOn")
		}
		if f.Egress != nil {
			w.Egress = copyEgress(f.Egress)
			set("egress")
		}
		if pick(&w.Identity, f.Identity, func(id rawIdentity) *Identity {
			return &Identity{ClientID: deref(id.ClientID), GCPServiceAccount: deref(id.GCPServiceAccount)}
		}) {
			set("identity")
		}
		if pick(&w.Secrets, f.Secrets, func(sec rawSecrets) *Secrets {
			return &Secrets{KeyVault: deref(sec.KeyVault), GCPProject: deref(sec.GCPProject),
				Objects: slices.Clone(sec.Objects), TenantID: deref(sec.TenantID)}
		}) {
			set("secrets")
		}
		if pick(&metrics, f.Metrics, func(mt rawMetrics) *rawMetrics { return &mt }) {
			set("metrics")
		}
		if pick(&w.Route, f.Route, func(r rawRoute) *Route { return route(r, name) }) {
			set("route")
		}
		if f.Schedule != nil {
			w.Schedule = *f.Schedule
			set("schedule")
		}
		if p := f.Policy; p != nil {
			setBool(&w.PDB, p.PDB)
			setBool(&w.ZoneSpread, p.ZoneSpread)
		}
		applyConfig(&w, f)
		if f.ExtraObjects != nil {
			w.ExtraObjects = l.extraObjects(f.ExtraObjects, appendPath(at, "extraObjects"))
		}
		if f.Patches != nil {
			w.Patches = l.patches(f.Patches, appendPath(at, "patches"))
		}
	}
	if !replicasSet {
		w.Replicas = bp.Replicas
	}
	base := []string{"services", name}
	apply(&svc.rawWorkload, base)
	if o, ok := svc.Overrides[envName]; ok {
		apply(&o, []string{"services", name, "overrides", envName})
	}
	if !replicasSet && w.Replicas < env.Policy.MinReplicas {
		w.Replicas = env.Policy.MinReplicas
	}
	if w.Autoscale != nil {
		w.Replicas = w.Autoscale.Min
	}
	sort.Strings(w.DependsOn)
	finishConfig(&w)
	if w.Kind == "CronJob" {
		w.Replicas = 1
		w.PDB = false
		w.ZoneSpread = false
	}
	at := func(field string) []string {
		if p, ok := src[field]; ok {
			return p
		}
		return base
	}
	where := fmt.Sprintf("in environment %q (tier %s)", envName, env.Tier)
	shorthand := w.Port
	l.checkShorthandPorts(shorthand, declaredPorts, at("ports"), envName)
	w.Ports = resolvePorts(shorthand, declaredPorts)
	if p, ok := w.PrimaryPort(); ok {
		w.Port = p.Port
	} else {
		w.Port = 0
	}

	// Rules that depend on the combination of fields in this environment.
	if bp.PortRequired && len(w.Ports) == 0 {
		l.addAt("port-required", at("port"), "blueprint %q needs a port: add port: <1-65535> (the container port its Service and probes use)", svc.Blueprint)
	}
	if w.Ingress != nil && w.Port == 0 {
		l.addEnv("port-required", at("ingress"), envName, "a service with ingress needs a port: add port: <1-65535>")
	}
	l.checkWorkloadRoute(&w, env, at("route"))
	l.resolveProbes(&w, src["probes"], envName)
	if bp.ScheduleRequired && w.Schedule == "" {
		l.addAt("schedule-required", at("schedule"), "blueprint %q needs a schedule: add schedule: \"*/15 * * * *\" (cron syntax)", svc.Blueprint)
	}
	if w.Kind == "CronJob" {
		for _, f := range []struct {
			name string
			set  bool
		}{{"port", shorthand != 0}, {"ports", len(w.Ports) > 0 && shorthand == 0}, {"probes", src["probes"] != nil}, {"autoscale", w.Autoscale != nil}, {"ingress", w.Ingress != nil}, {"replicas", replicasSet}} {
			if f.set {
				l.addEnv("kind-fields", at(f.name), envName, "a cron workload takes no %s: it runs to completion on its schedule; remove %s or use the web or worker blueprint", f.name, f.name)
			}
		}
	}
	if !bp.ScheduleRequired && w.Schedule != "" {
		l.addAt("schedule-required", at("schedule"), "only cron workloads take a schedule (blueprint %q is a %s)", svc.Blueprint, w.Kind)
	}
	if o, ok := svc.Overrides[envName]; ok && o.Resources != nil {
		// The override may combine with the service's own values.
		for _, r := range []struct{ name, req, lim string }{
			{"cpu", w.Resources.Requests.CPU, w.Resources.Limits.CPU},
			{"memory", w.Resources.Requests.Memory, w.Resources.Limits.Memory},
		} {
			req, err1 := resource.ParseQuantity(r.req)
			lim, err2 := resource.ParseQuantity(r.lim)
			if err1 == nil && err2 == nil && req.Cmp(lim) > 0 {
				l.addAt("requests-limits", at("resources"), "%s the %s request %s exceeds its limit %s: requests must be <= limits", where, r.name, r.req, r.lim)
			}
		}
	}
	// Key Vault is read with the Azure identity the SecretProviderClass
	// names; Secret Manager (gke) is read with the pod's own Kubernetes
	// service account when no IAM service account is set, so needs none.
	// On a cluster of another provider, checkProviders reports the store.
	if w.Secrets.Provider() == "aks" && w.Identity == nil && s.Clusters[env.Cluster].Provider == "aks" {
		l.addEnv("secrets-identity", at("secrets"), envName, "Key Vault secrets are read with Workload Identity: add identity: {clientID: \"<GUID>\"}")
	}
	if w.Kind == "Deployment" {
		if replicasSet && w.Autoscale == nil && w.Replicas >= 0 && w.Replicas < env.Policy.MinReplicas {
			l.addAt("min-replicas", at("replicas"), "%s at least %d replicas are required, got %d: raise replicas (or lower environments.%s.policy.minReplicas explicitly)", where, env.Policy.MinReplicas, w.Replicas, envName)
		}
		if w.Autoscale != nil && w.Autoscale.Min >= 1 && w.Autoscale.Min < env.Policy.MinReplicas {
			l.addAt("min-replicas", appendPath(at("autoscale"), "min"), "%s autoscale.min must be at least %d, got %d", where, env.Policy.MinReplicas, w.Autoscale.Min)
		}
	}
	if app := envName + "-" + name; len(app) > 63 {
		l.addAt("name-length", base, "the per-environment application name %q (<environment>-<service>, also an Argo CD instance label) is %d characters: names must fit 63; shorten the service or environment name", app, len(app))
	}
	if ns := w.Namespace; len(ns) > 63 {
		l.addAt("name-length", []string{"services", name, "team"}, "namespace %q (<team>-<environment>) is %d characters: names must fit 63; shorten the team or environment name", ns, len(ns))
	}
	if w.DependsOn == nil {
		w.DependsOn = nil
	}
	l.checkExtraNamespaces(w, envName)
	l.resolveMetrics(s, env.Cluster, &w, metrics, envName, at("metrics"))
	return w
}

// copyEgress copies declared egress entries in their order, with the
// protocol defaulted to TCP; an empty list is nil (no egress rules).
func copyEgress(src []Egress) []Egress {
	var out []Egress
	for _, e := range src {
		c := Egress{CIDR: e.CIDR, Ports: slices.Clone(e.Ports), Protocol: e.Protocol, Except: slices.Clone(e.Except)}
		if c.Protocol == "" {
			c.Protocol = "TCP"
		}
		out = append(out, c)
	}
	return out
}

func mergeRes(dst *Resources, src *rawResources) {
	if src.CPU != nil {
		dst.CPU = string(*src.CPU)
	}
	if src.Memory != nil {
		dst.Memory = string(*src.Memory)
	}
}

// pick applies a removable field to *dst: the conversion of its value when
// set, nil when null. It reports whether the field is declared at all.
func pick[T, M any](dst **M, r removable[T], conv func(T) *M) bool {
	switch {
	case r.Null:
		*dst = nil
	case r.V != nil:
		*dst = conv(*r.V)
	default:
		return false
	}
	return true
}

// deref is the string src points to, or "".
func deref(src *string) string {
	if src == nil {
		return ""
	}
	return *src
}

func setStr(dst *string, src *string) {
	if src != nil {
		*dst = *src
	}
}

func setBool(dst *bool, src *bool) {
	if src != nil {
		*dst = *src
	}
}

// appendPath returns path+elems without aliasing path's backing array.
func appendPath(path []string, elems ...string) []string {
	out := make([]string, 0, len(path)+len(elems))
	return append(append(out, path...), elems...)
}

// addAt records an error at a CUE path of the user's value.
func (l *loader) addAt(rule string, path []string, format string, args ...any) {
	l.add(rule, l.pathPos(path), pathString(path), format, args...)
}

func sortedKeys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}

// choices tells the user which names they may use instead of got: the
// closest one when it is near, else all of them when there are few.
func choices(got string, names []string) string {
	best, bestD := "", 3
	for _, n := range names {
		if d := editDistance(got, n); d < bestD {
			best, bestD = n, d
		}
	}
	switch {
	case best != "":
		return fmt.Sprintf("did you mean %q?", best)
	case len(names) == 0:
		return "none is declared"
	case len(names) <= 12:
		q := make([]string, len(names))
		for i, n := range names {
			q[i] = fmt.Sprintf("%q", n)
		}
		return "use one of " + strings.Join(q, ", ")
	}
	return fmt.Sprintf("%d are declared, none close to %q", len(names), got)
}

// checkDependencies requires every service a workload calls to listen on a
// port in that environment: dependsOn drives NetworkPolicy allow rules.
func (l *loader) checkDependencies(m *Model) {
	for _, env := range m.Environments {
		ports := make(map[string]int, len(env.Workloads))
		for _, w := range env.Workloads {
			ports[w.Name] = w.Port
		}
		for _, w := range env.Workloads {
			for _, d := range w.DependsOn {
				if p, ok := ports[d]; ok && p == 0 {
					l.addEnv("reference", l.listElem(l.declaredAt(w.Name, env.Name, "dependsOn"), d), env.Name, "service %q has no port: dependsOn lists services this one calls over the network", d)
				}
			}
		}
	}
}

// declaredAt is the path where field of a service is set for env: in
// overrides.<env> when the override sets it, else on the service.
func (l *loader) declaredAt(svc, env, field string) []string {
	o := []string{"services", svc, "overrides", env, field}
	if v := l.user.LookupPath(makePath(o)); v.Exists() {
		return o
	}
	return []string{"services", svc, field}
}

// listElem is the path of the element equal to want in the user's list at
// path, or path itself.
func (l *loader) listElem(path []string, want string) []string {
	iter, err := l.user.LookupPath(makePath(path)).List()
	if err != nil {
		return path
	}
	for i := 0; iter.Next(); i++ {
		if s, err := iter.Value().String(); err == nil && s == want {
			return appendPath(path, fmt.Sprint(i))
		}
	}
	return path
}

// envError is an error that holds in one or more environments.
type envError struct {
	rule string
	path []string
	msg  string
	envs []string
}

// addEnv records an error that depends on the environment; the same error
// in several environments is reported once, naming them all.
func (l *loader) addEnv(rule string, path []string, env, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	key := rule + "\x00" + strings.Join(path, "\x00") + "\x00" + msg
	if l.envErrs == nil {
		l.envErrs = map[string]*envError{}
	}
	e := l.envErrs[key]
	if e == nil {
		e = &envError{rule: rule, path: path, msg: msg}
		l.envErrs[key] = e
		l.envOrder = append(l.envOrder, key)
	}
	e.envs = append(e.envs, env)
}

func (l *loader) flushEnvErrors() {
	for _, key := range l.envOrder {
		e := l.envErrs[key]
		noun := "environment"
		if len(e.envs) > 1 {
			noun = "environments"
		}
		l.addAt(e.rule, e.path, "%s (in %s %s)", e.msg, noun, strings.Join(e.envs, ", "))
	}
	l.envErrs, l.envOrder = nil, nil
}
