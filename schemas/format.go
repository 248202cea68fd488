package schemas

import (
	"encoding/json"
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/plinth-dev/plinth/internal/output"
	"github.com/plinth-dev/plinth/internal/sarif"
)

// Writer is one output format of validation errors and warnings, an entry
// of Writers.
type Writer struct {
	Name string
	// Document formats are for machines: the command's output, written
	// whole even when the platform cannot be read. The other (text) is for
	// people.
	Document bool
	// RepoRelative formats resolve file names from the root of the
	// repository (GitHub annotations, code scanning): base should be the
	// platform directory relative to it.
	RepoRelative bool
	write        func(w io.Writer, errs, warns Errors, base string) error
}

// Info is the format's entry in the output registry.
func (f Writer) Info() output.Info { return output.Info{Name: f.Name} }

// Write writes validation errors and warnings (Model.Warnings): text lines
// with "warning: " after the location, a "warnings" list in json,
// ::warning commands in github and results of level warning in sarif. base
// is prepended to every file name (slash-separated) so GitHub annotations
// and SARIF locations point at the right file; it may be empty. An empty
// list is written as a valid, empty report.
func (f Writer) Write(w io.Writer, errs, warns Errors, base string) error {
	return f.write(w, errs, warns, base)
}

// Writers are the output formats of validation, in the order help lists
// them.
var Writers = output.New(
	Writer{Name: "text", write: writeText},
	Writer{Name: "json", Document: true, write: writeJSON},
	Writer{Name: "github", Document: true, RepoRelative: true, write: func(w io.Writer, errs, warns Errors, base string) error {
		if err := writeGitHub(w, errs, "error", base); err != nil {
			return err
		}
		return writeGitHub(w, warns, "warning", base)
	}},
	Writer{Name: "sarif", Document: true, RepoRelative: true, write: writeSARIF},
)

// Formats are the names of Writers.
var Formats = Writers.Names(nil)

// WriteErrors writes validation errors in one of Writers (see
// Writer.Write).
func WriteErrors(w io.Writer, errs Errors, format, base string) error {
	return WriteResult(w, errs, nil, format, base)
}

// WriteResult writes validation errors and warnings in one of Writers (see
// Writer.Write).
func WriteResult(w io.Writer, errs, warns Errors, format, base string) error {
	f, ok := Writers.Lookup(format)
	if !ok {
		return fmt.Errorf("unknown format %q: use one of %s", format, strings.Join(Formats, ", "))
	}
	return f.Write(w, errs, warns, base)
}

func writeText(w io.Writer, errs, warns Errors, base string) error {
	for _, list := range []struct {
		es     Errors
		prefix string
	}{{errs, ""}, {warns, "warning: "}} {
		for _, e := range list.es {
			shown := *e
			shown.Pos.File = joinBase(base, e.Pos.File)
			shown.Msg = list.prefix + e.Msg
			if _, err := fmt.Fprintln(w, shown.Error()); err != nil {
				return err
			}
		}
	}
	return nil
}

func joinBase(base, file string) string {
	if file == "" || base == "" || base == "." {
		return file
	}
	return path.Join(base, file)
}

type jsonError struct {
	File    string `json:"file,omitempty"`
	Line    int    `json:"line,omitempty"`
	Column  int    `json:"column,omitempty"`
	Path    string `json:"path,omitempty"`
	Rule    string `json:"rule"`
	Message string `json:"message"`
}

