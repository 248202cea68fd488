package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/plinth-dev/plinth/schemas"
)

func init() { register(newInitCmd) }

func newInitCmd() *cobra.Command {
	var example string
	cmd := &cobra.Command{
		Use:   "init [DIR]",
		Short: "Write an example platform (drone delivery on AKS, or AKS and GKE) into a new directory",
		Long: `init writes a complete example platform into DIR (default "platform"). The
default, drone-delivery, is the microservices of the AKS reference
architecture, with dev and staging sharing a non-production cluster and prod
on its own. --example multicloud has development on GKE and production on AKS
(GKE Workload Identity and Secret Manager in the GKE environments, Azure in
prod, through per-environment overrides). DIR must not exist or be empty;
nothing is overwritten.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			files, ok := schemas.NamedExample(example)
			if !ok {
				return usageError("unknown --example %q: use %s", example, strings.Join(schemas.ExampleNames(), " or "))
			}
			dir := "platform"
			if len(args) == 1 {
				dir = args[0]
			}
			if err := schemas.WriteNamedExample(dir, example); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "wrote the %s example platform to %s (%d files); next: plinth validate %s\n", example, dir, len(files), dir)
			return nil
		},
	}
	cmd.Flags().StringVar(&example, "example", schemas.DefaultExample, "example to write: "+strings.Join(schemas.ExampleNames(), "|"))
	return cmd
}
