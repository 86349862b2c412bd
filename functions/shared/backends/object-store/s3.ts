import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadBucketCommand,
  NoSuchKey,
  NotFound,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import { ObjectTooLarge, type GetOptions, type ObjectStore } from "./object-store.ts";

export interface S3ObjectStoreOptions {
  bucket: string;
  endpoint?: string | undefined;
  region: string;
  accessKeyId?: string | undefined;
  secretAccessKey?: string | undefined;
  forcePathStyle: boolean;
  requestTimeoutMs: number;
}

/** MinIO or any S3-compatible store; creates the bucket on first use when it is missing. */
export class S3ObjectStore implements ObjectStore {
  readonly system = "s3";
  readonly bucket: string;
  private readonly client: S3Client;
  private bucketReady: Promise<void> | undefined;

  constructor(options: S3ObjectStoreOptions) {
    this.bucket = options.bucket;
    this.client = new S3Client({
      region: options.region,
      forcePathStyle: options.forcePathStyle,
      maxAttempts: 3,
      requestHandler: {
        requestTimeout: options.requestTimeoutMs,
        connectionTimeout: Math.min(options.requestTimeoutMs, 5000),
      },
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      ...(options.accessKeyId && options.secretAccessKey
        ? {
            credentials: {
              accessKeyId: options.accessKeyId,
              secretAccessKey: options.secretAccessKey,
            },
          }
        : {}),
    });
  }

  async put(key: string, body: string | Uint8Array, contentType: string): Promise<void> {
    const put = () =>
      this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Body: body,
          ContentType: contentType,
        }),
      );
    await this.ready();
    try {
      await put();
    } catch (error) {
      // The bucket went away after we created it (a store without persistence restarted): once more.
      if ((error as { name?: string }).name !== "NoSuchBucket") throw error;
      this.bucketReady = undefined;
      await this.ready();
      await put();
    }
  }

  async get(key: string, options: GetOptions = {}): Promise<Uint8Array | undefined> {
    await this.ready();
    try {
      const response = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: key }),
      );
      const body = response.Body as AsyncIterable<Uint8Array> & { destroy?: () => void };
      if (options.maxBytes === undefined) return await response.Body!.transformToByteArray();
      try {
        if ((response.ContentLength ?? 0) > options.maxBytes)
          throw new ObjectTooLarge(key, options.maxBytes);
        // Counted while streaming too: a store may leave Content-Length out.
        return await readAtMost(body, options.maxBytes, key);
      } finally {
        body.destroy?.();
      }
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  /** Creates the bucket once; a failure is retried on the next call instead of being cached. */
  ready(): Promise<void> {
    this.bucketReady ??= this.ensureBucket().catch((error: unknown) => {
      this.bucketReady = undefined;
      throw error;
    });
    return this.bucketReady;
  }

  async close(): Promise<void> {
    this.client.destroy();
  }

  private async ensureBucket(): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
    } catch (error) {
      if (!isMissing(error)) throw error;
      try {
        await this.client.send(new CreateBucketCommand({ Bucket: this.bucket }));
      } catch (createError) {
        // Another instance created it in the meantime.
        const name = (createError as { name?: string }).name;
        if (name !== "BucketAlreadyOwnedByYou" && name !== "BucketAlreadyExists") throw createError;
      }
    }
  }
}

async function readAtMost(
  body: AsyncIterable<Uint8Array>,
  maxBytes: number,
  key: string,
): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let length = 0;
  for await (const part of body) {
    length += part.byteLength;
    if (length > maxBytes) throw new ObjectTooLarge(key, maxBytes);
    parts.push(part);
  }
  return Buffer.concat(parts, length);
}

function isMissing(error: unknown): boolean {
  if (error instanceof NoSuchKey || error instanceof NotFound) return true;
  return (
    error instanceof S3ServiceException &&
    (error.$metadata.httpStatusCode === 404 || error.name === "NoSuchBucket")
  );
}
