package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/plinth-dev/plinth/schemas"
)

func init() { register(newInitCmd) }

func newInitCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "init [DIR]",
		Short: "Write the example platform (drone delivery on AKS) into a new directory",
		Long: `init writes a complete example platform into DIR (default "platform"): the
drone delivery microservices of the AKS reference architecture, with dev and
staging sharing a non-production cluster and prod on its own. DIR must not exist
or be empty; nothing is overwritten.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := "platform"
			if len(args) == 1 {
				dir = args[0]
			}
			if err := schemas.WriteExample(dir); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "wrote the example platform to %s (%d files); next: plinth validate %s\n", dir, len(schemas.Example()), dir)
			return nil
		},
	}
}
