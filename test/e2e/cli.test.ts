import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { createPageTestApp } from "../support/page-test-app.ts";
import { ingestToSink } from "../support/ingest-to-sink.ts";
import { serveApp } from "../support/serve-app.ts";
import { tempDir } from "../support/temp-dir.ts";

/** The bundled CLI as a new user runs it; resolves with its exit code and output, whatever the code. */
function cli(
  args: string[],
  env: Record<string, string>,
  stdin?: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      ["dist/cli.mjs", ...args],
      { env: { ...process.env, ...env }, timeout: 20_000 },
      (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
    child.stdin!.end(stdin ?? "");
  });
}

describe("the CLI's messages to a new user", {
  skip: existsSync("dist/cli.mjs") ? false : "dist/ is missing: run `node scripts/build.mjs` first",
}, async () => {
  const ingest = await ingestToSink("cli");
  after(() => ingest.close());
  const { dataDir } = ingest;
  const ingestUrl = await serveApp(ingest.app);
  const search = createPageTestApp(join(dataDir, "search"), {});
  const searchUrl = await serveApp(search.app);
  const env = { INGEST_URL: ingestUrl, SEARCH_URL: searchUrl };

  it("ingest of a folder says how many files it skipped and why", async () => {
    const folder = join(await tempDir("cli-folder"), "notes");
    await mkdir(join(folder, "nested"), { recursive: true });
    await writeFile(join(folder, "a.md"), "# Alpha\nKnative scales to zero.");
    await writeFile(join(folder, "nested", "b.txt"), "Revisions are immutable.");
    await writeFile(join(folder, "diagram.png"), "not a document");
    await writeFile(join(folder, "nested", "data.json"), "{}");
    const { code, stdout } = await cli(["ingest", folder, "--namespace", "notes"], env);
    assert.equal(code, 0, stdout);
    assert.match(stdout, /2 accepted, 0 unchanged, 0 failed/);
    assert.match(
      stdout,
      /2 other file\(s\) skipped: only \.md \.markdown \.txt \.text files are documents/,
    );
  });

  it("ingest of a path that does not exist says so", async () => {
    const { code, stderr } = await cli(["ingest", "no-such-folder/"], env);
    assert.equal(code, 1);
    assert.match(stderr, /no-such-folder does not exist/);
  });

  it("ingest from standard input prints the same summary as files, not raw JSON", async () => {
    const { code, stdout } = await cli(
      ["ingest", "-", "--namespace", "stdin"],
      env,
      "Text piped in.",
    );
    assert.equal(code, 0, stdout);
    assert.match(stdout, /^stdin: accepted as [\w-]+\n1 accepted, 0 unchanged, 0 failed\n$/);
  });

  it("a numeric option that is not a number is named, with the value given", async () => {
    const { code, stderr } = await cli(["search", "cold start", "--top-k", "abc"], env);
    assert.equal(code, 1);
    assert.match(stderr, /--top-k must be a number, not "abc"/);
  });

  it("a search in a namespace without documents says so and names the namespaces that have some", async () => {
    await search.index("handbook", "doc-1", "Knative scales a revision to zero.", "Scaling");
    const { code, stdout } = await cli(["search", "scale to zero", "--namespace", "handbok"], env);
    assert.equal(code, 0, stdout);
    assert.match(
      stdout,
      /Namespace "handbok" has no documents; namespaces with documents: handbook \(choose one with --namespace\)/,
    );
  });
});
