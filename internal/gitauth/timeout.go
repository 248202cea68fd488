package gitauth

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// EnvTimeout bounds each network git operation (list, fetch, clone, push):
// a Go duration such as 30s or 5m. The --timeout flag of publish, diff and
// report overrides it.
const EnvTimeout = "PLINTH_GIT_TIMEOUT"

// DefaultTimeout is the bound of one network git operation when neither
// --timeout nor PLINTH_GIT_TIMEOUT says otherwise.
const DefaultTimeout = 2 * time.Minute

// ErrTimeout marks a git operation the server did not finish in time.
var ErrTimeout = errors.New("timed out")

// ParseTimeout reads a timeout given as a Go duration ("90s", "5m"); it
// must be positive. name is what the message calls it (a flag or variable).
func ParseTimeout(name, s string) (time.Duration, error) {
	d, err := time.ParseDuration(strings.TrimSpace(s))
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("%s %q: want a positive duration such as 30s or 5m", name, s)
	}
	return d, nil
}

// timeout returns the bound from getenv's PLINTH_GIT_TIMEOUT, else DefaultTimeout.
func timeout(getenv func(string) string) (time.Duration, error) {
	if s := getenv(EnvTimeout); s != "" {
		return ParseTimeout(EnvTimeout, s)
	}
	return DefaultTimeout, nil
}

// Do runs op (one network git operation) with a deadline of r.Timeout. A
// server that accepts the connection and never answers cannot hold it
// longer: op gets a context that ends at the deadline (go-git stops its
// git:// and http(s) exchanges with it), and Do returns at the deadline
// even when op does not (go-git's SSH handshake ignores contexts; that
// goroutine ends when the connection does, and its context is already
// cancelled, so it sends nothing more). The error of a timeout matches
// ErrTimeout and says how to raise the bound; callers name the address.
func (r *Remote) Do(ctx context.Context, op func(context.Context) error) error {
	d := r.Timeout
	if d <= 0 {
		d = DefaultTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- op(ctx) }()
	var err error
	select {
	case err = <-done:
	case <-ctx.Done():
		err = ctx.Err()
	}
	if err != nil && errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("%w: no answer within %s (raise the bound with --timeout or %s)", ErrTimeout, d, EnvTimeout)
	}
	return err
}
