package generator

import (
	"sort"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/plinth-dev/plinth/schemas"
)

// The container's configuration (schemas/config.go): environment
// variables, the configuration ConfigMap mounted as files, command and
// args (seed 003 "불변성": configuration outside the image).
const (
	// annoConfigHash on the pod template is the digest of the
	// configuration: a change of it changes the template and rolls the
	// pods, the ConfigMap keeping its name (overlays patch it in place).
	annoConfigHash = "plinth.dev/config-hash"
	configVolume   = "config"
)

// ConfigMapName is the name of a service's configuration ConfigMap.
func ConfigMapName(svc string) string { return svc + "-config" }

// SyncedSecretName is the name of the Secret the Secrets Store CSI driver
// syncs from a service's SecretProviderClass for its environment variables.
func SyncedSecretName(svc string) string { return svc + "-secrets" }

// configMap is the service's configuration, nil when it has none: data
// for environment variables and files for the mount, in one ConfigMap.
func configMap(w schemas.Workload, labels map[string]string) *corev1.ConfigMap {
	c := w.Config
	if c == nil {
		return nil
	}
	cm := &corev1.ConfigMap{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "ConfigMap"},
		ObjectMeta: metav1.ObjectMeta{Name: ConfigMapName(w.Name), Namespace: w.Namespace, Labels: labels},
		Data:       map[string]string{},
	}
	for k, v := range c.Data {
		cm.Data[k] = v
	}
	for k, v := range c.Files {
		cm.Data[k] = v
	}
	return cm
}

// configurePod sets the container's environment, command and args, mounts
// the configuration files read-only and annotates the pod template with
// the configuration's hash.
func configurePod(w schemas.Workload, pod *corev1.PodTemplateSpec) {
	c := &pod.Spec.Containers[0]
	c.Command, c.Args = w.Command, w.Args
	for _, e := range w.Env {
		ev := corev1.EnvVar{Name: e.Name, Value: e.Value}
		switch {
		case e.Secret != "":
			ev.ValueFrom = &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{
				LocalObjectReference: corev1.LocalObjectReference{Name: SyncedSecretName(w.Name)}, Key: e.Key,
			}}
		case e.Config != "":
			ev.ValueFrom = &corev1.EnvVarSource{ConfigMapKeyRef: &corev1.ConfigMapKeySelector{
				LocalObjectReference: corev1.LocalObjectReference{Name: ConfigMapName(w.Name)}, Key: e.Config,
			}}
		}
		c.Env = append(c.Env, ev)
	}
	cfg := w.Config
	if cfg == nil {
		return
	}
	if pod.Annotations == nil {
		pod.Annotations = map[string]string{}
	}
	pod.Annotations[annoConfigHash] = cfg.Hash()
	if len(cfg.Files) == 0 {
		return
	}
	files := make([]string, 0, len(cfg.Files))
	for f := range cfg.Files {
		files = append(files, f)
	}
	sort.Strings(files)
	items := make([]corev1.KeyToPath, len(files))
	for i, f := range files {
		items[i] = corev1.KeyToPath{Key: f, Path: f}
	}
	c.VolumeMounts = append(c.VolumeMounts, corev1.VolumeMount{Name: configVolume, MountPath: cfg.MountPath, ReadOnly: true})
	pod.Spec.Volumes = append(pod.Spec.Volumes, corev1.Volume{Name: configVolume, VolumeSource: corev1.VolumeSource{
		ConfigMap: &corev1.ConfigMapVolumeSource{LocalObjectReference: corev1.LocalObjectReference{Name: ConfigMapName(w.Name)}, Items: items},
	}})
}

// secretObjects make the Secrets Store CSI driver sync the secrets the
// environment variables take into one Secret (while a pod mounts the
// volume): names only, never values.
func secretObjects(w schemas.Workload) []secretObject {
	keys := w.SyncedSecrets()
	if len(keys) == 0 {
		return nil
	}
	return []secretObject{{SecretName: SyncedSecretName(w.Name), Type: string(corev1.SecretTypeOpaque), Data: keys}}
}
