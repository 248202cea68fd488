package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/plinth-dev/plinth/generator"
	"github.com/plinth-dev/plinth/generator/publish"
	"github.com/plinth-dev/plinth/internal/gitauth"
	"github.com/plinth-dev/plinth/internal/gitops/repo"
)

func init() { register(newPublishCmd) }

// gitTarget holds the flags publish and diff share.
type gitTarget struct {
	repo, branch, base, path string
	engine, flavor           string
	timeout                  time.Duration
}

func (g *gitTarget) addFlags(cmd *cobra.Command) {
	cmd.Flags().StringVar(&g.repo, "repo", "", "GitOps repository: https/ssh/git/file URL, user@host:path, or a local path (required)")
	cmd.Flags().StringVar(&g.branch, "branch", "", "branch to publish to (default: the platform's gitops.branch, else main)")
	cmd.Flags().StringVar(&g.base, "base", "", "when --branch does not exist yet, start it from this branch (e.g. main, for a pull request)")
	cmd.Flags().StringVar(&g.path, "path", "", "directory inside the repository that holds the generated tree")
	cmd.Flags().StringVar(&g.engine, "engine", "", "flux|argocd (default: the platform's gitops.engine)")
	cmd.Flags().StringVar(&g.flavor, "flavor", "", "kustomize|helm (default: kustomize)")
	addTimeoutFlag(cmd, &g.timeout)
}

// addTimeoutFlag adds --timeout, the bound of each network git operation.
func addTimeoutFlag(cmd *cobra.Command, d *time.Duration) {
	cmd.Flags().DurationVar(d, "timeout", 0, "give up a git operation (clone, fetch, push) the server does not finish in this time (default $"+gitauth.EnvTimeout+", else "+gitauth.DefaultTimeout.String()+")")
}

// checkTimeout refuses a --timeout that is given but not positive.
func checkTimeout(cmd *cobra.Command, d time.Duration) error {
	if cmd.Flags().Changed("timeout") && d <= 0 {
		return usageError("--timeout %s: want a positive duration such as 30s or 5m", d)
	}
	return nil
}

// gitError makes a bad option found by publish (--branch HEAD) a usage error.
func gitError(err error) error {
	if errors.Is(err, publish.ErrOption) {
		return &exitError{code: exitUsage, err: err}
	}
	return err
}

// prepare checks the flags, loads and generates the platform in dir and
// returns the publish options. Invalid platforms print their located errors.
func (g *gitTarget) prepare(cmd *cobra.Command, args []string) (*generator.Output, publish.Options, error) {
	var opts publish.Options
	if g.repo == "" {
		return nil, opts, usageError("--repo is required (a URL or the path of a git repository)")
	}
	for _, b := range []struct{ flag, value string }{{"branch", g.branch}, {"base", g.base}} {
		if !cmd.Flags().Changed(b.flag) {
			continue
		}
		if strings.TrimSpace(b.value) == "" {
			return nil, opts, usageError("--%s must not be empty", b.flag)
		}
		if err := publish.CheckBranch(b.value); err != nil {
			return nil, opts, usageError("--%s %v", b.flag, err)
		}
	}
	if err := checkTimeout(cmd, g.timeout); err != nil {
		return nil, opts, err
	}
	sub := strings.Trim(filepath.ToSlash(g.path), "/")
	if sub != "" {
		if err := repo.CheckPath(sub); err != nil {
			return nil, opts, usageError("--path %q must be a clean directory inside the repository: %v", g.path, err)
		}
	}
	dir := "."
	if len(args) == 1 {
		dir = args[0]
	}
	m, out, err := loadPlatform(cmd, dir, generator.Options{Engine: g.engine, Flavor: g.flavor, RepoPath: sub})
	if err != nil {
		return nil, opts, err
	}
	branch, warning := publish.Branch(g.branch, m.Platform.GitOps.Branch, g.base)
	if warning != "" {
		fmt.Fprintf(cmd.ErrOrStderr(), "warning: %s\n", warning)
	}
	opts = publish.Options{
		Repo:         g.repo,
		Branch:       branch,
		Base:         g.base,
		Path:         sub,
		Title:        m.Platform.Name,
		Version:      buildVersion(),
		SourceCommit: publish.SourceCommit(dir),
		Timeout:      g.timeout,
	}
	return out, opts, nil
}

