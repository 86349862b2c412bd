// knative-validate runs Knative's own code over the project's manifests: strict decoding, the
// defaulting and validation the admission webhooks run (with the project's feature flags in the
// context, as the webhooks load them), and the constructors the config webhooks call on
// knative/system/. `pods` prints the Pods Knative would create for each Service.
//
//	knative-validate check FILE...   JSON report on stdout; exit 1 when any object fails
//	knative-validate pods FILE...    a v1 List of Pods (JSON) for the Services in FILE...
//
// A later file's object replaces an earlier one with the same kind, namespace and name, as a
// later `kubectl apply` would: a fixture can stand in for one of the project's ConfigMaps.
package main

import (
	"encoding/json"
	"fmt"
	"os"
)

func main() {
	if len(os.Args) < 3 || (os.Args[1] != "check" && os.Args[1] != "pods") {
		fmt.Fprintln(os.Stderr, "usage: knative-validate check|pods FILE...")
		os.Exit(2)
	}
	objects, err := readObjects(os.Args[2:])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	system := loadSystemConfig(objects)
	var out any
	failed := false
	if os.Args[1] == "check" {
		report := check(objects, system)
		for _, r := range report {
			failed = failed || len(r.Errors) > 0
		}
		out = map[string]any{"objects": report}
	} else {
		pods, err := podsFor(objects, system)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		out = map[string]any{"apiVersion": "v1", "kind": "List", "items": pods}
	}
	encoder := json.NewEncoder(os.Stdout)
	encoder.SetIndent("", "  ")
	if err := encoder.Encode(out); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	if failed {
		os.Exit(1)
	}
}