func writeJSON(w io.Writer, errs, warns Errors, base string) error {
	out := struct {
		Valid    bool        `json:"valid"`
		Errors   []jsonError `json:"errors"`
		Warnings []jsonError `json:"warnings"`
	}{Valid: len(errs) == 0, Errors: []jsonError{}, Warnings: []jsonError{}}
	for _, e := range errs {
		out.Errors = append(out.Errors, jsonError{File: joinBase(base, e.Pos.File), Line: e.Pos.Line, Column: e.Pos.Column,
			Path: e.Path, Rule: e.Rule, Message: e.Msg})
	}
	for _, e := range warns {
		out.Warnings = append(out.Warnings, jsonError{File: joinBase(base, e.Pos.File), Line: e.Pos.Line, Column: e.Pos.Column,
			Path: e.Path, Rule: e.Rule, Message: e.Msg})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// GitHub workflow commands escape data and property values differently.
var (
	ghData     = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A")
	ghProperty = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C")
)

// writeGitHub prints one ::error (or ::warning) workflow command per error,
// so a pull request shows each on its line.
func writeGitHub(w io.Writer, errs Errors, command, base string) error {
	for _, e := range errs {
		var props []string
		if f := joinBase(base, e.Pos.File); f != "" {
			props = append(props, "file="+ghProperty.Replace(f))
			if e.Pos.Line > 0 {
				props = append(props, fmt.Sprintf("line=%d", e.Pos.Line), fmt.Sprintf("col=%d", e.Pos.Column))
			}
		}
		title := "plinth validate"
		if e.Path != "" {
			title += ": " + e.Path
		}
		props = append(props, "title="+ghProperty.Replace(title))
		msg := e.Msg
		if e.Path != "" {
			msg = e.Path + ": " + msg
		}
		if _, err := fmt.Fprintf(w, "::%s %s::%s\n", command, strings.Join(props, ","), ghData.Replace(msg)); err != nil {
			return err
		}
	}
	return nil
}

// ruleHelp describes each rule for SARIF consumers.
var ruleHelp = map[string]string{
	"syntax":              "CUE files must parse.",
	"schema":              "The platform must match the plinth schema: known fields only, the right types, required fields present.",
	"package":             "All .cue files of a platform belong to one package.",
	"load":                "The platform must load.",
	"input":               "Platform files are regular files inside the platform directory (no symbolic links), within the size limits.",
	"dns-name":            "Names are DNS-1123 labels.",
	"name-length":         "Names plinth produces must fit Kubernetes limits.",
	"reference":           "Every reference (team, cluster, blueprint, dependsOn, override environment) resolves.",
	"platform":            "The platform block is complete.",
	"registry":            "Trusted registries are registry hosts.",
	"gitops":              "The GitOps repository is a git URL.",
	"credentials":         "URLs written into the generated repository carry no password or token.",
	"kubernetes-version":  "kubernetesVersion looks like 1.NN.",
	"zones":               "Zones are unique and non-empty.",
	"cron":                "Schedules are valid cron expressions.",
	"duration":            "Durations are valid.",
	"guid":                "Azure AD object and client IDs are GUIDs.",
	"quantity":            "Resources are valid Kubernetes quantities.",
	"port-range":          "Ports are 1..65535.",
	"port-required":       "Web services and services with ingress or probes declare a port.",
	"port-name":           "Port names are IANA service names (at most 15 lowercase letters, digits and '-').",
	"port-unique":         "Port names are unique, and port numbers unique per protocol (the port shorthand is the port \"http\").",
	"app-protocol":        "appProtocol is an IANA service name or a domain-prefixed name such as kubernetes.io/h2c.",
	"cidr":                "Egress CIDRs parse and are network addresses in canonical form.",
	"cidr-except":         "Egress except ranges lie strictly inside their cidr.",
	"egress-ports":        "Egress rules list at least one port, each once.",
	"extra-object":        "Extra objects are whole namespaced Kubernetes objects (apiVersion, kind, metadata.name) of a kind plinth can validate, in the service's namespace, named apart from the generated objects.",
	"patch":               "Patches name a target kind and hold one strategic merge patch or RFC 6902 JSON patch that does not change an object's identity.",
	"patch-target":        "A patch's target selects at least one generated object of the service (or of the environment), and the patch applies to it.",
	"replicas":            "Replicas are >= 0.",
	"min-replicas":        "Workloads meet the tier's minimum replicas.",
	"probe-path":          "Probes are absolute HTTP paths.",
	"probe-form":          "A probe object has exactly one of http, tcp, grpc and exec; exec has a command.",
	"probe-timing":        "Probe timings are positive (initialDelaySeconds >= 0).",
	"probe-port":          "A probe's port names a port of the service in every environment.",
	"autoscale":           "Autoscaling has 1 <= min <= max and a CPU target in 1..100.",
	"requests-limits":     "Requests do not exceed limits.",
	"ingress-host":        "Ingress hosts are DNS names.",
	"ingress-path":        "Ingress paths are absolute.",
	"ingress-unique":      "Ingress host+path pairs are unique per cluster.",
	"gateway":             "An environment's gateway names a GatewayClass and a ClusterIssuer; its annotation keys are qualified names.",
	"gateway-hostname":    "A gateway lists at least one hostname, each a DNS name or wildcard, once.",
	"gateway-required":    "A service with a route runs only in environments that declare a gateway.",
	"route-hostname":      "Route hostnames are DNS names served by the environment's gateway.",
	"route-match":         "Route paths are absolute; header names are HTTP header names; regular expressions compile.",
	"canary-weight":       "A canary's weight is 0..100 and sends no traffic to zero replicas.",
	"key-vault":           "Key Vault names and object names are valid.",
	"secrets-identity":    "Key Vault secrets on aks clusters need an Azure Workload Identity.",
	"secret-manager":      "Google Cloud project IDs and Secret Manager secret names are valid.",
	"gcp-service-account": "GKE Workload Identity names an IAM service account NAME@PROJECT.iam.gserviceaccount.com.",
	"identity-form":       "An identity sets exactly one of clientID and gcpServiceAccount.",
	"secrets-form":        "Secrets name exactly one store, keyVault or gcpProject; tenantID only with keyVault.",
	"identity-provider":   "An identity matches the provider of the environment's cluster: clientID on aks, gcpServiceAccount on gke, none on generic.",
	"secrets-provider":    "Secrets match the provider of the environment's cluster: keyVault on aks, gcpProject on gke, none on generic.",
	"schedule-required":   "Cron workloads, and only they, declare a schedule.",
	"kind-fields":         "Cron workloads take no port, ports, probes, replicas, autoscale or ingress.",
	"image-reference":     "Images are valid references.",
	"image-registry":      "Images come from a trusted registry.",
	"image-tag":           "Images pin a tag or digest, never latest.",
	"quota":               "A team's quota covers its workloads in every environment.",
	"backup-required":     "The tier requires a Velero backup.",
	"blueprint-name":      "User blueprints do not shadow built-in ones.",
	"policy":              "Tier policy overrides are valid.",
	"addon-chart":         "Addons name a Helm chart.",
	"addon-repo":          "Addons name a Helm repository URL.",
	"addon-version":       "Addons pin an exact chart version.",
	"addon-blueprint":     "Addons name a built-in addon blueprint, or give chart, repo, version and namespace.",
	"addon-issuer":        "The cert-manager addon blueprint declares its ACME ClusterIssuer.",
	"node-pool-name":      "Node pool names follow the provider's rule: AKS Linux pools 1-12 lowercase letters and digits, GKE 1-40 lowercase letters, digits and '-', DNS-1123 labels elsewhere.",
	"node-pool-taint":     "Node pool taints are key=value:Effect (or key:Effect); CriticalAddonsOnly only on system pools.",
	"node-pool-size":      "Node pool sizes have 0 <= min <= max, max >= 1, and a non-empty vmSize.",
	"node-pool-system":    "An AKS cluster that declares node pools has a system pool; system pools keep a node and are not spot pools.",
	"node-pool":           "A service's node pool is a user pool declared on the cluster of every environment it runs in.",
	"priority-class":      "priorityClassName is a DNS-1123 subdomain and not one of the reserved system- classes.",
	"metrics-port":        "A metrics endpoint is served on a port of the service.",
	"metrics-path":        "Metrics paths are absolute HTTP paths.",
	"metrics-published":   "A metrics path is not published outside the cluster on an Ingress or route of the same port.",
	"monitoring":          "A cluster's monitoring block names a valid namespace and labels, and no Prometheus Operator settings for managed Prometheus.",
	"monitoring-provider": "Azure Monitor managed Prometheus is chosen on aks clusters only.",
	"baseline":            "A production cluster's declared settings meet the baseline controls plinth report evaluates (a warning).",
}

// writeSARIF writes a SARIF 2.1.0 log with one result per error, its
// physical location relative to the repository root.
func writeSARIF(w io.Writer, errs, warns Errors, base string) error {
	var rules []sarif.Rule
	results := make([]sarif.Result, 0, len(errs)+len(warns))
	seen := map[string]bool{}
	for _, list := range []struct {
		es    Errors
		level string
	}{{errs, sarif.LevelError}, {warns, sarif.LevelWarning}} {
		for _, e := range list.es {
			rule := "plinth/" + e.Rule
			if !seen[rule] {
				seen[rule] = true
				help := ruleHelp[e.Rule]
				if help == "" {
					help = "The platform must be valid."
				}
				r := sarif.Rule{ID: rule, ShortDescription: help}
				if list.level == sarif.LevelWarning {
					r.Level = sarif.LevelWarning // a rule's default level is error
				}
				rules = append(rules, r)
			}
			msg := e.Msg
			if e.Path != "" {
				msg = e.Path + ": " + msg
			}
			results = append(results, sarif.Result{RuleID: rule, Level: list.level, Message: msg,
				File: joinBase(base, e.Pos.File), Line: e.Pos.Line, Column: e.Pos.Column})
		}
	}
	return sarif.Write(w, rules, results)
}
