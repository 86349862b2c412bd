import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  NotFound,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { startS3, type S3Server } from "./servers.ts";

let server: S3Server;
let s3: S3Client;

before(async () => {
  server = await startS3();
  s3 = new S3Client({
    endpoint: server.endpoint,
    region: server.region,
    forcePathStyle: true,
    credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey },
  });
});
after(async () => {
  s3?.destroy();
  await server?.cleanup();
});

test("create a bucket, put, head, get and list objects", async () => {
  await s3.send(new CreateBucketCommand({ Bucket: "documents" }));
  const body = JSON.stringify({ documentId: "d1", text: "héllo" });
  await s3.send(
    new PutObjectCommand({
      Bucket: "documents",
      Key: "ns/d1.json",
      Body: body,
      ContentType: "application/json",
      Metadata: { namespace: "ns" },
    }),
  );
  await s3.send(new PutObjectCommand({ Bucket: "documents", Key: "ns/d2.json", Body: "{}" }));
  await s3.send(new PutObjectCommand({ Bucket: "documents", Key: "other/d3.json", Body: "{}" }));

  const head = await s3.send(new HeadObjectCommand({ Bucket: "documents", Key: "ns/d1.json" }));
  assert.equal(head.ContentLength, Buffer.byteLength(body));
  assert.equal(head.ContentType, "application/json");
  assert.equal(head.Metadata?.namespace, "ns");

  const got = await s3.send(new GetObjectCommand({ Bucket: "documents", Key: "ns/d1.json" }));
  assert.equal(await got.Body?.transformToString(), body);

  const listed = await s3.send(new ListObjectsV2Command({ Bucket: "documents", Prefix: "ns/" }));
  assert.deepEqual(
    listed.Contents?.map((o) => o.Key),
    ["ns/d1.json", "ns/d2.json"],
  );
});

test("head of a missing key is NotFound", async () => {
  await assert.rejects(
    s3.send(new HeadObjectCommand({ Bucket: "documents", Key: "nope" })),
    (err) => err instanceof NotFound,
  );
});

test("stop() then start() keeps the port but not the store (moto is in-memory)", async () => {
  await server.stop();
  await server.start();
  await s3.send(new CreateBucketCommand({ Bucket: "documents" }));
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: "documents" }));
  assert.equal(listed.KeyCount, 0);
});

test("a persistent server replays its recording at start(): objects survive a restart", async () => {
  const persistent = await startS3({ persistent: true });
  const client = new S3Client({
    endpoint: persistent.endpoint,
    region: persistent.region,
    forcePathStyle: true,
    credentials: {
      accessKeyId: persistent.accessKeyId,
      secretAccessKey: persistent.secretAccessKey,
    },
  });
  try {
    await client.send(new CreateBucketCommand({ Bucket: "documents" }));
    const body = JSON.stringify({ text: "kept across a restart, héllo" });
    await client.send(
      new PutObjectCommand({
        Bucket: "documents",
        Key: "ns/kept.json",
        Body: body,
        ContentType: "application/json",
      }),
    );
    await persistent.stop();
    await persistent.start();
    const got = await client.send(
      new GetObjectCommand({ Bucket: "documents", Key: "ns/kept.json" }),
    );
    assert.equal(await got.Body?.transformToString(), body);
  } finally {
    client.destroy();
    await persistent.cleanup();
  }
});
