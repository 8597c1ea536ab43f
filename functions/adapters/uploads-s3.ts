/**
 * The upload store on S3 (and locally on s3rver, through the same SDK calls).
 *
 * Uploads: the service presigns a PUT to `uploads/{accountId}/{uploadId}` that signs the content type
 * and length the merchant declared, so S3 refuses any other file; the browser sends it straight to S3
 * and the Lambda never carries the bytes in. Results: the service writes each variant and hands out
 * short-lived presigned GETs. The bucket stays private throughout.
 */
import { CopyObjectCommand, GetObjectCommand, PutObjectCommand, S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { recordCalls, s3Actions } from './aws-calls.ts';
import { roleCredentials } from './aws-credentials.ts';
import type { Env } from '#env';
import { ValidationFailed } from '#core/errors.ts';
import { IMAGE_LIMITS, UPLOAD_CONTENT_TYPES, isSafeKeySegment, uploadKey, type EnhancedImage, type StoredUpload, type UploadContentType, type UploadStore } from '#core/images.ts';

/**
 * s3rver's built-in key pair. s3rver checks that the access key id exists but does not verify
 * SigV4 signatures, so locally a presigned URL is only checked for its expiry.
 */
export const LOCAL_S3_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

export interface S3UploadStoreOptions {
  client: S3Client;
  bucket: string;
  uploadUrlTtlSeconds?: number;
  resultUrlTtlSeconds?: number;
}

/**
 * Built once per cold start. `requestChecksumCalculation: 'WHEN_REQUIRED'`: since SDK 3.729 a presigned
 * PutObject otherwise carries `x-amz-checksum-crc32` of the empty body it was signed with, and real S3
 * rejects every upload through it (aws-sdk-js-v3#6994); s3rver ignores checksums, so no local test
 * would notice. Path-style addressing when an endpoint is set: s3rver has no per-bucket host names.
 * Not wrapped by the Tracer: most of its use is presigning, which makes no call, and the X-Ray
 * middleware would open a subsegment for a request that is never sent.
 */
export function makeS3Client(env: Pick<Env, 'AWS_REGION' | 'S3_ENDPOINT'>, overrides: S3ClientConfig = {}): S3Client {
  return recordCalls(new S3Client({
    region: env.AWS_REGION,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    ...(env.S3_ENDPOINT ? { endpoint: env.S3_ENDPOINT, forcePathStyle: true, credentials: LOCAL_S3_CREDENTIALS } : { credentials: roleCredentials }),
    ...overrides,
  }), s3Actions);
}

const isNotFound = (err: unknown) => {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'NoSuchKey' || e?.name === 'NotFound' || e?.$metadata?.httpStatusCode === 404;
};

export class S3UploadStore implements UploadStore {
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly uploadUrlTtlSeconds: number;
  private readonly resultUrlTtlSeconds: number;

  constructor(options: S3UploadStoreOptions) {
    this.client = options.client;
    this.bucket = options.bucket;
    this.uploadUrlTtlSeconds = options.uploadUrlTtlSeconds ?? IMAGE_LIMITS.uploadUrlTtlSeconds;
    this.resultUrlTtlSeconds = options.resultUrlTtlSeconds ?? IMAGE_LIMITS.resultUrlTtlSeconds;
  }

  static fromEnv(env: Pick<Env, 'AWS_REGION' | 'S3_ENDPOINT' | 'UPLOAD_BUCKET'>): S3UploadStore {
    return new S3UploadStore({ client: makeS3Client(env), bucket: env.UPLOAD_BUCKET });
  }

  async createUpload(input: { accountId: string; uploadId: string; contentType: UploadContentType; bytes: number }): Promise<{ uploadUrl: string; expiresAt: string }> {
    if (!(UPLOAD_CONTENT_TYPES as readonly string[]).includes(input.contentType)) {
      throw new ValidationFailed([{ path: 'contentType', message: `must be one of ${UPLOAD_CONTENT_TYPES.join(', ')}` }]);
    }
    if (!Number.isInteger(input.bytes) || input.bytes < 1 || input.bytes > IMAGE_LIMITS.maxUploadBytes) {
      throw new ValidationFailed([{ path: 'bytes', message: `must be an integer from 1 to ${IMAGE_LIMITS.maxUploadBytes}` }]);
    }
    const signingDate = new Date();
    const uploadUrl = await getSignedUrl(
      this.client,
      new PutObjectCommand({ Bucket: this.bucket, Key: uploadKey(input.accountId, input.uploadId), ContentType: input.contentType, ContentLength: input.bytes }),
      // Content-Length is signed by default once set; Content-Type only when asked to be.
      { expiresIn: this.uploadUrlTtlSeconds, signingDate, signableHeaders: new Set(['content-type']) },
    );
    return { uploadUrl, expiresAt: new Date(signingDate.getTime() + this.uploadUrlTtlSeconds * 1000).toISOString() };
  }

  async getUpload(accountId: string, uploadId: string): Promise<StoredUpload | null> {
    // An id that could not have been issued names nothing (and never another account's key).
    if (!isSafeKeySegment(accountId) || !isSafeKeySegment(uploadId)) return null;
    let out;
    try {
      out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: uploadKey(accountId, uploadId) }));
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
    // The signed length bounds it in AWS; this bounds memory anywhere else before reading it in.
    if ((out.ContentLength ?? 0) > IMAGE_LIMITS.maxUploadBytes) {
      (out.Body as { destroy?: () => void } | undefined)?.destroy?.();
      throw new ValidationFailed([{ path: 'input.uploadId', message: `The upload is larger than ${IMAGE_LIMITS.maxUploadBytes / 1024 / 1024} MB.` }]);
    }
    const contentType = out.ContentType ?? '';
    if (!out.Body) return { bytes: Buffer.alloc(0), contentType };
    return { bytes: Buffer.from(await out.Body.transformToByteArray()), contentType };
  }

  async putResult(key: string, bytes: Buffer, contentType: EnhancedImage['contentType']): Promise<void> {
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: bytes,
        ContentType: contentType,
        // A result key is never rewritten (each generation has its own), so browsers may keep it.
        CacheControl: 'private, max-age=31536000, immutable',
      }),
    );
  }

  async keepResult(fromKey: string, toKey: string): Promise<void> {
    // Keys are made of safe segments only (`resultKey`), so the copy source needs no escaping.
    await this.client.send(new CopyObjectCommand({ Bucket: this.bucket, Key: toKey, CopySource: `${this.bucket}/${fromKey}` }));
  }

  async resultUrl(key: string): Promise<string> {
    return getSignedUrl(this.client, new GetObjectCommand({ Bucket: this.bucket, Key: key }), { expiresIn: this.resultUrlTtlSeconds });
  }
}
