package schemas

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// Probe is a liveness, readiness or startup probe: exactly one handler
// (HTTP, TCP, gRPC or exec) and its timings. In a resolved workload every
// port is a port name of the workload and every timing is set.
type Probe struct {
	HTTP                *HTTPProbe `json:"http,omitempty"`
	TCP                 *TCPProbe  `json:"tcp,omitempty"`
	GRPC                *GRPCProbe `json:"grpc,omitempty"`
	Exec                *ExecProbe `json:"exec,omitempty"`
	InitialDelaySeconds int        `json:"initialDelaySeconds,omitempty"`
	PeriodSeconds       int        `json:"periodSeconds,omitempty"`
	TimeoutSeconds      int        `json:"timeoutSeconds,omitempty"`
	FailureThreshold    int        `json:"failureThreshold,omitempty"`
	SuccessThreshold    int        `json:"successThreshold,omitempty"` // readiness only
}

// HTTPProbe is an HTTP GET of a path on a named port.
type HTTPProbe struct {
	Path string `json:"path"`
	Port string `json:"port,omitempty"`
}

// TCPProbe opens a TCP connection to a named port.
type TCPProbe struct {
	Port string `json:"port,omitempty"`
}

// GRPCProbe calls the gRPC health service on a named port.
type GRPCProbe struct {
	Port    string `json:"port,omitempty"`
	Service string `json:"service,omitempty"`
}

// ExecProbe runs a command in the container.
type ExecProbe struct {
	Command []string `json:"command"`
}

// UnmarshalJSON reads a probe as a string (an HTTP path, the shorthand of
// {http: {path}}) or as an object; the built-in blueprints use the string.
func (p *Probe) UnmarshalJSON(b []byte) error {
	var path string
	if err := json.Unmarshal(b, &path); err == nil {
		*p = Probe{HTTP: &HTTPProbe{Path: path}}
		return nil
	}
	type plain Probe
	if err := json.Unmarshal(b, (*plain)(p)); err != nil {
		return fmt.Errorf("decode probe: %w", err)
	}
	return nil
}

// portName is the port a probe checks ("" for exec and for the default).
func (p *Probe) portName() string {
	switch {
	case p.HTTP != nil:
		return p.HTTP.Port
	case p.TCP != nil:
		return p.TCP.Port
	case p.GRPC != nil:
		return p.GRPC.Port
	}
	return ""
}

// setPort sets the port a probe checks (exec probes have none).
func (p *Probe) setPort(name string) {
	switch {
	case p.HTTP != nil:
		p.HTTP.Port = name
	case p.TCP != nil:
		p.TCP.Port = name
	case p.GRPC != nil:
		p.GRPC.Port = name
	}
}

// rawProbe is a probe as declared: a string (Path) or an object whose
// fields keep "unset" apart from zero.
type rawProbe struct {
	Path *string
	HTTP *struct {
		Path string  `json:"path"`
		Port *string `json:"port"`
	} `json:"http"`
	TCP *struct {
		Port *string `json:"port"`
	} `json:"tcp"`
	GRPC *struct {
		Port    *string `json:"port"`
		Service *string `json:"service"`
	} `json:"grpc"`
	Exec *struct {
		Command []string `json:"command"`
	} `json:"exec"`
	InitialDelaySeconds *int `json:"initialDelaySeconds"`
	PeriodSeconds       *int `json:"periodSeconds"`
	TimeoutSeconds      *int `json:"timeoutSeconds"`
	FailureThreshold    *int `json:"failureThreshold"`
	SuccessThreshold    *int `json:"successThreshold"`
}

// UnmarshalJSON reads a string as the HTTP path shorthand. A value of the
// wrong type decodes to an empty probe: the schema reports it.
func (r *rawProbe) UnmarshalJSON(b []byte) error {
	if bytes.HasPrefix(bytes.TrimSpace(b), []byte(`"`)) {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return fmt.Errorf("decode probe path: %w", err)
		}
		*r = rawProbe{Path: &s}
		return nil
	}
	type plain rawProbe
	var v plain
	if err := json.Unmarshal(b, &v); err != nil {
		if te := (*json.UnmarshalTypeError)(nil); !errors.As(err, &te) {
			return fmt.Errorf("decode probe: %w", err)
		}
	}
	*r = rawProbe(v)
	return nil
}

// rawProbes are the probes of a service, override or blueprint.
type rawProbes struct {
	Liveness  *rawProbe `json:"liveness"`
	Readiness *rawProbe `json:"readiness"`
	Startup   *rawProbe `json:"startup"`
}

