package main

import (
	"encoding/json"
	"fmt"
	"runtime"
	"runtime/debug"
	"strconv"

	"github.com/spf13/cobra"
)

func init() { register(newVersionCmd) }

// buildVersion is the version set at build time, else the module version a
// go install of a tagged release records, else "dev".
func buildVersion() string {
	if version != "dev" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return version
}

// versionLine is what both plinth version and plinth --version print.
func versionLine() string {
	return fmt.Sprintf("plinth %s (%s %s/%s)", buildVersion(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
}

// versionTemplate makes cobra's --version print versionLine.
func versionTemplate() string {
	return `{{printf "%s\n" ` + strconv.Quote(versionLine()) + `}}`
}

func newVersionCmd() *cobra.Command {
	var formatName string
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print the plinth version, the Go version it was built with and the platform",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			info := struct {
				Version  string `json:"version"`
				Go       string `json:"goVersion"`
				Platform string `json:"platform"`
			}{buildVersion(), runtime.Version(), runtime.GOOS + "/" + runtime.GOARCH}
			switch formatName {
			case "text":
				fmt.Fprintln(cmd.OutOrStdout(), versionLine())
				return nil
			case "json":
				enc := json.NewEncoder(cmd.OutOrStdout())
				enc.SetIndent("", "  ")
				return enc.Encode(info)
			}
			return usageError("unknown --format %q: use text or json", formatName)
		},
	}
	cmd.Flags().StringVarP(&formatName, "format", "o", "text", "output format: text|json")
	return cmd
}
