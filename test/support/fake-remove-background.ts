/**
 * A local stand-in for Bedrock Runtime's InvokeModel on Stability AI's Stable Image Remove Background
 * (`POST /model/{modelId}/invoke`, JSON `{ image, output_format? }` → `{ seeds, finish_reasons, images }`).
 *
 * HTTP/1.1 only: the project's Bedrock client (`makeBedrockClient`) uses `NodeHttpHandler`. A client on
 * the SDK's default HTTP/2 handler fails against it with `ERR_HTTP2_ERROR`.
 *
 * Like the real service it refuses (400 `ValidationException`) what the model's documented limits exclude,
 * read from `MODELS` in functions/config.ts: an unknown model id or a profile-only model called by its
 * foundation-model id, a body with other fields, an image that is not base64 JPEG/PNG/WebP, a side under
 * the minimum, more pixels than the maximum, an aspect ratio outside the range. So an adapter that forgets
 * to resize or pad is caught here. Its background removal is real, if crude: pixels close to their row's
 * edge colour become transparent. Each request consumes the next scripted step; an empty script succeeds.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import sharp, { type Metadata } from 'sharp';
import { MODELS, modelSpec } from '#config';

export type RemoveBackgroundStep =
  | { kind: 'success' }
  /** A valid answer whose alpha keeps every pixel (nothing removed). */
  | { kind: 'keep_all' }
  /** A valid answer whose alpha keeps no pixel. */
  | { kind: 'keep_none' }
  /** HTTP 429 `ThrottlingException` (the SDK retries it). */
  | { kind: 'throttle' }
  /** HTTP 503 `ServiceUnavailableException` (the SDK retries it). */
  | { kind: 'unavailable' }
  /** HTTP 500 `InternalServerException` (the SDK retries it). */
  | { kind: 'internal' }
  /** HTTP 200 with no image and `finish_reasons: ["Filter reason: input image"]`, as the content filters answer. */
  | { kind: 'content_filtered' }
  /** HTTP 200 with no image and `finish_reasons: ["Inference error"]`. */
  | { kind: 'inference_error' }
  /** A 200 answer broken in the named way. */
  | { kind: 'malformed'; how: 'not_json' | 'no_images' | 'not_base64' | 'no_alpha' | 'wrong_size' }
  /** Waits `delayMs`, then answers `then` (success by default), unless the client gave up first. */
  | { kind: 'slow'; delayMs: number; then?: Exclude<RemoveBackgroundStep, { kind: 'slow' }> };

type StepInput = RemoveBackgroundStep | Exclude<RemoveBackgroundStep['kind'], 'malformed' | 'slow'>;

export interface RemoveBackgroundRequest {
  modelId: string;
  path: string;
  body: any;
  /** Size of the decoded input image, when it decoded. */
  image: { width: number; height: number; format: string } | null;
}

export interface FakeRemoveBackground {
  /** `http://127.0.0.1:PORT`, for the client's `endpoint`. */
  url: string;
  script(...steps: StepInput[]): void;
  reset(): void;
  requests: RemoveBackgroundRequest[];
  close(): Promise<void>;
}


const SEED = 1234567890;

