// Knative's own queue-proxy (knative.dev/serving/cmd/queue at the pinned release) in front of a
// real function, in a pod's network namespace, with the environment Serving's reconciler code
// gives it for the project's Services (`knative-validate pods`): what it forwards for sampled,
// unsampled and absent `traceparent`, which spans it exports, and the functions' sampling rule
// (README, "Sampling rule") against it. Two pods: the project's config-observability
// (tracing-sampling-rate 1), and a cluster that samples nothing (rate 0), as the README describes.
// Between queue-proxy and the function, a tap (support/header-tap.ts) records what arrives.
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import type { StoredSpan } from "../../cli/traces/otlp-json.ts";
import { buildGoTool, goCommand } from "../deploy/support/go-tools.ts";
import { inCi, repoPath } from "../deploy/support/repo.ts";
import { waitFor } from "../support/wait-for.ts";
import { tempDir } from "../support/temp-dir.ts";
import { knativePods } from "./support/knative-pods.ts";
import { netnsAvailable, startNetnsPod, type NetnsPod } from "./support/netns-pod.ts";
import { startSocketOtlpReceiver, type SocketOtlpReceiver } from "./support/otlp-receiver.ts";

const FUNCTION = "embed";
const QUEUE_PORT = 8012;
const USER_PORT = 8080; // where queue-proxy sends requests (the Pod's USER_PORT): the tap
const FUNCTION_PORT = 8081; // behind the tap
const OTLP_PORT = 4318; // inside the pod; relayed to the test's receiver
const here = path.dirname(fileURLToPath(import.meta.url));

interface Forwarded {
  method: string;
  path: string;
  traceparent?: string;
}

interface Pod {
  pod: NetnsPod;
  /** What reached the function through queue-proxy. */
  forwarded(): Forwarded[];
}

/** The queue-proxy container of the function's Pod, as Serving's reconciler code builds it. */
function queueProxyEnv(validator: string, samplingRate?: number): Record<string, string> {
  const pod = knativePods(validator).items.find(
    (p) => p.metadata.labels["serving.knative.dev/service"] === FUNCTION,
  );
  const container = pod.spec.containers.find((c: { name: string }) => c.name === "queue-proxy");
  const fieldValues: Record<string, string> = {
    "metadata.name": pod.metadata.name,
    "status.podIP": "127.0.0.1",
    "status.hostIP": "127.0.0.1",
  };
  const env: Record<string, string> = {};
  for (const { name, value, valueFrom } of container.env as {
    name: string;
    value?: string;
    valueFrom?: { fieldRef?: { fieldPath: string } };
  }[]) {
    // Go's JSON leaves out an empty value.
    const resolved = valueFrom ? fieldValues[valueFrom.fieldRef?.fieldPath ?? ""] : (value ?? "");
    if (resolved === undefined)
      throw new Error(`queue-proxy env ${name}: cannot resolve ${JSON.stringify(valueFrom)}`);
    env[name] = resolved;
  }
  // The collector's address in the cluster becomes the pod's relay to the test's receiver.
  const observability = JSON.parse(env.OBSERVABILITY_CONFIG!);
  assert.equal(observability.tracing.protocol, "http/protobuf");
  observability.tracing.endpoint = `http://127.0.0.1:${OTLP_PORT}/v1/traces`;
  observability.requestMetrics.endpoint = `http://127.0.0.1:${OTLP_PORT}/v1/metrics`;
  if (samplingRate !== undefined) observability.tracing.samplingRate = samplingRate;
  env.OBSERVABILITY_CONFIG = JSON.stringify(observability);
  // The Go SDK's batch processor exports every 5 s by default; sooner here, for a faster test.
  env.OTEL_BSP_SCHEDULE_DELAY = "100";
  assert.equal(env.USER_PORT, String(USER_PORT));
  assert.equal(env.QUEUE_SERVING_PORT, String(QUEUE_PORT));
  return env;
}

