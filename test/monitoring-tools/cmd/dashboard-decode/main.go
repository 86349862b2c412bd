// dashboard-decode strict-decodes Grafana dashboard JSON files with Grafana's own schema types
// (github.com/grafana/grafana-foundation-sdk/go, generated from Grafana's schemas): an unknown
// field, a wrong type or an unknown panel option fails, naming the file and the path.
//
//	dashboard-decode FILE...
package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/grafana/grafana-foundation-sdk/go/cog"
	"github.com/grafana/grafana-foundation-sdk/go/cog/plugins"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: dashboard-decode FILE...")
		os.Exit(2)
	}
	// Panel options, field config and queries decode by panel type and datasource through these.
	plugins.RegisterDefaultPlugins()
	failed := false
	for _, file := range os.Args[1:] {
		raw, err := os.ReadFile(file)
		if err == nil {
			var d dashboard.Dashboard
			err = d.UnmarshalJSONStrict(raw)
			// The SDK returns its error list even when it is empty (a non-nil interface).
			var list cog.BuildErrors
			if errors.As(err, &list) && len(list) == 0 {
				err = nil
			}
		}
		if err != nil {
			failed = true
			fmt.Printf("%s: %v\n", file, err)
			continue
		}
		fmt.Printf("%s: ok\n", file)
	}
	if failed {
		os.Exit(1)
	}
}
