package schemas

import (
	"fmt"
	"net/mail"
	"net/url"
	"slices"

	"k8s.io/apimachinery/pkg/util/validation"
)

// Addon blueprints: the built-in add-ons of blueprints/addons.cue a platform
// names in addons.<name>.blueprint.

// addonBlueprint is a built-in addon blueprint.
type addonBlueprint struct {
	Chart     string         `json:"chart"`
	Repo      string         `json:"repo"`
	Version   string         `json:"version"`
	Namespace string         `json:"namespace"`
	Values    map[string]any `json:"values"`
	After     []string       `json:"after"`
	Providers []string       `json:"providers"`
	Seed      string         `json:"seed"`
}

// Issuer is the ClusterIssuer of the cert-manager addon blueprint: an ACME
// account whose HTTP-01 challenges are solved through an ingress class.
type Issuer struct {
	Name         string `json:"name"`
	Email        string `json:"email"`
	Server       string `json:"server"`
	IngressClass string `json:"ingressClass"`
}

type rawIssuer struct {
	Name string `json:"name"`
	ACME *struct {
		Email        string `json:"email"`
		Server       string `json:"server"`
		IngressClass string `json:"ingressClass"`
	} `json:"acme"`
}

// Defaults of an issuer (platform.cue #Issuer), for specs decoded without
// the schema's defaults.
const (
	DefaultIssuer       = "letsencrypt-prod" // seed 004 "3. Ingress 컨트롤러 선택" example
	defaultACMEServer   = "https://acme-v02.api.letsencrypt.org/directory"
	defaultIssuerIngCls = "nginx"
	certManager         = "cert-manager"
)

// ClusterIssuer is the name of the ClusterIssuer the generated Ingresses
// name: the issuer of the platform's cert-manager addon, else the default
// (an issuer installed outside plinth).
func (m *Model) ClusterIssuer() string {
	for _, a := range m.Addons {
		if a.Issuer != nil {
			return a.Issuer.Name
		}
	}
	return DefaultIssuer
}

// InstallsOn reports whether the addon is installed on clusters of the
// provider (a blueprint may leave a provider to its managed add-on).
func (a Addon) InstallsOn(provider string) bool {
	return len(a.Providers) == 0 || slices.Contains(a.Providers, provider)
}

// addon checks an addon and resolves it against its blueprint.
func (l *loader) addon(name string, a rawAddon, bi *builtins) Addon {
	at := []string{"addons", name}
	out := Addon{Name: name, Blueprint: a.Blueprint, Pos: l.pathPos(at)}
	if a.Blueprint == "" {
		for _, f := range []struct{ field, v string }{{"chart", a.Chart}, {"repo", a.Repo}, {"version", a.Version}, {"namespace", a.Namespace}} {
			if f.v == "" {
				l.addAt("addon-blueprint", at, "%s is required: give chart, repo, version and namespace, or name a built-in blueprint (%s)",
					f.field, orList(sortedKeys(bi.Addons)))
				return out
			}
		}
		if a.Issuer != nil {
			l.addAt("addon-issuer", appendPath(at, "issuer"), "issuer is a field of the %q blueprint only", certManager)
		}
		l.checkAddon(name, a)
		out.Chart, out.Repo, out.Version, out.Namespace, out.Values = a.Chart, a.Repo, a.Version, a.Namespace, a.Values
		return out
	}
	bp, ok := bi.Addons[a.Blueprint]
	if !ok {
		l.addAt("addon-blueprint", appendPath(at, "blueprint"), "addon blueprint %q is not built in: %s", a.Blueprint, choices(a.Blueprint, sortedKeys(bi.Addons)))
		return out
	}
	if a.Chart != "" || a.Repo != "" {
		field := "chart"
		if a.Chart == "" {
			field = "repo"
		}
		l.addAt("addon-blueprint", appendPath(at, field), "%s comes from blueprint %q (chart %q from %s): remove it, or drop the blueprint to install another chart",
			field, a.Blueprint, bp.Chart, bp.Repo)
	}
	r := rawAddon{Chart: bp.Chart, Repo: bp.Repo, Version: bp.Version, Namespace: bp.Namespace, Values: a.Values}
	if a.Version != "" {
		r.Version = a.Version
	}
	if a.Namespace != "" {
		r.Namespace = a.Namespace
	}
	l.checkAddon(name, r)
	out.Chart, out.Repo, out.Version, out.Namespace = r.Chart, r.Repo, r.Version, r.Namespace
	out.Values = mergeValues(bp.Values, a.Values)
	out.Providers = slices.Clone(bp.Providers)
	out.After = slices.Clone(bp.After)
	if a.Blueprint == certManager {
		out.Issuer = l.issuer(appendPath(at, "issuer"), a.Issuer)
	} else if a.Issuer != nil {
		l.addAt("addon-issuer", appendPath(at, "issuer"), "issuer is a field of the %q blueprint only", certManager)
	}
	return out
}

