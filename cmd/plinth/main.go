// Command plinth validates a platform described in CUE, generates the GitOps
// repository that deploys it, publishes it with git and reports how a GitOps
// repository stands against the baseline. This package only parses flags,
// chooses output streams and maps errors to exit codes.
package main

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/spf13/cobra"

	// The GC policy, applied before the other packages are initialized.
	_ "github.com/plinth-dev/plinth/cmd/plinth/internal/gcearly"
	"github.com/plinth-dev/plinth/internal/gcpolicy"
)

// Exit codes, as kubectl and helm users expect them.
const (
	exitOK      = 0
	exitFailure = 1 // invalid input, failed checks, runtime errors
	exitUsage   = 2 // bad flags or arguments
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

// commands registers subcommand constructors; each command file adds itself in init.
var commands []func() *cobra.Command

func register(newCmd func() *cobra.Command) { commands = append(commands, newCmd) }

// heavyCommand annotates the commands that render, evaluate or generate
// hundreds of MB of values: their heap is backed by huge pages
// (gcpolicy.HugeHeap).
const heavyCommand = "plinth/heavy"

// heavy is the annotation of a heavy command.
var heavy = map[string]string{heavyCommand: "true"}

// exitError carries an exit code through cobra. A nil err means the command
// already printed what the user needs (e.g. validation errors) and only the
// code is left to set.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit status %d", e.code)
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

// usageError marks an error as a usage problem (exit 2).
func usageError(format string, args ...any) error {
	return &exitError{code: exitUsage, err: fmt.Errorf(format, args...)}
}

// silentExit sets an exit code without printing anything more.
func silentExit(code int) error { return &exitError{code: code} }

func newRootCmd(stdout, stderr io.Writer) *cobra.Command {
	var verbose bool
	root := &cobra.Command{
		Use:   "plinth",
		Short: "Validate a CUE platform, generate and publish its GitOps repository, report on the baseline",
		Long: `plinth turns a platform described in CUE into validated GitOps manifests
(Kustomize or Helm, deployed by Flux or Argo CD), commits them to a Git
repository, and reports how a GitOps repository stands against the AKS/GKE
security and operations baseline.`,
		Version:       buildVersion(),
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRun: func(cmd *cobra.Command, _ []string) {
			if cmd.Annotations[heavyCommand] != "" {
				gcpolicy.HugeHeap()
			}
			level := slog.LevelWarn
			if verbose {
				level = slog.LevelDebug
			}
			slog.SetDefault(slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), &slog.HandlerOptions{Level: level})))
		},
	}
	root.SetVersionTemplate(versionTemplate())
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.PersistentFlags().BoolVarP(&verbose, "verbose", "v", false, "log progress to standard error")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		return &exitError{code: exitUsage, err: err}
	})
	for _, newCmd := range commands {
		root.AddCommand(newCmd())
	}
	return root
}

// run executes plinth with args and returns the process exit code.
func run(args []string, stdout, stderr io.Writer) int {
	root := newRootCmd(stdout, stderr)
	root.SetArgs(args)
	err := root.Execute()
	if err == nil {
		return exitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil {
			fmt.Fprintf(stderr, "Error: %v\n", ee.err)
		}
		if ee.code == exitUsage && ee.err != nil {
			fmt.Fprintln(stderr, "Run 'plinth --help' for usage.")
		}
		return ee.code
	}
	fmt.Fprintf(stderr, "Error: %v\n", err)
	// cobra reports unknown commands and bad argument counts as plain errors.
	if isCobraUsageError(err) {
		fmt.Fprintln(stderr, "Run 'plinth --help' for usage.")
		return exitUsage
	}
	return exitFailure
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}
