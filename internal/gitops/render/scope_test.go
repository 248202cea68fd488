package render

import (
	"testing"

	"github.com/plinth-dev/plinth/internal/gitops/source"
)

func TestScopeFromCRDs(t *testing.T) {
	files := map[string][]byte{
		// A CRD elsewhere in the repository, never deployed here.
		"crds/global.yaml": []byte(`apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: globalnetworkpolicies.crd.projectcalico.org
spec:
  group: crd.projectcalico.org
  scope: Cluster
  names: {kind: GlobalNetworkPolicy, plural: globalnetworkpolicies}
`),
		"app/kustomization.yaml": []byte("resources: [objects.yaml]\nnamespace: team\n"),
		"app/objects.yaml": []byte(`apiVersion: crd.projectcalico.org/v1
kind: GlobalNetworkPolicy
metadata:
  name: deny
---
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: verify
---
apiVersion: cluster.x-k8s.io/v1beta1
kind: Cluster
metadata:
  name: workload
---
apiVersion: example.com/v1
kind: ClusterThing
metadata:
  name: x
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: clusterthings.example.com
spec:
  group: example.com
  scope: Namespaced
  names: {kind: ClusterThing, plural: clusterthings}
`),
	}
	res := Render(source.FromFiles("c", files), Options{})
	for kind, want := range map[string]string{"GlobalNetworkPolicy": "", "ClusterPolicy": "", "Cluster": "team", "ClusterThing": "team"} {
		var o *Object
		for i := range res.Objects {
			if res.Objects[i].Kind == kind && res.Objects[i].File == "app/objects.yaml" {
				o = &res.Objects[i]
			}
		}
		if o == nil {
			t.Fatalf("%s not rendered: %+v", kind, res.Objects)
		}
		if o.Namespace != want || o.ClusterScoped() != (want == "") {
			t.Errorf("%s: namespace %q, cluster-scoped %v; want %q", kind, o.Namespace, o.ClusterScoped(), want)
		}
	}
	if !ClusterScoped("ClusterPolicy") || ClusterScoped("ClusterServiceVersion") || ClusterScoped("Deployment") {
		t.Error("ClusterScoped by kind")
	}
}
