/**
 * A local stand-in for Bedrock Runtime's Converse API (`POST /model/{modelId}/converse`), scriptable per test.
 *
 * It speaks both HTTP/1.1 (what `makeBedrockClient` uses) and h2c (the SDK's default `NodeHttp2Handler`):
 * one TCP listener sniffs the HTTP/2 connection preface and hands the socket to the matching server, so any
 * client configuration can be pointed at it with `endpoint: fake.url`.
 *
 * Every request is recorded; each one consumes the next scripted step, and an empty script answers success.
 * A success is built from the request's own tool schema, so it always fits whatever the adapter asked for.
 * Like Bedrock it refuses (400 ValidationException) an unknown model id and a `maxTokens` over the model's
 * documented output limit (`MODELS` in functions/config.ts), whatever the script says.
 */
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { modelSpec } from '#config';
import { createServer as createNetServer, type Socket } from 'node:net';
import { Duplex } from 'node:stream';
import { createServer as createHttp1Server, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createH2Server, type Http2ServerRequest, type Http2ServerResponse } from 'node:http2';

export type ConverseStep =
  /** A well-formed forced tool call whose input satisfies the request's schema. */
  | { kind: 'success' }
  /** HTTP 429 `ThrottlingException` (the SDK retries it). */
  | { kind: 'throttle' }
  /** HTTP 400 `ServiceQuotaExceededException`. */
  | { kind: 'quota' }
  /** HTTP 503 `ServiceUnavailableException` (the SDK retries it). */
  | { kind: 'unavailable' }
  /** HTTP 500 `InternalServerException` (the SDK retries it). */
  | { kind: 'internal' }
  /** HTTP 429 `ModelNotReadyException`. */
  | { kind: 'not_ready' }
  /** A 200 answer whose tool output breaks the contract in the named way. */
  | { kind: 'malformed'; how: MalformedHow }
  /** Waits `delayMs`, then answers `then` (success by default), unless the client gave up first. */
  | { kind: 'slow'; delayMs: number; then?: Exclude<ConverseStep, { kind: 'slow' }> }
  /** A 200 answer carrying exactly this tool input. */
  | { kind: 'tool_input'; input: unknown };

export type MalformedHow =
  | 'wrong_shape' // `{ items: [...] }` instead of `{ variants: [...] }`
  | 'too_long' // every string field 10× over its maxLength
  | 'wrong_count' // one variant fewer than asked
  | 'duplicate' // every variant identical
  | 'text_only' // no tool call at all, just prose
  | 'truncated'; // stopReason max_tokens

type StepInput = ConverseStep | ConverseStep['kind'];

export interface RecordedRequest {
  method: string;
  path: string;
  /** Decoded from the path: `/model/{modelId}/converse`. */
  modelId: string;
  httpVersion: string;
  headers: Record<string, string | string[] | undefined>;
  /** The parsed JSON body (`system`, `messages`, `inferenceConfig`, `toolConfig`, ...). */
  body: any;
  receivedAt: number;
}

