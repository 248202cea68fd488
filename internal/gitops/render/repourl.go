package render

import (
	"net/url"
	"strings"
)

// sameRepo says whether two Git repository URLs name the same repository,
// in any spelling Flux and Argo CD accept: https://host/org/repo(.git),
// ssh://git@host(:22)/org/repo(.git), scp-like git@host:org/repo(.git),
// git://, with or without a trailing slash, user or default port; host
// names compare case-insensitively, paths case-sensitively. An empty URL
// names no repository.
func sameRepo(a, b string) bool {
	na, nb := normRepoURL(a), normRepoURL(b)
	return na != "" && na == nb
}

// normRepoURL reduces a repository URL to "host/path" (see sameRepo); ""
// when it has neither.
func normRepoURL(u string) string {
	u = strings.TrimSpace(u)
	if u == "" {
		return ""
	}
	var host, p string
	if i := strings.Index(u, "://"); i >= 0 {
		parsed, err := url.Parse(u)
		if err != nil {
			return ""
		}
		host, p = parsed.Hostname(), parsed.Path
	} else if i := strings.IndexByte(u, ':'); i > 0 && !strings.Contains(u[:i], "/") {
		// scp-like: [user@]host:path
		host, p = u[:i], u[i+1:]
		if at := strings.LastIndexByte(host, '@'); at >= 0 {
			host = host[at+1:]
		}
	} else {
		return ""
	}
	p = strings.Trim(p, "/")
	p = strings.TrimSuffix(p, ".git")
	p = strings.TrimSuffix(p, "/")
	if host == "" || p == "" {
		return ""
	}
	return strings.ToLower(host) + "/" + p
}
