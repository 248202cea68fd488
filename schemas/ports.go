package schemas

import (
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation"
)

// httpPort is the name of the port the `port` shorthand declares.
const httpPort = "http"

// rawPort is one entry of ports as declared. Protocol and Service are
// filled by the schema's defaults; they may be unset when the spec is
// decoded from the user's values alone (after schema errors).
type rawPort struct {
	Name        string  `json:"name"`
	Port        int     `json:"port"`
	Protocol    string  `json:"protocol"`
	AppProtocol *string `json:"appProtocol"`
	Service     *bool   `json:"service"`
}

// port is the resolved form of a declared port, with the schema defaults.
func (p rawPort) port() Port {
	out := Port{Name: p.Name, Port: p.Port, Protocol: p.Protocol, AppProtocol: deref(p.AppProtocol), Service: true}
	if out.Protocol == "" {
		out.Protocol = "TCP"
	}
	if p.Service != nil {
		out.Service = *p.Service
	}
	return out
}

// resolvePorts lists a workload's ports: the shorthand (the port "http")
// first when set, then the declared ports in order.
func resolvePorts(shorthand int, declared []rawPort) []Port {
	var out []Port
	if shorthand != 0 {
		out = append(out, Port{Name: httpPort, Port: shorthand, Protocol: "TCP", Service: true})
	}
	for _, p := range declared {
		out = append(out, p.port())
	}
	return out
}

// primaryPort is the index in ports of the primary port: the served port
// "http", else the first served port, else -1 (the workload has no Service).
func primaryPort(ports []Port) int {
	first := -1
	for i, p := range ports {
		if !p.Service {
			continue
		}
		if p.Name == httpPort {
			return i
		}
		if first < 0 {
			first = i
		}
	}
	return first
}

// AllPorts are the workload's ports: Ports, or for a workload built
// without them (by hand, with Port alone) the port "http" of Port.
func (w *Workload) AllPorts() []Port {
	if len(w.Ports) == 0 && w.Port > 0 {
		return resolvePorts(w.Port, nil)
	}
	return w.Ports
}

// PrimaryPort is the workload's primary port: the served port "http", else
// its first served port; false when the Service exposes no port.
func (w *Workload) PrimaryPort() (Port, bool) {
	ports := w.AllPorts()
	if i := primaryPort(ports); i >= 0 {
		return ports[i], true
	}
	return Port{}, false
}

// PortName is the name of the workload's primary port (the one its
// Ingress routes to and its HTTP probes check by default): the served
// port "http", else the first served port, else its first port; "" when it
// has no port.
func (w *Workload) PortName() string {
	if p, ok := w.PrimaryPort(); ok {
		return p.Name
	}
	if ports := w.AllPorts(); len(ports) > 0 {
		return ports[0].Name
	}
	return ""
}

// ServedPorts are the ports the workload's Service exposes, in order.
func (w *Workload) ServedPorts() []Port {
	var out []Port
	for _, p := range w.AllPorts() {
		if p.Service {
			out = append(out, p)
		}
	}
	return out
}

// checkPorts checks a ports list declared at path at: IANA service names
// and numbers in range, each name once and each number once per protocol,
// valid appProtocol values.
func (l *loader) checkPorts(ports []rawPort, at []string) {
	names := map[string]bool{}
	numbers := map[string]bool{}
	for i, p := range ports {
		pat := appendPath(at, fmt.Sprint(i))
		if !checkPortName(p.Name) {
			l.addAt("port-name", appendPath(pat, "name"), "port name %q is not an IANA service name: at most 15 lowercase letters, digits and '-', with at least one letter, no '-' at either end and no \"--\" (e.g. \"grpc\", \"metrics\")", p.Name)
		} else if names[p.Name] {
			l.addAt("port-unique", appendPath(pat, "name"), "port name %q is declared twice: give each port its own name", p.Name)
		}
		names[p.Name] = true
		l.checkPort(p.Port, appendPath(pat, "port"))
		proto := p.port().Protocol
		if key := proto + "/" + fmt.Sprint(p.Port); numbers[key] {
			l.addAt("port-unique", appendPath(pat, "port"), "port %d/%s is declared twice: a container port number is used once per protocol", p.Port, proto)
		} else {
			numbers[key] = true
		}
		if p.AppProtocol != nil {
			if msg := checkAppProtocol(*p.AppProtocol); msg != "" {
				l.addAt("app-protocol", appendPath(pat, "appProtocol"), "appProtocol %q %s", *p.AppProtocol, msg)
			}
		}
	}
}

// checkShorthandPorts reports declared ports that clash with the port
// shorthand (the port "http", TCP) of a workload in one environment: the
// name "http" or the same TCP number. at locates the declared list.
func (l *loader) checkShorthandPorts(shorthand int, declared []rawPort, at []string, env string) {
	if shorthand == 0 {
		return
	}
	for i, p := range declared {
		pat := appendPath(at, fmt.Sprint(i))
		switch {
		case p.Name == httpPort:
			l.addEnv("port-unique", appendPath(pat, "name"), env, "port name \"http\" is the port shorthand's (port: %d): remove port or rename this port", shorthand)
		case p.Port == shorthand && p.port().Protocol == "TCP":
			l.addEnv("port-unique", appendPath(pat, "port"), env, "port %d/TCP is already the port shorthand (port: %d, named \"http\"): a container port number is used once per protocol", p.Port, shorthand)
		}
	}
}

// checkPortName reports whether name is an IANA service name (RFC 6335),
// the form Kubernetes requires of a named port.
func checkPortName(name string) bool {
	return len(validation.IsValidPortName(name)) == 0
}

// checkAppProtocol explains what is wrong with an appProtocol value, or
// returns "": an IANA service name ("http", "https", "grpc") or a
// domain-prefixed name ("kubernetes.io/h2c", "example.com/custom").
func checkAppProtocol(v string) string {
	prefix, _, prefixed := strings.Cut(v, "/")
	if !prefixed {
		if checkPortName(v) {
			return ""
		}
		return "is not an IANA service name (e.g. \"http\", \"https\", \"grpc\"): use one, or a domain-prefixed name such as \"kubernetes.io/h2c\""
	}
	if len(validation.IsDNS1123Subdomain(prefix)) > 0 || !strings.Contains(prefix, ".") || len(validation.IsQualifiedName(v)) > 0 {
		return "is not a domain-prefixed name: write <domain>/<name>, such as \"kubernetes.io/h2c\" or \"kubernetes.io/ws\""
	}
	return ""
}