export interface FakeConverse {
  /** `http://127.0.0.1:PORT`, for the client's `endpoint`. */
  url: string;
  /** Queues steps, consumed one per request in order; `'throttle'` is short for `{ kind: 'throttle' }`. */
  script(...steps: StepInput[]): void;
  /** What to answer once the script is empty (success unless set). */
  setDefault(step: StepInput): void;
  /** Clears the script, the default and the recorded requests. */
  reset(): void;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

const USAGE = { inputTokens: 120, outputTokens: 80 };

export async function startFakeConverse(): Promise<FakeConverse> {
  let queue: ConverseStep[] = [];
  let fallback: ConverseStep = { kind: 'success' };
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();

  const normalise = (step: StepInput): ConverseStep =>
    typeof step === 'string' ? ({ kind: step, ...(step === 'malformed' ? { how: 'wrong_shape' } : {}), ...(step === 'slow' ? { delayMs: 5_000 } : {}) } as ConverseStep) : step;

  async function handle(req: IncomingMessage | Http2ServerRequest, res: ServerResponse | Http2ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const path = req.url ?? '';
    const match = /^\/model\/([^/]+)\/converse$/.exec(path.split('?')[0]);
    let body: any = null;
    try {
      body = JSON.parse(raw);
    } catch {
      // Recorded as null; the answer below says why.
    }
    requests.push({
      method: req.method ?? '',
      path,
      modelId: match ? decodeURIComponent(match[1]) : '',
      httpVersion: req.httpVersion,
      headers: { ...req.headers },
      body,
      receivedAt: Date.now(),
    });
    if (req.method !== 'POST' || !match) return sendError(res, 404, 'ResourceNotFoundException', `No route for ${req.method} ${path}`);
    if (!body) return sendError(res, 400, 'ValidationException', 'The request body is not JSON.');
    // Bedrock's own validation runs before any scripted behaviour, against the model's documented limits.
    const refusal = refuse(decodeURIComponent(match[1]), body);
    if (refusal) return sendError(res, 400, 'ValidationException', refusal);
    answer(queue.shift() ?? fallback, body, res);
  }

  function answer(step: ConverseStep, body: any, res: ServerResponse | Http2ServerResponse): void {
    switch (step.kind) {
      case 'throttle':
        return sendError(res, 429, 'ThrottlingException', 'Too many requests, please wait before trying again.');
      case 'quota':
        return sendError(res, 400, 'ServiceQuotaExceededException', 'Your request exceeds the service quota for your account.');
      case 'unavailable':
        return sendError(res, 503, 'ServiceUnavailableException', 'The service is temporarily unavailable.');
      case 'internal':
        return sendError(res, 500, 'InternalServerException', 'An internal server error occurred.');
      case 'not_ready':
        return sendError(res, 429, 'ModelNotReadyException', 'The model is not ready to serve inference requests.');
      case 'tool_input':
        return sendToolUse(res, body, step.input);
      case 'malformed':
        return sendMalformed(res, body, step.how);
      case 'slow': {
        // Answer late; if the client hangs up first, drop the timer so close() is not held up.
        const timer = setTimeout(() => {
          timers.delete(timer);
          if (!res.writableEnded && !res.destroyed) answer(step.then ?? { kind: 'success' }, body, res);
        }, step.delayMs);
        timers.add(timer);
        res.on('close', () => {
          clearTimeout(timer);
          timers.delete(timer);
        });
        return;
      }
      case 'success':
        return sendToolUse(res, body, buildFromSchema(body));
    }
  }

  const onRequest = (req: IncomingMessage | Http2ServerRequest, res: ServerResponse | Http2ServerResponse) => {
    handle(req, res).catch((err) => {
      if (!res.headersSent) sendError(res, 500, 'InternalServerException', `fake-converse: ${String(err)}`);
    });
  };
  const http1 = createHttp1Server(onRequest);
  const h2 = createH2Server(onRequest);
  h2.on('sessionError', () => {});

  // HTTP/2 prior knowledge (h2c) opens with this preface; anything else is HTTP/1.1.
  const H2_PREFACE = 'PRI * HTTP/2.0';
  const listener = createNetServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    socket.once('data', (chunk) => {
      socket.pause();
      if (chunk.subarray(0, H2_PREFACE.length).toString('latin1') === H2_PREFACE) {
        // The HTTP/2 session reads the socket's native handle and would miss bytes already read, so it
        // gets a plain stream that replays the first chunk (Node wraps such streams itself).
        h2.emit('connection', replaying(socket, chunk));
      } else {
        socket.unshift(chunk);
        http1.emit('connection', socket);
        socket.resume();
      }
    });
  });
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  const address = listener.address();
  if (!address || typeof address === 'string') throw new Error('fake-converse: no TCP address');

  return {
    url: `http://127.0.0.1:${address.port}`,
    requests,
    script: (...steps) => {
      queue.push(...steps.map(normalise));
    },
    setDefault: (step) => {
      fallback = normalise(step);
    },
    reset: () => {
      queue = [];
      fallback = { kind: 'success' };
      requests.length = 0;
    },
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => listener.close(() => resolve()));
      http1.close();
      h2.close();
    },
  };
}