function sendJson(res: ServerResponse, status: number, body: unknown, errorType?: string): void {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (errorType) headers['x-amzn-errortype'] = `${errorType}:http://internal.amazon.com/coral/com.amazon.bedrock/`;
  res.writeHead(status, headers).end(typeof body === 'string' ? body : JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Crude segmentation: each row's backdrop colour is the mean of its outermost pixels (so a backdrop
 * lit top to bottom still works); pixels of a lightly blurred copy within 48 of it are removed.
 */
async function removeBackground(image: Buffer, mode: 'success' | 'keep_all' | 'keep_none'): Promise<Buffer> {
  const { data, info } = await sharp(image).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const { width, height } = info;
  const alpha = Buffer.alloc(width * height, mode === 'keep_none' ? 0 : 255);
  if (mode === 'success') {
    const smooth = await sharp(data, { raw: { width, height, channels: 3 } }).blur(1.5).raw().toBuffer();
    const edge = Math.max(1, Math.round(width * 0.02));
    for (let y = 0; y < height; y++) {
      const bg = [0, 0, 0];
      for (let k = 0; k < edge; k++) {
        for (const x of [k, width - 1 - k]) for (let c = 0; c < 3; c++) bg[c] += smooth[(y * width + x) * 3 + c] / (2 * edge);
      }
      for (let x = 0; x < width; x++) {
        const i = (y * width + x) * 3;
        if (Math.hypot(smooth[i] - bg[0], smooth[i + 1] - bg[1], smooth[i + 2] - bg[2]) < 48) alpha[y * width + x] = 0;
      }
    }
  }
  return sharp(data, { raw: { width, height, channels: 3 } })
    .joinChannel(alpha, { raw: { width, height, channels: 1 } })
    .png()
    .toBuffer();
}

export async function startFakeRemoveBackground(): Promise<FakeRemoveBackground> {
  let queue: RemoveBackgroundStep[] = [];
  const requests: RemoveBackgroundRequest[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();

  const normalise = (step: StepInput): RemoveBackgroundStep => (typeof step === 'string' ? ({ kind: step } as RemoveBackgroundStep) : step);

  async function answer(step: RemoveBackgroundStep, input: Buffer, res: ServerResponse): Promise<void> {
    switch (step.kind) {
      case 'throttle':
        return sendJson(res, 429, { message: 'Too many requests, please wait before trying again.' }, 'ThrottlingException');
      case 'unavailable':
        return sendJson(res, 503, { message: 'Service unavailable.' }, 'ServiceUnavailableException');
      case 'internal':
        return sendJson(res, 500, { message: 'Internal server error.' }, 'InternalServerException');
      case 'content_filtered':
        return sendJson(res, 200, { seeds: [SEED], finish_reasons: ['Filter reason: input image'] });
      case 'inference_error':
        return sendJson(res, 200, { seeds: [SEED], finish_reasons: ['Inference error'] });
      case 'slow': {
        const timer = setTimeout(() => {
          timers.delete(timer);
          if (!res.destroyed) void answer(step.then ?? { kind: 'success' }, input, res);
        }, step.delayMs);
        timers.add(timer);
        return;
      }
      case 'malformed': {
        const good = await removeBackground(input, 'success');
        const ok = (image: Buffer | string) => ({ seeds: [SEED], finish_reasons: [null], images: [typeof image === 'string' ? image : image.toString('base64')] });
        switch (step.how) {
          case 'not_json':
            return sendJson(res, 200, '<html>not json</html>');
          case 'no_images':
            return sendJson(res, 200, { seeds: [SEED], finish_reasons: [null], images: [] });
          case 'not_base64':
            return sendJson(res, 200, ok('***not base64***'));
          case 'no_alpha':
            return sendJson(res, 200, ok(await sharp(good).removeAlpha().jpeg().toBuffer()));
          case 'wrong_size':
            return sendJson(res, 200, ok(await sharp(good).resize(333, 333, { fit: 'fill' }).png().toBuffer()));
        }
      }
      // eslint-disable-next-line no-fallthrough
      default:
        return sendJson(res, 200, { seeds: [SEED], finish_reasons: [null], images: [(await removeBackground(input, step.kind)).toString('base64')] });
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = req.url ?? '';
    const match = /^\/model\/([^/]+)\/invoke$/.exec(path);
    const text = await readBody(req);
    if (req.method !== 'POST' || !match) return sendJson(res, 404, { message: `No route ${req.method} ${path}` }, 'ResourceNotFoundException');
    let body: any = null;
    try {
      body = JSON.parse(text);
    } catch {
      // recorded as null and refused below
    }
    const modelId = decodeURIComponent(match[1]);
    const record: RemoveBackgroundRequest = { modelId, path, body, image: null };
    requests.push(record);
    const step = queue.shift() ?? { kind: 'success' };

    // Bedrock's own validation runs before any scripted behaviour, as the service's would.
    const invalid = (message: string) => sendJson(res, 400, { message }, 'ValidationException');
    const spec = modelSpec(modelId);
    if (spec?.kind !== 'image') {
      if (MODELS[modelId]) return invalid(`Invocation of model ID ${modelId} with on-demand throughput isn't supported. Retry your request with the ID or ARN of an inference profile that contains this model.`);
      return invalid(`The provided model identifier is invalid: ${modelId}`);
    }
    if (!body || typeof body !== 'object' || typeof body.image !== 'string') return invalid('Malformed input request: #: required key [image] not found');
    const extra = Object.keys(body).filter((k) => k !== 'image' && k !== 'output_format');
    if (extra.length) return invalid(`Malformed input request: #: extraneous key [${extra[0]}] is not permitted`);
    if (body.output_format !== undefined && !['jpeg', 'png', 'webp'].includes(body.output_format)) return invalid(`output_format must be one of jpeg, png, webp`);
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(body.image)) return invalid('The image is not base64.');
    const input = Buffer.from(body.image, 'base64');
    let meta: Metadata;
    try {
      meta = await sharp(input).metadata();
    } catch {
      return invalid('The input image could not be decoded.');
    }
    const width = meta.width ?? 0;
    const height = meta.height ?? 0;
    record.image = { width, height, format: meta.format ?? '' };
    if (!(spec.inputFormats as readonly string[]).includes(meta.format ?? '')) return invalid(`Unsupported image format ${meta.format}; supported: ${spec.inputFormats.join(', ')}.`);
    if (Math.min(width, height) < spec.minSidePixels) return invalid(`Every side of the image must be at least ${spec.minSidePixels} pixels, got ${width}x${height}.`);
    if (width * height > spec.maxPixels) return invalid(`The total pixel count cannot exceed ${spec.maxPixels}, got ${width * height}.`);
    if (Math.max(width, height) / Math.min(width, height) > spec.maxAspectRatio) {
      return invalid(`Image aspect ratio must be between 1:${spec.maxAspectRatio} and ${spec.maxAspectRatio}:1, got ${width}x${height}.`);
    }
    await answer(step, input, res);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error) => {
      if (!res.headersSent) sendJson(res, 500, { message: String(error) }, 'InternalServerException');
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };

  return {
    url: `http://127.0.0.1:${port}`,
    script: (...steps) => queue.push(...steps.map(normalise)),
    reset: () => {
      queue = [];
      requests.length = 0;
    },
    requests,
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
