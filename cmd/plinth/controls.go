package main

import (
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/plinth-dev/plinth/reports"
	"github.com/plinth-dev/plinth/reports/i18n"
	"github.com/plinth-dev/plinth/reports/render"
)

func init() { register(newControlsCmd) }

func newControlsCmd() *cobra.Command {
	var formatName, lang string
	cmd := &cobra.Command{
		Use:   "controls [ID...]",
		Short: "List the baseline controls plinth report evaluates, or show some in full",
		Long: `controls lists the baseline catalog: stable ID, category (the checklist
section of the AKS baseline), severity, how it is evaluated (manifest, declared
cluster settings, or manual attestation), CIS Kubernetes Benchmark and
Kubescape references, and the seed document and section it comes from.
Given IDs (plinth controls PLN-NET-007), it shows those controls in full:
rationale, remediation and references (text), or only those (json, markdown).`,
		RunE: func(cmd *cobra.Command, args []string) error {
			rd, err := lookupFormat(render.Formats, formatName, render.Renderer.Lists)
			if err != nil {
				return err
			}
			if !slices.Contains(rd.Languages, lang) {
				return usageError("unknown --lang %q: use %s", lang, orList(rd.Languages))
			}
			if len(args) == 0 {
				return rd.Catalog(cmd.OutOrStdout(), reports.Catalog(), lang)
			}
			var picked []reports.Control
			for _, id := range args {
				c, ok := reports.LookupControl(strings.ToUpper(strings.TrimSpace(id)))
				if !ok {
					return fmt.Errorf("unknown control %q: 'plinth controls' lists them", id)
				}
				picked = append(picked, c)
			}
			if formatName != "text" {
				return rd.Catalog(cmd.OutOrStdout(), picked, lang)
			}
			for i, c := range picked {
				if i > 0 {
					fmt.Fprintln(cmd.OutOrStdout())
				}
				if err := render.ControlDetail(cmd.OutOrStdout(), c, lang); err != nil {
					return err
				}
			}
			return nil
		},
	}
	cmd.Flags().StringVarP(&formatName, "format", "o", "text", formatHelp(render.Formats, render.Renderer.Lists))
	cmd.Flags().StringVar(&lang, "lang", "en", "language of titles: "+strings.Join(i18n.Languages(), "|"))
	return cmd
}
