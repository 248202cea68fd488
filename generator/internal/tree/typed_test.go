package tree

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// TestTypedObjectAsJSON: typedObject gives what encoding/json's text
// decodes to (zero and set times behind omitzero, quantities and
// int-or-strings through their MarshalJSON, nil and empty collections,
// promoted fields, a custom resource's spec behind an interface), and
// declines what it leaves to the text path.
func TestTypedObjectAsJSON(t *testing.T) {
	type withFloat32 struct {
		Ratio float32 `json:"ratio"`
	}
	type withBytes struct {
		Data []byte `json:"data"`
	}
	type withString struct {
		N int `json:"n,string"`
	}
	type inner struct {
		A string `json:"a,omitempty"`
		B int    `json:"b"`
	}
	type colliding struct {
		inner
		A string `json:"a"`
	}
	type embedded struct {
		inner
		C map[string]string `json:"c,omitempty"`
		D []string          `json:"d"`
		E *int              `json:"e,omitempty"`
		F any               `json:"f"`
	}
	replicas := int32(3)
	dep := &appsv1.Deployment{
		TypeMeta:   metav1.TypeMeta{APIVersion: "apps/v1", Kind: "Deployment"},
		ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "a", Labels: map[string]string{"app": "web"}},
		Spec: appsv1.DeploymentSpec{
			Replicas: &replicas,
			Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "web"}},
			Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{Containers: []corev1.Container{{
				Name: "web", Image: "r/web:1",
				Resources: corev1.ResourceRequirements{Limits: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("0.5"), corev1.ResourceMemory: resource.MustParse("128Mi")}},
				Ports:     []corev1.ContainerPort{{ContainerPort: 8080}},
				ReadinessProbe: &corev1.Probe{ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{
					Path: "/ready", Port: intstr.FromString("http")}}},
				LivenessProbe: &corev1.Probe{ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{
					Path: "/<live>&", Port: intstr.FromInt32(8080)}}},
			}}}},
		},
	}
	set := dep.DeepCopy()
	set.CreationTimestamp = metav1.NewTime(time.Date(2026, 12, 1, 5, 0, 0, 0, time.UTC))
	n := 7
	tests := []struct {
		name    string
		v       any
		decline bool
	}{
		{name: "deployment, zero creation time", v: dep},
		{name: "deployment, creation time set", v: set},
		{name: "service account", v: &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "sa"}, AutomountServiceAccountToken: new(false)}},
		{name: "custom resource", v: NewCR("x.example/v1", "Thing", "t", "ns", &embedded{inner: inner{B: 2}, D: []string{}, E: &n, F: map[string]any{"k": 1.5}})},
		{name: "promoted and nil fields", v: &embedded{inner: inner{A: "a"}}},
		{name: "float32", v: &withFloat32{Ratio: 0.1}, decline: true},
		{name: "bytes", v: &withBytes{Data: []byte("x")}, decline: true},
		{name: ",string", v: &withString{N: 1}, decline: true},
		{name: "colliding names", v: &colliding{A: "x"}, decline: true},
		{name: "invalid UTF-8", v: &inner{A: "\xff"}, decline: true},
		{name: "not a pointer", v: inner{A: "a"}, decline: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := typedObject(tc.v)
			if ok == tc.decline {
				t.Fatalf("ok = %v, want %v", ok, !tc.decline)
			}
			if !ok {
				return
			}
			data, err := json.Marshal(tc.v)
			if err != nil {
				t.Fatal(err)
			}
			var want map[string]any
			if err := json.Unmarshal(data, &want); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) || Digest(got) != Digest(want) {
				t.Errorf("direct:\n%v\nJSON:\n%v", got, want)
			}
		})
	}
}
