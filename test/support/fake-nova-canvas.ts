/**
 * A local stand-in for Bedrock Runtime's InvokeModel on Amazon Nova Canvas
 * (`POST /model/{modelId}/invoke`, JSON `{ taskType, backgroundRemovalParams: { image } }` → `{ images: [base64], error }`).
 *
 * HTTP/1.1 only: the project's Bedrock client (`makeBedrockClient`) uses `NodeHttpHandler`. A client on
 * the SDK's default HTTP/2 handler fails against it with `ERR_HTTP2_ERROR`.
 *
 * Like the real service it validates the input image (base64 PNG/JPEG, each side 320–4096 px, no
 * transparent pixels) and answers 400 `ValidationException` otherwise, so an adapter that forgets to
 * resize is caught here. Its background removal is real, if crude: pixels close to their row's edge
 * colour become transparent. Each request consumes the next scripted step; an empty script succeeds.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import sharp, { type Metadata } from 'sharp';

export type NovaStep =
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
  /** HTTP 400 `ValidationException`, as for a request the content filters block. */
  | { kind: 'content_filtered' }
  /** A 200 answer broken in the named way. */
  | { kind: 'malformed'; how: 'not_json' | 'no_images' | 'not_base64' | 'no_alpha' | 'wrong_size' | 'error_field' }
  /** Waits `delayMs`, then answers `then` (success by default), unless the client gave up first. */
  | { kind: 'slow'; delayMs: number; then?: Exclude<NovaStep, { kind: 'slow' }> };

type StepInput = NovaStep | Exclude<NovaStep['kind'], 'malformed' | 'slow'>;

export interface NovaRequest {
  modelId: string;
  path: string;
  body: any;
  /** Size of the decoded input image, when it decoded. */
  image: { width: number; height: number; format: string } | null;
}

export interface FakeNovaCanvas {
  /** `http://127.0.0.1:PORT`, for the client's `endpoint`. */
  url: string;
  script(...steps: StepInput[]): void;
  reset(): void;
  requests: NovaRequest[];
  close(): Promise<void>;
}

const MIN_SIDE = 320;
const MAX_SIDE = 4096;

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

export async function startFakeNovaCanvas(): Promise<FakeNovaCanvas> {
  let queue: NovaStep[] = [];
  const requests: NovaRequest[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();

  const normalise = (step: StepInput): NovaStep => (typeof step === 'string' ? ({ kind: step } as NovaStep) : step);

  async function answer(step: NovaStep, input: Buffer, res: ServerResponse): Promise<void> {
    switch (step.kind) {
      case 'throttle':
        return sendJson(res, 429, { message: 'Too many requests, please wait before trying again.' }, 'ThrottlingException');
      case 'unavailable':
        return sendJson(res, 503, { message: 'Service unavailable.' }, 'ServiceUnavailableException');
      case 'internal':
        return sendJson(res, 500, { message: 'Internal server error.' }, 'InternalServerException');
      case 'content_filtered':
        return sendJson(res, 400, { message: 'This request has been blocked by our content filters.' }, 'ValidationException');
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
        switch (step.how) {
          case 'not_json':
            return sendJson(res, 200, '<html>not json</html>');
          case 'no_images':
            return sendJson(res, 200, { images: [], error: null });
          case 'not_base64':
            return sendJson(res, 200, { images: ['***not base64***'], error: null });
          case 'no_alpha':
            return sendJson(res, 200, { images: [(await sharp(good).removeAlpha().jpeg().toBuffer()).toString('base64')], error: null });
          case 'wrong_size':
            return sendJson(res, 200, { images: [(await sharp(good).resize(333, 333, { fit: 'fill' }).png().toBuffer()).toString('base64')], error: null });
          case 'error_field':
            return sendJson(res, 200, { images: [good.toString('base64')], error: 'Image could not be processed.' });
        }
      }
      // eslint-disable-next-line no-fallthrough
      default:
        return sendJson(res, 200, { images: [(await removeBackground(input, step.kind)).toString('base64')], error: null });
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
    const record: NovaRequest = { modelId: decodeURIComponent(match[1]), path, body, image: null };
    requests.push(record);
    const step = queue.shift() ?? { kind: 'success' };

    // Nova's own input validation runs before any scripted behaviour, as the service's would.
    if (body?.taskType !== 'BACKGROUND_REMOVAL' || typeof body?.backgroundRemovalParams?.image !== 'string') {
      return sendJson(res, 400, { message: 'Malformed input request: expected BACKGROUND_REMOVAL with backgroundRemovalParams.image.' }, 'ValidationException');
    }
    const input = Buffer.from(body.backgroundRemovalParams.image, 'base64');
    let meta: Metadata;
    try {
      meta = await sharp(input).metadata();
    } catch {
      return sendJson(res, 400, { message: 'The input image could not be decoded.' }, 'ValidationException');
    }
    record.image = { width: meta.width ?? 0, height: meta.height ?? 0, format: meta.format ?? '' };
    if (meta.format !== 'png' && meta.format !== 'jpeg') return sendJson(res, 400, { message: `Unsupported image format ${meta.format}.` }, 'ValidationException');
    const sides = [meta.width ?? 0, meta.height ?? 0];
    if (sides.some((s) => s < MIN_SIDE || s > MAX_SIDE)) {
      return sendJson(res, 400, { message: `Image sides must be between ${MIN_SIDE} and ${MAX_SIDE} pixels, got ${sides.join('x')}.` }, 'ValidationException');
    }
    if (meta.hasAlpha) {
      const { channels } = await sharp(input).stats();
      if (channels[3].min < 255) return sendJson(res, 400, { message: 'The input image must not contain transparent pixels.' }, 'ValidationException');
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
