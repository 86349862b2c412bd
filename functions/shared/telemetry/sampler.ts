import { trace, TraceFlags, type Context } from "@opentelemetry/api";
import {
  SamplingDecision,
  TraceIdRatioBasedSampler,
  type Sampler,
  type SamplingResult,
} from "@opentelemetry/sdk-trace-base";

/**
 * Parent-based sampling that does not trust a remote "not sampled" flag.
 *
 * Knative's activator and queue-proxy forward a `traceparent` with flags `00` when the
 * cluster's sampling rate is 0, and a plain parent-based sampler would then drop every trace.
 * The rule:
 * - a local parent: follow its decision (one trace is recorded whole or not at all);
 * - a remote parent with flags `01`: record (someone upstream chose to record it);
 * - a remote parent with flags `00`, or no parent: decide as for a new trace, by trace-id
 *   ratio. That decision depends on the trace id alone, so every function that sees the
 *   trace decides the same: a trace one of our functions dropped stays dropped downstream, and
 *   a trace Knative did not sample is recorded by all of them (with ratio 1, always).
 */
export class RemoteUnsampledAsRootSampler implements Sampler {
  private readonly root: TraceIdRatioBasedSampler;

  constructor(private readonly ratio: number) {
    this.root = new TraceIdRatioBasedSampler(ratio);
  }

  shouldSample(context: Context, traceId: string): SamplingResult {
    const parent = trace.getSpanContext(context);
    if (!parent || !trace.isSpanContextValid(parent))
      return this.root.shouldSample(context, traceId);
    const sampled = (parent.traceFlags & TraceFlags.SAMPLED) === TraceFlags.SAMPLED;
    if (sampled) return { decision: SamplingDecision.RECORD_AND_SAMPLED };
    if (!parent.isRemote) return { decision: SamplingDecision.NOT_RECORD };
    return this.root.shouldSample(context, traceId);
  }

  toString(): string {
    return `RemoteUnsampledAsRootSampler{ratio=${this.ratio}}`;
  }
}
