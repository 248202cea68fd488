package tree

import (
	"encoding/json"
	"reflect"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// TestDecodeJSON: decodeJSON gives encoding/json's values, or declines.
func TestDecodeJSON(t *testing.T) {
	dep := &appsv1.Deployment{
		TypeMeta:   metav1.TypeMeta{APIVersion: "apps/v1", Kind: "Deployment"},
		ObjectMeta: metav1.ObjectMeta{Name: "web", Labels: map[string]string{"a": "<&>"}},
		Spec: appsv1.DeploymentSpec{Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{Containers: []corev1.Container{{
			Name: "web", Resources: corev1.ResourceRequirements{Limits: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("500m")}},
		}}}}},
	}
	typed, err := json.Marshal(dep)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		data   string
		direct bool
	}{
		{string(typed), false}, // "<&>" is escaped
		{`{"a":1,"b":[true,false,null,"x",-0.5e-3,{}],"c":{"d":[]},"서":"비스"}`, true},
		{` { "a" : 1 , "a" : 2 } `, true},
		{`{"a":"\n"}`, false},
		{`{"a":"\u00e9"}`, false},
		{"{\"a\":\"\xff\"}", false},
		{`{"a":1e400}`, false},
		{`{"a":01}`, false},
		{`{"a":1.}`, false},
		{`{"a":-}`, false},
		{`{"a":1,}`, false},
		{`{"a" 1}`, false},
		{`[1,2]`, true},
		{`null`, true},
		{`{"a":tru}`, false},
		{`{}x`, false},
	}
	for _, c := range cases {
		got, ok := decodeJSON([]byte(c.data))
		if ok != c.direct {
			t.Errorf("%s: decoded directly %v, want %v", c.data, ok, c.direct)
		}
		if !ok {
			continue
		}
		var want any
		if err := json.Unmarshal([]byte(c.data), &want); err != nil {
			t.Errorf("%s: decoded directly, encoding/json: %v", c.data, err)
		} else if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: got %#v, want %#v", c.data, got, want)
		}
	}
	o, err := FromTyped(dep)
	if err != nil || o.Name != "web" {
		t.Fatalf("FromTyped: %v %+v", err, o)
	}
}

// FuzzDecodeJSON: what decodeJSON decodes, encoding/json decodes the same.
func FuzzDecodeJSON(f *testing.F) {
	f.Add([]byte(`{"a":1,"b":[true,false,null,"x",-0.5e-3,{}],"c":{"d":[]}}`))
	f.Add([]byte(`[1e5, 0, -0, 1E+2]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		got, ok := decodeJSON(data)
		if !ok {
			return
		}
		var want any
		if err := json.Unmarshal(data, &want); err != nil {
			t.Fatalf("%q: decoded directly to %#v, encoding/json: %v", data, got, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%q: got %#v, want %#v", data, got, want)
		}
	})
}
