package schemas_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/plinth-dev/plinth/schemas"
)

// removalPlatform has a development environment on a generic cluster and
// staging and production on AKS; services are appended to it.
const removalPlatform = `package anything

platform: {
	name: "demo"
	registries: ["demo.azurecr.io"]
	gitops: repo: "https://git.example.com/demo-gitops.git"
}
clusters: {
	lab: {provider: "generic", kubernetesVersion: "1.34"}
	"aks-we": {provider: "aks", kubernetesVersion: "1.34", zones: ["1", "2", "3"]}
}
environments: {
	dev: {tier: "development", cluster: "lab"}
	staging: {tier: "staging", cluster: "aks-we"}
	prod: {
		tier:    "production"
		cluster: "aks-we"
		backup: {schedule: "@daily", ttl: "720h"}
	}
}
teams: shop: access: {}
#res: {requests: {cpu: "100m", memory: "64Mi"}, limits: {cpu: "200m", memory: "128Mi"}}
`

// apiService is a web service with every removable field; overrides are
// appended inside it.
const apiService = `
services: api: {
	team: "shop", blueprint: "web", image: "demo.azurecr.io/api:1.0.0", port: 8080, resources: #res
	ingress: host: "api.example.com"
	autoscale: {min: 2, max: 4}
	identity: clientID: "3f9a1c2e-5b7d-4e8f-9a0b-1c2d3e4f5a6b"
	secrets: {keyVault: "shop-kv", objects: ["db-password"]}
	overrides: staging: ingress: host: "staging.api.example.com" // prod shares the cluster
`

// removable fields of a workload: whether each is set.
var removable = map[string]func(schemas.Workload) bool{
	"ingress":   func(w schemas.Workload) bool { return w.Ingress != nil },
	"autoscale": func(w schemas.Workload) bool { return w.Autoscale != nil },
	"identity":  func(w schemas.Workload) bool { return w.Identity != nil },
	"secrets":   func(w schemas.Workload) bool { return w.Secrets != nil },
}

// TestOverrideRemoves checks that overrides.<env>.<field>: null removes the
// field in that environment only, and that every rule sees the fields as
// they hold per environment.
func TestOverrideRemoves(t *testing.T) {
	envs := []string{"dev", "staging", "prod"}
	tests := []struct {
		name      string
		overrides string
		// removed lists, per environment, the fields it has no more;
		// every other removable field of api is kept.
		removed map[string][]string
		// replicas of api per environment, when checked.
		replicas map[string]int
	}{
		{
			name: "the cloud identity and secrets on the generic cluster",
			overrides: `overrides: dev: {identity: null, secrets: null}
	overrides: dev: autoscale: {min: 1, max: 2}`,
			removed: map[string][]string{"dev": {"identity", "secrets"}},
		},
		{
			name: "every field in dev",
			overrides: `overrides: dev: {ingress: null, autoscale: null, identity: null, secrets: null}
	overrides: dev: replicas: 1`,
			removed:  map[string][]string{"dev": {"ingress", "autoscale", "identity", "secrets"}},
			replicas: map[string]int{"dev": 1, "staging": 2, "prod": 2},
		},
		{
			name: "the autoscaler in staging: replicas from the tier",
			overrides: `overrides: dev: {identity: null, secrets: null, autoscale: {min: 1, max: 2}}
	overrides: staging: autoscale: null`,
			removed:  map[string][]string{"dev": {"identity", "secrets"}, "staging": {"autoscale"}},
			replicas: map[string]int{"dev": 1, "staging": 1, "prod": 2},
		},
		{
			name: "the ingress in production",
			overrides: `overrides: dev: {identity: null, secrets: null, autoscale: null}
	overrides: prod: ingress: null`,
			removed: map[string][]string{"dev": {"identity", "secrets", "autoscale"}, "prod": {"ingress"}},
		},
		{
			name: "identity and secrets on AKS too",
			overrides: `overrides: dev: {identity: null, secrets: null, autoscale: null}
	overrides: staging: {identity: null, secrets: null}`,
			removed: map[string][]string{"dev": {"identity", "secrets", "autoscale"}, "staging": {"identity", "secrets"}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := writePlatform(t, map[string]string{"p.cue": removalPlatform + apiService + "\t" + tc.overrides + "\n}\n"})
			m, err := schemas.Load(dir)
			if err != nil {
				t.Fatal(err)
			}
			for _, env := range envs {
				w := workload(t, m, env, "api")
				for field, has := range removable {
					want := !strings.Contains(" "+strings.Join(tc.removed[env], " ")+" ", " "+field+" ")
					if has(w) != want {
						t.Errorf("%s: %s set = %v, want %v", env, field, has(w), want)
					}
				}
				if want, ok := tc.replicas[env]; ok && w.Replicas != want {
					t.Errorf("%s: replicas = %d, want %d", env, w.Replicas, want)
				}
			}
		})
	}
}

