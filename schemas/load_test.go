package schemas_test

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/plinth-dev/plinth/schemas"
)

const basePlatform = `package anything

platform: {
	name: "demo"
	registries: ["demo.azurecr.io", "ghcr.io/acme"]
	gitops: repo: "https://git.example.com/demo-gitops.git"
}
clusters: main: {provider: "generic", kubernetesVersion: "1.34", zones: ["a", "b"]}
environments: {
	dev: {tier: "development", cluster: "main"}
	prod: {
		tier:    "production"
		cluster: "main"
		backup: {schedule: "@daily", ttl: "720h0m0s"}
	}
}
teams: shop: access: {}
`

func writePlatform(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, src := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func workload(t *testing.T, m *schemas.Model, env, name string) schemas.Workload {
	t.Helper()
	for _, e := range m.Environments {
		if e.Name != env {
			continue
		}
		for _, w := range e.Workloads {
			if w.Name == name {
				return w
			}
		}
	}
	t.Fatalf("no workload %s in %s", name, env)
	return schemas.Workload{}
}

func TestLoadResolves(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		check func(t *testing.T, m *schemas.Model)
	}{
		{"blueprint and tier defaults", map[string]string{"p.cue": basePlatform + `
services: api: {
	team: "shop", blueprint: "web", image: "demo.azurecr.io/api:1.0", port: 8080
	resources: {requests: {cpu: "100m", memory: "64Mi"}, limits: {cpu: 1, memory: "128Mi"}}
}`}, func(t *testing.T, m *schemas.Model) {
			dev, prod := workload(t, m, "dev", "api"), workload(t, m, "prod", "api")
			if dev.Replicas != 1 || prod.Replicas != 2 {
				t.Errorf("replicas dev=%d prod=%d, want 1 and 2 (tier minimum)", dev.Replicas, prod.Replicas)
			}
			if dev.PDB || !prod.PDB || dev.ZoneSpread || !prod.ZoneSpread {
				t.Errorf("pdb/spread dev=%v/%v prod=%v/%v", dev.PDB, dev.ZoneSpread, prod.PDB, prod.ZoneSpread)
			}
			if prod.Probes.Liveness.HTTP.Path != "/healthz" || prod.Probes.Readiness.HTTP.Path != "/readyz" {
				t.Errorf("probes %+v", prod.Probes)
			}
			if prod.Security.RunAsUser <= 10000 || !prod.Security.ReadOnlyRootFilesystem {
				t.Errorf("security %+v", prod.Security)
			}
			if prod.Namespace != "shop-prod" || prod.Kind != "Deployment" || prod.Resources.Limits.CPU != "1" {
				t.Errorf("workload %+v", prod)
			}
			if m.Environments[0].Policy.PodSecurity.Enforce != "baseline" || m.Environments[1].Policy.PodSecurity.Enforce != "restricted" {
				t.Errorf("policies %+v", m.Environments)
			}
		}},
		{"overrides per environment", map[string]string{"p.cue": basePlatform + `
services: api: {
	team: "shop", blueprint: "web", image: "demo.azurecr.io/api:1.0", port: 8080
	resources: {requests: {cpu: "100m", memory: "64Mi"}, limits: {cpu: "200m", memory: "128Mi"}}
	ingress: host: "api.example.com"
	overrides: {
		dev: {image: "ghcr.io/acme/api@sha256:` + "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef" + `", ingress: host: "dev.api.example.com", resources: limits: cpu: "300m"}
		prod: {replicas: 4, policy: pdb: false}
	}
}`}, func(t *testing.T, m *schemas.Model) {
			dev, prod := workload(t, m, "dev", "api"), workload(t, m, "prod", "api")
			if dev.Image == prod.Image || dev.Ingress.Host != "dev.api.example.com" || dev.Ingress.Path != "/" {
				t.Errorf("dev %+v", dev)
			}
			if dev.Resources.Limits.CPU != "300m" || dev.Resources.Limits.Memory != "128Mi" {
				t.Errorf("dev resources %+v", dev.Resources)
			}
			if prod.Replicas != 4 || prod.PDB {
				t.Errorf("prod %+v", prod)
			}
			if m.Services[0].Image != "demo.azurecr.io/api:1.0" {
				t.Errorf("service as declared %+v", m.Services[0])
			}
		}},
		{"user blueprint and explicit policy", map[string]string{"p.cue": basePlatform + `
blueprints: grpc: {extends: "web", port: 9090, probes: liveness: "/live", security: runAsUser: 20000}
environments: prod: policy: {minReplicas: 3, backupRequired: false, podSecurity: warn: "baseline"}
services: rpc: {
	team: "shop", blueprint: "grpc", image: "demo.azurecr.io/rpc:2"
	resources: {requests: {cpu: "100m", memory: "64Mi"}, limits: {cpu: "200m", memory: "128Mi"}}
}`}, func(t *testing.T, m *schemas.Model) {
			w := workload(t, m, "prod", "rpc")
			if w.Port != 9090 || w.Probes.Liveness.HTTP.Path != "/live" || w.Probes.Readiness.HTTP.Path != "/readyz" || w.Security.RunAsUser != 20000 || w.Replicas != 3 || w.Kind != "Deployment" {
				t.Errorf("workload %+v", w)
			}
			p := m.Environments[1].Policy
			if p.MinReplicas != 3 || p.BackupRequired || p.PodSecurity.Warn != "baseline" || p.PodSecurity.Enforce != "restricted" {
				t.Errorf("policy %+v", p)
			}
		}},
		{"egress: declared order, protocol default, override replaces the list", map[string]string{"p.cue": basePlatform + `
services: api: {
	team: "shop", blueprint: "worker", image: "demo.azurecr.io/api:1.0"
	resources: {requests: {cpu: "100m", memory: "64Mi"}, limits: {cpu: "200m", memory: "128Mi"}}
	egress: [
		{cidr: "10.240.4.0/24", ports: [5671, 443]},
		{cidr: "0.0.0.0/0", except: ["192.168.0.0/16", "10.0.0.0/8"], protocol: "UDP", ports: [123]},
	]
	overrides: dev: egress: [{cidr: "fd00:241::/32", ports: [443]}]
}
services: job: {
	team: "shop", blueprint: "cron", schedule: "@hourly", image: "demo.azurecr.io/job:1.0"
	resources: {requests: {cpu: "100m", memory: "64Mi"}, limits: {cpu: "200m", memory: "128Mi"}}
	egress: [{cidr: "::/0", ports: [443]}]
	overrides: dev: egress: []
}`}, func(t *testing.T, m *schemas.Model) {
			prodWant := []schemas.Egress{
				{CIDR: "10.240.4.0/24", Ports: []int{5671, 443}, Protocol: "TCP"},
				{CIDR: "0.0.0.0/0", Ports: []int{123}, Protocol: "UDP", Except: []string{"192.168.0.0/16", "10.0.0.0/8"}},
			}
			devWant := []schemas.Egress{{CIDR: "fd00:241::/32", Ports: []int{443}, Protocol: "TCP"}}
			for _, tc := range []struct {
				env, svc string
				want     []schemas.Egress
			}{
				{"prod", "api", prodWant},
				{"dev", "api", devWant},
				{"prod", "job", []schemas.Egress{{CIDR: "::/0", Ports: []int{443}, Protocol: "TCP"}}},
				{"dev", "job", nil},
			} {
				if got := workload(t, m, tc.env, tc.svc).Egress; !reflect.DeepEqual(got, tc.want) {
					t.Errorf("%s/%s egress = %+v, want %+v", tc.env, tc.svc, got, tc.want)
				}
			}
		}},
		{"yaml and json data files", map[string]string{"p.cue": basePlatform, "services.yaml": `
services:
  worker:
    team: shop
    blueprint: worker
    image: demo.azurecr.io/worker:3.1.4
    resources: {requests: {cpu: 50m, memory: 32Mi}, limits: {cpu: 100m, memory: 64Mi}}
`, "cron.json": `{"services": {"nightly": {"team": "shop", "blueprint": "cron", "schedule": "0 3 * * *",
  "image": "demo.azurecr.io/nightly:1.0.0",
  "resources": {"requests": {"cpu": "50m", "memory": "32Mi"}, "limits": {"cpu": "100m", "memory": "64Mi"}}}}}`},
			func(t *testing.T, m *schemas.Model) {
				if got := []string{m.Services[0].Name, m.Services[1].Name}; !reflect.DeepEqual(got, []string{"nightly", "worker"}) {
					t.Errorf("services %v", got)
				}
				if w := workload(t, m, "prod", "nightly"); w.Kind != "CronJob" || w.Schedule != "0 3 * * *" || w.PDB {
					t.Errorf("cron %+v", w)
				}
				if w := workload(t, m, "prod", "worker"); w.Port != 0 || w.Probes != (schemas.Probes{}) || w.Replicas != 2 {
					t.Errorf("worker %+v", w)
				}
				if !reflect.DeepEqual(m.Files, []string{"cron.json", "p.cue", "services.yaml"}) {
					t.Errorf("files %v", m.Files)
				}
			}},
		{"positions relative to the dir", map[string]string{"p.cue": basePlatform + `
services: api: {
	team: "shop", blueprint: "worker", image: "demo.azurecr.io/api:1.0"
	resources: {requests: {cpu: "100m", memory: "64Mi"}, limits: {cpu: "200m", memory: "128Mi"}}
}`}, func(t *testing.T, m *schemas.Model) {
			if p := m.Services[0].Pos; p.File != "p.cue" || p.Line != 19 {
				t.Errorf("service pos %+v", p)
			}
			if p := m.Clusters[0].Pos; p.File != "p.cue" || p.Line != 8 {
				t.Errorf("cluster pos %+v", p)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := schemas.Load(writePlatform(t, tt.files))
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, m)
		})
	}
}