// each calls f for every declared probe with its field name.
func (ps *rawProbes) each(f func(field string, p *rawProbe)) {
	for _, e := range []struct {
		field string
		p     *rawProbe
	}{{"liveness", ps.Liveness}, {"readiness", ps.Readiness}, {"startup", ps.Startup}} {
		if e.p != nil {
			f(e.field, e.p)
		}
	}
}

// probe converts a declared probe; ports and timings stay unset (0, "")
// where it sets none.
func (r *rawProbe) probe() *Probe {
	p := &Probe{
		InitialDelaySeconds: derefInt(r.InitialDelaySeconds), PeriodSeconds: derefInt(r.PeriodSeconds),
		TimeoutSeconds: derefInt(r.TimeoutSeconds), FailureThreshold: derefInt(r.FailureThreshold),
		SuccessThreshold: derefInt(r.SuccessThreshold),
	}
	switch {
	case r.Path != nil:
		p.HTTP = &HTTPProbe{Path: *r.Path}
	case r.HTTP != nil:
		p.HTTP = &HTTPProbe{Path: r.HTTP.Path, Port: deref(r.HTTP.Port)}
	case r.TCP != nil:
		p.TCP = &TCPProbe{Port: deref(r.TCP.Port)}
	case r.GRPC != nil:
		p.GRPC = &GRPCProbe{Port: deref(r.GRPC.Port), Service: deref(r.GRPC.Service)}
	case r.Exec != nil:
		p.Exec = &ExecProbe{Command: append([]string(nil), r.Exec.Command...)}
	}
	return p
}

func derefInt(p *int) int {
	if p == nil {
		return 0
	}
	return *p
}

// setProbes replaces each probe ps declares.
func setProbes(dst *Probes, ps *rawProbes) {
	for _, e := range []struct {
		dst **Probe
		src *rawProbe
	}{{&dst.Liveness, ps.Liveness}, {&dst.Readiness, ps.Readiness}, {&dst.Startup, ps.Startup}} {
		if e.src != nil {
			*e.dst = e.src.probe()
		}
	}
}

// checkProbes checks the probes declared at path at (a service, an
// override or a blueprint): a path for the string form; exactly one handler,
// a command for exec and positive timings for the object form.
func (l *loader) checkProbes(ps *rawProbes, at []string) {
	ps.each(func(field string, p *rawProbe) {
		pat := appendPath(at, field)
		if p.Path != nil {
			l.checkProbe(*p.Path, pat)
			return
		}
		var kinds []string
		for _, k := range []struct {
			name string
			set  bool
		}{{"http", p.HTTP != nil}, {"tcp", p.TCP != nil}, {"grpc", p.GRPC != nil}, {"exec", p.Exec != nil}} {
			if k.set {
				kinds = append(kinds, k.name)
			}
		}
		if len(kinds) != 1 {
			l.addAt("probe-form", pat, "a probe has exactly one of http, tcp, grpc and exec, got %s", orNone(kinds))
		}
		if p.HTTP != nil {
			l.checkProbe(p.HTTP.Path, appendPath(pat, "http", "path"))
		}
		if p.Exec != nil && (len(p.Exec.Command) == 0 || strings.TrimSpace(p.Exec.Command[0]) == "") {
			l.addAt("probe-form", appendPath(pat, "exec", "command"), "exec needs a command to run, such as [\"/bin/healthcheck\"]")
		}
		for _, t := range []struct {
			name string
			v    *int
			min  int
		}{{"initialDelaySeconds", p.InitialDelaySeconds, 0}, {"periodSeconds", p.PeriodSeconds, 1}, {"timeoutSeconds", p.TimeoutSeconds, 1},
			{"failureThreshold", p.FailureThreshold, 1}, {"successThreshold", p.SuccessThreshold, 1}} {
			if t.v != nil && *t.v < t.min {
				l.addAt("probe-timing", appendPath(pat, t.name), "%s must be at least %d, got %d", t.name, t.min, *t.v)
			}
		}
	})
}

func orNone(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, " and ")
}

