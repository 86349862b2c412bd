package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"k8s.io/apimachinery/pkg/util/yaml"
	sigsyaml "sigs.k8s.io/yaml"
)

// object is one YAML document of a manifest file, identified but not yet decoded into a type.
type object struct {
	File       string
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Metadata   struct {
		Name      string `json:"name"`
		Namespace string `json:"namespace"`
	} `json:"metadata"`
	JSON []byte `json:"-"`
}

func (o object) key() string { return o.Kind + "/" + o.Metadata.Namespace + "/" + o.Metadata.Name }

// readObjects splits every file into its documents, later ones replacing earlier ones of the same key.
func readObjects(files []string) ([]object, error) {
	var objects []object
	index := map[string]int{}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			return nil, err
		}
		reader := yaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(data)))
		for {
			doc, err := reader.Read()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				return nil, fmt.Errorf("%s: %w", file, err)
			}
			// Strict: duplicate keys are an error, as with kubectl --validate=strict.
			asJSON, err := sigsyaml.YAMLToJSONStrict(doc)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", file, err)
			}
			if len(bytes.TrimSpace(asJSON)) == 0 || string(bytes.TrimSpace(asJSON)) == "null" {
				continue
			}
			o := object{File: file, JSON: asJSON}
			if err := json.Unmarshal(asJSON, &o); err != nil {
				return nil, fmt.Errorf("%s: %w", file, err)
			}
			if at, seen := index[o.key()]; seen {
				objects[at] = o
				continue
			}
			index[o.key()] = len(objects)
			objects = append(objects, o)
		}
	}
	return objects, nil
}

// decodeStrict decodes into a typed object and rejects any field the type does not have, as
// the API server's strict field validation (and Knative's own webhooks where they ask for it) do.
func decodeStrict(o object, into any) error {
	decoder := json.NewDecoder(bytes.NewReader(o.JSON))
	decoder.DisallowUnknownFields()
	return decoder.Decode(into)
}