/** A duplex over `socket` whose readable side starts with `first`, then carries the socket's data. */
function replaying(socket: Socket, first: Buffer): Duplex {
  const stream = new Duplex({
    read() {
      socket.resume();
    },
    write(chunk, encoding, callback) {
      socket.write(chunk, encoding, callback);
    },
    final(callback) {
      socket.end(callback);
    },
    destroy(error, callback) {
      socket.destroy(error ?? undefined);
      callback(error);
    },
  });
  stream.push(first);
  socket.on('data', (chunk) => {
    if (!stream.push(chunk)) socket.pause();
  });
  socket.on('end', () => stream.push(null));
  socket.on('close', () => stream.destroy());
  return stream;
}

/** What Bedrock answers 400 to for this model id, by the limits in functions/config.ts; null when it would serve it. */
function refuse(modelId: string, body: any): string | null {
  const spec = modelSpec(modelId);
  if (spec?.kind !== 'text') return `The provided model identifier is invalid: ${modelId}`;
  const maxTokens = body?.inferenceConfig?.maxTokens;
  if (maxTokens !== undefined && (!Number.isInteger(maxTokens) || maxTokens < 1)) return 'maxTokens must be a positive integer.';
  if (maxTokens > spec.maxOutputTokens) {
    return `The maximum tokens you requested exceeds the model limit of ${spec.maxOutputTokens}. Try again with a maximum tokens value that is lower than ${spec.maxOutputTokens}.`;
  }
  return null;
}

function readBody(req: IncomingMessage | Http2ServerRequest): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sendJson(res: ServerResponse | Http2ServerResponse, status: number, payload: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(payload);
  // Both response classes share this API; the union just does not type-check as one call.
  (res as ServerResponse).writeHead(status, {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(text)),
    'x-amzn-requestid': `fake-${Math.random().toString(36).slice(2, 10)}`,
    ...headers,
  });
  res.end(text);
}

/** Errors as Bedrock sends them: the type in `x-amzn-errortype` (what the SDK reads first) and a `message`. */
function sendError(res: ServerResponse | Http2ServerResponse, status: number, type: string, message: string): void {
  sendJson(res, status, { message }, { 'x-amzn-errortype': `${type}:http://internal.amazon.com/coral/com.amazon.bedrock/` });
}

function toolName(body: any): string {
  return body?.toolConfig?.toolChoice?.tool?.name ?? body?.toolConfig?.tools?.[0]?.toolSpec?.name ?? 'tool';
}

function sendToolUse(res: ServerResponse | Http2ServerResponse, body: any, input: unknown, stopReason = 'tool_use'): void {
  sendJson(res, 200, {
    output: {
      message: {
        role: 'assistant',
        content: [{ toolUse: { toolUseId: `tooluse_${Math.random().toString(36).slice(2, 12)}`, name: toolName(body), input } }],
      },
    },
    stopReason,
    usage: { ...USAGE, totalTokens: USAGE.inputTokens + USAGE.outputTokens },
    metrics: { latencyMs: 5 },
  });
}

function sendMalformed(res: ServerResponse | Http2ServerResponse, body: any, how: MalformedHow): void {
  const good = buildFromSchema(body) as { variants: unknown[] };
  switch (how) {
    case 'wrong_shape':
      return sendToolUse(res, body, { items: good.variants });
    case 'too_long':
      return sendToolUse(res, body, { variants: good.variants.map((v) => stretchStrings(v)) });
    case 'wrong_count':
      return sendToolUse(res, body, { variants: good.variants.slice(0, Math.max(0, good.variants.length - 1)) });
    case 'duplicate':
      return sendToolUse(res, body, { variants: good.variants.map(() => good.variants[0]) });
    case 'truncated':
      return sendToolUse(res, body, good, 'max_tokens');
    case 'text_only':
      return sendJson(res, 200, {
        output: { message: { role: 'assistant', content: [{ text: 'Here are your variants: great product, buy it.' }] } },
        stopReason: 'end_turn',
        usage: { ...USAGE, totalTokens: USAGE.inputTokens + USAGE.outputTokens },
        metrics: { latencyMs: 5 },
      });
  }
}

