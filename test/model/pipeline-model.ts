import { readdir } from "node:fs/promises";
import { hc } from "hono/client";
import type { LocalStack } from "../../cli/local-stack.ts";
import type { IngestApp } from "../../functions/ingest/app.ts";
import type { SearchApp } from "../../functions/search/app.ts";
import { SpoolFolders } from "../../functions/shared/backends/events/dead-letters.ts";
import { ingestSpoolDir } from "../../functions/shared/backends/events/index.ts";
import { sha256Hex } from "../../functions/shared/domain/document.ts";
import { waitFor } from "../support/wait-for.ts";
import { mulberry32 } from "../support/seeded-random.ts";

/**
 * A model-based test of the pipeline's promise: after any sequence of submissions (new ids, new
 * contents, returns to old contents, one text under several ids, identical resubmissions,
 * concurrent versions of one id), redelivered events and kill -9 of ingest or index-document,
 * search serves, once quiet, exactly the last accepted version of every id — each once.
 * The model is the client's view: the highest `version` among the 202s it got for an id.
 */
export interface ModelRun {
  stack: LocalStack;
  dataDir: string;
  seed: number;
  steps: number;
  namespace: string;
}

export interface ModelReport {
  seed: number;
  steps: number;
  accepted: number;
  ids: number;
  kills: number;
  redeliveries: number;
  /** Ids whose served content is not their last accepted version (must be 0). */
  lost: number;
}

interface Version {
  version: number;
  text: string;
  key: string;
}

const WORDS = [
  "autoscaling",
  "partition",
  "revision",
  "activator",
  "broker",
  "trigger",
  "replica",
  "offset",
  "vector",
  "chunk",
  "cache",
  "span",
];
const LONG_ID = `a${":".repeat(127)}`;

/** A seeded generator, so a seed replays the same sequence of operations. */
function random(seed: number) {
  const next = mulberry32(seed);
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    pick: <T>(items: readonly T[]) => items[Math.floor(next() * items.length)]!,
  };
}

