package schemas

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"path"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation"
)

// The configuration of a service's container: environment variables,
// configuration data and files (one ConfigMap), command and args. Seed 003
// "불변성" (immutability): the same image runs in every environment, its
// configuration kept outside it as environment variables or files mounted
// at a path.

// EnvVar is one environment variable of a workload's container: a literal
// Value, an object of the workload's secrets (Secret, through the Secret
// the Secrets Store CSI driver syncs, at Key), or a key of its
// configuration data (Config).
type EnvVar struct {
	Name   string `json:"name"`
	Value  string `json:"value,omitempty"`
	Secret string `json:"secret,omitempty"` // an object of Secrets.Objects
	Key    string `json:"key,omitempty"`    // the key in the synced Secret (the object's name unless set)
	Config string `json:"config,omitempty"` // a key of Config.Data
}

// Config is a workload's configuration: Data (key/values for env) and
// Files (file name -> contents, mounted read-only at MountPath), one
// ConfigMap. It is nil when neither holds anything.
type Config struct {
	Data      map[string]string `json:"data,omitempty"`
	Files     map[string]string `json:"files,omitempty"`
	MountPath string            `json:"mountPath"` // /etc/<service> unless set
}

// Hash is a digest of the configuration's data and files: the pod template
// carries it, so a change of the configuration rolls the pods.
func (c *Config) Hash() string {
	if c == nil {
		return ""
	}
	// encoding/json writes map keys sorted: the same content, the same hash.
	b, err := json.Marshal(struct {
		Data  map[string]string `json:"data"`
		Files map[string]string `json:"files"`
	}{c.Data, c.Files})
	if err != nil {
		return "" // maps of strings always marshal
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:8])
}

// SecretKey is an object of the secrets, synced into a Secret at Key.
type SecretKey struct {
	Object string `json:"objectName"`
	Key    string `json:"key"`
}

// SyncedSecrets are the objects the environment variables take, each at
// its key of the synced Secret, sorted by key; nil when none.
func (w *Workload) SyncedSecrets() []SecretKey {
	var out []SecretKey
	for _, e := range w.Env {
		if e.Secret != "" && !slices.ContainsFunc(out, func(s SecretKey) bool { return s.Key == e.Key }) {
			out = append(out, SecretKey{Object: e.Secret, Key: e.Key})
		}
	}
	slices.SortFunc(out, func(a, b SecretKey) int { return strings.Compare(a.Key, b.Key) })
	return out
}

// maxConfigBytes is what a ConfigMap holds at most (the API server's limit).
const maxConfigBytes = 1 << 20

// secretsMountPath is where the Secrets Store CSI driver mounts the
// service's secrets (the generator's mount).
const secretsMountPath = "/mnt/secrets-store"

// rawEnvValue is an env value as declared: a string, {secret, key?} or
// {config}. Other shapes decode to nothing (the schema reports them).
type rawEnvValue struct {
	Literal *string
	Secret  *string `json:"secret"`
	Key     *string `json:"key"`
	Config  *string `json:"config"`
}

func (v *rawEnvValue) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*v = rawEnvValue{Literal: &s}
		return nil
	}
	var o struct {
		Secret *string `json:"secret"`
		Key    *string `json:"key"`
		Config *string `json:"config"`
	}
	_ = json.Unmarshal(b, &o) // best effort: the schema reports another shape
	*v = rawEnvValue{Secret: o.Secret, Key: o.Key, Config: o.Config}
	return nil
}

type rawConfig struct {
	Data      map[string]string `json:"data"`
	Files     map[string]string `json:"files"`
	MountPath *string           `json:"mountPath"`
}

