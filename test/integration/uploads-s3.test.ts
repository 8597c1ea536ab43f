/**
 * The S3 upload store with the real SDK v3 and presigner against the local S3 (`startLocalS3`: s3rver
 * behind a SigV4-verifying proxy) on a random port with a temporary directory: the browser's path
 * (presigned PUT with fetch) and the service's (GetObject, PutObject, presigned GET). A presigned PUT is
 * held to what it signs (key, Content-Type, Content-Length, expiry), as S3 holds it; what stays
 * unchecked locally (checksums) is asserted on the URL itself.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { S3UploadStore, makeS3Client } from '#adapters/uploads-s3.ts';
import { ValidationFailed } from '#core/errors.ts';
import { IMAGE_LIMITS, keptKey, resultKey, uploadKey } from '#core/images.ts';
import { startLocalS3, type LocalS3 } from '#lib/local/s3.ts';
import { dimProductPhoto } from '../support/images.ts';

let dir: string;
let s3: LocalS3;
let store: S3UploadStore;
let photo: Buffer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'uploads-s3-'));
  s3 = await startLocalS3({ port: 0, directory: join(dir, 's3') });
  store = S3UploadStore.fromEnv({ AWS_REGION: 'us-east-1', S3_ENDPOINT: s3.endpoint, UPLOAD_BUCKET: s3.bucket });
  photo = await dimProductPhoto({ width: 320, height: 240 });
});

afterAll(async () => {
  await s3?.close();
  rmSync(dir, { recursive: true, force: true });
});

const put = (url: string, body: Buffer, contentType: string) =>
  fetch(url, { method: 'PUT', body: new Uint8Array(body), headers: { 'content-type': contentType } });

describe('S3UploadStore against the local S3 (s3rver behind a SigV4-verifying proxy)', () => {
  it('given a presigned upload URL, when the client PUTs the photo with fetch, then getUpload returns the same bytes', async () => {
    const { uploadUrl, expiresAt } = await store.createUpload({ accountId: 'acct_1', uploadId: 'up_1', contentType: 'image/jpeg', bytes: photo.length });
    expect(new URL(uploadUrl).pathname).toBe(`/${s3.bucket}/uploads/acct_1/up_1`);
    const ttl = Date.parse(expiresAt) - Date.now();
    expect(ttl).toBeGreaterThan((IMAGE_LIMITS.uploadUrlTtlSeconds - 5) * 1000);
    expect(ttl).toBeLessThanOrEqual(IMAGE_LIMITS.uploadUrlTtlSeconds * 1000);

    const response = await put(uploadUrl, photo, 'image/jpeg');
    expect(response.status).toBe(200);
    const stored = await store.getUpload('acct_1', 'up_1');
    expect(stored?.bytes.equals(photo)).toBe(true);
    expect(stored?.contentType).toBe('image/jpeg');
  });

  it('given a presigned upload URL, then it signs content type and length and carries no empty-body checksum (which real S3 would reject)', async () => {
    const { uploadUrl } = await store.createUpload({ accountId: 'acct_1', uploadId: 'up_sig', contentType: 'image/png', bytes: 1234 });
    const query = new URL(uploadUrl).searchParams;
    expect(query.get('X-Amz-Algorithm')).toBe('AWS4-HMAC-SHA256');
    expect(query.get('X-Amz-SignedHeaders')?.split(';')).toEqual(expect.arrayContaining(['content-length', 'content-type', 'host']));
    expect(query.get('X-Amz-Expires')).toBe(String(IMAGE_LIMITS.uploadUrlTtlSeconds));
    expect([...query.keys()].filter((k) => k.toLowerCase().startsWith('x-amz-checksum') || k === 'x-amz-sdk-checksum-algorithm')).toEqual([]);
  });

  it('given an upload that was never PUT, then getUpload answers null', async () => {
    await store.createUpload({ accountId: 'acct_1', uploadId: 'up_never', contentType: 'image/jpeg', bytes: 10 });
    expect(await store.getUpload('acct_1', 'up_never')).toBeNull();
  });

  it('given account A’s upload, when account B asks for the same uploadId, then it gets null', async () => {
    const { uploadUrl } = await store.createUpload({ accountId: 'acct_a', uploadId: 'up_shared', contentType: 'image/jpeg', bytes: photo.length });
    expect((await put(uploadUrl, photo, 'image/jpeg')).status).toBe(200);
    expect(await store.getUpload('acct_b', 'up_shared')).toBeNull();
    expect(await store.getUpload('acct_a', 'up_shared')).not.toBeNull();
  });

  it('given an uploadId that tries to climb out of the account prefix, then getUpload answers null without a lookup', async () => {
    expect(await store.getUpload('acct_b', '../acct_a/up_shared')).toBeNull();
    expect(await store.getUpload('acct_b', '..')).toBeNull();
  });

  it('given more than 10 MB declared, or a type other than JPEG/PNG/WebP, then createUpload refuses with 400', async () => {
    await expect(store.createUpload({ accountId: 'acct_1', uploadId: 'up_big', contentType: 'image/jpeg', bytes: IMAGE_LIMITS.maxUploadBytes + 1 })).rejects.toBeInstanceOf(ValidationFailed);
    await expect(store.createUpload({ accountId: 'acct_1', uploadId: 'up_gif', contentType: 'image/gif' as 'image/png', bytes: 10 })).rejects.toBeInstanceOf(ValidationFailed);
  });

  it('given an object over 10 MB under an upload key (written past the presigned URL, by a credentialed client), then getUpload refuses it with 400 before reading it', async () => {
    const huge = Buffer.alloc(IMAGE_LIMITS.maxUploadBytes + 1, 1);
    const client = makeS3Client({ AWS_REGION: 'us-east-1', S3_ENDPOINT: s3.endpoint });
    await client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: uploadKey('acct_1', 'up_huge'), Body: huge, ContentType: 'image/jpeg' }));
    client.destroy();
    await expect(store.getUpload('acct_1', 'up_huge')).rejects.toBeInstanceOf(ValidationFailed);
  });

  it('given a stored result, then its presigned GET serves the bytes and the content type to a plain fetch', async () => {
    const key = resultKey('acct_1', 'gen_1', 0, 'image/jpeg');
    await store.putResult(key, photo, 'image/jpeg');
    const url = await store.resultUrl(key);
    expect(new URL(url).searchParams.get('X-Amz-Expires')).toBe(String(IMAGE_LIMITS.resultUrlTtlSeconds));
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/jpeg');
    expect(Buffer.from(await response.arrayBuffer()).equals(photo)).toBe(true);
  });

  it('given a stored result, when it is kept, then the copy under selected/ serves the same bytes and content type', async () => {
    const key = resultKey('acct_1', 'gen_keep', 1, 'image/jpeg');
    await store.putResult(key, photo, 'image/jpeg');
    await store.keepResult(key, keptKey(key));
    expect(keptKey(key)).toBe('selected/acct_1/gen_keep/1.jpg');
    const response = await fetch(await store.resultUrl(keptKey(key)));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/jpeg');
    expect(Buffer.from(await response.arrayBuffer()).equals(photo)).toBe(true);
  });

  describe('a presigned PUT is held to what it signs, as S3 holds it: 403 and nothing stored', () => {
    const refused = async (response: Response, code: string, uploadId: string) => {
      expect(response.status).toBe(403);
      expect(response.headers.get('access-control-allow-origin')).toBe('*'); // a browser can read why
      expect(await response.text()).toContain(`<Code>${code}</Code>`);
      expect(await store.getUpload('acct_1', uploadId)).toBeNull();
    };

    it('given a file bigger than the declared bytes, then it is refused', async () => {
      const { uploadUrl } = await store.createUpload({ accountId: 'acct_1', uploadId: 'up_longer', contentType: 'image/jpeg', bytes: 10 });
      await refused(await put(uploadUrl, photo, 'image/jpeg'), 'SignatureDoesNotMatch', 'up_longer');
    });

    it('given a file smaller than the declared bytes, then it is refused', async () => {
      const { uploadUrl } = await store.createUpload({ accountId: 'acct_1', uploadId: 'up_shorter', contentType: 'image/jpeg', bytes: photo.length + 1 });
      await refused(await put(uploadUrl, photo, 'image/jpeg'), 'SignatureDoesNotMatch', 'up_shorter');
    });

    it('given another Content-Type than declared, then it is refused', async () => {
      const { uploadUrl } = await store.createUpload({ accountId: 'acct_1', uploadId: 'up_type', contentType: 'image/png', bytes: photo.length });
      await refused(await put(uploadUrl, photo, 'image/jpeg'), 'SignatureDoesNotMatch', 'up_type');
    });

    it('given the URL edited to another key (another upload, another account), then it is refused', async () => {
      const { uploadUrl } = await store.createUpload({ accountId: 'acct_1', uploadId: 'up_mine', contentType: 'image/jpeg', bytes: photo.length });
      const other = uploadUrl.replace('/uploads/acct_1/up_mine', '/uploads/acct_1/up_theirs');
      expect(other).not.toBe(uploadUrl);
      await refused(await put(other, photo, 'image/jpeg'), 'SignatureDoesNotMatch', 'up_theirs');
      await refused(await put(uploadUrl.replace('X-Amz-Expires=900', 'X-Amz-Expires=901'), photo, 'image/jpeg'), 'SignatureDoesNotMatch', 'up_mine');
    });

    it('given a PUT after the URL expired, then it is refused', async () => {
      const shortLived = new S3UploadStore({ client: makeS3Client({ AWS_REGION: 'us-east-1', S3_ENDPOINT: s3.endpoint }), bucket: s3.bucket, uploadUrlTtlSeconds: 1 });
      const { uploadUrl } = await shortLived.createUpload({ accountId: 'acct_1', uploadId: 'up_late', contentType: 'image/jpeg', bytes: photo.length });
      await new Promise((resolve) => setTimeout(resolve, 2_100));
      await refused(await put(uploadUrl, photo, 'image/jpeg'), 'AccessDenied', 'up_late');
    });

    it('given a URL signed with another secret, then it is refused', async () => {
      const forged = new S3UploadStore({
        client: makeS3Client({ AWS_REGION: 'us-east-1', S3_ENDPOINT: s3.endpoint }, { credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'guessed' } }),
        bucket: s3.bucket,
      });
      const { uploadUrl } = await forged.createUpload({ accountId: 'acct_1', uploadId: 'up_forged', contentType: 'image/jpeg', bytes: photo.length });
      await refused(await put(uploadUrl, photo, 'image/jpeg'), 'SignatureDoesNotMatch', 'up_forged');
      // The service's own header-signed calls are checked the same way.
      await expect(forged.getUpload('acct_1', 'up_1')).rejects.toMatchObject({ name: 'SignatureDoesNotMatch' });
    });
  });

  it('given a presigned GET that has expired, then the local S3 refuses it with 403', async () => {
    const key = resultKey('acct_1', 'gen_2', 1, 'image/png');
    await store.putResult(key, photo, 'image/png');
    const shortLived = new S3UploadStore({ client: makeS3Client({ AWS_REGION: 'us-east-1', S3_ENDPOINT: s3.endpoint }), bucket: s3.bucket, resultUrlTtlSeconds: 1 });
    const url = await shortLived.resultUrl(key);
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    expect((await fetch(url)).status).toBe(403);
  });

  it('given the local page’s origin, when the browser preflights a PUT with a content type, then CORS allows it', async () => {
    const { uploadUrl } = await store.createUpload({ accountId: 'acct_1', uploadId: 'up_cors', contentType: 'image/png', bytes: 10 });
    const response = await fetch(uploadUrl, {
      method: 'OPTIONS',
      headers: { origin: 'http://127.0.0.1:3000', 'access-control-request-method': 'PUT', 'access-control-request-headers': 'content-type' },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('access-control-allow-methods')).toContain('PUT');
    expect(response.headers.get('access-control-allow-headers')).toContain('content-type');
  });

  it('given the server is restarted on the same directory, then earlier uploads are still there', async () => {
    const { uploadUrl } = await store.createUpload({ accountId: 'acct_1', uploadId: 'up_kept', contentType: 'image/jpeg', bytes: photo.length });
    expect((await put(uploadUrl, photo, 'image/jpeg')).status).toBe(200);
    const again = await startLocalS3({ port: 0, directory: join(dir, 's3') });
    try {
      const other = S3UploadStore.fromEnv({ AWS_REGION: 'us-east-1', S3_ENDPOINT: again.endpoint, UPLOAD_BUCKET: again.bucket });
      expect((await other.getUpload('acct_1', 'up_kept'))?.bytes.equals(photo)).toBe(true);
    } finally {
      await again.close();
    }
  });
});