// TestOverrideRemovalRules checks rules on the fields as they hold per
// environment after a removal: what a removal makes valid, what it makes
// invalid, and where null is not allowed.
func TestOverrideRemovalRules(t *testing.T) {
	tests := []struct {
		name     string
		services string
		// want is the expected errors as "path: rule: message part", one
		// per line; "" for a valid platform.
		want []string
	}{
		{
			name:     "cloud identity and secrets on the generic cluster",
			services: apiService + "\toverrides: dev: autoscale: {min: 1, max: 2}\n}\n",
			want: []string{
				"services.api.identity.clientID: identity-provider: environment \"dev\" runs on cluster \"lab\" (generic)",
				"services.api.secrets.keyVault: secrets-provider: environment \"dev\" runs on cluster \"lab\" (generic)",
			},
		},
		{
			name:     "removed in the generic environment",
			services: apiService + "\toverrides: dev: {identity: null, secrets: null, autoscale: {min: 1, max: 2}}\n}\n",
		},
		{
			name:     "Key Vault secrets kept without the identity",
			services: apiService + "\toverrides: dev: {identity: null, secrets: null, autoscale: {min: 1, max: 2}}\n\toverrides: staging: identity: null\n}\n",
			want:     []string{"services.api.secrets: secrets-identity: Key Vault secrets are read with Workload Identity: add identity: {clientID: \"<GUID>\"} (in environment staging)"},
		},
		{
			name: "autoscale min below the production minimum",
			services: `services: api: {
	team: "shop", blueprint: "worker", image: "demo.azurecr.io/api:1.0.0", resources: #res
	autoscale: {min: 1, max: 3}
}
`,
			want: []string{"services.api.autoscale.min: min-replicas: in environment \"prod\" (tier production) autoscale.min must be at least 2, got 1"},
		},
		{
			name: "no autoscale in production",
			services: `services: api: {
	team: "shop", blueprint: "worker", image: "demo.azurecr.io/api:1.0.0", resources: #res
	autoscale: {min: 1, max: 3}
	overrides: prod: autoscale: null
}
`,
		},
		{
			name: "an ingress used twice on one cluster",
			services: `services: api: {
	team: "shop", blueprint: "web", image: "demo.azurecr.io/api:1.0.0", port: 8080, resources: #res
	ingress: host: "api.example.com"
}
`,
			want: []string{"services.api.ingress: ingress-unique: ingress api.example.com/ of service \"api\" in environment \"staging\" is already used"},
		},
		{
			name: "the ingress removed in one environment of the shared cluster",
			services: `services: api: {
	team: "shop", blueprint: "web", image: "demo.azurecr.io/api:1.0.0", port: 8080, resources: #res
	ingress: host: "api.example.com"
	overrides: staging: ingress: null
}
`,
		},
		{
			name: "a cron job's forbidden autoscale removed everywhere it runs",
			services: `services: report: {
	team: "shop", blueprint: "cron", schedule: "0 4 * * *", image: "demo.azurecr.io/report:1.0.0", resources: #res
	autoscale: {min: 1, max: 2}
	overrides: dev: autoscale: null
	overrides: staging: autoscale: null
}
`,
			want: []string{"services.report.autoscale: kind-fields: a cron workload takes no autoscale: it runs to completion on its schedule; remove autoscale or use the web or worker blueprint (in environment prod)"},
		},
		{
			name: "removing a field the service does not set changes nothing",
			services: `services: api: {
	team: "shop", blueprint: "worker", image: "demo.azurecr.io/api:1.0.0", resources: #res
	overrides: dev: {ingress: null, autoscale: null, identity: null, secrets: null}
}
services: [_]: overrides: prod: ingress: null
`,
		},
		{
			name: "null on the service itself",
			services: `services: api: {
	team: "shop", blueprint: "worker", image: "demo.azurecr.io/api:1.0.0", resources: #res
	identity: null
}
`,
			want: []string{"services.api.identity: schema: null is allowed only under overrides.<env>, where it removes identity in that environment: on the service itself leave identity out"},
		},
		{
			name: "null for a field an override cannot remove",
			services: `services: api: {
	team: "shop", blueprint: "worker", image: "demo.azurecr.io/api:1.0.0", resources: #res
	overrides: dev: dependsOn: null
}
`,
			want: []string{"services.api.overrides.dev.dependsOn: schema: got null, want a value of type [...string]: null in an override removes only autoscale, identity, ingress, metrics, route or secrets"},
		},
		{
			name:     "a mistake inside a removable field under overrides",
			services: apiService + "\toverrides: dev: {identity: null, secrets: null, autoscale: {min: 1, max: 2}}\n\toverrides: prod: ingress: {host: \"api.example.com\", pth: \"/v2\"}\n}\n",
			want:     []string{"services.api.overrides.prod.ingress.pth: schema: unknown field: did you mean \"path\"? (structs are closed)"},
		},
		{
			name:     "a value of the wrong type for a removable field under overrides",
			services: apiService + "\toverrides: dev: {identity: null, secrets: null, autoscale: 1}\n}\n",
			want:     []string{"services.api.overrides.dev.autoscale: schema: got 1, want a value of type {min!:int,max!:int,cpuUtilization:(int|*70)}"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := writePlatform(t, map[string]string{"p.cue": removalPlatform + tc.services})
			_, err := schemas.Load(dir)
			if len(tc.want) == 0 {
				if err != nil {
					t.Fatalf("want a valid platform, got %v", err)
				}
				return
			}
			var errs schemas.Errors
			if !errors.As(err, &errs) {
				t.Fatalf("want located errors, got %v", err)
			}
			if len(errs) != len(tc.want) {
				t.Errorf("got %d errors, want %d:\n%v", len(errs), len(tc.want), err)
			}
			for _, want := range tc.want {
				found := false
				for _, e := range errs {
					if strings.HasPrefix(want, e.Path+": "+e.Rule+": ") && strings.Contains(e.Msg, strings.TrimPrefix(want, e.Path+": "+e.Rule+": ")) {
						found = true
					}
					if e.Pos.File != "p.cue" || e.Pos.Line == 0 || e.Pos.Column == 0 {
						t.Errorf("unlocated error %v", e)
					}
				}
				if !found {
					t.Errorf("no error %q in:\n%v", want, err)
				}
			}
		})
	}
}