export async function runModel(run: ModelRun): Promise<ModelReport> {
  const rng = random(run.seed);
  const { stack, namespace } = run;
  const latest = new Map<string, Version>();
  const history = new Map<string, Version[]>();
  const report: ModelReport = {
    seed: run.seed,
    steps: run.steps,
    accepted: 0,
    ids: 0,
    kills: 0,
    redeliveries: 0,
    lost: 0,
  };
  const texts = Array.from(
    { length: 10 },
    (_, i) => `marker ${rng.pick(WORDS)} ${rng.pick(WORDS)} text number ${i} of seed ${run.seed}.`,
  );
  const ids = [...Array.from({ length: 8 }, (_, i) => `doc-${i}`), LONG_ID];

  /** One submission; undefined when the connection failed (ingest killed): not accepted. */
  async function ingest(id: string, text: string): Promise<Version | undefined> {
    const response = await hc<IngestApp>(stack.urls.ingest)
      .ingest.$post({ json: { id, text, namespace, metadata: { title: id.slice(0, 16) } } })
      .catch(() => undefined);
    if (!response) return undefined;
    if (response.status !== 202)
      throw new Error(`ingest answered ${response.status}: ${await response.text()}`);
    const accepted = await response.json();
    const version = { version: accepted.version, text, key: accepted.key };
    report.accepted++;
    if ((latest.get(id)?.version ?? 0) < version.version) latest.set(id, version);
    history.set(id, [...(history.get(id) ?? []), version]);
    return version;
  }

  /** Submissions at once; with `kill`, ingest is killed -9 after the first answer and the failed ones are retried. */
  async function concurrently(submissions: [string, string][], kill = false): Promise<void> {
    const results = submissions.map(([id, text]) => ingest(id, text));
    if (kill) {
      await Promise.race(results);
      await stack.stopFunction("ingest", "SIGKILL");
      report.kills++;
    }
    const outcomes = await Promise.all(results);
    if (kill) await stack.startFunction("ingest");
    // A client retries what got no answer; the retry is a new, later version.
    for (const [i, outcome] of outcomes.entries()) if (!outcome) await ingest(...submissions[i]!);
  }

  async function redeliver(id: string, version: Version): Promise<void> {
    const data = {
      document_id: id,
      namespace,
      version: version.version,
      bucket: "documents",
      key: version.key,
      sha256: sha256Hex(version.text),
      size: Buffer.byteLength(version.text),
      metadata: {},
    };
    const response = await fetch(`${stack.urls["index-document"]}/`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "ce-specversion": "1.0",
        "ce-id": `redelivery-${report.redeliveries}`,
        "ce-source": "knative-rag/ingest",
        "ce-type": "rag.document.stored",
      },
      body: JSON.stringify(data),
    }).catch(() => undefined);
    if (response && response.status !== 200 && response.status !== 503)
      throw new Error(`redelivery answered ${response.status}: ${await response.text()}`);
    report.redeliveries++;
  }

  for (let step = 0; step < run.steps; step++) {
    const known = [...latest.keys()];
    const someId = () => (known.length > 0 ? rng.pick(known) : rng.pick(ids));
    const op = rng.int(100);
    if (op < 25)
      await ingest(rng.pick(ids), rng.pick(texts)); // a new id or a new content
    else if (op < 35) {
      const id = someId(); // an old content of this id again
      await ingest(id, rng.pick(history.get(id)?.map((v) => v.text) ?? texts));
    } else if (op < 45)
      await ingest(rng.pick(ids), latest.get(someId())?.text ?? rng.pick(texts)); // one text, another id
    else if (op < 55) {
      const id = someId(); // identical resubmission
      await ingest(id, latest.get(id)?.text ?? rng.pick(texts));
    } else if (op < 70) {
      const id = rng.pick(ids); // concurrent versions of one id
      await concurrently(
        Array.from({ length: 2 + rng.int(4) }, () => [id, rng.pick(texts)] as [string, string]),
      );
    } else if (op < 82) {
      const id = someId();
      const past = history.get(id);
      if (past) await redeliver(id, rng.pick(past));
    } else if (op < 91) {
      await concurrently(
        Array.from(
          { length: 3 + rng.int(4) },
          () => [rng.pick(ids), rng.pick(texts)] as [string, string],
        ),
        true,
      );
    } else {
      // index-document killed -9 while the spool delivers a burst.
      const burst = Array.from({ length: 3 + rng.int(4) }, () =>
        ingest(rng.pick(ids), rng.pick(texts)),
      );
      await Promise.all(burst);
      await stack.stopFunction("index-document", "SIGKILL");
      report.kills++;
      await stack.startFunction("index-document");
    }
  }

  report.ids = latest.size;
  const expected = new Map([...latest].map(([id, v]) => [id, [v.text]]));
  let served = new Map<string, string[]>();
  try {
    await waitFor(
      "search to serve the last accepted version of every id",
      async () => {
        served = await servedBySearch(stack, namespace, report);
        return sameContents(served, expected) || undefined;
      },
      60_000,
    );
  } catch (error) {
    report.lost = [...expected].filter(
      ([id, texts]) => JSON.stringify(served.get(id)) !== JSON.stringify(texts),
    ).length;
    const diff = [...new Set([...expected.keys(), ...served.keys()])]
      .filter((id) => JSON.stringify(served.get(id)) !== JSON.stringify(expected.get(id)))
      .map(
        (id) =>
          `  ${id.slice(0, 20)}: expected ${JSON.stringify(expected.get(id))}, served ${JSON.stringify(served.get(id))}`,
      );
    throw new Error(`${(error as Error).message} (seed ${run.seed}):\n${diff.join("\n")}`);
  }
  await assertNoLeftovers(run.dataDir);
  return report;
}

async function servedBySearch(
  stack: LocalStack,
  namespace: string,
  report: ModelReport,
): Promise<Map<string, string[]>> {
  // A new word each time keeps the answer out of the search cache (keyword search ORs the words).
  const response = await hc<SearchApp>(stack.urls.search).search.$post({
    json: {
      query: `marker nocache${report.accepted}x${Date.now()}`,
      namespace,
      mode: "keyword",
      top_k: 50,
    },
  });
  if (response.status !== 200) return new Map();
  const { sources } = await response.json();
  const served = new Map<string, string[]>();
  for (const s of sources)
    served.set(s.document_id, [...(served.get(s.document_id) ?? []), s.content]);
  return served;
}

function sameContents(a: Map<string, string[]>, b: Map<string, string[]>): boolean {
  return (
    a.size === b.size &&
    [...b].every(([id, texts]) => JSON.stringify(a.get(id)) === JSON.stringify(texts))
  );
}

/** Quiet means quiet: nothing pending or dead in the spool, no temporary files anywhere. */
async function assertNoLeftovers(dataDir: string): Promise<void> {
  const folders = new SpoolFolders(ingestSpoolDir(dataDir));
  await waitFor(
    "the spool to empty",
    async () => (await folders.pendingFiles()).length === 0 || undefined,
    30_000,
  );
  const dead = await folders.list();
  if (dead.length > 0) throw new Error(`dead letters: ${JSON.stringify(dead)}`);
  const litter = (await readdir(dataDir, { recursive: true }))
    .map(String)
    .filter((f) => f.endsWith(".tmp"));
  if (litter.length > 0) throw new Error(`temporary files left: ${litter.join(", ")}`);
}
