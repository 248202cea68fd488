package publish

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"

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

// remote is a resolved repository address: the URL handed to go-git (with any
// user info removed), its auth method and the secrets to redact.
type remote struct {
	url     string // what go-git connects to
	display string // what users see: url without credentials
	auth    transport.AuthMethod
	ca      []byte // extra CA certificates (PEM) for https
	local   bool   // a path or file:// URL
	red     redactor
}

// resolveRemote turns --repo (a URL, an scp-like SSH address or a local path)
// into a remote with credentials taken from getenv.
func resolveRemote(repo string, getenv func(string) string) (*remote, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	r := &remote{}
	for _, name := range []string{EnvToken, EnvPassword, EnvSSHPassphrase} {
		r.red.add(getenv(name))
	}
	if strings.TrimSpace(repo) == "" {
		return nil, errors.New("--repo is required: a URL or the path of a git repository")
	}
	if strings.ContainsAny(repo, "\n\r\x00") {
		return nil, errors.New("--repo contains control characters")
	}
	switch {
	case isSCPLike(repo):
		user := "git"
		if i := strings.Index(repo, "@"); i > 0 {
			user = repo[:i]
		}
		r.url, r.display = repo, repo
		auth, err := sshAuth(user, getenv)
		if err != nil {
			return nil, err
		}
		r.auth = auth
		return r, nil
	case !strings.Contains(repo, "://"):
		abs, err := filepath.Abs(repo)
		if err != nil {
			return nil, fmt.Errorf("repository path %s: %w", repo, err)
		}
		if _, err := os.Stat(abs); err != nil {
			return nil, fmt.Errorf("repository %s: %w", repo, errors.Unwrap(err))
		}
		// As a file:// URL: go-git then computes what to push from the
		// (shallow) in-memory clone instead of walking the whole history of
		// the repository on disk.
		r.url, r.display, r.local = "file://"+filepath.ToSlash(abs), repo, true
		return r, nil
	}
	u, err := url.Parse(repo)
	if err != nil {
		// url.Parse quotes the input; report without it in case it holds secrets.
		return nil, fmt.Errorf("--repo %s is not a valid URL", redactURLs(repo))
	}
	if u.User != nil {
		if p, ok := u.User.Password(); ok {
			r.red.add(p)
		} else if u.Scheme == "http" || u.Scheme == "https" {
			r.red.add(u.User.Username()) // a token given as the user name
		}
	}
	switch u.Scheme {
	case "file":
		r.url, r.display, r.local = repo, repo, true
		return r, nil
	case "git":
		r.url, r.display = repo, repo
		return r, nil
	case "ssh":
		user := "git"
		if u.User != nil && u.User.Username() != "" {
			user = u.User.Username()
		}
		clean := *u
		clean.User = url.User(user)
		r.url, r.display = clean.String(), clean.String()
		auth, err := sshAuth(user, getenv)
		if err != nil {
			return nil, err
		}
		r.auth = auth
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
		r.url, r.display = clean.String(), clean.String()
		if f := getenv(EnvCAFile); f != "" && u.Scheme == "https" {
			ca, err := os.ReadFile(f)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", EnvCAFile, err)
			}
			r.ca = ca
		}
		if pass != "" {
			if user == "" {
				user = tokenUser
			}
			r.auth = &githttp.BasicAuth{Username: user, Password: pass}
		}
		return r, nil
	default:
		return nil, fmt.Errorf("--repo %s: unsupported scheme %q (use https, ssh, git, file or a path)", redactURLs(repo), u.Scheme)
	}
}

// isSCPLike reports whether s is an scp-like SSH address (user@host:path).
func isSCPLike(s string) bool {
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

// redactor hides secret values in text.
type redactor struct{ secrets []string }

func (r *redactor) add(s string) {
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

func (r redactor) redact(s string) string {
	s = redactURLs(s)
	for _, sec := range r.secrets {
		s = strings.ReplaceAll(s, sec, "***")
	}
	return s
}

var userinfoRE = regexp.MustCompile(`([a-zA-Z][a-zA-Z0-9+.-]*://)([^/@\s"'<>]+)@`)

// redactURLs replaces credentials in URLs (https://user:secret@host,
// https://token@host, ssh://user:secret@host) with ***.
func redactURLs(s string) string {
	return userinfoRE.ReplaceAllStringFunc(s, func(m string) string {
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
}

// redactedError carries a message with credentials removed. It unwraps only
// to the sentinel kind (ErrAuth, ErrUnreachable, ...), never to the raw cause,
// whose text may hold secrets.
type redactedError struct {
	msg  string
	kind error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.kind }

// wrap redacts err and tags it with the sentinel kind it matches, if any.
func (r redactor) wrap(err error) error {
	if err == nil {
		return nil
	}
	var re *redactedError
	if errors.As(err, &re) {
		return &redactedError{msg: r.redact(err.Error()), kind: re.kind}
	}
	return &redactedError{msg: r.redact(err.Error()), kind: kindOf(err)}
}
