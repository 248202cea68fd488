// Package synth writes valid synthetic platforms of any size, for benchmarks
// of the loader, the generator and the report engine.
package synth

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
)

// ServicesPerTeam is how many services each synthetic team owns.
const ServicesPerTeam = 20

// Write writes a valid platform with the given number of services into dir
// (created if needed): three environments — dev and staging sharing the
// "nonprod" cluster, prod on the "prod" cluster —, one team per
// ServicesPerTeam services, and a mix of web (some autoscaled, some with
// ingress, some with a Gateway API route and a canary, some with metrics,
// configuration or a patch, some with Workload Identity and Key Vault
// secrets, some calling networks outside the cluster), worker and cron
// services, on the clusters' node pools. Output is deterministic.
func Write(dir string, services int) error {
	if services < 0 {
		return fmt.Errorf("synth: services must be >= 0, got %d", services)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("synth: %w", err)
	}
	files := map[string][]byte{"platform.cue": platform(), "teams.cue": teams(teamCount(services))}
	for t := 0; t < teamCount(services); t++ {
		var b bytes.Buffer
		b.WriteString("package synthetic\n\nservices: {\n")
		for i := t * ServicesPerTeam; i < (t+1)*ServicesPerTeam && i < services; i++ {
			service(&b, i, t)
		}
		b.WriteString("}\n")
		files[fmt.Sprintf("services-%s.cue", teamName(t))] = b.Bytes()
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			return fmt.Errorf("synth: %w", err)
		}
	}
	return nil
}

func teamCount(services int) int {
	n := (services + ServicesPerTeam - 1) / ServicesPerTeam
	if n < 1 {
		n = 1
	}
	return n
}

func teamName(t int) string { return fmt.Sprintf("team%03d", t) }

func platform() []byte {
	return []byte(`package synthetic

platform: {
	name: "synthetic"
	registries: ["synth.azurecr.io"]
	gitops: {engine: "flux", repo: "https://git.example.com/synthetic-gitops.git"}
}

_pools: {
	systempool: {mode: "system", taints: ["CriticalAddonsOnly=true:NoSchedule"], min: 3, max: 3}
	apppool: {min: 3, max: 30}
	spotpool: {spot: true, taints: ["kubernetes.azure.com/scalesetpriority=spot:NoSchedule"], min: 0, max: 10}
}

clusters: {
	nonprod: {provider: "aks", kubernetesVersion: "1.34", zones: ["1", "2", "3"], nodePools: _pools}
	prod: {
		provider:          "aks"
		kubernetesVersion: "1.34"
		zones: ["1", "2", "3"]
		settings: {privateCluster: true, networkPlugin: "azure", networkPolicy: "azure", workloadIdentity: true, keyVaultCSI: true}
		nodePools: _pools
	}
}

environments: {
	dev: {tier: "development", cluster: "nonprod", nodePool: "apppool"}
	staging: {
		tier:     "staging"
		cluster:  "nonprod"
		nodePool: "apppool"
		gateway: hostnames: ["apps.staging.synthetic.example.com"]
	}
	prod: {
		tier:     "production"
		cluster:  "prod"
		nodePool: "apppool"
		backup: {schedule: "0 2 * * *", ttl: "720h"}
		gateway: hostnames: ["apps.synthetic.example.com"]
	}
}

addons: {
	"ingress-nginx": {chart: "ingress-nginx", repo: "https://kubernetes.github.io/ingress-nginx", version: "4.11.3", namespace: "ingress-nginx"}
	velero: {chart: "velero", repo: "https://vmware-tanzu.github.io/helm-charts", version: "7.2.1", namespace: "velero"}
}
`)
}

func teams(n int) []byte {
	var b bytes.Buffer
	b.WriteString("package synthetic\n\nteams: {\n")
	for t := 0; t < n; t++ {
		fmt.Fprintf(&b, "\t%s: {\n\t\taccess: {admin: [%q], view: [%q]}\n\t\tquota: {cpu: \"200\", memory: \"400Gi\"}\n\t}\n",
			teamName(t), guid(1, t), guid(2, t))
	}
	b.WriteString("}\n")
	return b.Bytes()
}

// guid is a deterministic GUID built from two numbers.
func guid(a, b int) string {
	return fmt.Sprintf("%08x-0000-4000-8000-%012x", a, b)
}