// Timings of probes that set none: today's HTTP probes, a startup probe
// that gives a slow start five minutes, and the default liveness probe
// slower than readiness so that the two never fire together (seed 001
// "Health probes": a liveness probe restarts, a readiness probe only takes
// the pod out of its Service).
var (
	livenessTimings  = Probe{PeriodSeconds: 10, TimeoutSeconds: 2, FailureThreshold: 3}
	readinessTimings = Probe{PeriodSeconds: 5, TimeoutSeconds: 2, FailureThreshold: 3}
	startupTimings   = Probe{PeriodSeconds: 10, TimeoutSeconds: 2, FailureThreshold: 30}
	// defaultLivenessPeriod: a default TCP liveness probe checks every 20
	// s, readiness every 5 s.
	defaultLivenessPeriod = 20
)

// withTimings fills the timings p leaves unset from def.
func withTimings(p *Probe, def Probe) {
	for _, f := range []struct {
		dst *int
		def int
	}{{&p.PeriodSeconds, def.PeriodSeconds}, {&p.TimeoutSeconds, def.TimeoutSeconds}, {&p.FailureThreshold, def.FailureThreshold}} {
		if *f.dst == 0 {
			*f.dst = f.def
		}
	}
}

// resolveProbes finishes a workload's probes in one environment: a
// Deployment with a port and no liveness or readiness probe gets a TCP one
// on its primary port (seed 001 "Health probes": never none); a probe's
// port defaults to the primary port and must name a port of the workload;
// probes that need a port are dropped where the workload has none unless
// the service itself declares them (then an error); timings default.
// declared is where the service or its override sets probes (nil: from
// the blueprint).
func (l *loader) resolveProbes(w *Workload, declared []string, env string) {
	if w.Kind == "CronJob" {
		w.Probes = Probes{} // a job runs to completion (declared probes are a kind-fields error)
		return
	}
	ps := &w.Probes
	if len(w.Ports) > 0 {
		if ps.Liveness == nil {
			ps.Liveness = &Probe{TCP: &TCPProbe{}, PeriodSeconds: defaultLivenessPeriod}
		}
		if ps.Readiness == nil {
			ps.Readiness = &Probe{TCP: &TCPProbe{}}
		}
	}
	names := make(map[string]bool, len(w.Ports))
	var list []string
	for _, p := range w.Ports {
		names[p.Name] = true
		list = append(list, p.Name)
	}
	needPort := false
	for _, e := range []struct {
		field string
		p     **Probe
		def   Probe
	}{{"liveness", &ps.Liveness, livenessTimings}, {"readiness", &ps.Readiness, readinessTimings}, {"startup", &ps.Startup, startupTimings}} {
		p := *e.p
		if p == nil {
			continue
		}
		withTimings(p, e.def)
		if p.Exec != nil {
			continue
		}
		switch name := p.portName(); {
		case len(w.Ports) == 0:
			needPort = needPort || declared != nil
			*e.p = nil
		case name == "":
			p.setPort(w.PortName())
		case !names[name]:
			l.addEnv("probe-port", l.probeAt(w.Name, env, e.field), env, "probe port %q is not a port of the service: %s", name, choices(name, list))
		}
	}
	if needPort {
		l.addAt("port-required", declared, "HTTP probes need a port: add port: <1-65535> or remove probes")
	}
}

// clone copies the probes, so that resolving one workload's leaves the
// blueprint's alone.
func (ps Probes) clone() Probes {
	out := Probes{}
	for _, e := range []struct{ dst, src **Probe }{{&out.Liveness, &ps.Liveness}, {&out.Readiness, &ps.Readiness}, {&out.Startup, &ps.Startup}} {
		if p := *e.src; p != nil {
			c := *p
			if p.HTTP != nil {
				c.HTTP = &HTTPProbe{Path: p.HTTP.Path, Port: p.HTTP.Port}
			}
			if p.TCP != nil {
				c.TCP = &TCPProbe{Port: p.TCP.Port}
			}
			if p.GRPC != nil {
				c.GRPC = &GRPCProbe{Port: p.GRPC.Port, Service: p.GRPC.Service}
			}
			if p.Exec != nil {
				c.Exec = &ExecProbe{Command: append([]string(nil), p.Exec.Command...)}
			}
			*e.dst = &c
		}
	}
	return out
}

// probeAt is the path where a probe of a service is declared for env: in
// overrides.<env>.probes, else on the service, else (from the blueprint)
// the service itself.
func (l *loader) probeAt(svc, env, field string) []string {
	for _, at := range [][]string{{"services", svc, "overrides", env, "probes", field}, {"services", svc, "probes", field}} {
		if l.user.LookupPath(makePath(at)).Exists() {
			return at
		}
	}
	return []string{"services", svc}
}
