package main

import (
	"fmt"
	"os"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	knsystem "knative.dev/pkg/system"
	apisconfig "knative.dev/serving/pkg/apis/config"
	servingv1 "knative.dev/serving/pkg/apis/serving/v1"
	configresources "knative.dev/serving/pkg/reconciler/configuration/resources"
	revisionconfig "knative.dev/serving/pkg/reconciler/revision/config"
	revisionresources "knative.dev/serving/pkg/reconciler/revision/resources"
	serviceresources "knative.dev/serving/pkg/reconciler/service/resources"
)

// podsFor builds, for each Service, the Pod its first Revision's Deployment would create: the
// Service defaulted as the webhook does, then Serving's own reconciler code (Service ->
// Configuration -> Revision -> Deployment, queue-proxy sidecar included).
func podsFor(objects []object, system *systemConfig) ([]corev1.Pod, error) {
	if len(system.errors) > 0 {
		return nil, fmt.Errorf("the system ConfigMaps do not validate; run `check` first")
	}
	cfg := &revisionconfig.Config{
		Config: &apisconfig.Config{
			Defaults:   system.servingDefaults,
			Features:   system.servingFeatures,
			Autoscaler: system.autoscaler,
		},
		Deployment:    system.deployment,
		Logging:       system.logging,
		Network:       system.network,
		Observability: system.observability,
	}
	// Serving's controller runs in knative-serving and passes its namespace on to queue-proxy; a
	// package linked here (knative.dev/pkg/system/testing) sets it to knative-testing in its init.
	if err := os.Setenv(knsystem.NamespaceEnvKey, "knative-serving"); err != nil {
		return nil, err
	}
	pods := []corev1.Pod{}
	for _, o := range objects {
		if o.APIVersion != "serving.knative.dev/v1" || o.Kind != "Service" {
			continue
		}
		var svc servingv1.Service
		if err := decodeStrict(o, &svc); err != nil {
			return nil, fmt.Errorf("%s: %w", o.File, err)
		}
		ctx := servingContext(system)
		svc.SetDefaults(ctx)
		configuration := serviceresources.MakeConfiguration(&svc)
		configuration.Generation = 1
		revision := configresources.MakeRevision(ctx, configuration, time.Now())
		revision.SetDefaults(ctx)
		deployment, err := revisionresources.MakeDeployment(revision, cfg)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", o.File, err)
		}
		template := deployment.Spec.Template
		pod := corev1.Pod{
			TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Pod"},
			ObjectMeta: template.ObjectMeta,
			Spec:       template.Spec,
		}
		pod.Name = strings.TrimSuffix(deployment.Name, "-deployment") + "-pod"
		pod.Namespace = deployment.Namespace
		pods = append(pods, pod)
	}
	return pods, nil
}
