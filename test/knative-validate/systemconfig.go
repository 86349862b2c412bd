package main

import (
	"fmt"
	"maps"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"knative.dev/eventing/pkg/apis/feature"
	eventingo11y "knative.dev/eventing/pkg/observability/configmap"
	netcfg "knative.dev/networking/pkg/config"
	"knative.dev/pkg/logging"
	apisconfig "knative.dev/serving/pkg/apis/config"
	autoscalerconfig "knative.dev/serving/pkg/autoscaler/config"
	autoscalerapi "knative.dev/serving/pkg/autoscaler/config/autoscalerconfig"
	"knative.dev/serving/pkg/deployment"
	"knative.dev/serving/pkg/observability"
	servingo11y "knative.dev/serving/pkg/observability/configmap"
	domainconfig "knative.dev/serving/pkg/reconciler/route/config"
)

// systemConfig is what Knative's components would load from knative-serving and knative-eventing:
// each released ConfigMap (data outside _example) with the project's keys applied over it.
type systemConfig struct {
	servingFeatures  *apisconfig.Features
	servingDefaults  *apisconfig.Defaults
	autoscaler       *autoscalerapi.Config
	network          *netcfg.Config
	observability    *observability.Config
	deployment       *deployment.Config
	logging          *logging.Config
	eventingFeatures feature.Flags
	// errors per ConfigMap key (object.key()): what the config webhook or a component would reject.
	errors map[string][]string
}

// systemMap is one Knative ConfigMap: where its released copy lives, and the constructor that the
// config webhook (or the component reading it) calls.
type systemMap struct {
	namespace, name string
	module, file    string // released ConfigMap, relative to the module's root
	// anyKey: the keys are data (config-domain: one key per domain), so none is "unknown".
	anyKey bool
	parse  func(cfg *systemConfig, cm *corev1.ConfigMap) error
}

var systemMaps = []systemMap{
	{"knative-serving", "config-features", "knative.dev/serving", "config/core/configmaps/features.yaml", false,
		func(c *systemConfig, cm *corev1.ConfigMap) (err error) {
			c.servingFeatures, err = apisconfig.NewFeaturesConfigFromConfigMap(cm)
			return
		}},
	{"knative-serving", "config-defaults", "knative.dev/serving", "config/core/configmaps/defaults.yaml", false,
		func(c *systemConfig, cm *corev1.ConfigMap) (err error) {
			c.servingDefaults, err = apisconfig.NewDefaultsConfigFromConfigMap(cm)
			return
		}},
	{"knative-serving", "config-autoscaler", "knative.dev/serving", "config/core/configmaps/autoscaler.yaml", false,
		func(c *systemConfig, cm *corev1.ConfigMap) (err error) {
			c.autoscaler, err = autoscalerconfig.NewConfigFromConfigMap(cm)
			return
		}},
	{"knative-serving", "config-network", "knative.dev/networking", "config/config-network.yaml", false,
		func(c *systemConfig, cm *corev1.ConfigMap) (err error) {
			c.network, err = netcfg.NewConfigFromConfigMap(cm)
			return
		}},
	{"knative-serving", "config-observability", "knative.dev/serving", "config/core/configmaps/observability.yaml", false,
		func(c *systemConfig, cm *corev1.ConfigMap) (err error) {
			c.observability, err = servingo11y.Parse(cm)
			return
		}},
	{"knative-serving", "config-deployment", "knative.dev/serving", "config/core/configmaps/deployment.yaml", false,
		func(c *systemConfig, cm *corev1.ConfigMap) (err error) {
			c.deployment, err = deployment.NewConfigFromConfigMap(cm)
			return
		}},
	{"knative-serving", "config-logging", "knative.dev/serving", "config/core/configmaps/logging.yaml", false,
		func(c *systemConfig, cm *corev1.ConfigMap) (err error) {
			c.logging, err = logging.NewConfigFromConfigMap(cm)
			return
		}},
	{"knative-serving", "config-domain", "knative.dev/serving", "config/core/configmaps/domain.yaml", true,
		func(_ *systemConfig, cm *corev1.ConfigMap) error {
			_, err := domainconfig.NewDomainFromConfigMap(cm)
			return err
		}},
	{"knative-eventing", "config-features", "knative.dev/eventing", "config/core/configmaps/features.yaml", false,
		func(c *systemConfig, cm *corev1.ConfigMap) (err error) {
			c.eventingFeatures, err = feature.NewFlagsConfigFromConfigMap(cm)
			return
		}},
	{"knative-eventing", "config-observability", "knative.dev/eventing", "config/core/configmaps/observability.yaml", false,
		func(_ *systemConfig, cm *corev1.ConfigMap) error {
			_, err := eventingo11y.Parse(cm)
			return err
		}},
}