func service(b *bytes.Buffer, i, t int) {
	name := fmt.Sprintf("svc%04d", i)
	fmt.Fprintf(b, "\t%s: {\n\t\tteam: %q\n", name, teamName(t))
	switch {
	case isCron(i):
		fmt.Fprintf(b, "\t\tblueprint: \"cron\"\n\t\tschedule: \"%d * * * *\"\n", i%60)
		b.WriteString("\t\tcommand: [\"/app/job\"]\n\t\targs: [\"--once\"]\n")
		if i%20 == 19 {
			b.WriteString("\t\toverrides: prod: nodePool: \"spotpool\"\n")
		}
	case isWorker(i):
		b.WriteString("\t\tblueprint: \"worker\"\n")
		switch i % 15 {
		case 8:
			// A port and no probes: default TCP probes.
			b.WriteString("\t\tport: 9000\n")
		case 13:
			// Named ports and probes of every kind.
			b.WriteString("\t\tports: [{name: \"grpc\", port: 9090, appProtocol: \"kubernetes.io/h2c\"}, {name: \"admin\", port: 8081}, {name: \"stats\", port: 8125, protocol: \"UDP\", service: false}]\n")
			b.WriteString("\t\tprobes: {liveness: {grpc: {}, periodSeconds: 20}, readiness: {grpc: service: \"ready\"}, startup: {http: {path: \"/started\", port: \"admin\"}, failureThreshold: 60}}\n")
			b.WriteString("\t\toverrides: dev: probes: startup: exec: command: [\"/bin/started\"]\n")
		}
	default:
		b.WriteString("\t\tblueprint: \"web\"\n\t\tport: 8080\n")
		if i%4 == 0 {
			b.WriteString("\t\tautoscale: {min: 2, max: 6, cpuUtilization: 75}\n")
			b.WriteString("\t\toverrides: dev: autoscale: {min: 1, max: 2}\n")
		}
		if i%6 == 1 {
			fmt.Fprintf(b, "\t\tingress: {host: \"%s.synthetic.example.com\", path: \"/\"}\n", name)
			fmt.Fprintf(b, "\t\toverrides: staging: ingress: {host: \"%s.staging.synthetic.example.com\", path: \"/\"}\n", name)
			fmt.Fprintf(b, "\t\toverrides: dev: ingress: {host: \"%s.dev.synthetic.example.com\", path: \"/\"}\n", name)
		}
		switch {
		case i%6 == 3:
			// A Gateway API route (none in dev), with a 10 % canary in prod
			// for every other one.
			canary := ""
			if i%12 == 3 {
				canary = fmt.Sprintf(", canary: {image: \"synth.azurecr.io/%s:1.%d.1\", weight: 10}", name, i%7)
			}
			fmt.Fprintf(b, "\t\troute: {hostnames: [\"apps.synthetic.example.com\"], rules: [{path: value: \"/%s\"}]%s}\n", name, canary)
			fmt.Fprintf(b, "\t\toverrides: staging: route: {hostnames: [\"apps.staging.synthetic.example.com\"], rules: [{path: value: \"/%s\"}]}\n", name)
			b.WriteString("\t\toverrides: dev: route: null\n")
		case i%6 != 1 && i%5 == 4:
			// Metrics on the http port (a ServiceMonitor).
			b.WriteString("\t\tmetrics: interval: \"30s\"\n")
		case i%5 == 2:
			// Metrics on a port of their own the Service does not expose
			// (a PodMonitor).
			b.WriteString("\t\tports: [{name: \"metrics\", port: 9102, service: false}]\n\t\tmetrics: port: \"metrics\"\n")
		}
		if i%4 == 2 {
			// Configuration: variables, one from the configuration, and a
			// mounted file; dev logs more.
			b.WriteString("\t\tenv: {QUEUE: \"jobs\", LOG_LEVEL: {config: \"log-level\"}}\n")
			b.WriteString("\t\tconfig: {data: \"log-level\": \"info\", files: \"app.yaml\": \"listen: :8080\\n\"}\n")
			b.WriteString("\t\toverrides: dev: config: data: \"log-level\": \"debug\"\n")
		}
		if i%25 == 7 {
			// The escape hatch: a patch of the generated Deployment.
			fmt.Fprintf(b, "\t\tpatches: [{target: kind: \"Deployment\", strategicMerge: metadata: annotations: \"synth.example.com/owner\": %q}]\n", teamName(t))
		}
	}
	fmt.Fprintf(b, "\t\timage: \"synth.azurecr.io/%s:1.%d.0\"\n", name, i%7)
	b.WriteString("\t\tresources: {\n\t\t\trequests: {cpu: \"100m\", memory: \"128Mi\"}\n\t\t\tlimits: {cpu: \"500m\", memory: \"512Mi\"}\n\t\t}\n")
	if i%7 == 2 {
		fmt.Fprintf(b, "\t\tidentity: clientID: %q\n", guid(3, i))
		b.WriteString("\t\tsecrets: {keyVault: \"synthetic-kv\", objects: [\"db-password\"]}\n")
	}
	if dep := i - 1; i%3 == 0 && dep >= 0 {
		for dep >= 0 && !isWeb(dep) {
			dep--
		}
		if dep >= 0 {
			fmt.Fprintf(b, "\t\tdependsOn: [\"svc%04d\"]\n", dep)
		}
	}
	if i%11 == 4 {
		// Calls outside the cluster: a private endpoint range with a hole,
		// an IPv6 UDP service, and another range in dev.
		b.WriteString("\t\tegress: [{cidr: \"10.240.0.0/16\", except: [\"10.240.8.0/24\"], ports: [443, 5671]}, {cidr: \"fd00:240::/32\", protocol: \"UDP\", ports: [53]}]\n")
		b.WriteString("\t\toverrides: dev: egress: [{cidr: \"10.241.0.0/16\", ports: [443]}]\n")
	}
	if i%8 == 5 && !isCron(i) {
		b.WriteString("\t\toverrides: prod: replicas: 3\n")
	}
	b.WriteString("\t}\n")
}

func isCron(i int) bool   { return i%10 == 9 }
func isWorker(i int) bool { return !isCron(i) && i%5 == 3 }
func isWeb(i int) bool    { return !isCron(i) && !isWorker(i) }
