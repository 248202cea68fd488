package publish

import (
	"testing"

	"github.com/plinth-dev/plinth/internal/testutil/gittest"
)

// Short names for the loopback git servers and git CLI helpers of gittest.
var (
	needGit       = gittest.Need
	gitEnv        = gittest.Env
	git           = gittest.Git
	newBare       = gittest.NewBare
	startDaemon   = gittest.Daemon
	serveLoopback = gittest.ServeLoopback
	pushFile      = gittest.PushFile
	fsck          = gittest.Fsck
)

type httpOpts = gittest.HTTPOptions

// startHTTP serves the repositories under base over smart HTTP, requiring
// basic auth user:pass, and returns the http:// URL prefix.
func startHTTP(t testing.TB, base, user, pass string) string {
	return gittest.HTTP(t, base, user, pass, httpOpts{}).URL
}
