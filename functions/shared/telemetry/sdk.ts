import { metrics, trace } from "@opentelemetry/api";
import { OTLPMetricExporter } from "@opentelemetry/exporter-metrics-otlp-http";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { MeterProvider, PeriodicExportingMetricReader } from "@opentelemetry/sdk-metrics";
import { BatchSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { NodeTracerProvider } from "@opentelemetry/sdk-trace-node";
import { markTelemetryActive } from "./active.ts";
import { instrumentFetch } from "./fetch-spans.ts";
import { functionResource } from "./resource.ts";
import { RemoteUnsampledAsRootSampler } from "./sampler.ts";
import type { TelemetrySettings } from "./settings.ts";

/**
 * The SDK composed from the packages NodeSDK is built from — tracer provider, batch span
 * processor, OTLP/HTTP exporters, periodic metric reader — because NodeSDK would bundle every
 * exporter, gRPC and protobuf (7.5 MB, +300 ms cold start). No monkey-patching
 * instrumentation: server spans come from a Hono middleware, client spans from undici's
 * diagnostics channels, the rest are manual spans.
 */
export function startTelemetry(settings: TelemetrySettings): void {
  const resource = functionResource(settings);

  const tracerProvider = new NodeTracerProvider({
    resource,
    // Unset OTEL_TRACES_SAMPLER: our rule; set: the SDK reads the standard sampler from the environment.
    ...(settings.OTEL_TRACES_SAMPLER
      ? {}
      : { sampler: new RemoteUnsampledAsRootSampler(settings.OTEL_TRACES_SAMPLER_ARG) }),
    // The queue is bounded (OTEL_BSP_MAX_QUEUE_SIZE, default 2048): past it spans are dropped, never the request delayed.
    spanProcessors:
      settings.OTEL_TRACES_EXPORTER === "none"
        ? []
        : [new BatchSpanProcessor(new OTLPTraceExporter())],
  });
  // AsyncLocalStorage context, W3C trace-context and baggage propagators.
  tracerProvider.register();

  const meterProvider = new MeterProvider({
    resource,
    readers:
      settings.OTEL_METRICS_EXPORTER === "none"
        ? []
        : [
            new PeriodicExportingMetricReader({
              exporter: new OTLPMetricExporter(),
              exportIntervalMillis: settings.OTEL_METRIC_EXPORT_INTERVAL,
              exportTimeoutMillis: Math.min(30_000, settings.OTEL_METRIC_EXPORT_INTERVAL),
            }),
          ],
  });
  metrics.setGlobalMeterProvider(meterProvider);

  instrumentFetch(trace.getTracer("knative-rag"));
  // Runs after in-flight requests finished: their spans are ended and queued, and this pushes them out.
  markTelemetryActive(async () => {
    const flushed = Promise.allSettled([tracerProvider.shutdown(), meterProvider.shutdown()]);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>(
      (resolve) => (timer = setTimeout(resolve, settings.OTEL_SHUTDOWN_TIMEOUT_MS)),
    );
    await Promise.race([flushed, timeout]);
    clearTimeout(timer);
  });
}