// applyConfig applies the configuration fields of one declaration (the
// service, then overrides.<env>) to w: variables and configuration keys
// are set or changed by name, command, args and mountPath replaced.
func applyConfig(w *Workload, f *rawWorkload) {
	for _, name := range sortedKeys(f.Env) {
		v := f.Env[name]
		ev := EnvVar{Name: name, Value: deref(v.Literal), Secret: deref(v.Secret), Key: deref(v.Key), Config: deref(v.Config)}
		if i := slices.IndexFunc(w.Env, func(e EnvVar) bool { return e.Name == name }); i >= 0 {
			w.Env[i] = ev
		} else {
			w.Env = append(w.Env, ev)
		}
	}
	if c := f.Config; c != nil {
		if w.Config == nil {
			w.Config = &Config{}
		}
		w.Config.Data = mergeStrings(w.Config.Data, c.Data)
		w.Config.Files = mergeStrings(w.Config.Files, c.Files)
		setStr(&w.Config.MountPath, c.MountPath)
	}
	if f.Command != nil {
		w.Command = slices.Clone(f.Command)
	}
	if f.Args != nil {
		w.Args = slices.Clone(f.Args)
	}
}

// finishConfig sorts the variables, drops an empty configuration and
// defaults its mount path.
func finishConfig(w *Workload) {
	slices.SortFunc(w.Env, func(a, b EnvVar) int { return strings.Compare(a.Name, b.Name) })
	for i, e := range w.Env {
		if e.Secret != "" && e.Key == "" {
			w.Env[i].Key = e.Secret
		}
	}
	if c := w.Config; c != nil {
		if len(c.Data) == 0 && len(c.Files) == 0 {
			w.Config = nil
		} else if c.MountPath == "" {
			c.MountPath = "/etc/" + w.Name
		}
	}
	if len(w.Command) == 0 {
		w.Command = nil
	}
	if len(w.Args) == 0 {
		w.Args = nil
	}
}

func mergeStrings(dst, src map[string]string) map[string]string {
	if len(src) == 0 {
		return dst
	}
	if dst == nil {
		dst = make(map[string]string, len(src))
	}
	for k, v := range src {
		dst[k] = v
	}
	return dst
}

// checkConfigFields checks the configuration fields of one declaration at
// path at: names of variables, keys and files, the shape of references and
// the mount path.
func (l *loader) checkConfigFields(f *rawWorkload, at []string) {
	for _, name := range sortedKeys(f.Env) {
		eat := appendPath(at, "env", name)
		if errs := validation.IsCIdentifier(name); len(errs) > 0 {
			l.addAt("env-name", eat, "environment variable name %q is not a C identifier: use letters, digits and '_', not starting with a digit (e.g. LOG_LEVEL)", name)
		}
		v := f.Env[name]
		if v.Secret != nil && *v.Secret == "" {
			l.addAt("env-secret", appendPath(eat, "secret"), "secret must name an object of the service's secrets.objects")
		}
		if k := v.Key; k != nil && len(validation.IsConfigMapKey(*k)) > 0 {
			l.addAt("env-secret", appendPath(eat, "key"), "key %q is not a Secret key: use letters, digits, '-', '_' and '.'", *k)
		}
		if v.Config != nil && *v.Config == "" {
			l.addAt("env-config", appendPath(eat, "config"), "config must name a key of the service's config.data")
		}
	}
	c := f.Config
	if c == nil {
		return
	}
	cat := appendPath(at, "config")
	for _, part := range []struct {
		field, what string
		m           map[string]string
	}{{"data", "configuration key", c.Data}, {"files", "file name", c.Files}} {
		for _, k := range sortedKeys(part.m) {
			if errs := validation.IsConfigMapKey(k); len(errs) > 0 {
				l.addAt("config-key", appendPath(cat, part.field, k), "%s %q is not a ConfigMap key: use letters, digits, '-', '_' and '.' (a file name without directories)", part.what, k)
			}
		}
	}
	if p := c.MountPath; p != nil {
		if msg := mountPathProblem(*p); msg != "" {
			l.addAt("config-path", appendPath(cat, "mountPath"), "mountPath %q %s", *p, msg)
		}
	}
}