func TestLoadCollectsAllErrors(t *testing.T) {
	dir := writePlatform(t, map[string]string{"p.cue": basePlatform + `
services: api: {
	team: "nobody", blueprint: "web", image: "docker.io/api:latest", port: 0
	replicsa: 2
	resources: {requests: {cpu: "1", memory: "64Mi"}, limits: {cpu: "200m", memory: "128Mi"}}
}`})
	_, err := schemas.Load(dir)
	var errs schemas.Errors
	if !errors.As(err, &errs) {
		t.Fatalf("got %v", err)
	}
	rules := map[string]bool{}
	for _, e := range errs {
		rules[e.Rule] = true
	}
	for _, r := range []string{"schema", "reference", "image-registry", "image-tag", "port-range", "requests-limits"} {
		if !rules[r] {
			t.Errorf("no %s error in:\n%v", r, err)
		}
	}
}

func TestLoadDeterministic(t *testing.T) {
	dir := t.TempDir()
	if err := schemas.WriteExample(dir); err != nil {
		t.Fatal(err)
	}
	a, err := schemas.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		b, err := schemas.Load(dir)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(a, b) {
			t.Fatal("two loads of the same platform differ")
		}
	}
}

// TestLoadDataFileErrorsAtTheirLine: the problems of a data file that CUE
// would place at line 1, or accept, are located at their own line.
func TestLoadDataFileErrorsAtTheirLine(t *testing.T) {
	for _, tc := range []struct {
		name, file, src, want string
	}{
		{"invalid UTF-8", "data.yaml", "teams:\n  shop:\n    x: \"\xff\"\n", "data.yaml:3:9: invalid UTF-8 (byte 0xff)"},
		{"invalid UTF-8 in json", "data.json", "{\"teams\": {\n  \"s\xfe\": {}}}\n", "data.json:2:5: invalid UTF-8 (byte 0xfe)"},
		{"unknown anchor", "data.yaml", "teams:\n  shop: &s {}\n  web: *w\n", "data.yaml:3:8: unknown anchor 'w' referenced"},
		{"duplicate key, same value", "data.yaml", "teams:\n  shop: {}\n  shop: {}\n", "data.yaml:3:3: mapping key \"shop\" already defined at line 2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := writePlatform(t, map[string]string{"p.cue": basePlatform, tc.file: tc.src})
			_, err := schemas.Load(dir)
			var errs schemas.Errors
			if !errors.As(err, &errs) || len(errs) != 1 {
				t.Fatalf("got %v", err)
			}
			if got := errs[0].Error(); !strings.HasPrefix(got, tc.want) || errs[0].Rule != "syntax" {
				t.Errorf("got %q (rule %s), want %q", got, errs[0].Rule, tc.want)
			}
		})
	}
}
