package main

import (
	"context"
	"strings"

	kafkasinkv1alpha1 "knative.dev/eventing-kafka-broker/control-plane/pkg/apis/eventing/v1alpha1"
	kafkasourcev1 "knative.dev/eventing-kafka-broker/control-plane/pkg/apis/sources/v1"
	"knative.dev/eventing/pkg/apis/feature"
	"knative.dev/pkg/apis"
	apisconfig "knative.dev/serving/pkg/apis/config"
	servingv1 "knative.dev/serving/pkg/apis/serving/v1"
)

type result struct {
	File      string   `json:"file"`
	Kind      string   `json:"kind"`
	Namespace string   `json:"namespace"`
	Name      string   `json:"name"`
	Errors    []string `json:"errors"`
	Warnings  []string `json:"warnings,omitempty"`
	// Egress: for a KafkaSource, the retry schedule its dispatcher will run.
	Egress *egress `json:"egress,omitempty"`
}

// check validates every Knative object and system ConfigMap; other kinds are not in the report.
func check(objects []object, system *systemConfig) []result {
	report := []result{}
	for _, o := range objects {
		r := result{File: o.File, Kind: o.Kind, Namespace: o.Metadata.Namespace, Name: o.Metadata.Name, Errors: []string{}}
		switch {
		case o.Kind == "ConfigMap" && isSystemNamespace(o.Metadata.Namespace):
			r.Errors = append(r.Errors, system.errors[o.key()]...)
		case o.APIVersion == "serving.knative.dev/v1" && o.Kind == "Service":
			var svc servingv1.Service
			r.add(decodeStrict(o, &svc), func() *apis.FieldError {
				ctx := servingContext(system)
				svc.SetDefaults(ctx)
				return svc.Validate(ctx)
			})
		case o.APIVersion == "sources.knative.dev/v1" && o.Kind == "KafkaSource":
			var source kafkasourcev1.KafkaSource
			r.add(decodeStrict(o, &source), func() *apis.FieldError {
				ctx := eventingContext(system)
				source.SetDefaults(ctx)
				errs := source.Validate(ctx)
				extra, schedule := checkKafkaSourceDelivery(ctx, &source)
				r.Egress = schedule
				return errs.Also(extra)
			})
		case o.APIVersion == "eventing.knative.dev/v1alpha1" && o.Kind == "KafkaSink":
			var sink kafkasinkv1alpha1.KafkaSink
			r.add(decodeStrict(o, &sink), func() *apis.FieldError {
				ctx := eventingContext(system)
				sink.SetDefaults(ctx)
				return sink.Validate(ctx)
			})
		case strings.Contains(o.APIVersion, "knative.dev"):
			r.Errors = append(r.Errors, "knative-validate has no validator for "+o.APIVersion+" "+o.Kind)
		default:
			continue
		}
		report = append(report, r)
	}
	return report
}

// add records a strict-decoding error, or else runs the validation and records what it found.
func (r *result) add(decodeErr error, validate func() *apis.FieldError) {
	if decodeErr != nil {
		r.Errors = append(r.Errors, "strict decoding: "+decodeErr.Error())
		return
	}
	errs := validate()
	if e := errs.Filter(apis.ErrorLevel); e != nil {
		r.Errors = append(r.Errors, strings.Split(e.Error(), "\n")...)
	}
	if w := errs.Filter(apis.WarningLevel); w != nil {
		r.Warnings = append(r.Warnings, strings.Split(w.Error(), "\n")...)
	}
}

// servingContext is what Serving's webhooks put in the context (apisconfig.Store.ToContext): the
// defaults, features and autoscaler configuration, for an object being created.
func servingContext(system *systemConfig) context.Context {
	ctx := apisconfig.ToContext(context.Background(), &apisconfig.Config{
		Defaults:   system.servingDefaults,
		Features:   system.servingFeatures,
		Autoscaler: system.autoscaler,
	})
	return apis.WithinCreate(ctx)
}

// eventingContext is what the Kafka webhook's validation puts in the context: Eventing's feature
// flags, and references to other namespaces allowed.
func eventingContext(system *systemConfig) context.Context {
	ctx := apis.AllowDifferentNamespace(feature.ToContext(context.Background(), system.eventingFeatures))
	return apis.WithinCreate(ctx)
}
