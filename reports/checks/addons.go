package checks

import (
	"sort"
	"strings"

	"github.com/plinth-dev/plinth/internal/gitops/render"
	"github.com/plinth-dev/plinth/reports"
)

// Baseline add-ons the seeds ask a cluster to run, recognised by the chart
// a Flux HelmRelease or Argo CD Application installs (charts of remote
// repositories are not rendered: the release itself is the evidence) or by
// the image of a workload the repository deploys directly.
type addon struct {
	charts []string // chart names (the last segment of an OCI reference)
	images []string // image repositories' last segment
}

var (
	trivyOperator = addon{charts: []string{"trivy-operator"}, images: []string{"trivy-operator"}}
	certManager   = addon{charts: []string{"cert-manager"}, images: []string{"cert-manager-controller"}}
)

// deployedBy returns the object of cluster c that installs the add-on, or
// nil.
func (ev *evaluator) deployedBy(c string, a addon) *render.Object {
	ws := ev.workloads[c] // in the order of the cluster's objects
	for _, o := range ev.byCluster[c] {
		for _, chart := range releaseCharts(o) {
			if containsName(a.charts, chart) {
				return o
			}
		}
		if len(ws) == 0 || ws[0].o != o {
			continue
		}
		for _, ct := range ws[0].cs {
			if containsName(a.images, imageName(ct.image)) {
				return o
			}
		}
		ws = ws[1:]
	}
	return nil
}

// releaseCharts are the charts a Flux HelmRelease or an Argo CD Application
// installs: chart names, or the last segment of an OCI repository URL.
func releaseCharts(o *render.Object) []string {
	var out []string
	switch {
	case o.Kind == "HelmRelease" && strings.HasPrefix(o.APIVersion, "helm.toolkit.fluxcd.io/"):
		out = append(out, lastSegment(str(o.Value, "spec", "chart", "spec", "chart")))
	case o.Kind == "Application" && strings.HasPrefix(o.APIVersion, "argoproj.io/"):
		sources := listAt(o.Value, "spec", "sources")
		if s := mapAt(o.Value, "spec", "source"); s != nil {
			sources = append(sources, s)
		}
		for _, s := range sources {
			if chart := str(s, "chart"); chart != "" {
				out = append(out, lastSegment(chart))
			} else if repo := str(s, "repoURL"); strings.HasPrefix(repo, "oci://") {
				out = append(out, lastSegment(repo))
			}
		}
	}
	return out
}

func lastSegment(s string) string {
	s = strings.TrimSuffix(s, "/")
	return s[strings.LastIndexByte(s, '/')+1:]
}

// imageName is the last segment of an image's repository, without tag or
// digest.
func imageName(image string) string {
	image, _, _ = strings.Cut(image, "@")
	name := lastSegment(image)
	name, _, _ = strings.Cut(name, ":")
	return name
}

func containsName(names []string, n string) bool {
	for _, x := range names {
		if n != "" && x == n {
			return true
		}
	}
	return false
}

// checkImageRescan: the cluster runs the Trivy Operator, which rescans the
// images of running workloads (seed 004 "5. 이미지 보안 - Trivy").
func checkImageRescan(ev *evaluator) {
	for _, c := range ev.clusters {
		if by := ev.deployedBy(c, trivyOperator); by != nil {
			ev.add(reports.StatusPass, c, "", by.ID(), by, deployedMsg("Trivy Operator", by))
			continue
		}
		if len(ev.byCluster[c]) == 0 {
			continue
		}
		ev.add(reports.StatusFail, c, "", "", nil, reports.M("check.noTrivyOperator").WithFix(ev.control.ID))
	}
}

// checkCertManager: Ingresses that ask cert-manager for a certificate
// (cert-manager.io/cluster-issuer or cert-manager.io/issuer) are served by a
// cert-manager the cluster deploys, and the ClusterIssuers they name are
// deployed too (seed 004 "3. Ingress 컨트롤러 선택").
func checkCertManager(ev *evaluator) {
	for _, c := range ev.clusters {
		issuers := map[string]bool{}
		wanted := map[string][]*render.Object{} // ClusterIssuer name -> Ingresses
		asking := 0
		for _, o := range ev.byCluster[c] {
			switch {
			case o.Kind == "ClusterIssuer" && strings.HasPrefix(o.APIVersion, "cert-manager.io/"):
				issuers[o.Name] = true
			case o.Kind == "Ingress" && strings.HasPrefix(o.APIVersion, "networking.k8s.io/"):
				ci := str(o.Value, "metadata", "annotations", "cert-manager.io/cluster-issuer")
				if ci != "" {
					wanted[ci] = append(wanted[ci], o)
				}
				if ci != "" || str(o.Value, "metadata", "annotations", "cert-manager.io/issuer") != "" {
					asking++
				}
			}
		}
		by := ev.deployedBy(c, certManager)
		if asking == 0 {
			if by != nil {
				ev.add(reports.StatusPass, c, "", by.ID(), by, reports.M("check.certManagerUnused", deployedMsg("cert-manager", by)))
			}
			continue
		}
		if by == nil {
			ev.add(reports.StatusFail, c, "", "", nil, reports.M("check.certManagerMissing", asking).WithFix(ev.control.ID))
			continue
		}
		names := make([]string, 0, len(wanted))
		for n := range wanted {
			names = append(names, n)
		}
		sort.Strings(names)
		failed := false
		for _, n := range names {
			if issuers[n] {
				continue
			}
			failed = true
			ing := wanted[n][0]
			ev.addObj(ing, reports.StatusFail, reports.M("check.clusterIssuerMissing", n, ing.ID(), by.ID()))
		}
		if !failed {
			ev.add(reports.StatusPass, c, "", by.ID(), by, issuersMsg(deployedMsg("cert-manager", by), names))
		}
	}
}

// deployedMsg says which release deploys an add-on, with its chart.
func deployedMsg(addon string, o *render.Object) reports.Msg {
	if charts := releaseCharts(o); len(charts) > 0 {
		return reports.M("check.addonDeployedChart", addon, o.ID(), charts[0])
	}
	return reports.M("check.addonDeployed", addon, o.ID())
}

// issuersMsg adds the ClusterIssuers found deployed to m.
func issuersMsg(m reports.Msg, names []string) reports.Msg {
	if len(names) == 0 {
		return m
	}
	return reports.M("check.clusterIssuersDeployed", m, reports.Names(names))
}
