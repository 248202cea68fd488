package main

import (
	"github.com/spf13/cobra"

	"github.com/plinth-dev/plinth/reports"
	"github.com/plinth-dev/plinth/reports/format"
)

func init() { register(newControlsCmd) }

func newControlsCmd() *cobra.Command {
	var formatName, lang string
	cmd := &cobra.Command{
		Use:   "controls",
		Short: "List the baseline controls plinth report evaluates",
		Long: `controls lists the baseline catalog: stable ID, category (the checklist
section of the AKS baseline), severity, how it is evaluated (manifest, declared
cluster settings, or manual attestation), CIS Kubernetes Benchmark and
Kubescape references, and the seed document and section it comes from.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			switch formatName {
			case "text", "json", "markdown":
			default:
				return usageError("unknown --format %q: use text, json or markdown", formatName)
			}
			if lang != "en" && lang != "ko" {
				return usageError("unknown --lang %q: use en or ko", lang)
			}
			return format.Controls(cmd.OutOrStdout(), reports.Catalog(), formatName, lang)
		},
	}
	cmd.Flags().StringVarP(&formatName, "format", "o", "text", "output format: text|json|markdown")
	cmd.Flags().StringVar(&lang, "lang", "en", "language of titles: en|ko")
	return cmd
}
