package main

import (
	"context"
	"math"

	kafkasourcev1 "knative.dev/eventing-kafka-broker/control-plane/pkg/apis/sources/v1"
	"knative.dev/eventing-kafka-broker/control-plane/pkg/contract"
	coreconfig "knative.dev/eventing-kafka-broker/control-plane/pkg/core/config"
	"knative.dev/pkg/apis"
)

// egress is the delivery the KafkaSource's dispatcher runs, as the reconciler writes it into the
// data-plane contract (coreconfig.EgressConfigFromDelivery; the consumer reconciler defaults the
// backoff delay to 200 ms).
type egress struct {
	Retry          uint32   `json:"retry"`
	BackoffPolicy  string   `json:"backoffPolicy"`
	BackoffDelayMs uint64   `json:"backoffDelayMs"`
	TimeoutMs      uint64   `json:"timeoutMs"`
	WaitsMs        []uint64 `json:"waitsMs"`
	TotalWaitMs    uint64   `json:"totalWaitMs"`
}

const consumerDefaultBackoffDelayMs = 200

// checkKafkaSourceDelivery checks what the KafkaSource webhook does not: KafkaSourceSpec.Validate
// never looks at spec.delivery, so a malformed duration only shows when the reconciler fails, and
// a field the data plane has no use for is accepted and silently ignored.
func checkKafkaSourceDelivery(ctx context.Context, source *kafkasourcev1.KafkaSource) (*apis.FieldError, *egress) {
	delivery := source.Spec.Delivery
	if delivery == nil {
		return nil, nil
	}
	errs := delivery.Validate(ctx).ViaField("delivery").ViaField("spec")
	if delivery.RetryAfterMax != nil {
		errs = errs.Also(&apis.FieldError{
			Message: "ignored by the KafkaSource: the reconciler's egress config (contract.proto) has no field for it and the dispatcher never reads Retry-After",
			Paths:   []string{"spec.delivery.retryAfterMax"},
		})
	}
	withoutDeadLetter := *delivery
	withoutDeadLetter.DeadLetterSink = nil // resolving it needs a cluster; it plays no part in the schedule
	config, err := coreconfig.EgressConfigFromDelivery(ctx, nil, source, &withoutDeadLetter, consumerDefaultBackoffDelayMs)
	if err != nil {
		return errs.Also(&apis.FieldError{Message: err.Error(), Paths: []string{"spec.delivery"}}), nil
	}
	if config == nil {
		return errs, nil
	}
	return errs, schedule(config)
}

// schedule is the dispatcher's retry policy (WebClientCloudEventSender.computeRetryPolicy in the
// data plane): before retry n (1-based) it waits delay·n (linear) or delay·2^n (exponential).
func schedule(config *contract.EgressConfig) *egress {
	e := &egress{
		Retry:          config.Retry,
		BackoffPolicy:  config.BackoffPolicy.String(),
		BackoffDelayMs: config.BackoffDelay,
		TimeoutMs:      config.Timeout,
		WaitsMs:        []uint64{},
	}
	for n := uint64(1); n <= uint64(config.Retry); n++ {
		wait := config.BackoffDelay * uint64(math.Round(math.Pow(2, float64(n))))
		if config.BackoffPolicy == contract.BackoffPolicy_Linear {
			wait = config.BackoffDelay * n
		}
		if config.BackoffDelay == 0 {
			wait = 0 // the dispatcher's "no retry policy": retries at once
		}
		e.WaitsMs = append(e.WaitsMs, wait)
		e.TotalWaitMs += wait
	}
	return e
}
