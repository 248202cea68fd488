package schemas_test

import (
	"reflect"
	"testing"

	"github.com/plinth-dev/plinth/schemas"
)

// TestConfigOverrides checks env, config, command and args per
// environment: an override sets or changes variables and configuration
// keys by name, replaces command, args and mountPath; variables come out
// sorted; the hash follows the configuration.
func TestConfigOverrides(t *testing.T) {
	svc := `
services: api: {
	team: "shop", blueprint: "web", image: "demo.azurecr.io/api:1.0.0", port: 8080, resources: #res
	env: {B: "1", A: {config: "level"}}
	config: {data: level: "info", files: "app.yaml": "x: 1"}
	command: ["/api"]
	overrides: dev: {env: {B: "2", C: "3"}, config: {data: level: "debug", mountPath: "/etc/conf"}, args: ["-v"]}
	overrides: prod: {command: [], config: files: "app.yaml": "x: 2"}
}
`
	m, err := schemas.Load(writePlatform(t, map[string]string{"p.cue": removalPlatform + svc}))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		env           string
		wantEnv       []schemas.EnvVar
		wantConfig    schemas.Config
		command, args []string
	}{
		{"dev", []schemas.EnvVar{{Name: "A", Config: "level"}, {Name: "B", Value: "2"}, {Name: "C", Value: "3"}},
			schemas.Config{Data: map[string]string{"level": "debug"}, Files: map[string]string{"app.yaml": "x: 1"}, MountPath: "/etc/conf"},
			[]string{"/api"}, []string{"-v"}},
		{"staging", []schemas.EnvVar{{Name: "A", Config: "level"}, {Name: "B", Value: "1"}},
			schemas.Config{Data: map[string]string{"level": "info"}, Files: map[string]string{"app.yaml": "x: 1"}, MountPath: "/etc/api"},
			[]string{"/api"}, nil},
		{"prod", []schemas.EnvVar{{Name: "A", Config: "level"}, {Name: "B", Value: "1"}},
			schemas.Config{Data: map[string]string{"level": "info"}, Files: map[string]string{"app.yaml": "x: 2"}, MountPath: "/etc/api"},
			nil, nil},
	} {
		w := workload(t, m, tc.env, "api")
		if !reflect.DeepEqual(w.Env, tc.wantEnv) {
			t.Errorf("%s: env %+v, want %+v", tc.env, w.Env, tc.wantEnv)
		}
		if w.Config == nil || !reflect.DeepEqual(*w.Config, tc.wantConfig) {
			t.Errorf("%s: config %+v, want %+v", tc.env, w.Config, tc.wantConfig)
		}
		if !reflect.DeepEqual(w.Command, tc.command) || !reflect.DeepEqual(w.Args, tc.args) {
			t.Errorf("%s: command %q args %q, want %q %q", tc.env, w.Command, w.Args, tc.command, tc.args)
		}
	}
	hash := func(env string) string { w := workload(t, m, env, "api"); return w.Config.Hash() }
	if hash("staging") == hash("prod") || hash("staging") == hash("dev") || hash("staging") == "" {
		t.Errorf("config hashes staging %q, prod %q, dev %q: want different ones for different configurations", hash("staging"), hash("prod"), hash("dev"))
	}
}

// TestSecretEnvWarning checks that a variable from a secret in a
// production environment is a warning of rule secret-env at its line
// (validate exits 0, --strict 1), and that other tiers do not warn.
func TestSecretEnvWarning(t *testing.T) {
	tests := []struct {
		name, env string
		wantLine  int // 0: no warning
	}{
		{"staging", `overrides: staging: env: DB: {secret: "db-password"}`, 0},
		{"production", `overrides: prod: env: DB: {secret: "db-password"}`, 8},
		{"staging and production", `overrides: staging: env: DB: {secret: "db-password"}
	overrides: prod: env: DB: {secret: "db-password"}`, 9},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			svc := `
services: api: {
	team: "shop", blueprint: "web", image: "demo.azurecr.io/api:1.0.0", port: 8080, resources: #res
	identity: clientID: "3f9a1c2e-5b7d-4e8f-9a0b-1c2d3e4f5a6b"
	secrets: {keyVault: "shop-kv", objects: ["db-password"]}
	overrides: staging: ingress: null
	overrides: dev: {identity: null, secrets: null}
	` + tc.env + `
}
`
			m, err := schemas.Load(writePlatform(t, map[string]string{"p.cue": removalPlatform + svc}))
			if err != nil {
				t.Fatal(err)
			}
			var got []*schemas.Error
			for _, w := range m.Warnings {
				if w.Rule == "secret-env" {
					got = append(got, w)
				}
			}
			switch {
			case tc.wantLine == 0 && len(got) > 0:
				t.Errorf("want no secret-env warning, got %v", got)
			case tc.wantLine > 0 && (len(got) != 1 || got[0].Pos.Line != tc.wantLine+countLines(removalPlatform)):
				t.Errorf("want one secret-env warning on line %d, got %v", tc.wantLine+countLines(removalPlatform), got)
			}
		})
	}
}

func countLines(s string) int {
	n := 0
	for _, r := range s {
		if r == '\n' {
			n++
		}
	}
	return n
}
