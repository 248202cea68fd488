package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/plinth-dev/plinth/schemas"
)

func init() { register(newValidateCmd) }

func newValidateCmd() *cobra.Command {
	var formatName string
	var strict bool
	cmd := &cobra.Command{
		Annotations: heavy,
		Use:         "validate [DIR]",
		Short:       "Check a platform against the schema and every rule; report all errors with file:line:col",
		Long: `validate loads the CUE platform package in DIR (default ".") with the plinth
schema and blueprints and reports every error at its file:line:col and CUE path.

Formats: text (default), json, github (workflow annotations on the PR's lines),
sarif (SARIF 2.1.0 for code scanning). Text errors go to standard error; the
json, github and sarif documents to standard output, also when DIR cannot be
read (a missing DIR is then exit 2).

A production cluster whose declared settings miss a baseline control that
plinth report evaluates (private API server, Azure AD, network policy, node
minimum, zones, Defender, upgrade channel, ...) is a warning at its settings:
exit 0, or 1 with --strict.

Exit status: 0 valid, 1 invalid (or warnings with --strict), 2 usage.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			format, err := lookupFormat(schemas.Writers, formatName, nil)
			if err != nil {
				return err
			}
			dir := "."
			if len(args) == 1 {
				dir = args[0]
			}
			base := filepath.ToSlash(filepath.Clean(dir))
			if format.RepoRelative {
				base = repoRelative(dir)
			}
			// Text is for people and goes to standard error; a machine
			// format is the command's output and goes to standard output,
			// always as a whole document, even when the platform cannot be
			// read at all.
			report := cmd.OutOrStdout()
			if !format.Document {
				report = cmd.ErrOrStderr()
			}
			m, err := schemas.Load(dir)
			var errs schemas.Errors
			var loadErr error // the platform could not be read at all
			if err != nil && !errors.As(err, &errs) {
				loadErr = err
				if !format.Document {
					return &exitError{code: loadExitCode(dir), err: err}
				}
				errs = schemas.Errors{{Rule: "load", Msg: err.Error()}}
			}
			var warns schemas.Errors
			if m != nil {
				warns = m.Warnings
			}
			if err := format.Write(report, errs, warns, base); err != nil {
				return fmt.Errorf("write report: %w", err)
			}
			if loadErr != nil {
				fmt.Fprintf(cmd.ErrOrStderr(), "Error: %v\n", loadErr)
				return silentExit(loadExitCode(dir))
			}
			if len(errs) > 0 {
				noun := "errors"
				if len(errs) == 1 {
					noun = "error"
				}
				fmt.Fprintf(cmd.ErrOrStderr(), "%s: %d %s\n", dir, len(errs), noun)
				return silentExit(exitFailure)
			}
			summary := fmt.Sprintf("%s: valid (%d services, %d environments, %d clusters)", dir, len(m.Services), len(m.Environments), len(m.Clusters))
			if n := len(warns); n > 0 {
				summary += fmt.Sprintf(", %d baseline warning(s)", n)
			}
			if !format.Document {
				fmt.Fprintln(cmd.OutOrStdout(), summary)
			} else {
				fmt.Fprintln(cmd.ErrOrStderr(), summary)
			}
			if strict && len(warns) > 0 {
				fmt.Fprintf(cmd.ErrOrStderr(), "%s: --strict: %d baseline warning(s)\n", dir, len(warns))
				return silentExit(exitFailure)
			}
			return nil
		},
	}
	cmd.Flags().StringVarP(&formatName, "format", "o", "text", formatHelp(schemas.Writers, nil))
	cmd.Flags().BoolVar(&strict, "strict", false, "exit 1 on baseline warnings too")
	return cmd
}

// loadExitCode is the exit status of a platform that could not be read: a
// DIR that is missing or no directory is a bad argument.
func loadExitCode(dir string) int {
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return exitUsage
	}
	return exitFailure
}

// repoRelative is dir relative to the root of the git work tree holding it
// (where GitHub and code scanning resolve file paths), else relative to the
// working directory, else dir itself.
func repoRelative(dir string) string {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return filepath.ToSlash(dir)
	}
	for root := abs; ; {
		if _, err := os.Stat(filepath.Join(root, ".git")); err == nil {
			if rel, err := filepath.Rel(root, abs); err == nil {
				return filepath.ToSlash(rel)
			}
			break
		}
		parent := filepath.Dir(root)
		if parent == root {
			break
		}
		root = parent
	}
	if wd, err := os.Getwd(); err == nil {
		if rel, err := filepath.Rel(wd, abs); err == nil && !strings.HasPrefix(rel, "..") {
			return filepath.ToSlash(rel)
		}
	}
	return filepath.ToSlash(dir)
}
