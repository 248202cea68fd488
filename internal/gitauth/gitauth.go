// Package gitauth resolves a repository address given on the command line
// (a URL, an scp-like SSH address or a local path) into what go-git needs to
// reach it, with credentials taken from the environment only, hides those
// credentials in anything shown to users, and bounds the time of every
// network operation on it. plinth publish, diff and report share it.
package gitauth

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing/transport"
	githttp "github.com/go-git/go-git/v5/plumbing/transport/http"
	gitssh "github.com/go-git/go-git/v5/plumbing/transport/ssh"
)

// Environment variables that carry credentials. Their values never appear in
// output, logs or errors.
const (
	EnvToken         = "PLINTH_GIT_TOKEN"          // HTTPS token (sent as basic-auth password)
	EnvUsername      = "PLINTH_GIT_USERNAME"       // HTTPS user name (with the token or the password)
	EnvPassword      = "PLINTH_GIT_PASSWORD"       // HTTPS password
	EnvSSHKey        = "PLINTH_GIT_SSH_KEY"        // path of an SSH private key file
	EnvSSHPassphrase = "PLINTH_GIT_SSH_PASSPHRASE" // passphrase of that key
	EnvCAFile        = "PLINTH_GIT_CA_FILE"        // PEM CA certificates trusted for https, besides the system's
)

// tokenUser is the basic-auth user name sent with PLINTH_GIT_TOKEN when
// PLINTH_GIT_USERNAME is not set; GitHub, GitLab and Azure DevOps accept it.
const tokenUser = "x-access-token"

// Remote is a resolved repository address: the URL handed to go-git (with
// any user info removed), its auth method and the secrets to redact.
type Remote struct {
	URL      string // what go-git connects to
	Display  string // what users see: URL without credentials
	Auth     transport.AuthMethod
	CA       []byte // extra CA certificates (PEM) for https
	Local    bool   // a path or file:// URL
	Redactor Redactor
	// Timeout bounds each network operation (see Do): PLINTH_GIT_TIMEOUT,
	// else DefaultTimeout; callers may override it (--timeout).
	Timeout time.Duration
}

