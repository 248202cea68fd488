package checks

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/plinth-dev/plinth/internal/gitops/render"
	"github.com/plinth-dev/plinth/reports"
)

// problemMsg is the message of a rendering problem: its format (the
// message ID, translated where the catalog has it) and arguments when it
// was made of them, else its text as it is. The arguments, what a
// rendering tool said (kustomize, Helm, jsonnet errors) included, are
// shown as they are.
func problemMsg(p render.Problem) reports.Msg { return ProblemMsg(p) }

// ProblemMsg is problemMsg, for the scan's coverage.
func ProblemMsg(p render.Problem) reports.Msg {
	if p.Format != "" {
		parts := strings.Split(p.Args, render.ArgSep)
		if p.Args == "" {
			parts = nil
		}
		args := make([]any, len(parts))
		for i, a := range parts {
			args[i] = a
		}
		if fmt.Sprintf(p.Format, args...) == p.Message {
			return reports.M(p.Format, args...)
		}
	}
	return reports.M("msg.text", p.Message)
}

// declaredPhrases are the descriptions the declared rules give of a
// cluster (internal/baseline Rule.Check and Supported), each with the
// message it is: its submatches are the message's arguments.
var declaredPhrases = []struct {
	re *regexp.Regexp
	id string
}{
	{regexp.MustCompile(`^no Azure AD integration$`), "decl.noAAD"},
	{regexp.MustCompile(`^Azure AD integration, but local accounts \(static admin credentials\) enabled$`), "decl.aadLocalAccounts"},
	{regexp.MustCompile(`^Azure AD integration$`), "decl.aad"},
	{regexp.MustCompile(`^network policy engine (.*)$`), "decl.networkPolicy"},
	{regexp.MustCompile(`^private API server$`), "decl.privateAPI"},
	{regexp.MustCompile(`^API server restricted to authorized IP ranges (.*)$`), "decl.authorizedRanges"},
	{regexp.MustCompile(`^public API server without authorized IP ranges$`), "decl.publicAPI"},
	{regexp.MustCompile(`^Key Vault Secrets Store CSI driver (.*)$`), "decl.keyVaultCSI"},
	{regexp.MustCompile(`^Defender for Containers (.*)$`), "decl.defender"},
	{regexp.MustCompile(`^Workload Identity (.*)$`), "decl.workloadIdentity"},
	{regexp.MustCompile(`^Azure Policy add-on (.*)$`), "decl.azurePolicy"},
	{regexp.MustCompile(`^(\d+) availability zone\(s\)$`), "decl.zones"},
	{regexp.MustCompile(`^no node pool minimum$`), "decl.noNodeMinimum"},
	{regexp.MustCompile(`^node pool minimum of (\d+) node\(s\)$`), "decl.nodeMinimum"},
	{regexp.MustCompile(`^cluster autoscaler (.*)$`), "decl.autoscaler"},
	{regexp.MustCompile(`^Container Insights (.*)$`), "decl.monitoring"},
	{regexp.MustCompile(`^network plugin (.*)$`), "decl.networkPlugin"},
	{regexp.MustCompile(`^upgrade channel (.*)$`), "decl.upgradeChannel"},
	{regexp.MustCompile(`^no maintenance window$`), "decl.noMaintenanceWindow"},
	{regexp.MustCompile(`^maintenance window (.*)$`), "decl.maintenanceWindow"},
	{regexp.MustCompile(`^production shares the cluster with (.*)$`), "decl.sharedCluster"},
	{regexp.MustCompile(`^environments isolated$`), "decl.isolated"},
	{regexp.MustCompile(`^Kubernetes version (".*") is not a version$`), "decl.badVersion"},
	{regexp.MustCompile(`^Kubernetes (\S+), older than (\S+), the oldest minor (.+) supports on (\S+)$`), "decl.oldVersion"},
	{regexp.MustCompile(`^Kubernetes (\S+) \(supported on (.+) from (\S+)\)$`), "decl.supportedVersion"},
}

// whatMsg is the message of a declared rule's description of a cluster;
// one no phrase matches is shown as it is (TestDeclaredPhrases keeps every
// rule's descriptions matched).
func whatMsg(what string) reports.Msg {
	for _, p := range declaredPhrases {
		if m := p.re.FindStringSubmatch(what); m != nil {
			args := make([]any, 0, len(m)-1)
			for _, a := range m[1:] {
				args = append(args, valueMsg(a))
			}
			return reports.M(p.id, args...)
		}
	}
	return reports.M("msg.text", what)
}

// valueWords are the words a declared rule shows for a value.
var valueWords = map[string]string{
	"not set": "decl.value.notSet", "enabled": "decl.value.enabled", "disabled": "decl.value.disabled",
	"nothing": "decl.value.nothing", "upstream Kubernetes": "decl.value.upstream",
}

// valueMsg is a value as a declared rule shows it: its words translated,
// anything else (a JSON value, a name) as it is.
func valueMsg(s string) any {
	if id, ok := valueWords[s]; ok {
		return reports.M(id)
	}
	return s
}