// mountPathProblem says what is wrong with a configuration mount path, or "".
func mountPathProblem(p string) string {
	under := func(dir string) bool { return p == dir || strings.HasPrefix(p, dir+"/") }
	switch {
	case !strings.HasPrefix(p, "/") || path.Clean(p) != p:
		return "must be a clean absolute path such as \"/etc/app\""
	case p == "/":
		return "would hide the container's root filesystem: use a directory such as \"/etc/app\""
	case under("/tmp"):
		return "lies in /tmp, the pod's writable scratch directory: use a directory such as \"/etc/app\""
	case under(secretsMountPath) || strings.HasPrefix(secretsMountPath, p+"/"):
		return "overlaps " + secretsMountPath + ", where the service's secrets are mounted: use a directory such as \"/etc/app\""
	}
	return ""
}

// azureIdentityEnv are the variables the Azure Workload Identity webhook
// sets in pods of a service with an Azure identity.
var azureIdentityEnv = []string{"AZURE_AUTHORITY_HOST", "AZURE_CLIENT_ID", "AZURE_FEDERATED_TOKEN_FILE", "AZURE_TENANT_ID"}

// checkConfigRefs checks, in every environment, what the variables of each
// workload refer to, as the fields hold there after overrides: objects of
// its secrets (synced into a Secret, which GKE's Secret Manager add-on does
// not do), keys of its configuration data, and names nothing else sets in
// the container (the Azure Workload Identity webhook's variables, the
// service links Kubernetes adds for the Services of the namespace), and
// that its configuration fits a ConfigMap.
func (l *loader) checkConfigRefs(m *Model) {
	for _, env := range m.Environments {
		links := map[string]map[string]string{} // namespace -> variable -> Service
		for _, w := range env.Workloads {
			if w.Port == 0 {
				continue
			}
			if links[w.Namespace] == nil {
				links[w.Namespace] = map[string]string{}
			}
			p := strings.ToUpper(strings.ReplaceAll(w.Name, "-", "_"))
			for _, v := range []string{p + "_SERVICE_HOST", p + "_SERVICE_PORT", p + "_PORT"} {
				links[w.Namespace][v] = w.Name
			}
		}
		for _, w := range env.Workloads {
			l.checkWorkloadEnv(env.Name, w, links[w.Namespace])
		}
	}
}