// Resolve turns --repo (a URL, an scp-like SSH address or a local path)
// into a remote with credentials taken from getenv (nil: os.Getenv).
func Resolve(repo string, getenv func(string) string) (*Remote, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	r := &Remote{}
	for _, name := range []string{EnvToken, EnvPassword, EnvSSHPassphrase} {
		r.Redactor.Add(getenv(name))
	}
	d, err := timeout(getenv)
	if err != nil {
		return nil, err
	}
	r.Timeout = d
	if strings.TrimSpace(repo) == "" {
		return nil, errors.New("--repo is required: a URL or the path of a git repository")
	}
	if strings.ContainsAny(repo, "\n\r\x00") {
		return nil, errors.New("--repo contains control characters")
	}
	switch {
	case IsSCPLike(repo):
		user := "git"
		if i := strings.Index(repo, "@"); i > 0 {
			user = repo[:i]
		}
		// Before the first @, a colon can only separate a password: in
		// git@host:path the colon comes after it.
		if i := strings.Index(user, ":"); i >= 0 {
			r.Redactor.Add(user[i+1:])
			return nil, fmt.Errorf("--repo %s: an SSH address takes no password: use %s or the SSH agent", masked(repo), EnvSSHKey)
		}
		r.URL, r.Display = repo, repo
		auth, err := sshAuth(user, getenv)
		if err != nil {
			return nil, err
		}
		r.Auth = auth
		return r, nil
	case !strings.Contains(repo, "://"):
		abs, err := filepath.Abs(repo)
		if err != nil {
			return nil, fmt.Errorf("repository path %s: %w", shownPath(repo), err)
		}
		if _, err := os.Stat(abs); err != nil {
			return nil, fmt.Errorf("repository %s: %w", shownPath(repo), errors.Unwrap(err))
		}
		// As a file:// URL: go-git then computes what to push from the
		// (shallow) in-memory clone instead of walking the whole history of
		// the repository on disk.
		r.URL, r.Display, r.Local = "file://"+filepath.ToSlash(abs), repo, true
		return r, nil
	}
	u, err := url.Parse(repo)
	if err != nil {
		// url.Parse quotes the input: report it masked instead.
		return nil, fmt.Errorf("--repo %s is not a valid URL", masked(repo))
	}
	if u.User != nil {
		if p, ok := u.User.Password(); ok {
			r.Redactor.Add(p)
		} else if u.Scheme == "http" || u.Scheme == "https" {
			r.Redactor.Add(u.User.Username()) // a token given as the user name
		}
	}
	if u.Scheme != "file" && (u.Host == "" || strings.ContainsAny(repo, "#?")) {
		return nil, fmt.Errorf("--repo %s is not a repository URL: it needs a host, and no ?query or #fragment", masked(repo))
	}
	if u.Scheme != "file" && strings.Contains(u.Path, "@") {
		// A password holding a / ends the host early: what follows is
		// taken for the path.
		return nil, fmt.Errorf("--repo %s: an @ after the host: percent-encode credentials in the URL, or pass them in %s", masked(repo), EnvToken)
	}
	if u.User != nil && (u.Scheme == "file" || u.Scheme == "git") {
		return nil, fmt.Errorf("--repo %s: %s URLs take no user or password", masked(repo), u.Scheme)
	}
	switch u.Scheme {
	case "file":
		r.URL, r.Display, r.Local = repo, repo, true
		return r, nil
	case "git":
		r.URL, r.Display = repo, repo
		return r, nil
	case "ssh":
		user := "git"
		if u.User != nil && u.User.Username() != "" {
			user = u.User.Username()
		}
		clean := *u
		clean.User = url.User(user)
		r.URL, r.Display = clean.String(), clean.String()
		auth, err := sshAuth(user, getenv)
		if err != nil {
			return nil, err
		}
		r.Auth = auth
		return r, nil
	case "http", "https":
		user, pass := "", ""
		if u.User != nil {
			user = u.User.Username()
			pass, _ = u.User.Password()
		}
		switch tok, pw := getenv(EnvToken), getenv(EnvPassword); {
		case tok != "":
			pass = tok
		case pw != "":
			pass = pw
		case pass == "" && user != "": // https://TOKEN@host/...
			user, pass = tokenUser, user
		}
		if name := getenv(EnvUsername); name != "" {
			user = name
		}
		clean := *u
		clean.User = nil
		r.URL, r.Display = clean.String(), clean.String()
		if f := getenv(EnvCAFile); f != "" && u.Scheme == "https" {
			ca, err := os.ReadFile(f)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", EnvCAFile, err)
			}
			r.CA = ca
		}
		if pass != "" {
			if user == "" {
				user = tokenUser
			}
			r.Auth = &githttp.BasicAuth{Username: user, Password: pass}
		}
		return r, nil
	default:
		return nil, fmt.Errorf("--repo %s: unsupported scheme %q (use https, ssh, git, file or a path)", masked(repo), u.Scheme)
	}
}

// masked shows a --repo value that could not be used: anything before its
// last @ may be credentials in a shape RedactURLs does not recognize.
func masked(repo string) string {
	if i := strings.LastIndex(repo, "@"); i >= 0 {
		return "***" + repo[i:]
	}
	return repo
}

// shownPath shows a --repo value taken for a local path: one holding both
// a colon and an @ may be a mistyped address with a password, and is masked.
func shownPath(repo string) string {
	if strings.Contains(repo, ":") && strings.Contains(repo, "@") {
		return masked(repo)
	}
	return repo
}

