package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/plinth-dev/plinth/internal/gcpolicy"
	"github.com/plinth-dev/plinth/reports"
	"github.com/plinth-dev/plinth/reports/i18n"
	"github.com/plinth-dev/plinth/reports/render"
	"github.com/plinth-dev/plinth/reports/scan"
)

func init() { register(newReportCmd) }

func newReportCmd() *cobra.Command {
	var (
		repo, ref, since, month, formatName, out, failOn, lang, date string
		clusters                                                     []string
		timeout                                                      time.Duration
		failCoverage                                                 float64
	)
	var evidenceDir string // --evidence
	cmd := &cobra.Command{
		Annotations: heavy,
		Use:         "report",
		Short:       "Evaluate a GitOps repository against the security and operations baseline",
		Long: `report reads a GitOps repository (a local path or a URL, cloned in memory) at a
revision without checking it out, renders what Flux or Argo CD would deploy
(clusters/<cluster>/ entry objects and what they reference; without clusters/,
every kustomization, chart and YAML file), and evaluates it against the plinth
baseline (see 'plinth controls'). Each finding names its file and line.

--since REF|YYYY-MM-DD compares with that state; --month YYYY-MM evaluates the
last commit of that month and compares it with the last commit of the month
before, listing the commits between (a month without commits is an error
naming the commit current then). A shallow or partial clone gets the history
it lacks from its origin, unchanged on disk. The report date (waiver expiry) is
--date, else SOURCE_DATE_EPOCH, else the date of the commit evaluated (today
for a directory that is not a git repository), so the same state gives the
same bytes. --cluster limits the findings and scores to those clusters
(findings of the repository as a whole stay).

Every format says what was evaluated: objects and workloads per cluster,
sources rendered, and each source not evaluated with its reason (remote
chart, plugin, other repository, file too large, render error at file:line).
Coverage is sources rendered / (sources rendered + sources not evaluated).

Exit status: 1 when --fail-on is given and a failing finding of that severity
or higher exists, when --fail-on-coverage is given and the coverage is below
it, or on errors; 2 on bad usage; 0 otherwise.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			rd, err := lookupFormat(render.Formats, formatName, nil)
			if err != nil {
				return err
			}
			if repo == "" {
				return usageError("--repo is required")
			}
			if !slices.Contains(rd.Languages, lang) {
				return usageError("unknown --lang %q: use %s", lang, orList(rd.Languages))
			}
			if failOn != "" && !slices.Contains(reports.Severities, failOn) {
				return usageError("unknown --fail-on %q: use %s", failOn, orList(reports.Severities))
			}
			if month != "" && since != "" {
				return usageError("--month and --since cannot be combined")
			}
			if failCoverage < 0 || failCoverage > 100 {
				return usageError("--fail-on-coverage %g: want a percentage from 0 to 100", failCoverage)
			}
			if err := checkTimeout(cmd, timeout); err != nil {
				return err
			}
			when, err := reportDate(date)
			if err != nil {
				return err
			}
			if rd.Binary && out == "" {
				if f, ok := cmd.OutOrStdout().(*os.File); ok && term.IsTerminal(int(f.Fd())) {
					return usageError("--format %s is binary: use --out FILE or redirect standard output", formatName)
				}
			}
			ctx, cancel := context.WithTimeout(cmd.Context(), 30*time.Minute)
			defer cancel()
			opts := scan.Options{Repo: repo, Ref: ref, Since: since, Month: month, Date: when, Clusters: clusters, GitTimeout: timeout, EvidenceDir: evidenceDir}
			// -v: progress through the command's logger (standard error).
			opts.Progress = func(format string, args ...any) { slog.Debug("report: " + fmt.Sprintf(format, args...)) }
			started := time.Now()
			r, err := scan.Run(ctx, opts)
			if uc := (*scan.UnknownClusterError)(nil); errors.As(err, &uc) {
				return usageError("--cluster %s: %v", uc.Cluster, uc)
			}
			if oe := (*scan.OptionError)(nil); errors.As(err, &oe) {
				return usageError("--%s %q: %s", oe.Option, oe.Value, oe.Reason)
			}
			if err != nil {
				return err
			}
			opts.Progress("evaluated in %s", time.Since(started).Round(time.Millisecond))
			if !rd.Streams {
				// The report is made in memory before it is written:
				// let it reuse the scan's (a streaming format allocates
				// next to nothing, and the collection would only cost).
				gcpolicy.PhaseDone()
			}
			write := func(w io.Writer) error {
				return rd.Report(w, r, render.Options{Lang: lang, Generator: "plinth " + buildVersion()})
			}
			if out != "" {
				if err := writeFileAtomic(out, write); err != nil {
					return err
				}
				fmt.Fprintf(cmd.ErrOrStderr(), "%s: %s, %d failing finding(s)\n", out, render.ScoreLine(r, i18n.Localizer{}), r.Summary.Failed)
			} else if rd.Streams {
				// Whole unless standard output fails: written as made (a
				// 500-service JSON report is 27 MB not held in memory).
				w := &errWriter{w: cmd.OutOrStdout()}
				if err := write(w); err != nil {
					if w.err != nil {
						return fmt.Errorf("write report: %w", w.err)
					}
					return err
				}
			} else {
				buf := newSpool("")
				defer buf.Close()
				if err := write(buf); err != nil {
					return err
				}
				if _, err := buf.WriteTo(cmd.OutOrStdout()); err != nil {
					return fmt.Errorf("write report: %w", err)
				}
			}
			failed := false
			if failOn != "" {
				if n := r.FailingAtLeast(failOn); n > 0 {
					fmt.Fprintf(cmd.ErrOrStderr(), "%d failing finding(s) of severity %s or higher\n", n, failOn)
					failed = true
				}
			}
			if cmd.Flags().Changed("fail-on-coverage") && r.Coverage.Percent < failCoverage {
				fmt.Fprintf(cmd.ErrOrStderr(), "coverage %.1f%% is below --fail-on-coverage %g%%: %d of %d sources rendered, %d not evaluated\n",
					r.Coverage.Percent, failCoverage, r.Coverage.Rendered, r.Coverage.Sources, r.Coverage.NotEvaluated)
				failed = true
			}
			if failed {
				return silentExit(exitFailure)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&repo, "repo", "", "GitOps repository: a path or a git URL")
	f.StringVar(&ref, "ref", "", "revision to evaluate (branch, tag, commit; default HEAD)")
	f.StringVar(&since, "since", "", "compare with this revision or date (YYYY-MM-DD)")
	f.StringVar(&month, "month", "", "evaluate the last commit of this month (YYYY-MM) against the month before")
	f.StringVarP(&formatName, "format", "o", "text", formatHelp(render.Formats, nil))
	f.StringVar(&out, "out", "", "write the report to FILE instead of standard output")
	f.StringVar(&failOn, "fail-on", "", "exit 1 when a failing finding has this severity or higher: "+strings.Join(reports.Severities, "|"))
	f.Float64Var(&failCoverage, "fail-on-coverage", 0, "exit 1 when less than this percentage of the sources was evaluated (rendered / (rendered + not evaluated))")
	f.StringVar(&lang, "lang", "en", "language of titles: "+strings.Join(i18n.Languages(), "|"))
	f.StringSliceVar(&clusters, "cluster", nil, "report on these clusters only (clusters/<name>/; repeatable or comma-separated)")
	f.StringVar(&evidenceDir, "evidence", "", "directory of az aks show / az aks nodepool list / gcloud container clusters describe JSON: evaluate declared controls from the clusters")
	f.StringVar(&date, "date", "", "report date YYYY-MM-DD (default SOURCE_DATE_EPOCH, else the commit's date)")
	addTimeoutFlag(cmd, &timeout)
	return cmd
}

// reportDate is --date, else SOURCE_DATE_EPOCH, else zero: the engine then
// dates the report by the commit evaluated.
func reportDate(date string) (time.Time, error) {
	if date != "" {
		t, err := time.Parse("2006-01-02", date)
		if err != nil {
			return time.Time{}, usageError("--date %q: want YYYY-MM-DD", date)
		}
		return t, nil
	}
	if s := os.Getenv("SOURCE_DATE_EPOCH"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return time.Time{}, fmt.Errorf("SOURCE_DATE_EPOCH=%q: not a number of seconds", s)
		}
		return time.Unix(n, 0).UTC(), nil
	}
	return time.Time{}, nil
}

// orList joins names for a message: "a, b or c".
func orList(names []string) string {
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// writeFileAtomic writes what write makes to a temporary file beside
// name and renames it, so that name is left as it was if write fails. A
// name that is not a regular file (/dev/null, /dev/stdout, a named pipe)
// is written to as it is, once write has made everything: renaming over
// it would replace the device or pipe with a file.
func writeFileAtomic(name string, write func(io.Writer) error) error {
	if st, err := os.Stat(name); err == nil && !st.Mode().IsRegular() {
		if st.IsDir() {
			return fmt.Errorf("write %s: is a directory", name)
		}
		buf := newSpool("")
		defer buf.Close()
		if err := write(buf); err != nil {
			return err
		}
		f, err := os.OpenFile(name, os.O_WRONLY, 0)
		if err != nil {
			return fmt.Errorf("write %s: %w", name, err)
		}
		if _, err := buf.WriteTo(f); err != nil {
			f.Close()
			return fmt.Errorf("write %s: %w", name, err)
		}
		if err := f.Close(); err != nil {
			return fmt.Errorf("write %s: %w", name, err)
		}
		return nil
	}
	tmp, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".*")
	if err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	defer os.Remove(tmp.Name())
	w := &errWriter{w: tmp}
	if err := write(w); err != nil {
		tmp.Close()
		if w.err != nil {
			return fmt.Errorf("write %s: %w", name, w.err)
		}
		return err
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	if err := os.Rename(tmp.Name(), name); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	return nil
}

// errWriter remembers the first error of w, to tell a failed write of the
// file from a report that could not be made.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	n, err := e.w.Write(p)
	if err != nil && e.err == nil {
		e.err = err
	}
	return n, err
}