func (l *loader) checkWorkloadEnv(envName string, w Workload, links map[string]string) {
	synced := map[string]string{} // key of the synced Secret -> object
	for _, e := range w.Env {
		at := l.declaredAt(w.Name, envName, "env")
		at = appendPath(at, e.Name)
		if !l.user.LookupPath(makePath(at)).Exists() {
			at = []string{"services", w.Name, "env", e.Name}
		}
		switch {
		case e.Secret != "":
			sat := appendPath(at, "secret")
			switch {
			case w.Secrets == nil:
				l.addEnv("env-secret", sat, envName, "%s takes secret %q, but the service has no secrets: declare secrets: {keyVault: ..., objects: [%q]}", e.Name, e.Secret, e.Secret)
			case !slices.Contains(w.Secrets.Objects, e.Secret):
				l.addEnv("env-secret", sat, envName, "%s takes secret %q, which is not one of secrets.objects: %s", e.Name, e.Secret, choices(e.Secret, slices.Sorted(slices.Values(w.Secrets.Objects))))
			case w.Secrets.Provider() == "gke":
				l.addEnv("env-secret", sat, envName, "%s takes secret %q, but GKE's Secret Manager add-on mounts secrets as files only and syncs no Kubernetes Secret: read %s/%s instead", e.Name, e.Secret, secretsMountPath, e.Secret)
			case synced[e.Key] != "" && synced[e.Key] != e.Secret:
				l.addEnv("env-secret", appendPath(at, "key"), envName, "%s stores secret %q at key %q of the synced Secret, where secret %q already is: use another key", e.Name, e.Secret, e.Key, synced[e.Key])
			default:
				synced[e.Key] = e.Secret
			}
		case e.Config != "":
			if w.Config == nil || !hasKey(w.Config.Data, e.Config) {
				var keys []string
				if w.Config != nil {
					keys = sortedKeys(w.Config.Data)
				}
				l.addEnv("env-config", appendPath(at, "config"), envName, "%s takes config key %q, which config.data does not declare: %s", e.Name, e.Config, choices(e.Config, keys))
			}
		}
		if w.Identity.Provider() == "aks" && slices.Contains(azureIdentityEnv, e.Name) {
			l.addEnv("env-duplicate", at, envName, "%s is set by the Azure Workload Identity webhook in pods of a service with identity.clientID (from its service account): remove it", e.Name)
		}
		if svc, ok := links[e.Name]; ok {
			l.addEnv("env-duplicate", at, envName, "%s is a service link variable Kubernetes sets for Service %q of the namespace: use another name", e.Name, svc)
		}
	}
	if c := w.Config; c != nil {
		cat := l.declaredAt(w.Name, envName, "config")
		size := 0
		for _, k := range sortedKeys(c.Files) {
			if hasKey(c.Data, k) {
				l.addEnv("config-key", appendPath(cat, "files", k), envName, "%q is both a key of config.data and a file of config.files: they share one ConfigMap, rename one", k)
			}
			size += len(k) + len(c.Files[k])
		}
		for k, v := range c.Data {
			size += len(k) + len(v)
		}
		if size > maxConfigBytes {
			l.addEnv("config-key", cat, envName, "the configuration is %d bytes: a ConfigMap holds at most %d; keep large files in the image or a volume", size, maxConfigBytes)
		}
	}
}

func hasKey(m map[string]string, k string) bool {
	_, ok := m[k]
	return ok
}

// secretEnvWarnings warn of every production workload that takes an
// environment variable from a secret: the schema allows it, but plinth
// report fails PLN-SEC-033 on it (CIS 5.4.1: secrets as files).
func (l *loader) secretEnvWarnings(m *Model) Errors {
	var warns Errors
	for _, env := range m.Environments {
		if env.Tier != "production" {
			continue
		}
		for _, w := range env.Workloads {
			for _, e := range w.Env {
				if e.Secret == "" {
					continue
				}
				at := appendPath(l.declaredAt(w.Name, env.Name, "env"), e.Name)
				if !l.user.LookupPath(makePath(at)).Exists() {
					at = []string{"services", w.Name, "env", e.Name}
				}
				warns = append(warns, &Error{Pos: l.pathPos(at), Path: pathString(at), Rule: secretEnvRule,
					Msg: fmt.Sprintf("production environment %q: %s takes secret %q through an environment variable, which fails PLN-SEC-033 in plinth report (CIS 5.4.1); read the file %s/%s instead", env.Name, e.Name, e.Secret, secretsMountPath, e.Secret)})
			}
		}
	}
	return warns
}

// secretEnvRule is the rule of the warning above.
const secretEnvRule = "secret-env"

func init() {
	for rule, help := range map[string]string{
		"env-name":      "Environment variable names are C identifiers.",
		"env-secret":    "An environment variable from a secret names an object of the service's secrets, on a store that syncs it into a Secret (Key Vault).",
		"env-config":    "An environment variable from the configuration names a key of config.data.",
		"env-duplicate": "Environment variables do not collide with the ones the platform sets (Workload Identity, service links).",
		"config-key":    "Configuration keys and file names are ConfigMap keys, each once, within 1 MiB.",
		"config-path":   "The configuration mount path is a clean absolute directory, not /, /tmp or the secrets mount.",
		secretEnvRule:   "A production workload takes no secret through an environment variable (a warning: PLN-SEC-033).",
	} {
		ruleHelp[rule] = help
	}
}
