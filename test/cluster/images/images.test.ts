// The four function images, built from the project's Dockerfile under podman (on the stand-in base
// .ci/install-images.sh imports), run as Knative runs them: the securityContext, emptyDir and
// memory limit of knative/<name>.yaml (knative-container.ts), the K_* env, host loopback network.
// Checked on the running container from the host's /proc: uid, capabilities, no_new_privs, a
// read-only root; the compile cache baked at build time is accepted at start; then the same
// runtime-contract suite the bare processes pass (readiness, SIGTERM drain, shutdown flush).
// index-document and search run on a real Weaviate, as in the cluster: the images carry no
// embedded vector store (LanceDB is left out).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { inCi } from "../../deploy/support/repo.ts";
import { waitFor } from "../../support/wait-for.ts";
import { runtimeContractSuite } from "../../telemetry/support/runtime-contract-suite.ts";
import {
  clusterVectorStoreEnv,
  startFunctionContainer,
  stopClusterVectorStore,
  type FunctionContainer,
} from "./knative-container.ts";
import { baseImage, buildImage, imageBytes, imageTag, podman, podmanMissing } from "./podman.ts";
import { FUNCTION_NAMES, type FunctionName } from "../../../functions/functions.ts";

const missing = podmanMissing();
if (missing && inCi) throw new Error(`missing in CI: ${missing}`);
const skip = missing ? `${missing}; skipped` : false;

after(stopClusterVectorStore);

let built: Promise<void> | undefined;
/** Builds the four images once per run (podman's layer cache makes an unchanged one a no-op). */
function buildAll(): Promise<void> {
  built ??= (async () => {
    for (const fn of FUNCTION_NAMES) {
      const { ms } = buildImage(fn);
      const mb = (bytes: number) => (bytes / 1e6).toFixed(1);
      console.log(
        `# ${imageTag(fn)}: built in ${(ms / 1000).toFixed(1)} s, ${mb(imageBytes(imageTag(fn)))} MB (base ${mb(imageBytes(baseImage()))} MB)`,
      );
    }
  })();
  return built;
}

function procStatus(pid: string): Record<string, string> {
  return Object.fromEntries(
    readFileSync(`/proc/${pid}/status`, "utf8")
      .split("\n")
      .filter(Boolean)
      .map((line) => line.split(/:\s*/, 2) as [string, string]),
  );
}

describe("function images: Knative's securityContext enforced, baked compile cache used", {
  skip,
}, () => {
  const running: FunctionContainer[] = [];
  before(buildAll);
  after(async () => {
    for (const c of running) await c.stop("SIGKILL");
  });

  for (const fn of FUNCTION_NAMES) {
    it(`${fn}: runs as uid 1000 with no capabilities, no_new_privs, seccomp and a read-only root; starts from the baked compile cache`, async () => {
      const container = await startFunctionContainer(fn, {
        ...(await clusterVectorStoreEnv(fn)),
        NODE_DEBUG_NATIVE: "COMPILE_CACHE",
        EMBED_URL: "http://127.0.0.1:9",
        K_SINK: "http://127.0.0.1:9/",
      });
      running.push(container);
      const pid = podman(["inspect", "--format", "{{.State.Pid}}", container.name]);
      const status = procStatus(pid);
      assert.equal(status.Uid!.split(/\s+/)[0], "1000", "real uid");
      assert.equal(status.Gid!.split(/\s+/)[0], "1000", "real gid");
      for (const set of ["CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb"])
        assert.equal(BigInt(`0x${status[set]}`), 0n, `${set} is empty`);
      assert.equal(status.NoNewPrivs, "1");
      assert.equal(status.Seccomp, "2", "seccomp filter (RuntimeDefault)");
      const mounts = readFileSync(`/proc/${pid}/mountinfo`, "utf8")
        .split("\n")
        .map((line) => line.split(" "));
      assert.match(mounts.find((m) => m[4] === "/")![5]!, /^ro\b/, "root filesystem is read-only");
      assert.match(
        mounts.find((m) => m[4] === "/tmp")![5]!,
        /^rw\b/,
        "the emptyDir on /tmp is writable",
      );
      assert.ok(
        !mounts.some((m) => ["/run", "/var/tmp"].includes(m[4]!)),
        "no writable tmpfs beyond the manifest's volumes",
      );

      // Node says for each module it loaded whether it used the baked code ("accepted") or not.
      const verdicts = () =>
        container.logs.filter((line) => line.startsWith("[compile cache] cache for "));
      await waitFor("the compile cache's verdict on index.mjs", () =>
        verdicts().find((line) =>
          line.startsWith("[compile cache] cache for file:///app/index.mjs was"),
        ),
      );
      assert.deepEqual(
        verdicts().filter((line) => !/ was accepted,/.test(line)),
        [],
        "every module comes from the baked cache",
      );
      assert.equal((await container.stop("SIGTERM")).code, 0);
    });
  }
});

runtimeContractSuite(
  {
    what: "images under podman",
    prepare: buildAll,
    start: async (fn: FunctionName, env) =>
      startFunctionContainer(fn, { ...(await clusterVectorStoreEnv(fn)), ...env }),
  },
  { skip },
);