async function startPod(
  name: string,
  queueProxy: string,
  env: Record<string, string>,
  otlpSocket: string,
): Promise<Pod> {
  const pod = await startNetnsPod(name, [QUEUE_PORT], { [OTLP_PORT]: otlpSocket });
  const tapLog = path.join(pod.dir, "forwarded.jsonl");
  const tsx = ["--import", "tsx"];
  const dataDir = await tempDir(`${name}-data`);
  await pod.run(FUNCTION, process.execPath, [repoPath("dist", FUNCTION, "index.mjs")], {
    env: {
      PORT: String(FUNCTION_PORT),
      K_SERVICE: FUNCTION,
      K_REVISION: `${FUNCTION}-00001`,
      K_CONFIGURATION: FUNCTION,
      DATA_DIR: dataDir,
      OBSERVABILITY_ENABLED: "true",
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${OTLP_PORT}`,
      OTEL_TRACES_SAMPLER_ARG: "1", // knative/config.yaml
      OTEL_BSP_SCHEDULE_DELAY: "100",
    },
    isReady: async () => true, // queue-proxy's readiness below probes it, as Knative does
  });
  await pod.run(
    "tap",
    process.execPath,
    [
      ...tsx,
      path.join(here, "support", "header-tap.ts"),
      String(USER_PORT),
      String(FUNCTION_PORT),
      tapLog,
    ],
    {
      isReady: async () => true,
    },
  );
  // The kubelet's readiness probe of the Pod (httpGet on the queue port with K-Network-Probe:
  // queue): queue-proxy answers 200 only once its own probe of the function (/readyz) passes.
  await pod.run("queue-proxy", queueProxy, [], {
    env,
    isReady: async () =>
      (
        await pod.request(QUEUE_PORT, "GET", "/", {
          "K-Network-Probe": "queue",
          "User-Agent": "kube-probe/1.35",
        })
      ).status === 200,
    // On SIGTERM queue-proxy waits out Knative's drain period (30 s) before it exits; not tested here.
    stopTimeoutMs: 1_000,
  });
  const forwarded = () =>
    existsSync(tapLog)
      ? readFileSync(tapLog, "utf8")
          .trim()
          .split("\n")
          .map((line) => JSON.parse(line) as Forwarded)
          .filter((f) => f.path === "/embed")
      : [];
  return { pod, forwarded };
}

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-(0[01])$/;
function parse(traceparent: string | undefined): {
  traceId: string;
  parentId: string;
  flags: string;
} {
  const match = TRACEPARENT.exec(traceparent ?? "");
  assert.ok(match, `not a W3C traceparent: ${traceparent}`);
  return { traceId: match[1]!, parentId: match[2]!, flags: match[3]! };
}

describe("Knative's queue-proxy in front of a function: what it forwards and the sampling rule", () => {
  let receiver: SocketOtlpReceiver | undefined;
  const pods: Pod[] = [];
  let asConfigured: Pod;
  let samplesNothing: Pod;
  let skip = "";

  before(async () => {
    const go = goCommand();
    const netns = netnsAvailable();
    const missing = [
      !go && "Go",
      !netns.ok && netns.why,
      !existsSync(repoPath("dist", FUNCTION, "index.mjs")) &&
        `dist/${FUNCTION} (run node scripts/build.mjs)`,
    ].filter(Boolean);
    if (missing.length > 0) {
      if (inCi) throw new Error(`missing in CI: ${missing.join(", ")}`);
      skip = `needs ${missing.join(", ")}`;
      return;
    }
    const queueProxy = buildGoTool(go!, "queue-proxy").binary;
    const validator = buildGoTool(go!, "knative-validate").binary;
    const dir = await tempDir("queue-proxy-otlp");
    receiver = await startSocketOtlpReceiver(path.join(dir, "otlp.sock"));
    asConfigured = await startPod(
      "qp-rate-1",
      queueProxy,
      queueProxyEnv(validator),
      path.join(dir, "otlp.sock"),
    );
    pods.push(asConfigured);
    samplesNothing = await startPod(
      "qp-rate-0",
      queueProxy,
      queueProxyEnv(validator, 0),
      path.join(dir, "otlp.sock"),
    );
    pods.push(samplesNothing);
  });
  after(async () => {
    await Promise.all(pods.map((pod) => pod.pod.stop()));
    await receiver?.close();
  });

  /** One request through queue-proxy; returns what the function received and the function's server span. */
  async function embedThrough(
    pod: Pod,
    traceparent?: string,
  ): Promise<{ forwarded: ReturnType<typeof parse>; server: StoredSpan }> {
    const before = pod.forwarded().length;
    const response = await pod.pod.request(
      QUEUE_PORT,
      "POST",
      "/embed",
      { "content-type": "application/json", ...(traceparent ? { traceparent } : {}) },
      JSON.stringify({ input: "queue-proxy" }),
    );
    assert.equal(response.status, 200, response.body);
    const forwarded = parse(
      (await waitFor("the tap's record", () => pod.forwarded()[before]))?.traceparent,
    );
    const server = await waitFor(
      `${FUNCTION}'s server span of trace ${forwarded.traceId}`,
      () =>
        receiver!.json.find(
          (s) =>
            s.trace_id === forwarded.traceId && s.kind === "server" && s.name === "POST /embed",
        ),
      15_000,
    );
    return { forwarded, server };
  }

  /** queue-proxy's spans of a trace, once the one the function's parent names has arrived. */
  const queueProxySpans = (traceId: string, spanId: string) =>
    waitFor(
      `queue-proxy's span ${spanId}`,
      () => {
        const spans = receiver!.protobuf.filter((s) => s.trace_id === traceId);
        return spans.some((s) => s.span_id === spanId) ? spans : undefined;
      },
      15_000,
    );

  /** The chain of queue-proxy spans from the one the function saw up to its root. */
  function chain(spans: StoredSpan[], spanId: string): StoredSpan[] {
    const found: StoredSpan[] = [];
    for (
      let span = spans.find((s) => s.span_id === spanId);
      span;
      span = spans.find((s) => s.span_id === span!.parent_span_id)
    )
      found.push(span);
    return found;
  }

  for (const flags of ["00", "01"]) {
    it(`rate 1 (knative/system): an incoming traceparent with flags ${flags} is continued, recorded and forwarded sampled`, async (t) => {
      if (skip) return t.skip(skip);
      const traceId =
        flags === "00" ? "4bf92f3577b34da6a3ce929d0e0e4736" : "5bf92f3577b34da6a3ce929d0e0e4737";
      const { forwarded, server } = await embedThrough(
        asConfigured,
        `00-${traceId}-00f067aa0ba902b7-${flags}`,
      );
      assert.equal(forwarded.traceId, traceId, "queue-proxy keeps the trace id");
      assert.equal(
        forwarded.flags,
        "01",
        "at rate 1 queue-proxy samples every request, whatever the incoming flag",
      );
      assert.equal(
        server.parent_span_id,
        forwarded.parentId,
        "the function's server span is the child of what queue-proxy forwarded",
      );
      const spans = chain(await queueProxySpans(traceId, forwarded.parentId), forwarded.parentId);
      const root = spans.at(-1)!;
      assert.equal(root.kind, "server");
      assert.equal(
        root.parent_span_id,
        "00f067aa0ba902b7",
        "queue-proxy's server span continues the incoming traceparent",
      );
      assert.ok(
        spans.some((s) => s.name === "kn.queueproxy.proxy"),
        `queue-proxy's spans: ${spans.map((s) => s.name).join(", ")}`,
      );
      assert.ok(
        spans.every((s) => s.service === FUNCTION),
        "queue-proxy names its spans' service after SERVING_SERVICE",
      );
    });
  }

  it("rate 1: a request without traceparent gets one from queue-proxy, sampled, and the function continues it", async (t) => {
    if (skip) return t.skip(skip);
    const { forwarded, server } = await embedThrough(asConfigured);
    assert.equal(forwarded.flags, "01");
    assert.equal(server.parent_span_id, forwarded.parentId);
    const spans = chain(
      await queueProxySpans(forwarded.traceId, forwarded.parentId),
      forwarded.parentId,
    );
    assert.equal(
      spans.at(-1)!.parent_span_id,
      undefined,
      "queue-proxy's server span is the trace's root",
    );
  });

  for (const [incoming, what] of [
    ["00", "an unsampled"],
    ["01", "a sampled"],
    [undefined, "no"],
  ] as const) {
    it(`rate 0: ${what} traceparent is forwarded with flags 00, and the functions' rule still records the trace`, async (t) => {
      if (skip) return t.skip(skip);
      const traceId =
        incoming === "00" ? "6bf92f3577b34da6a3ce929d0e0e4738" : "7bf92f3577b34da6a3ce929d0e0e4739";
      const { forwarded, server } = await embedThrough(
        samplesNothing,
        incoming ? `00-${traceId}-00f067aa0ba902b7-${incoming}` : undefined,
      );
      if (incoming) assert.equal(forwarded.traceId, traceId, "queue-proxy keeps the trace id");
      assert.equal(
        forwarded.flags,
        "00",
        "a cluster that samples nothing forwards flags 00 (NeverSample ignores the parent)",
      );
      assert.notEqual(
        forwarded.parentId,
        "00f067aa0ba902b7",
        "queue-proxy's (unrecorded) span becomes the parent",
      );
      assert.equal(
        server.parent_span_id,
        forwarded.parentId,
        "the function records the unsampled remote parent's trace (ratio 1), under queue-proxy's span id",
      );
    });
  }
});
