package helm

import "github.com/plinth-dev/plinth/schemas"

// chartEnv is an environment variable of the chart: a literal value, a key
// of the Secret <name>-secrets the secrets store syncs, or a key of the
// ConfigMap <name>-config.
type chartEnv struct {
	Name      string `json:"name"`
	Value     string `json:"value,omitempty"`
	SecretKey string `json:"secretKey,omitempty"`
	ConfigKey string `json:"configKey,omitempty"`
}

// chartConfig is the configuration ConfigMap <name>-config: data and
// files, the files mounted at mountPath, and the hash of both that the pod
// template carries (computed here, so the chart does not).
type chartConfig struct {
	Hash      string            `json:"hash"`
	Data      map[string]string `json:"data"`
	Files     map[string]string `json:"files"`
	MountPath string            `json:"mountPath"`
}

// configValues sets the configuration values of a workload.
func configValues(v *chartValues, w schemas.Workload) {
	v.Env = []chartEnv{}
	for _, e := range w.Env {
		ce := chartEnv{Name: e.Name, Value: e.Value, ConfigKey: e.Config}
		if e.Secret != "" {
			ce.SecretKey = e.Key
		}
		v.Env = append(v.Env, ce)
	}
	v.Command, v.Args = w.Command, w.Args
	if v.Command == nil {
		v.Command = []string{}
	}
	if v.Args == nil {
		v.Args = []string{}
	}
	if v.Secrets != nil {
		v.Secrets.Sync = w.SyncedSecrets()
	}
	if c := w.Config; c != nil {
		v.Config = &chartConfig{Hash: c.Hash(), Data: c.Data, Files: c.Files, MountPath: c.MountPath}
		if v.Config.Data == nil {
			v.Config.Data = map[string]string{}
		}
		if v.Config.Files == nil {
			v.Config.Files = map[string]string{}
		}
	}
}
