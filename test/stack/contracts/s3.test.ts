import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { objectStoreContract } from "../../../functions/shared/backends/object-store/object-store.contract.ts";
import { S3ObjectStore } from "../../../functions/shared/backends/object-store/s3.ts";
import { startS3, type S3Server } from "../servers.ts";

const s3: S3Server = await startS3();
after(() => s3.cleanup());
const storeFor = (bucket: string) =>
  new S3ObjectStore({
    bucket,
    endpoint: s3.endpoint,
    region: s3.region,
    accessKeyId: s3.accessKeyId,
    secretAccessKey: s3.secretAccessKey,
    forcePathStyle: true,
    requestTimeoutMs: 2000,
  });

objectStoreContract("s3", async (bucket) => storeFor(bucket));

describe("S3ObjectStore when the S3 server goes away", () => {
  it("fails fast while it is down and creates its bucket again once it is back", async () => {
    const store = storeFor("outage");
    await store.put("a.json", "{}", "application/json");
    await s3.stop();
    const began = performance.now();
    await assert.rejects(store.get("a.json"));
    const failedMs = performance.now() - began;
    console.log(`s3 down: get rejected after ${Math.round(failedMs)} ms`);
    assert.ok(failedMs < 10_000);
    // moto keeps its store in memory: it comes back empty, bucket and all.
    await s3.start();
    await store.put("b.json", "{}", "application/json");
    assert.equal(Buffer.from((await store.get("b.json"))!).toString(), "{}");
    await store.close();
  });
});
