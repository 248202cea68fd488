package schemas_test

import (
	"encoding/json"
	"testing"

	"github.com/plinth-dev/plinth/schemas"
)

// TestProbesResolve checks a workload's probes per environment: the string
// shorthand, each kind with its timings, defaults (ports to the primary
// port, timings, TCP probes for a service with a port that declares none),
// blueprint probes and per-probe overrides.
func TestProbesResolve(t *testing.T) {
	tests := []struct {
		name, svc, env string
		// want is the JSON of the resolved probes.
		want string
	}{
		{
			name: "web shorthand paths on the primary port, today's timings",
			svc:  `blueprint: "web", port: 8080`,
			env:  "prod",
			want: `{"liveness":{"http":{"path":"/healthz","port":"http"},"periodSeconds":10,"timeoutSeconds":2,"failureThreshold":3},` +
				`"readiness":{"http":{"path":"/readyz","port":"http"},"periodSeconds":5,"timeoutSeconds":2,"failureThreshold":3}}`,
		},
		{
			name: "worker with a port: default TCP probes, liveness slower",
			svc:  `blueprint: "worker", port: 8080`,
			env:  "prod",
			want: `{"liveness":{"tcp":{"port":"http"},"periodSeconds":20,"timeoutSeconds":2,"failureThreshold":3},` +
				`"readiness":{"tcp":{"port":"http"},"periodSeconds":5,"timeoutSeconds":2,"failureThreshold":3}}`,
		},
		{
			name: "worker with only a grpc port: TCP probes on it",
			svc:  `blueprint: "worker", ports: [{name: "grpc", port: 9090}]`,
			env:  "prod",
			want: `{"liveness":{"tcp":{"port":"grpc"},"periodSeconds":20,"timeoutSeconds":2,"failureThreshold":3},` +
				`"readiness":{"tcp":{"port":"grpc"},"periodSeconds":5,"timeoutSeconds":2,"failureThreshold":3}}`,
		},
		{
			name: "worker without a port: none",
			svc:  `blueprint: "worker"`,
			env:  "prod",
			want: `{}`,
		},
		{
			name: "worker without a port: exec probes need none",
			svc:  `blueprint: "worker", probes: liveness: exec: command: ["/bin/check", "--live"]`,
			env:  "prod",
			want: `{"liveness":{"exec":{"command":["/bin/check","--live"]},"periodSeconds":10,"timeoutSeconds":2,"failureThreshold":3}}`,
		},
		{
			name: "every kind, declared timings kept",
			svc: `blueprint: "web", port: 8080, ports: [{name: "grpc", port: 9090}]
	probes: {
		liveness: {grpc: {port: "grpc", service: "live"}, initialDelaySeconds: 5, periodSeconds: 15, timeoutSeconds: 3, failureThreshold: 4}
		readiness: {http: {path: "/ready", port: "http"}, successThreshold: 2}
		startup: tcp: {}
	}`,
			env: "prod",
			want: `{"liveness":{"grpc":{"port":"grpc","service":"live"},"initialDelaySeconds":5,"periodSeconds":15,"timeoutSeconds":3,"failureThreshold":4},` +
				`"readiness":{"http":{"path":"/ready","port":"http"},"periodSeconds":5,"timeoutSeconds":2,"failureThreshold":3,"successThreshold":2},` +
				`"startup":{"tcp":{"port":"http"},"periodSeconds":10,"timeoutSeconds":2,"failureThreshold":30}}`,
		},
		{
			name: "an override replaces one probe, the others stay",
			svc: `blueprint: "web", port: 8080
	probes: startup: "/started"
	overrides: dev: probes: readiness: tcp: {}`,
			env: "dev",
			want: `{"liveness":{"http":{"path":"/healthz","port":"http"},"periodSeconds":10,"timeoutSeconds":2,"failureThreshold":3},` +
				`"readiness":{"tcp":{"port":"http"},"periodSeconds":5,"timeoutSeconds":2,"failureThreshold":3},` +
				`"startup":{"http":{"path":"/started","port":"http"},"periodSeconds":10,"timeoutSeconds":2,"failureThreshold":30}}`,
		},
		{
			name: "blueprint probes in the object form",
			svc:  `blueprint: "rpc", ports: [{name: "grpc", port: 9090}]`,
			env:  "prod",
			want: `{"liveness":{"grpc":{"port":"grpc"},"periodSeconds":30,"timeoutSeconds":2,"failureThreshold":3},` +
				`"readiness":{"grpc":{"port":"grpc"},"periodSeconds":5,"timeoutSeconds":2,"failureThreshold":3}}`,
		},
		{
			name: "cron: none",
			svc:  `blueprint: "cron", schedule: "@daily"`,
			env:  "prod",
			want: `{}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writePlatform(t, map[string]string{"p.cue": removalPlatform + `
blueprints: rpc: {extends: "worker", probes: {liveness: {grpc: {}, periodSeconds: 30}, readiness: grpc: {}}}
services: api: {
	team: "shop", image: "demo.azurecr.io/api:1.0.0", resources: #res
	` + tt.svc + `
}
`})
			m, err := schemas.Load(dir)
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			w := workload(t, m, tt.env, "api")
			got, err := json.Marshal(w.Probes)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("probes:\n%s\nwant:\n%s", got, tt.want)
			}
		})
	}
}