func newPublishCmd() *cobra.Command {
	var g gitTarget
	var message, author string
	var dryRun bool
	cmd := &cobra.Command{
		Annotations: heavy,
		Use:         "publish [DIR]",
		Short:       "Generate the platform in DIR and commit the output to the GitOps repository",
		Long: `publish generates the platform in DIR (default ".") and commits the output to
--branch of --repo, under --path. It clones the branch into memory, builds the
new tree from the generated files, removes only the stale files its previous
ownership manifest (.plinth/manifest.json) lists, leaves every other file alone,
commits only when something changed and pushes. When someone else pushed
meanwhile it rebuilds on the new head and retries; it never force-pushes.
With --base, a --branch that does not exist yet is created from the head of
--base (publish to plinth/update --base main, then open a pull request); an
existing --branch is published to as usual.

Credentials come from the environment: PLINTH_GIT_TOKEN (HTTPS token),
PLINTH_GIT_USERNAME/PLINTH_GIT_PASSWORD (HTTPS), PLINTH_GIT_CA_FILE (extra CA
certificates for HTTPS), PLINTH_GIT_SSH_KEY and PLINTH_GIT_SSH_PASSPHRASE (SSH
key file; else the SSH agent). They never appear in output. --dry-run prints the diff instead of committing.

Exit status: 0 published or up to date, 1 failure (nothing changed anywhere), 2 usage.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if author != "" {
				if _, _, err := publish.ParseAuthor(author); err != nil {
					return usageError("--author: %v", err)
				}
			}
			out, opts, err := g.prepare(cmd, args)
			if err != nil {
				return err
			}
			opts.Message, opts.Author, opts.DryRun = message, author, dryRun
			ctx, stop := interruptible(cmd.Context())
			defer stop()
			res, err := publish.Publish(ctx, out, opts)
			if err != nil {
				return gitError(err)
			}
			w := cmd.OutOrStdout()
			a, c, r := res.Counts()
			switch {
			case len(res.Changes) == 0 && res.Created:
				fmt.Fprintf(w, "%s %s: nothing differs from %s, branch not created\n", res.Repo, res.Branch, opts.Base)
			case len(res.Changes) == 0:
				fmt.Fprintf(w, "%s %s: up to date, nothing to commit\n", res.Repo, res.Branch)
			case dryRun:
				if err := repo.WriteDiff(w, res.Changes, colorOutput(w)); err != nil {
					return err
				}
				fmt.Fprintf(cmd.ErrOrStderr(), "dry run: would commit %d added, %d changed, %d removed files to %s %s\n", a, c, r, res.Repo, res.Branch)
			case res.Created:
				fmt.Fprintf(w, "%s %s: created from %s with commit %s (%d added, %d changed, %d removed)\n", res.Repo, res.Branch, opts.Base, res.Commit[:12], a, c, r)
			default:
				fmt.Fprintf(w, "%s %s: committed %s (%d added, %d changed, %d removed)\n", res.Repo, res.Branch, res.Commit[:12], a, c, r)
			}
			return nil
		},
	}
	g.addFlags(cmd)
	cmd.Flags().StringVarP(&message, "message", "m", "", "commit summary line (default: generated)")
	cmd.Flags().StringVar(&author, "author", "", `commit author "Name <email>" (default: $GIT_AUTHOR_NAME/$GIT_AUTHOR_EMAIL or plinth)`)
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "do everything up to the commit, print the diff and stop")
	return cmd
}

// interruptible cancels the git operations on Ctrl-C or SIGTERM (a push
// either lands whole or not at all).
func interruptible(parent context.Context) (context.Context, context.CancelFunc) {
	if parent == nil {
		parent = context.Background()
	}
	return signal.NotifyContext(parent, os.Interrupt, syscall.SIGTERM)
}

// colorOutput reports whether w is a terminal that wants colour.
func colorOutput(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok || os.Getenv("NO_COLOR") != "" || os.Getenv("TERM") == "dumb" {
		return false
	}
	return term.IsTerminal(int(f.Fd()))
}