func isSystemNamespace(namespace string) bool {
	return namespace == "knative-serving" || namespace == "knative-eventing"
}

// loadSystemConfig builds every system ConfigMap from its release plus the project's keys, so a
// map the project does not set still yields Knative's shipped configuration.
func loadSystemConfig(objects []object) *systemConfig {
	cfg := &systemConfig{errors: map[string][]string{}}
	ours := map[string]object{}
	for _, o := range objects {
		if o.Kind == "ConfigMap" && isSystemNamespace(o.Metadata.Namespace) {
			ours[o.key()] = o
		}
	}
	known := map[string]bool{}
	for _, m := range systemMaps {
		key := "ConfigMap/" + m.namespace + "/" + m.name
		known[key] = true
		fail := func(format string, args ...any) {
			cfg.errors[key] = append(cfg.errors[key], fmt.Sprintf(format, args...))
		}
		released, err := releasedConfigMap(m.module, m.file)
		if err != nil {
			fail("%v", err)
			continue
		}
		data := maps.Clone(released.Data)
		delete(data, "_example")
		if o, ok := ours[key]; ok {
			var cm corev1.ConfigMap
			if err := decodeStrict(o, &cm); err != nil {
				fail("%v", err)
				continue
			}
			if !m.anyKey {
				for _, unknown := range unknownKeys(cm.Data, released.Data) {
					fail("unknown key %q: %s@%s does not read it (its keys are those of _example in %s)", unknown, m.module, moduleVersion(m.module), m.file)
				}
			}
			maps.Copy(data, cm.Data)
		}
		effective := &corev1.ConfigMap{}
		effective.Name, effective.Namespace, effective.Data = m.name, m.namespace, data
		if err := m.parse(cfg, effective); err != nil {
			fail("%s rejects it: %v", m.module, err)
		}
	}
	for key := range ours {
		if !known[key] {
			cfg.errors[key] = append(cfg.errors[key], "no Knative component reads a ConfigMap of this name in this namespace")
		}
	}
	return cfg
}

// unknownKeys lists the keys that the released map neither sets nor documents in its _example,
// which Knative's own tests keep complete (knative.dev/example-checksum).
func unknownKeys(ours, released map[string]string) []string {
	documented := exampleKeys(released["_example"])
	var unknown []string
	for key := range ours {
		if _, set := released[key]; !set && !documented[key] && key != "_example" {
			unknown = append(unknown, key)
		}
	}
	sort.Strings(unknown)
	return unknown
}

// exampleKeys reads the keys of an _example block: its lines that are neither comments nor
// indented continuations, of the form `key: value`.
func exampleKeys(example string) map[string]bool {
	keys := map[string]bool{}
	for _, line := range strings.Split(example, "\n") {
		if line == "" || line[0] == ' ' || line[0] == '#' || line[0] == '\t' {
			continue
		}
		if key, _, found := strings.Cut(line, ":"); found {
			keys[strings.Trim(strings.TrimSpace(key), `"'`)] = true
		}
	}
	return keys
}
