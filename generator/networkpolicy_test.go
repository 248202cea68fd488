package generator

import (
	"testing"

	"github.com/plinth-dev/plinth/schemas"
)

// egressModel has a production environment "live" and a development
// environment "lab" on one cluster; in both, service api (port 8080) calls
// the services in deps and the networks of live and lab outside the cluster.
func egressModel(deps []string, live, lab []schemas.Egress) *schemas.Model {
	sec := schemas.Security{RunAsUser: 10001, RunAsGroup: 10001, ReadOnlyRootFilesystem: true}
	res := schemas.Requirements{Requests: schemas.Resources{CPU: "100m", Memory: "64Mi"}, Limits: schemas.Resources{CPU: "1", Memory: "128Mi"}}
	env := func(name, tier string, egress []schemas.Egress) schemas.Environment {
		ns := "ops-" + name
		return schemas.Environment{
			Name: name, Tier: tier, Cluster: "one",
			Policy: schemas.TierPolicy{PodSecurity: schemas.PodSecurity{Enforce: "restricted", Audit: "restricted", Warn: "restricted"}},
			Workloads: []schemas.Workload{
				{Name: "api", Team: "ops", Namespace: ns, Blueprint: "worker", Kind: "Deployment", Image: "r.example/api:1",
					Port: 8080, Replicas: 1, Resources: res, Security: sec, DependsOn: deps, Egress: egress},
				{Name: "queue", Team: "ops", Namespace: ns, Blueprint: "worker", Kind: "Deployment", Image: "r.example/queue:2",
					Port: 9000, Replicas: 1, Resources: res, Security: sec},
			},
		}
	}
	return &schemas.Model{
		Files:        []string{"p.cue"},
		Platform:     schemas.Platform{Name: "egress", GitOps: schemas.GitOps{Engine: "flux", Repo: "https://git.example.com/egress.git"}},
		Clusters:     []schemas.Cluster{{Name: "one", Provider: "generic", KubernetesVersion: "1.34"}},
		Environments: []schemas.Environment{env("lab", "development", lab), env("live", "production", live)},
		Teams:        []schemas.Team{{Name: "ops", Access: schemas.Access{View: []string{"g1"}}}},
		Services:     []schemas.Service{{Name: "api", Team: "ops"}, {Name: "queue", Team: "ops"}},
	}
}

// TestNetworkPolicyEgress checks the allow policy of a service with egress:
// one rule per entry, to an ipBlock with its except ranges, on each port with
// the protocol, after the dependsOn rules. Generate builds every overlay and
// renders the chart for every values file, so the kustomize and helm flavors
// are checked to deploy exactly these objects.
func TestNetworkPolicyEgress(t *testing.T) {
	private := schemas.Egress{CIDR: "10.240.0.0/16", Except: []string{"10.240.8.0/24", "10.240.9.0/24"}, Protocol: "TCP", Ports: []int{5671, 443}}
	ntp := schemas.Egress{CIDR: "fd00::/8", Protocol: "UDP", Ports: []int{123}}
	labNet := schemas.Egress{CIDR: "10.241.4.0/24", Protocol: "TCP", Ports: []int{443}}
	tests := []struct {
		name      string
		deps      []string
		live, lab []schemas.Egress
		// wantLive and wantLab are the spec of api's NetworkPolicy in each
		// environment ("" when it has none).
		wantLive, wantLab string
	}{
		{
			name: "after the dependsOn rules, override in one environment",
			deps: []string{"queue"}, live: []schemas.Egress{private, ntp}, lab: []schemas.Egress{labNet},
			wantLive: `
podSelector: {matchLabels: {app.kubernetes.io/name: api}}
policyTypes: [Egress]
egress:
- to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: ops-live}}, podSelector: {matchLabels: {app.kubernetes.io/name: queue}}}]
  ports: [{protocol: TCP, port: 9000}]
- to: [{ipBlock: {cidr: 10.240.0.0/16, except: [10.240.8.0/24, 10.240.9.0/24]}}]
  ports: [{protocol: TCP, port: 5671}, {protocol: TCP, port: 443}]
- to: [{ipBlock: {cidr: "fd00::/8"}}]
  ports: [{protocol: UDP, port: 123}]
`,
			wantLab: `
podSelector: {matchLabels: {app.kubernetes.io/name: api}}
policyTypes: [Egress]
egress:
- to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: ops-lab}}, podSelector: {matchLabels: {app.kubernetes.io/name: queue}}}]
  ports: [{protocol: TCP, port: 9000}]
- to: [{ipBlock: {cidr: 10.241.4.0/24}}]
  ports: [{protocol: TCP, port: 443}]
`,
		},
		{
			name: "egress alone makes an egress-only policy; none in the other environment",
			live: []schemas.Egress{{CIDR: "0.0.0.0/0", Protocol: "TCP", Ports: []int{443}}},
			wantLive: `
podSelector: {matchLabels: {app.kubernetes.io/name: api}}
policyTypes: [Egress]
egress:
- to: [{ipBlock: {cidr: 0.0.0.0/0}}]
  ports: [{protocol: TCP, port: 443}]
`,
		},
		{
			name: "no egress and no dependencies: no policy",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out := generateChecked(t, egressModel(tc.deps, tc.live, tc.lab))
			for _, env := range []struct{ dir, want string }{{"apps/live", tc.wantLive}, {"apps/lab", tc.wantLab}} {
				var got any
				for _, o := range build(t, out, env.dir) {
					if o["kind"] == "NetworkPolicy" && dig(o, "metadata", "name") == "api" {
						got = o["spec"]
					}
				}
				if g, w, ok := sameYAML(t, got, env.want); !ok {
					t.Errorf("%s: NetworkPolicy api spec:\n%s\nwant:\n%s", env.dir, g, w)
				}
			}
		})
	}
}
