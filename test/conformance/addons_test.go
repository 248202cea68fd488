package conformance

import (
	"testing"

	"github.com/plinth-dev/plinth/schemas"
)

// checkAddonObjects makes sure the objects plinth writes for the addons of a
// cluster (the ClusterIssuer of the cert-manager blueprint) were rendered,
// so that applying them is not vacuous.
func checkAddonObjects(t *testing.T, m *schemas.Model, cluster schemas.Cluster, r *Rendered) {
	t.Helper()
	want := map[string]bool{}
	for _, a := range m.Addons {
		if a.Issuer != nil && a.InstallsOn(cluster.Provider) {
			want["ClusterIssuer/"+a.Issuer.Name] = true
		}
	}
	for _, o := range r.Objects {
		delete(want, o.Value.GetKind()+"/"+o.Value.GetName())
	}
	for k := range want {
		t.Errorf("cluster %s: %s of an addon blueprint not rendered", cluster.Name, k)
	}
}