function stretchStrings(value: unknown): unknown {
  if (typeof value === 'string') return value.padEnd(Math.max(2_000, value.length * 10) + 1, ' lorem');
  if (Array.isArray(value)) return value.map(stretchStrings);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, stretchStrings(v)]));
  return value;
}

// ---------------------------------------------------------------------------------------------
// Success answers: walk the tool's JSON schema and produce a value that satisfies it. Strings carry
// the variant's index so variants differ, and a few property names get realistic values (colours
// with good contrast, font names) so what a test reads back looks like a real answer.

const NAMED_COLOURS: Record<string, string[]> = {
  primary: ['#1f4e79', '#7a1f3d'],
  secondary: ['#2e7d32', '#4a4a8a'],
  accent: ['#f2a900', '#00897b'],
  background: ['#ffffff', '#fdf8f2'],
  text: ['#1a1a1a', '#222222'],
};
const FONTS = ['Inter', 'Playfair Display', 'Lato', 'Merriweather'];
const WORDS = 'crafted carefully from the materials the merchant listed for everyday use and lasting comfort'.split(' ');

function buildFromSchema(body: any): unknown {
  const schema = body?.toolConfig?.tools?.[0]?.toolSpec?.inputSchema?.json;
  if (!schema) return { variants: [] };
  return fromSchema(schema, { index: 0, key: '' });
}

function fromSchema(schema: any, at: { index: number; key: string }): unknown {
  if (Array.isArray(schema.enum)) return schema.enum[at.index % schema.enum.length];
  if (schema.const !== undefined) return schema.const;
  switch (schema.type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      const required: string[] = schema.required ?? Object.keys(schema.properties ?? {});
      for (const key of required) out[key] = fromSchema(schema.properties[key], { index: at.index, key });
      return out;
    }
    case 'array': {
      const n = schema.minItems ?? 1;
      // Top-level variants are numbered by position; nested arrays (e.g. sections) keep the variant's index
      // in their strings but walk their enums by position so item types differ.
      return Array.from({ length: n }, (_, i) =>
        fromSchema(schema.items, at.key === 'variants' ? { index: i, key: at.key } : { index: at.index + i, key: at.key }),
      );
    }
    case 'integer':
    case 'number':
      return schema.minimum ?? 1;
    case 'boolean':
      return true;
    case 'string':
      return stringFor(schema, at);
    default:
      return null;
  }
}

function stringFor(schema: any, at: { index: number; key: string }): string {
  if (typeof schema.pattern === 'string' && schema.pattern.includes('#')) {
    return (NAMED_COLOURS[at.key] ?? ['#336699', '#993366'])[at.index % 2];
  }
  if (/font|heading|body$/i.test(at.key) && (schema.maxLength ?? 100) <= 60) return FONTS[at.index % FONTS.length];
  const min: number = schema.minLength ?? 1;
  const max: number = schema.maxLength ?? Math.max(200, min);
  // Aim between the bounds, in real words, so word- and length-based checks both pass.
  const target = Math.min(max, Math.max(min, Math.min(120, max)));
  let text = `Variant ${at.index + 1} ${at.key}`;
  for (let i = 0; text.length < target; i++) text += ` ${WORDS[i % WORDS.length]}`;
  return text.length > max ? text.slice(0, max).trimEnd() : text;
}

/**
 * A fake started before the file's tests (reset before each) and pointed at by BEDROCK_ENDPOINT; the
 * stack reads that variable lazily, on its first generation, after the fake is up.
 */
export function useFakeConverse(): { readonly fake: FakeConverse } {
  const ctx = {} as { fake: FakeConverse };
  beforeAll(async () => {
    ctx.fake = await startFakeConverse();
    process.env.BEDROCK_ENDPOINT = ctx.fake.url;
  });
  afterAll(async () => ctx.fake?.close());
  beforeEach(() => ctx.fake.reset());
  return ctx;
}
