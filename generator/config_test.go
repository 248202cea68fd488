package generator

import (
	"testing"

	"github.com/plinth-dev/plinth/schemas"
)

// configModel is egressModel with api's configuration set in each
// environment (lab, then live): variables, configuration, command and
// args, and Key Vault secrets on an aks cluster.
func configModel(lab, live func(w *schemas.Workload)) *schemas.Model {
	m := egressModel(nil, nil, nil)
	m.Clusters[0].Provider = "aks"
	for i, f := range []func(w *schemas.Workload){lab, live} {
		w := &m.Environments[i].Workloads[0]
		w.Identity = &schemas.Identity{ClientID: "3f9a1c2e-5b7d-4e8f-9a0b-1c2d3e4f5a6b"}
		w.Secrets = &schemas.Secrets{KeyVault: "shop-kv", Objects: []string{"db-password", "api-key"}}
		f(w)
	}
	return m
}

// TestConfiguration checks the container's variables, command and args,
// the configuration ConfigMap, its mount and the hash annotation, and the
// Secret the SecretProviderClass syncs, per environment. generateChecked
// builds every overlay and renders the chart for every values file, so
// both flavors are checked to deploy exactly these objects.
func TestConfiguration(t *testing.T) {
	files := map[string]string{"app.yaml": "level: info\n"}
	base := func(w *schemas.Workload) {
		w.Env = []schemas.EnvVar{{Name: "A_LITERAL", Value: "1"}, {Name: "EMPTY"}, {Name: "LEVEL", Config: "level"}}
		w.Config = &schemas.Config{Data: map[string]string{"level": "info"}, Files: files, MountPath: "/etc/api"}
		w.Command, w.Args = []string{"/api"}, []string{"--port", "8080"}
	}
	tests := []struct {
		name      string
		lab, live func(w *schemas.Workload)
		// want* are, in lab: the container's env, command and args; the
		// ConfigMap's data ("" for none); the SecretProviderClass's
		// secretObjects ("" for none); the config volume ("" for none).
		wantEnv, wantCommand, wantArgs, wantCM, wantSync, wantVolume string
		// sameHash: whether lab's pod template carries live's hash.
		sameHash bool
	}{
		{
			name: "literal and config variables, files, command and args", lab: base, live: base,
			wantEnv: `
- {name: A_LITERAL, value: "1"}
- {name: EMPTY}
- {name: LEVEL, valueFrom: {configMapKeyRef: {name: api-config, key: level}}}
`,
			wantCommand: `["/api"]`, wantArgs: `["--port", "8080"]`,
			wantCM:     `{level: info, app.yaml: "level: info\n"}`,
			wantVolume: `{name: config, configMap: {name: api-config, items: [{key: app.yaml, path: app.yaml}]}}`,
			sameHash:   true,
		},
		{
			name: "a secret in lab only, another level there",
			lab: func(w *schemas.Workload) {
				base(w)
				w.Env = append(w.Env, schemas.EnvVar{Name: "DB", Secret: "db-password", Key: "db-password"},
					schemas.EnvVar{Name: "DB_AGAIN", Secret: "db-password", Key: "db-password"})
				w.Config = &schemas.Config{Data: map[string]string{"level": "debug"}, Files: files, MountPath: "/etc/api"}
			},
			live: base,
			wantEnv: `
- {name: A_LITERAL, value: "1"}
- {name: EMPTY}
- {name: LEVEL, valueFrom: {configMapKeyRef: {name: api-config, key: level}}}
- {name: DB, valueFrom: {secretKeyRef: {name: api-secrets, key: db-password}}}
- {name: DB_AGAIN, valueFrom: {secretKeyRef: {name: api-secrets, key: db-password}}}
`,
			wantCommand: `["/api"]`, wantArgs: `["--port", "8080"]`,
			wantCM:     `{level: debug, app.yaml: "level: info\n"}`,
			wantSync:   `[{secretName: api-secrets, type: Opaque, data: [{objectName: db-password, key: db-password}]}]`,
			wantVolume: `{name: config, configMap: {name: api-config, items: [{key: app.yaml, path: app.yaml}]}}`,
		},
		{
			name: "data only in lab, nothing in live",
			lab: func(w *schemas.Workload) {
				w.Env = []schemas.EnvVar{{Name: "LEVEL", Config: "level"}}
				w.Config = &schemas.Config{Data: map[string]string{"level": "debug"}, MountPath: "/etc/api"}
			},
			live:    func(*schemas.Workload) {},
			wantEnv: `[{name: LEVEL, valueFrom: {configMapKeyRef: {name: api-config, key: level}}}]`,
			wantCM:  `{level: debug}`,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out := generateChecked(t, configModel(tc.lab, tc.live))
			hashes := map[string]any{}
			for _, env := range []string{"lab", "live"} {
				got := map[string]any{}
				for _, o := range build(t, out, "apps/"+env) {
					switch {
					case o["kind"] == "Deployment" && dig(o, "metadata", "name") == "api":
						pod, _ := dig(o, "spec", "template").(map[string]any)
						hashes[env] = dig(pod, "metadata", "annotations", annoConfigHash)
						c := dig(pod, "spec", "containers").([]any)[0].(map[string]any)
						got["env"], got["command"], got["args"] = c["env"], c["command"], c["args"]
						for _, v := range dig(pod, "spec", "volumes").([]any) {
							if v.(map[string]any)["name"] == configVolume {
								got["volume"] = v
							}
						}
					case o["kind"] == "ConfigMap" && dig(o, "metadata", "name") == "api-config":
						got["cm"] = o["data"]
					case o["kind"] == "SecretProviderClass":
						got["sync"] = dig(o, "spec", "secretObjects")
					}
				}
				if env != "lab" {
					continue
				}
				for _, c := range []struct{ what, want string }{
					{"env", tc.wantEnv}, {"command", tc.wantCommand}, {"args", tc.wantArgs},
					{"cm", tc.wantCM}, {"sync", tc.wantSync}, {"volume", tc.wantVolume},
				} {
					if g, w, ok := sameYAML(t, got[c.what], c.want); !ok {
						t.Errorf("lab %s:\n%s\nwant:\n%s", c.what, g, w)
					}
				}
				if (hashes["lab"] == nil) != (tc.wantCM == "") {
					t.Errorf("lab pod template config hash %v with ConfigMap %q", hashes["lab"], tc.wantCM)
				}
			}
			if same := hashes["lab"] == hashes["live"]; same != tc.sameHash {
				t.Errorf("config hash lab %v, live %v: same = %v, want %v", hashes["lab"], hashes["live"], same, tc.sameHash)
			}
		})
	}
}
