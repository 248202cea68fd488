package checks

import (
	"fmt"
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
// message it is: the parts of a description a phrase's captures match are
// the message's arguments (matchPhrase).
var declaredPhrases = []struct{ phrase, id string }{
	{"no Azure AD integration", "decl.noAAD"},
	{"Azure AD integration, but local accounts (static admin credentials) enabled", "decl.aadLocalAccounts"},
	{"Azure AD integration", "decl.aad"},
	{"network policy engine {.*}", "decl.networkPolicy"},
	{"private API server", "decl.privateAPI"},
	{"API server restricted to authorized IP ranges {.*}", "decl.authorizedRanges"},
	{"public API server without authorized IP ranges", "decl.publicAPI"},
	{"Key Vault Secrets Store CSI driver {.*}", "decl.keyVaultCSI"},
	{"Defender for Containers {.*}", "decl.defender"},
	{"Workload Identity {.*}", "decl.workloadIdentity"},
	{"Azure Policy add-on {.*}", "decl.azurePolicy"},
	{"{d} availability zone(s)", "decl.zones"},
	{"no node pool minimum", "decl.noNodeMinimum"},
	{"node pool minimum of {d} node(s)", "decl.nodeMinimum"},
	{"cluster autoscaler {.*}", "decl.autoscaler"},
	{"Container Insights {.*}", "decl.monitoring"},
	{"network plugin {.*}", "decl.networkPlugin"},
	{"upgrade channel {.*}", "decl.upgradeChannel"},
	{"no maintenance window", "decl.noMaintenanceWindow"},
	{"maintenance window {.*}", "decl.maintenanceWindow"},
	{"production shares the cluster with {.*}", "decl.sharedCluster"},
	{"environments isolated", "decl.isolated"},
	{"Kubernetes version {q} is not a version", "decl.badVersion"},
	{"Kubernetes {S}, older than {S}, the oldest minor {.+} supports on {S}", "decl.oldVersion"},
	{"Kubernetes {S} (supported on {.+} from {S})", "decl.supportedVersion"},
}

// matchPhrase matches s, whole, to phrase: its text as it is, and its
// captures, each the longest part of s that lets the rest match, in
// order (as a regular expression's greedy groups): {.*} any text without
// a line break, {.+} the same not empty, {d} ASCII digits, {S} characters
// that are not white space (\S), {q} any text without a line break
// between double quotes. caps are appended the parts captured.
func matchPhrase(phrase, s string, caps []string) ([]string, bool) {
	lit, rest, capture := strings.Cut(phrase, "{")
	if !strings.HasPrefix(s, lit) {
		return nil, false
	}
	s = s[len(lit):]
	if !capture {
		return caps, s == ""
	}
	class, rest, _ := strings.Cut(rest, "}")
	n, least := 0, 1
	switch class {
	case ".*", ".+", "q":
		n = strings.IndexByte(s, '\n')
		if n < 0 {
			n = len(s)
		}
		if class == ".*" {
			least = 0
		}
	case "d":
		for n < len(s) && '0' <= s[n] && s[n] <= '9' {
			n++
		}
	case "S":
		for n < len(s) && !strings.ContainsRune("\t\n\f\r ", rune(s[n])) {
			n++
		}
	}
	for k := n; k >= least; k-- {
		if class == "q" && (k < 2 || s[0] != '"' || s[k-1] != '"') {
			continue
		}
		if out, ok := matchPhrase(rest, s[k:], append(caps, s[:k])); ok {
			return out, true
		}
	}
	return nil, false
}

// whatMsg is the message of a declared rule's description of a cluster;
// one no phrase matches is shown as it is (TestDeclaredPhrases keeps every
// rule's descriptions matched).
func whatMsg(what string) reports.Msg {
	for _, p := range declaredPhrases {
		if m, ok := matchPhrase(p.phrase, what, nil); ok {
			args := make([]any, 0, len(m))
			for _, a := range m {
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