// issuer checks the ClusterIssuer of the cert-manager blueprint.
func (l *loader) issuer(at []string, r *rawIssuer) *Issuer {
	if r == nil || r.ACME == nil {
		l.addAt("addon-issuer", at, "the %q blueprint needs issuer: acme: email: the ClusterIssuer %q the generated Ingresses name (seed 004 \"3. Ingress 컨트롤러 선택\")",
			certManager, DefaultIssuer)
		return nil
	}
	is := &Issuer{Name: r.Name, Email: r.ACME.Email, Server: r.ACME.Server, IngressClass: r.ACME.IngressClass}
	if is.Name == "" {
		is.Name = DefaultIssuer
	}
	if is.Server == "" {
		is.Server = defaultACMEServer
	}
	if is.IngressClass == "" {
		is.IngressClass = defaultIssuerIngCls
	}
	if errs := validation.IsDNS1123Subdomain(is.Name); len(errs) > 0 {
		l.addAt("addon-issuer", appendPath(at, "name"), "issuer name %q is not a DNS-1123 subdomain", is.Name)
	}
	if addr, err := mail.ParseAddress(is.Email); err != nil || addr.Address != is.Email {
		l.addAt("addon-issuer", appendPath(at, "acme", "email"), "email %q must be a plain address such as \"platform@example.com\" (the ACME account's contact)", is.Email)
	}
	if u, err := url.Parse(is.Server); err != nil || u.Scheme != "https" || u.Host == "" {
		l.addAt("addon-issuer", appendPath(at, "acme", "server"), "server %q must be an https:// ACME directory URL", is.Server)
	}
	if errs := validation.IsDNS1123Subdomain(is.IngressClass); len(errs) > 0 {
		l.addAt("addon-issuer", appendPath(at, "acme", "ingressClass"), "ingressClass %q is not a DNS-1123 subdomain", is.IngressClass)
	}
	return is
}

// checkAddonOrder checks that every blueprint an addon installs after is
// declared, and resolves After to the names of those addons.
func (l *loader) checkAddonOrder(addons []Addon) {
	byBlueprint := map[string]string{}
	for _, a := range addons {
		if a.Blueprint == "" {
			continue
		}
		if first, dup := byBlueprint[a.Blueprint]; dup {
			l.addAt("addon-blueprint", []string{"addons", a.Name, "blueprint"}, "blueprint %q is already installed by addon %q: a cluster runs one copy of an addon",
				a.Blueprint, first)
			continue
		}
		byBlueprint[a.Blueprint] = a.Name
	}
	for i, a := range addons {
		var deps []string
		for _, b := range a.After {
			n, ok := byBlueprint[b]
			if !ok {
				l.addAt("addon-blueprint", []string{"addons", a.Name, "blueprint"}, "blueprint %q installs after blueprint %q: declare an addon with blueprint: %q",
					a.Blueprint, b, b)
				continue
			}
			deps = append(deps, n)
		}
		addons[i].After = deps
	}
}

// addonWarnings warns of an addon blueprint that no cluster of the platform
// installs: it is left to the managed add-on of every cluster's provider.
func (l *loader) addonWarnings(m *Model) Errors {
	var warns Errors
	for _, a := range m.Addons {
		installed := false
		for _, c := range m.Clusters {
			installed = installed || a.InstallsOn(c.Provider)
		}
		if installed || len(m.Clusters) == 0 {
			continue
		}
		at := []string{"addons", a.Name, "blueprint"}
		warns = append(warns, &Error{Pos: l.pathPos(at), Path: pathString(at), Rule: "addon-blueprint",
			Msg: fmt.Sprintf("blueprint %q installs on %s clusters only (the others run the provider's managed add-on), and the platform has none: it is installed nowhere",
				a.Blueprint, orList(a.Providers))})
	}
	return warns
}

// mergeValues merges over onto base (maps deeply, other values replaced);
// neither is modified.
func mergeValues(base, over map[string]any) map[string]any {
	if len(base) == 0 && len(over) == 0 {
		return nil
	}
	out := make(map[string]any, len(base)+len(over))
	for k, v := range base {
		out[k] = v
	}
	for k, v := range over {
		bm, bok := out[k].(map[string]any)
		om, ook := v.(map[string]any)
		if bok && ook {
			out[k] = mergeValues(bm, om)
			continue
		}
		out[k] = v
	}
	return out
}
