/**
 * The local stack's SQS: the service's work queues (functions/resources.ts QUEUES) served over SQS's JSON
 * protocol (SendMessage, SendMessageBatch; SigV4-checked with the functions' role credentials), so the
 * functions' own adapter (functions/adapters/sqs-queue.ts) and the AWS SDK run unchanged. Each queue feeds
 * its consumer (lib/wiring.ts `consumes`) the way an event source mapping does: batches of `batchSize`, up
 * to `maxConcurrency` invocations at once, `{ batchItemFailures }` honoured (a failed message comes back
 * after the visibility timeout), a message received `maxReceiveCount` times moves to the dead-letter list.
 *
 * Time is the service clock: DelaySeconds and visibility timeouts end when it says so, so moving it with
 * `POST /local/clock` runs due retries. Durable like SQS: with a `file`, a message is in the journal before
 * SendMessage answers, and leaves it when its consumer succeeded; after a restart, messages a stopped
 * process had received are visible again at once (their consumer died with it) and delayed ones keep their time.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serviceClock } from '../../functions/core/clock.ts';
import type { QueueId } from '../../functions/resources.ts';
import { FUNCTIONS, queueConsumers, type FunctionSpec, type QueueConsumerSpec } from '../wiring.ts';
import { LOCAL_ROLE_CREDENTIALS } from './env.ts';
import { invoke as invokeFunction } from './invoke.ts';
import { readJournal, writeJournal } from './journal.ts';
import type { RequestLog } from './server.ts';
import { verifySigV4 } from './sigv4-check.ts';

/** The account id of local ARNs and queue URLs. */
const ACCOUNT = '000000000000';
/** SQS's limits on one message and one batch. */
const MAX_BODY_BYTES = 256 * 1024;
const MAX_BATCH = 10;
const MAX_DELAY_SECONDS = 900;

interface Message {
  messageId: string;
  queue: QueueId;
  body: string;
  md5: string;
  sentAt: number;
  /** Service-clock ms when it may next be received. */
  visibleAt: number;
  receiveCount: number;
  firstReceivedAt?: number;
  /** Received by a consumer still running (or stopped with the process). */
  inFlight?: boolean;
}

interface Journal {
  messages: Message[];
  deadLetters: Message[];
}

export interface LocalQueuesOptions {
  log: RequestLog;
  /** Where messages wait across restarts; none keeps them in memory (tests). */
  file?: string;
  functions?: readonly FunctionSpec[];
  /** How a consumer is invoked; tests replace it (a consumer that fails, a process that stops). */
  invoke?: (fn: FunctionSpec, event: unknown) => Promise<unknown>;
  region?: string;
}

class SqsError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const md5 = (body: string) => createHash('md5').update(body, 'utf8').digest('hex');
const sha256 = (body: Buffer) => createHash('sha256').update(body).digest('hex');

export class LocalQueues {
  private readonly messages = new Map<string, Message>();
  readonly deadLetters: Message[] = [];
  private readonly consumers: Map<QueueId, FunctionSpec>;
  private readonly running = new Map<QueueId, Set<Promise<void>>>();
  private readonly invoke: (fn: FunctionSpec, event: unknown) => Promise<unknown>;
  private readonly region: string;
  private server?: Server;
  private base = '';
  private timer?: NodeJS.Timeout;
  private stopped = false;

  constructor(private readonly opts: LocalQueuesOptions) {
    this.consumers = queueConsumers(opts.functions ?? FUNCTIONS);
    this.invoke = opts.invoke ?? invokeFunction;
    this.region = opts.region ?? 'us-east-1';
    const journal = readJournal<Journal>(opts.file);
    if (journal) {
      const now = serviceClock.now().getTime();
      // Received before the stop: that consumer is gone, so the message is visible again (as its timeout would make it).
      for (const m of journal.messages) this.messages.set(m.messageId, m.inFlight ? { ...m, inFlight: false, visibleAt: Math.min(m.visibleAt, now) } : m);
      this.deadLetters.push(...journal.deadLetters);
    }
  }

