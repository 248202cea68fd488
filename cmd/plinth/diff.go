package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/plinth-dev/plinth/generator/publish"
	"github.com/plinth-dev/plinth/internal/gitops/repo"
)

func init() { register(newDiffCmd) }

func newDiffCmd() *cobra.Command {
	var g gitTarget
	var exitCode bool
	cmd := &cobra.Command{
		Annotations: heavy,
		Use:         "diff [DIR]",
		Short:       "Show what publish would change in the GitOps repository, as a unified diff",
		Long: `diff generates the platform in DIR (default ".") and prints a unified diff of
what publish would change on --branch of --repo (under --path): generated files
added, changed or removed. Hand edits of generated files (drift) show up as
changes that publish would revert. Colour on a terminal, plain otherwise
(NO_COLOR turns it off). Credentials as for publish. With --base, a --branch
that does not exist yet is compared with --base.

Exit status: 0 (with --exit-code: up to date), 1 differences with --exit-code
or failure, 2 usage.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			out, opts, err := g.prepare(cmd, args)
			if err != nil {
				return err
			}
			ctx, stop := interruptible(cmd.Context())
			defer stop()
			res, err := publish.Plan(ctx, out, opts)
			if err != nil {
				return gitError(err)
			}
			w := cmd.OutOrStdout()
			if err := repo.WriteDiff(w, res.Changes, colorOutput(w)); err != nil {
				return err
			}
			a, c, r := res.Counts()
			if len(res.Changes) == 0 {
				fmt.Fprintf(cmd.ErrOrStderr(), "%s %s: up to date\n", res.Repo, res.Branch)
				return nil
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "%s %s: %d added, %d changed, %d removed\n", res.Repo, res.Branch, a, c, r)
			if exitCode {
				return silentExit(exitFailure)
			}
			return nil
		},
	}
	g.addFlags(cmd)
	cmd.Flags().BoolVar(&exitCode, "exit-code", false, "exit 1 when there are differences, 0 when up to date")
	return cmd
}
