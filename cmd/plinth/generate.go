package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/plinth-dev/plinth/generator"
	"github.com/plinth-dev/plinth/internal/gcpolicy"
	"github.com/plinth-dev/plinth/internal/gitops/repo"
	"github.com/plinth-dev/plinth/schemas"
)

func init() { register(newGenerateCmd) }

func newGenerateCmd() *cobra.Command {
	var (
		out, engine, flavor, verify string
		envs                        []string
		check, diff, force          bool
	)
	cmd := &cobra.Command{
		Annotations: heavy,
		Use:         "generate [DIR] --out PATH",
		Short:       "Render the platform into a validated GitOps repository tree (Kustomize or Helm, for Flux or Argo CD)",
		Long: `generate loads the CUE platform in DIR (default "."), renders every environment
(or those given with --env) and writes the GitOps repository tree into PATH:
clusters/<cluster>/ holds what a bootstrapped Flux or Argo CD reconciles,
infrastructure/<env>/ the namespaces, RBAC, quotas, limit ranges, network
policies and backups, apps/ the workloads (kustomize bases and overlays, or
the shared chart's per-environment values with --flavor helm).

The output is built and checked in memory first (kustomize build, helm
template and lint, schema validation); it is then moved into PATH. Files
listed in PATH/.plinth/manifest.json from an earlier run are replaced or
removed; other files are never touched. On any error PATH is unchanged.
With --env the tree holds those environments only: the files of the others
become stale (use a separate --out to preview one environment).

Nothing is written or removed through a symbolic link inside PATH. A
generated file edited by hand (its sha256 is not the one the manifest
records) stops generate with the list of such files; --force overwrites and
deletes them, naming each on standard error. A generate killed or
interrupted (SIGINT, SIGTERM) leaves the old tree or, once files are moving
into place, finishes the move; the next run completes or rolls back what a
killed one left (.plinth/journal.json, .plinth/staging) and says so.

--check writes nothing: it lists the files of PATH that are not what generate
would write (A added, M modified, D stale) and exits 1 when there are any —
for a CI job that keeps committed output current. --diff prints them as a
unified diff instead.

Exit status: 0 written (or up to date with --check), 1 invalid platform,
failed checks or (--check, --diff) out of date, 2 usage.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return usageError("--out PATH is required")
			}
			dir := "."
			if len(args) == 1 {
				dir = args[0]
			}
			if verify != "render" && verify != "full" {
				return usageError("--verify %q: use render or full", verify)
			}
			if same, _ := sameDir(dir, out); same {
				return usageError("--out %s is the platform directory: the generated YAML would become platform input", out)
			}
			defer gcpolicy.Generate()()
			if check || diff {
				_, res, err := loadPlatform(cmd, dir, generator.Options{Engine: engine, Flavor: flavor, Envs: envs, FullCheck: verify == "full"})
				if err != nil {
					return err
				}
				return checkOutput(cmd, res, out, diff)
			}
			in := handleInterrupts(cmd, out)
			defer in.stop()
			_, res, err := loadPlatform(cmd, dir, generator.Options{Engine: engine, Flavor: flavor, Envs: envs, FullCheck: verify == "full"})
			if err != nil {
				return err
			}
			started := time.Now()
			st, err := writeGuarded(cmd, in, res, out, force)
			if err != nil {
				return err
			}
			slog.Debug(fmt.Sprintf("generate: wrote %s in %s: %d written, %d unchanged, %d stale removed",
				out, time.Since(started).Round(time.Millisecond), st.Written, st.Unchanged, st.Removed))
			fmt.Fprintf(cmd.OutOrStdout(), "%s: %d files (%d written, %d unchanged, %d stale removed)\n",
				out, len(res.Files), st.Written, st.Unchanged, st.Removed)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&out, "out", "", "directory of the GitOps repository tree to write (required)")
	f.StringVar(&engine, "engine", "", "GitOps engine: flux|argocd (default: platform.gitops.engine)")
	f.StringVar(&flavor, "flavor", generator.FlavorKustomize, "layout of the workloads: kustomize|helm")
	f.StringSliceVar(&envs, "env", nil, "environment to render (repeatable; default: all)")
	f.BoolVar(&check, "check", false, "write nothing; list the files of --out that are out of date and exit 1 if any")
	f.BoolVar(&diff, "diff", false, "write nothing; print what is out of date in --out as a unified diff and exit 1 if any")
	f.StringVar(&verify, "verify", "render", "self-check of the output: render (plinth's own Flux/Argo CD emulation) or full (also the kustomize API and Helm SDK with lint)")
	f.BoolVar(&force, "force", false, "overwrite and delete generated files edited by hand (named on standard error)")
	return cmd
}

// interrupts handles SIGINT and SIGTERM for a generate that writes: before
// the write starts a signal ends the process at once, exit 1 (nothing was
// written); while it runs it cancels the write's context, which stops it
// cleanly (staging rolled back, or moves finished), and the command exits 1
// saying which.
type interrupts struct {
	mu      sync.Mutex
	writing bool
	ctx     context.Context
	cancel  context.CancelFunc
	stop    func()
}

// interruptsHandled, set by tests, is called once generate handles
// SIGINT and SIGTERM itself.
var interruptsHandled func()

func handleInterrupts(cmd *cobra.Command, dir string) *interrupts {
	stderr := cmd.ErrOrStderr()
	in := &interrupts{}
	in.ctx, in.cancel = context.WithCancel(cmd.Context())
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	if interruptsHandled != nil {
		interruptsHandled()
	}
	done := make(chan struct{})
	in.stop = func() {
		signal.Stop(sigs)
		close(done)
		in.cancel()
	}
	go func() {
		select {
		case s := <-sigs:
			in.mu.Lock()
			if !in.writing {
				fmt.Fprintf(stderr, "Error: %v: interrupted before writing; %s unchanged\n", s, dir)
				os.Exit(exitFailure)
			}
			fmt.Fprintf(stderr, "plinth: %v: stopping the write of %s\n", s, dir)
			in.cancel()
			in.mu.Unlock()
		case <-done:
		}
	}()
	return in
}

// writeGuarded writes res into dir under the interrupt handler and says on
// standard error what recovery and --force did.
func writeGuarded(cmd *cobra.Command, in *interrupts, res *generator.Output, dir string, force bool) (generator.WriteStats, error) {
	stderr := cmd.ErrOrStderr()
	in.mu.Lock()
	in.writing = true
	in.mu.Unlock()
	ctx := in.ctx
	st, err := generator.WriteContext(ctx, res, dir, generator.WriteOptions{Force: force})
	if st.Recovered != "" {
		fmt.Fprintf(stderr, "%s: %s\n", dir, st.Recovered)
	}
	for _, c := range st.Forced {
		if err != nil {
			break // nothing was overwritten
		}
		verb := "overwrote"
		if c.Action == repo.Removed {
			verb = "deleted"
		}
		fmt.Fprintf(stderr, "%s: --force: %s %s, which was edited by hand\n", dir, verb, c.Path)
	}
	return st, err
}

// checkOutput reports how the tree in dir differs from res, as a file list
// or a unified diff; out of date is exit status 1.
func checkOutput(cmd *cobra.Command, res *generator.Output, dir string, asDiff bool) error {
	changes, err := generator.Check(res, dir)
	if err != nil {
		return err
	}
	if len(changes) == 0 {
		fmt.Fprintf(cmd.ErrOrStderr(), "%s: up to date (%d files)\n", dir, len(res.Files))
		return nil
	}
	defer func() {
		if edited := repo.Edited(changes); len(edited) > 0 {
			paths := make([]string, len(edited))
			for i, c := range edited {
				paths[i] = c.Path
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "%s: edited by hand since plinth wrote them (generate stops on them unless --force): %s\n",
				dir, strings.Join(paths, ", "))
		}
	}()
	w := cmd.OutOrStdout()
	if asDiff {
		if err := repo.WriteDiff(w, changes, colorOutput(w)); err != nil {
			return err
		}
	} else {
		for _, c := range changes {
			fmt.Fprintf(w, "%s %s\n", c.Action.Letter(), c.Path)
		}
	}
	a, c, r := repo.Count(changes)
	fmt.Fprintf(cmd.ErrOrStderr(), "%s: out of date: %d to add, %d to change, %d stale; run plinth generate --out %s\n",
		dir, a, c, r, dir)
	return silentExit(exitFailure)
}

// optionFlags name the flag of each generator option.
var optionFlags = map[string]string{
	generator.OptionEngine:   "--engine",
	generator.OptionFlavor:   "--flavor",
	generator.OptionEnv:      "--env",
	generator.OptionRepoPath: "--path",
}

// loadPlatform loads and generates the platform in dir. A missing directory
// and bad options are usage errors naming the flag; an invalid platform
// prints its located errors on standard error and exits 1. Nothing is
// written either way.
func loadPlatform(cmd *cobra.Command, dir string, opts generator.Options) (*schemas.Model, *generator.Output, error) {
	started := time.Now()
	m, out, err := generator.Load(dir, opts)
	if err == nil {
		// -v: progress through the command's logger (standard error).
		envs := len(m.Environments)
		if len(opts.Envs) > 0 {
			envs = len(opts.Envs)
		}
		slog.Debug(fmt.Sprintf("generate: rendered %d environments on %d clusters (engine %s, flavor %s): %d files, checked in %s",
			envs, len(m.Clusters), or(opts.Engine, m.Platform.GitOps.Engine), or(opts.Flavor, generator.FlavorKustomize), len(out.Files), time.Since(started).Round(time.Millisecond)))
	}
	var optErr *generator.OptionError
	var noDir *generator.NoPlatformError
	var errs schemas.Errors
	switch {
	case err == nil:
		return m, out, nil
	case errors.As(err, &optErr):
		return nil, nil, usageError("%s", optErr.Format(optionFlags[optErr.Option]))
	case errors.As(err, &noDir):
		return nil, nil, usageError("%v", noDir)
	case errors.As(err, &errs):
		if werr := schemas.WriteErrors(cmd.ErrOrStderr(), errs, "text", filepath.ToSlash(filepath.Clean(dir))); werr != nil {
			return nil, nil, werr
		}
		return nil, nil, fmt.Errorf("%s: invalid platform (%d errors), nothing written", dir, len(errs))
	case m == nil:
		return nil, nil, err
	}
	return nil, nil, fmt.Errorf("%w (nothing written)", err)
}

// or is a, or b when a is empty.
func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// sameDir reports whether two paths name the same directory.
func sameDir(a, b string) (bool, error) {
	aa, err := filepath.Abs(a)
	if err != nil {
		return false, err
	}
	bb, err := filepath.Abs(b)
	if err != nil {
		return false, err
	}
	return aa == bb, nil
}