// IsSCPLike reports whether s is an scp-like SSH address (user@host:path).
func IsSCPLike(s string) bool {
	if strings.Contains(s, "://") {
		return false
	}
	colon := strings.Index(s, ":")
	if colon <= 0 {
		return false
	}
	slash := strings.Index(s, "/")
	if slash >= 0 && slash < colon {
		return false // a path like ./a:b
	}
	if colon == 1 && filepath.VolumeName(s) != "" {
		return false // C:\ on Windows
	}
	return true
}

// sshAuth picks the key file from PLINTH_GIT_SSH_KEY, else the SSH agent.
func sshAuth(user string, getenv func(string) string) (transport.AuthMethod, error) {
	if key := getenv(EnvSSHKey); key != "" {
		auth, err := gitssh.NewPublicKeysFromFile(user, key, getenv(EnvSSHPassphrase))
		if err != nil {
			// The error of the key parser names no secret; keep the path only.
			return nil, fmt.Errorf("%s=%s: cannot load SSH key: %v", EnvSSHKey, key, err)
		}
		return auth, nil
	}
	if getenv("SSH_AUTH_SOCK") != "" {
		auth, err := gitssh.NewSSHAgentAuth(user)
		if err != nil {
			return nil, fmt.Errorf("SSH agent: %w", err)
		}
		return auth, nil
	}
	return nil, nil // go-git's defaults
}

// Redactor hides secret values in text.
type Redactor struct{ secrets []string }

// Add registers a secret (and its URL-escaped forms); shorter than three
// characters it is ignored.
func (r *Redactor) Add(s string) {
	if len(s) >= 3 {
		r.secrets = append(r.secrets, s)
		if esc := url.QueryEscape(s); esc != s {
			r.secrets = append(r.secrets, esc)
		}
		if esc := url.PathEscape(s); esc != s {
			r.secrets = append(r.secrets, esc)
		}
	}
}

// Redact replaces every registered secret and URL credentials in s with ***.
func (r Redactor) Redact(s string) string {
	s = RedactURLs(s)
	for _, sec := range r.secrets {
		s = strings.ReplaceAll(s, sec, "***")
	}
	return s
}

// userinfoRE finds the user info of a URL: everything between scheme://
// and the last @ of the authority (a password may hold an @).
var userinfoRE = regexp.MustCompile(`([a-zA-Z][a-zA-Z0-9+.-]*://)([^/?#\s"'<>]+)@`)

// scpPasswordRE finds an scp-like SSH address with a password,
// user:secret@host:path, starting a word. A secret starting with "//" is
// the rest of a URL (ssh://git@host:port/r: a user name alone), which
// userinfoRE judges.
var scpPasswordRE = regexp.MustCompile(`(^|[\s"'(<=,\[])([^\s/:@"'<>]*):((?:[^/\s"'<>]|/[^/\s"'<>])[^\s"'<>]*|/?)@([^\s/:@"'<>]+:)`)

// RedactURLs replaces credentials in URLs and SSH addresses with ***:
// https://user:secret@host and https://token@host lose the whole user
// info, ssh://user:secret@host and user:secret@host:path their password. A
// user name alone on ssh (git@host:path, ssh://git@host/r) is kept. Every
// command shows repository addresses and errors through it.
func RedactURLs(s string) string {
	s = userinfoRE.ReplaceAllStringFunc(s, func(m string) string {
		sub := userinfoRE.FindStringSubmatch(m)
		scheme, info := sub[1], sub[2]
		if l := strings.ToLower(scheme); l == "http://" || l == "https://" {
			return scheme + "***@"
		}
		if i := strings.Index(info, ":"); i >= 0 {
			return scheme + info[:i] + ":***@"
		}
		return m
	})
	return scpPasswordRE.ReplaceAllString(s, "$1$2:***@$4")
}

// HasCredentials reports whether s, a repository address, carries a
// password or token that RedactURLs would hide.
func HasCredentials(s string) bool { return RedactURLs(s) != s }
