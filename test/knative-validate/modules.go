package main

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"

	"golang.org/x/mod/module"
	corev1 "k8s.io/api/core/v1"
	sigsyaml "sigs.k8s.io/yaml"
)

// moduleVersion is the version of a module linked into this binary, so the released files read
// below are always those of the code that validates.
func moduleVersion(path string) string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	for _, dep := range info.Deps {
		if dep.Path == path {
			return dep.Version
		}
	}
	return ""
}

// moduleFile is a file of a linked module's source, in the module cache the binary was built from
// (GOMODCACHE, which the test harness always sets).
func moduleFile(path, file string) (string, error) {
	cache := os.Getenv("GOMODCACHE")
	if cache == "" {
		return "", fmt.Errorf("GOMODCACHE is not set: it locates the released Knative files of %s", path)
	}
	escaped, err := module.EscapePath(path)
	if err != nil {
		return "", err
	}
	version := moduleVersion(path)
	if version == "" {
		return "", fmt.Errorf("%s is not linked into this binary", path)
	}
	return filepath.Join(cache, escaped+"@"+version, file), nil
}

func releasedConfigMap(path, file string) (*corev1.ConfigMap, error) {
	name, err := moduleFile(path, file)
	if err != nil {
		return nil, err
	}
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("released ConfigMap of %s: %w", path, err)
	}
	var cm corev1.ConfigMap
	if err := sigsyaml.Unmarshal(data, &cm); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return &cm, nil
}
