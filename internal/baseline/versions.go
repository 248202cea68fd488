package baseline

import (
	"fmt"
	"strconv"
	"strings"
)

// SupportDate is the day the support table below was last checked. Update
// both together when a minor reaches its end of life.
const SupportDate = "2026-11-30"

// OldestSupported is the oldest Kubernetes minor each provider supports on
// SupportDate (docs/report.md, "Kubernetes version support"):
//
//   - aks: the three newest generally available minors (N-2), 1.35-1.37, plus
//     1.34 until its platform-support end (AKS Kubernetes release calendar);
//   - gke: the minors in standard support, about 14 months after their
//     release in the Regular channel: 1.34-1.37 (GKE release schedule);
//   - generic: the upstream policy of the three newest minors, 1.35-1.37
//     (kubernetes.io/releases).
//
// Long-term-support (AKS LTS, GKE extended) versions are not counted: they
// are paid extensions, attested by hand (waive the finding with a reason).
var OldestSupported = map[string]string{
	"aks":     "1.34",
	"gke":     "1.34",
	"generic": "1.35",
}

// Supported says whether a version's minor is at least the provider's oldest
// supported one, and what the cluster runs.
func Supported(provider, version string) (bool, string) {
	m, ok := Minor(version)
	if !ok {
		return false, fmt.Sprintf("Kubernetes version %q is not a version", version)
	}
	oldest := OldestSupported[provider]
	if oldest == "" {
		oldest = OldestSupported["generic"]
	}
	if minorNumber(m) < minorNumber(oldest) {
		return false, fmt.Sprintf("Kubernetes %s, older than %s, the oldest minor %s supports on %s", m, oldest, providerName(provider), SupportDate)
	}
	return true, fmt.Sprintf("Kubernetes %s (supported on %s from %s)", m, providerName(provider), oldest)
}

func minorNumber(m string) int {
	n, _ := strconv.Atoi(strings.TrimPrefix(m, "1."))
	return n
}

func providerName(p string) string {
	switch p {
	case "aks":
		return "AKS"
	case "gke":
		return "GKE"
	}
	return "upstream Kubernetes"
}
