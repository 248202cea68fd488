package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/plinth-dev/plinth/reports"
	"github.com/plinth-dev/plinth/reports/format"
	"github.com/plinth-dev/plinth/reports/scan"
)

// reportRenderer writes a report in one format; lang is "en" or "ko".
type reportRenderer func(w io.Writer, r *reports.Report, lang string) error

// reportFormats are the formats of plinth report. Other files of this
// package add theirs in init (report_pdf.go adds "pdf").
var reportFormats = map[string]reportRenderer{
	"text":     format.Text,
	"json":     func(w io.Writer, r *reports.Report, _ string) error { return format.JSON(w, r) },
	"markdown": format.Markdown,
	"sarif":    format.SARIF,
	"junit":    format.JUnit,
}

// textReportFormats may go to a terminal; any other format is binary.
var textReportFormats = []string{"text", "json", "markdown", "sarif", "junit"}

func init() { register(newReportCmd) }

func newReportCmd() *cobra.Command {
	var (
		repo, ref, since, month, formatName, out, failOn, lang, date string
		clusters                                                     []string
		timeout                                                      time.Duration
	)
	cmd := &cobra.Command{
		Use:   "report",
		Short: "Evaluate a GitOps repository against the security and operations baseline",
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
--date, else SOURCE_DATE_EPOCH, else today. --cluster limits the findings and
scores to those clusters (findings of the repository as a whole stay).

Exit status: 1 when --fail-on is given and a failing finding of that severity
or higher exists, or on errors; 2 on bad usage; 0 otherwise.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			render, ok := reportFormats[formatName]
			if !ok {
				return usageError("unknown --format %q: use one of %s", formatName, strings.Join(reportFormatNames(), ", "))
			}
			if repo == "" {
				return usageError("--repo is required")
			}
			if lang != "en" && lang != "ko" {
				return usageError("unknown --lang %q: use en or ko", lang)
			}
			if failOn != "" && reports.SeverityRank(failOn) == 0 {
				return usageError("unknown --fail-on %q: use low, medium, high or critical", failOn)
			}
			if month != "" && since != "" {
				return usageError("--month and --since cannot be combined")
			}
			if err := checkTimeout(cmd, timeout); err != nil {
				return err
			}
			when, err := reportDate(date)
			if err != nil {
				return err
			}
			binary := !slices.Contains(textReportFormats, formatName)
			if binary && out == "" {
				if f, ok := cmd.OutOrStdout().(*os.File); ok && term.IsTerminal(int(f.Fd())) {
					return usageError("--format %s is binary: use --out FILE or redirect standard output", formatName)
				}
			}
			ctx, cancel := context.WithTimeout(cmd.Context(), 30*time.Minute)
			defer cancel()
			r, err := scan.Run(ctx, scan.Options{Repo: repo, Ref: ref, Since: since, Month: month, Date: when, Clusters: clusters, GitTimeout: timeout})
			if err != nil {
				return err
			}
			var buf bytes.Buffer
			if err := render(&buf, r, lang); err != nil {
				return fmt.Errorf("render %s report: %w", formatName, err)
			}
			if out != "" {
				if err := writeFileAtomic(out, buf.Bytes()); err != nil {
					return err
				}
				fmt.Fprintf(cmd.ErrOrStderr(), "%s: score %.1f%%, %d failing finding(s)\n", out, r.Summary.Score, r.Summary.Failed)
			} else if _, err := cmd.OutOrStdout().Write(buf.Bytes()); err != nil {
				return fmt.Errorf("write report: %w", err)
			}
			if failOn != "" {
				if n := failingAtLeast(r, failOn); n > 0 {
					fmt.Fprintf(cmd.ErrOrStderr(), "%d failing finding(s) of severity %s or higher\n", n, failOn)
					return silentExit(exitFailure)
				}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&repo, "repo", "", "GitOps repository: a path or a git URL")
	f.StringVar(&ref, "ref", "", "revision to evaluate (branch, tag, commit; default HEAD)")
	f.StringVar(&since, "since", "", "compare with this revision or date (YYYY-MM-DD)")
	f.StringVar(&month, "month", "", "evaluate the last commit of this month (YYYY-MM) against the month before")
	f.StringVarP(&formatName, "format", "o", "text", "output format: "+strings.Join(reportFormatNames(), "|"))
	f.StringVar(&out, "out", "", "write the report to FILE instead of standard output")
	f.StringVar(&failOn, "fail-on", "", "exit 1 when a failing finding has this severity or higher: low|medium|high|critical")
	f.StringVar(&lang, "lang", "en", "language of titles: en|ko")
	f.StringSliceVar(&clusters, "cluster", nil, "report on these clusters only (clusters/<name>/; repeatable or comma-separated)")
	f.StringVar(&date, "date", "", "report date YYYY-MM-DD (default SOURCE_DATE_EPOCH, else today)")
	addTimeoutFlag(cmd, &timeout)
	return cmd
}

func reportFormatNames() []string {
	names := make([]string, 0, len(reportFormats))
	for n := range reportFormats {
		names = append(names, n)
	}
	sort.Slice(names, func(i, j int) bool {
		a, b := slices.Index(textReportFormats, names[i]), slices.Index(textReportFormats, names[j])
		if a < 0 {
			a = len(textReportFormats)
		}
		if b < 0 {
			b = len(textReportFormats)
		}
		if a != b {
			return a < b
		}
		return names[i] < names[j]
	})
	return names
}

// reportDate is --date, else SOURCE_DATE_EPOCH, else now.
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
	return time.Now().UTC(), nil
}

func failingAtLeast(r *reports.Report, sev string) int {
	n := 0
	for _, f := range r.Findings {
		if f.Status == reports.StatusFail && reports.SeverityRank(f.Severity) >= reports.SeverityRank(sev) {
			n++
		}
	}
	return n
}

// writeFileAtomic writes data to a temporary file beside name and renames it.
func writeFileAtomic(name string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".*")
	if err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", name, err)
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
