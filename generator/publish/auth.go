package publish

import (
	"errors"

	"github.com/plinth-dev/plinth/internal/gitauth"
)

// Environment variables that carry credentials (see gitauth). Their values
// never appear in output, logs or errors.
const (
	EnvToken         = gitauth.EnvToken
	EnvUsername      = gitauth.EnvUsername
	EnvPassword      = gitauth.EnvPassword
	EnvSSHKey        = gitauth.EnvSSHKey
	EnvSSHPassphrase = gitauth.EnvSSHPassphrase
	EnvCAFile        = gitauth.EnvCAFile
)

// remote is a resolved repository address with its credentials.
type remote = gitauth.Remote

func resolveRemote(repo string, getenv func(string) string) (*remote, error) {
	return gitauth.Resolve(repo, getenv)
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
func wrap(r gitauth.Redactor, err error) error {
	if err == nil {
		return nil
	}
	var re *redactedError
	if errors.As(err, &re) {
		return &redactedError{msg: r.Redact(err.Error()), kind: re.kind}
	}
	return &redactedError{msg: r.Redact(err.Error()), kind: kindOf(err)}
}
