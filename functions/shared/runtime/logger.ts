import { trace } from "@opentelemetry/api";
import { pino, type Logger as PinoLogger } from "pino";

export type Logger = PinoLogger;

/**
 * JSON lines on stdout: `level` as a label, `message`, `service.name`, and the active span's
 * `trace_id`/`span_id`, so Loki can pivot from a trace to its logs.
 */
export function createLogger(serviceName: string, level: string): Logger {
  return pino({
    level,
    messageKey: "message",
    errorKey: "error",
    base: { "service.name": serviceName },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    mixin() {
      const context = trace.getActiveSpan()?.spanContext();
      if (!context || !trace.isSpanContextValid(context)) return {};
      return { trace_id: context.traceId, span_id: context.spanId };
    },
  });
}