  /** Serves the queues on 127.0.0.1; `url(id)` is then the QueueUrl functions send to. */
  async listen(port = 0, host = '127.0.0.1'): Promise<void> {
    this.server = createServer((req, res) => void this.serve(req, res));
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, host, () => resolve());
    });
    this.base = `http://${host}:${(this.server.address() as AddressInfo).port}`;
  }

  url(id: QueueId): string {
    if (!this.base) throw new Error('the local queues are not listening');
    return `${this.base}/${ACCOUNT}/${id}`;
  }

  /** Starts feeding consumers: every tick hands due messages to free invocations. */
  start(intervalMs = 100): void {
    this.timer = setInterval(() => this.tick(), intervalMs);
    this.timer.unref();
  }

  /** Messages of a queue not yet consumed (visible, delayed or in flight). */
  depth(id: QueueId): number {
    return [...this.messages.values()].filter((m) => m.queue === id).length;
  }

  /** Resolves once no message of `id` (or any queue) is due or being consumed; delayed ones may remain. */
  async idle(id?: QueueId): Promise<void> {
    for (;;) {
      this.tick();
      const busy = [...this.running].filter(([q]) => !id || q === id).flatMap(([, s]) => [...s]);
      const now = serviceClock.now().getTime();
      const due = [...this.messages.values()].some((m) => (!id || m.queue === id) && !m.inFlight && m.visibleAt <= now);
      if (!busy.length && !due) return;
      await Promise.race([Promise.all(busy), new Promise((r) => setTimeout(r, 20))]);
    }
  }

  /**
   * Stops feeding consumers and serving sends. Invocations still running are not waited for (the runner's
   * close ends them, as a stopped process would): what they had received stays in the journal, in flight,
   * and the next process delivers it again.
   */
  async close(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    if (this.server) {
      const closed = new Promise<void>((resolve) => this.server!.close(() => resolve()));
      this.server.closeAllConnections();
      await closed;
    }
  }

  /** Sends messages as SendMessageBatch would (the local routes and tests use it too). */
  send(id: QueueId, entries: ReadonlyArray<{ body: string; delaySeconds?: number }>): Message[] {
    if (!this.consumers.has(id)) throw new SqsError(400, 'AWS.SimpleQueueService.NonExistentQueue', `The specified queue ${id} does not exist.`);
    const now = serviceClock.now().getTime();
    const made = entries.map((e) => {
      if (Buffer.byteLength(e.body, 'utf8') > MAX_BODY_BYTES) throw new SqsError(400, 'InvalidParameterValue', `One or more parameters are invalid. Reason: Message must be shorter than ${MAX_BODY_BYTES} bytes.`);
      const delay = e.delaySeconds ?? 0;
      if (!Number.isInteger(delay) || delay < 0 || delay > MAX_DELAY_SECONDS) throw new SqsError(400, 'InvalidParameterValue', 'Value for parameter DelaySeconds is invalid. Reason: must be between 0 and 900, if provided.');
      return { messageId: randomUUID(), queue: id, body: e.body, md5: md5(e.body), sentAt: now, visibleAt: now + delay * 1000, receiveCount: 0 } satisfies Message;
    });
    for (const m of made) this.messages.set(m.messageId, m);
    this.persist();
    return made;
  }

  private persist(): void {
    if (this.opts.file) writeJournal(this.opts.file, { messages: [...this.messages.values()], deadLetters: this.deadLetters } satisfies Journal);
  }

  /** Hands due messages to each consumer, up to its concurrency. */
  tick(): void {
    if (this.stopped) return;
    const now = serviceClock.now().getTime();
    for (const [queue, fn] of this.consumers) {
      const spec = fn.consumes!;
      const running = this.running.get(queue) ?? new Set();
      this.running.set(queue, running);
      while (running.size < spec.maxConcurrency) {
        const due = [...this.messages.values()]
          .filter((m) => m.queue === queue && !m.inFlight && m.visibleAt <= now)
          .sort((a, b) => a.visibleAt - b.visibleAt || a.sentAt - b.sentAt);
        if (!due.length) break;
        const batch: Message[] = [];
        let moved = false;
        for (const m of due) {
          if (batch.length === spec.batchSize) break;
          // The receive past maxReceiveCount moves the message to the dead-letter queue instead.
          if (m.receiveCount >= spec.maxReceiveCount) {
            this.messages.delete(m.messageId);
            this.deadLetters.push(m);
            moved = true;
            this.opts.log({ level: 'ERROR', msg: 'queue message moved to the dead-letter queue', queue, messageId: m.messageId, receiveCount: m.receiveCount });
            continue;
          }
          m.receiveCount++;
          m.firstReceivedAt ??= now;
          m.inFlight = true;
          m.visibleAt = now + spec.visibilityTimeoutSeconds * 1000;
          batch.push(m);
        }
        this.persist();
        if (!batch.length) {
          if (moved) continue;
          break;
        }
        const p = this.consume(fn, spec, batch).finally(() => running.delete(p));
        running.add(p);
      }
    }
  }

  private async consume(fn: FunctionSpec, spec: QueueConsumerSpec, batch: Message[]): Promise<void> {
    let failed: Set<string>;
    try {
      const answer = (await this.invoke(fn, this.event(spec.queue, batch))) as { batchItemFailures?: Array<{ itemIdentifier?: string }> } | undefined;
      const failures = answer?.batchItemFailures ?? [];
      // As the event source mapping: a failure naming no message of the batch fails the whole batch.
      failed = failures.some((f) => !batch.some((m) => m.messageId === f.itemIdentifier)) ? new Set(batch.map((m) => m.messageId)) : new Set(failures.map((f) => f.itemIdentifier!));
    } catch (err) {
      this.opts.log({ level: 'ERROR', msg: 'queue consumer failed', queue: spec.queue, fn: fn.id, messages: batch.length, error: String(err) });
      failed = new Set(batch.map((m) => m.messageId));
    }
    if (this.stopped) return; // the process is going away: what it received comes back on restart
    for (const m of batch) {
      if (failed.has(m.messageId)) m.inFlight = false; // visible again when its visibility timeout ends
      else this.messages.delete(m.messageId);
    }
    this.persist();
  }

  /** The SQS event Lambda's event source mapping delivers. */
  private event(queue: QueueId, batch: Message[]) {
    const arn = `arn:aws:sqs:${this.region}:${ACCOUNT}:${queue}`;
    return {
      Records: batch.map((m) => ({
        messageId: m.messageId,
        receiptHandle: `${m.messageId}#${m.receiveCount}`,
        body: m.body,
        attributes: {
          ApproximateReceiveCount: String(m.receiveCount),
          SentTimestamp: String(m.sentAt),
          SenderId: 'local',
          ApproximateFirstReceiveTimestamp: String(m.firstReceivedAt ?? m.sentAt),
        },
        messageAttributes: {},
        md5OfBody: m.md5,
        eventSource: 'aws:sqs',
        eventSourceARN: arn,
        awsRegion: this.region,
      })),
    };
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks);
    try {
      if (req.method !== 'POST') throw new SqsError(400, 'InvalidAction', 'The local queues answer POST only.');
      // The SDK signs the body's hash without sending it (only S3 does): add it, then check as SQS does.
      const verdict = verifySigV4({ method: 'POST', url: req.url ?? '/', headers: { ...req.headers, 'x-amz-content-sha256': sha256(raw) } }, this.signers());
      if (!verdict.ok || !verdict.signed) throw new SqsError(verdict.ok ? 403 : verdict.status, verdict.ok ? 'MissingAuthenticationToken' : verdict.code, verdict.ok ? 'Request is missing Authentication Token' : verdict.message);
      const action = String(req.headers['x-amz-target'] ?? '').replace(/^AmazonSQS\./, '');
      const input = JSON.parse(raw.toString('utf8') || '{}') as Record<string, unknown>;
      const queue = this.queueOf(String(input.QueueUrl ?? ''));
      let out: unknown;
      if (action === 'SendMessage') {
        const [m] = this.send(queue, [{ body: String(input.MessageBody ?? ''), delaySeconds: input.DelaySeconds as number | undefined }]);
        out = { MessageId: m!.messageId, MD5OfMessageBody: m!.md5 };
      } else if (action === 'SendMessageBatch') {
        const entries = (input.Entries ?? []) as Array<{ Id: string; MessageBody: string; DelaySeconds?: number }>;
        if (!entries.length) throw new SqsError(400, 'AWS.SimpleQueueService.EmptyBatchRequest', 'There should be at least one SendMessageBatchRequestEntry in the request.');
        if (entries.length > MAX_BATCH) throw new SqsError(400, 'AWS.SimpleQueueService.TooManyEntriesInBatchRequest', `Maximum number of entries per request are ${MAX_BATCH}.`);
        if (new Set(entries.map((e) => e.Id)).size !== entries.length) throw new SqsError(400, 'AWS.SimpleQueueService.BatchEntryIdsNotDistinct', 'Two or more batch entries in the request have the same Id.');
        if (entries.reduce((n, e) => n + Buffer.byteLength(e.MessageBody ?? '', 'utf8'), 0) > MAX_BODY_BYTES) throw new SqsError(400, 'AWS.SimpleQueueService.BatchRequestTooLong', 'Batch requests cannot be longer than 262144 bytes.');
        const made = this.send(queue, entries.map((e) => ({ body: String(e.MessageBody ?? ''), delaySeconds: e.DelaySeconds })));
        out = { Successful: made.map((m, i) => ({ Id: entries[i]!.Id, MessageId: m.messageId, MD5OfMessageBody: m.md5 })), Failed: [] };
      } else {
        throw new SqsError(400, 'InvalidAction', `The local queues do not serve ${action || 'this action'}.`);
      }
      this.answer(res, 200, out);
    } catch (err) {
      const e = err instanceof SqsError ? err : new SqsError(400, 'InvalidParameterValue', String(err));
      this.answer(res, e.status, { __type: `com.amazonaws.sqs#${e.code.replace(/^AWS\.SimpleQueueService\./, '')}`, message: e.message }, { 'x-amzn-query-error': `${e.code};Sender` });
    }
  }

  /** Who may send: the functions' local role, or the developer's own keys when they pass through (lib/local/env.ts). */
  private signers(): Record<string, string> {
    const own = process.env.AWS_ACCESS_KEY_ID && process.env.AWS_SECRET_ACCESS_KEY ? { [process.env.AWS_ACCESS_KEY_ID]: process.env.AWS_SECRET_ACCESS_KEY } : {};
    return { [LOCAL_ROLE_CREDENTIALS.AWS_ACCESS_KEY_ID]: LOCAL_ROLE_CREDENTIALS.AWS_SECRET_ACCESS_KEY, ...own };
  }

  private queueOf(url: string): QueueId {
    const id = url.startsWith(`${this.base}/${ACCOUNT}/`) ? (url.slice(`${this.base}/${ACCOUNT}/`.length) as QueueId) : undefined;
    if (!id || !this.consumers.has(id)) throw new SqsError(400, 'AWS.SimpleQueueService.NonExistentQueue', 'The specified queue does not exist.');
    return id;
  }

  private answer(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0', 'content-length': Buffer.byteLength(text), 'x-amzn-requestid': randomUUID(), ...headers });
    res.end(text);
  }
}
