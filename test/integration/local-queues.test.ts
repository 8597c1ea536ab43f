/**
 * The local SQS keeps the promises the consumers rely on in AWS, through the functions' own adapter and
 * the AWS SDK: SigV4-checked sends, batches of batchSize with at most maxConcurrency invocations, partial
 * batch failures retried after the visibility timeout, maxReceiveCount then the dead-letter list, delays
 * and visibility on the service clock, and messages on disk before SendMessageBatch answers, delivered by
 * the next process (also those a stopped process had received).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { setClockOffset } from '#core/clock.ts';
import { makeWorkQueue } from '#adapters/sqs-queue.ts';
import { LOCAL_ROLE_CREDENTIALS } from '#lib/local/env.ts';
import { LocalQueues } from '#lib/local/queues.ts';
import type { FunctionSpec } from '#lib/wiring.ts';

const dirs: string[] = [];
const saved = { ...process.env };
beforeAll(() => Object.assign(process.env, LOCAL_ROLE_CREDENTIALS));
afterAll(() => {
  for (const k of Object.keys(LOCAL_ROLE_CREDENTIALS)) if (saved[k] === undefined) delete process.env[k];
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
const open: LocalQueues[] = [];
afterEach(async () => {
  setClockOffset(0);
  await Promise.all(open.splice(0).map((q) => q.close()));
});

const quiet = () => undefined;
const consumer = (over: Partial<FunctionSpec['consumes']> = {}): FunctionSpec => ({
  id: 'test-consumer',
  entry: 'unused.ts',
  access: [],
  timeoutSeconds: 10,
  consumes: { queue: 'outbound', batchSize: 3, maxReceiveCount: 3, visibilityTimeoutSeconds: 60, maxConcurrency: 2, ...over },
});

interface Received {
  messageId: string;
  body: string;
  attributes: { ApproximateReceiveCount: string };
}

async function queues(opts: { file?: string; spec?: FunctionSpec; invoke: (event: { Records: Received[] }) => Promise<unknown> }) {
  const q = new LocalQueues({ log: quiet, file: opts.file, functions: [opts.spec ?? consumer()], invoke: (_fn, e) => opts.invoke(e as { Records: Received[] }) });
  open.push(q);
  await q.listen();
  return q;
}
const sender = (q: LocalQueues) => makeWorkQueue({ AWS_REGION: 'us-east-1', OUTBOUND_QUEUE_URL: q.url('outbound') }, 'outbound');
const bodies = (n: number, prefix = 'm') => Array.from({ length: n }, (_, i) => ({ id: `${prefix}${i}`, body: JSON.stringify(prefix === 'm' ? { n: i } : { n: i, from: prefix }) }));

describe('local SQS', () => {
  it('given 25 messages sent through the SDK, then each reaches the consumer once, in batches of batchSize, never more than maxConcurrency at once', async () => {
    const seen: number[] = [];
    let running = 0;
    let peak = 0;
    const q = await queues({
      invoke: async (e) => {
        running++;
        peak = Math.max(peak, running);
        expect(e.Records.length).toBeLessThanOrEqual(3);
        await new Promise((r) => setTimeout(r, 15));
        seen.push(...e.Records.map((r) => (JSON.parse(r.body) as { n: number }).n));
        running--;
        return { batchItemFailures: [] };
      },
    });
    await sender(q).send(bodies(25));
    q.start(10);
    await q.idle();
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 25 }, (_, i) => i));
    expect(peak).toBe(2);
    expect(q.depth('outbound')).toBe(0);
  });

  it('given a consumer reporting one failed message, then only that one comes back, after the visibility timeout on the service clock, and after maxReceiveCount it is dead-lettered', async () => {
    const attempts = new Map<string, number>();
    const q = await queues({
      invoke: async (e) => {
        for (const r of e.Records) attempts.set(r.body, Number(r.attributes.ApproximateReceiveCount));
        return { batchItemFailures: e.Records.filter((r) => r.body === '"bad"').map((r) => ({ itemIdentifier: r.messageId })) };
      },
    });
    await sender(q).send([{ id: 'a', body: '"good"' }, { id: 'b', body: '"bad"' }]);
    await q.idle();
    expect(attempts).toEqual(new Map([['"good"', 1], ['"bad"', 1]]));
    expect(q.depth('outbound')).toBe(1);
    // Hidden until the visibility timeout (60 s) ends on the service clock.
    await q.idle();
    expect(attempts.get('"bad"')).toBe(1);
    setClockOffset(61);
    await q.idle();
    expect(attempts.get('"bad"')).toBe(2);
    setClockOffset(122);
    await q.idle();
    setClockOffset(183);
    await q.idle();
    expect(attempts.get('"bad"')).toBe(3);
    expect(q.depth('outbound')).toBe(0);
    expect(q.deadLetters.map((m) => m.body)).toEqual(['"bad"']);
    expect(attempts.get('"good"')).toBe(1);
  });

  it('given a consumer that throws, then the whole batch is retried', async () => {
    let calls = 0;
    const q = await queues({
      invoke: async (e) => {
        calls++;
        if (calls === 1) throw new Error('cold start failed');
        return { batchItemFailures: [] };
      },
    });
    await sender(q).send(bodies(2));
    await q.idle();
    expect(q.depth('outbound')).toBe(2);
    setClockOffset(61);
    await q.idle();
    expect(q.depth('outbound')).toBe(0);
    expect(calls).toBe(2);
  });

  it('given DelaySeconds, then the message waits for the service clock', async () => {
    const got: string[] = [];
    const q = await queues({ invoke: async (e) => (got.push(...e.Records.map((r) => r.body)), {}) });
    await sender(q).send([{ id: 'later', body: '"later"', delaySeconds: 300 }, { id: 'now', body: '"now"' }]);
    await q.idle();
    expect(got).toEqual(['"now"']);
    setClockOffset(299);
    await q.idle();
    expect(got).toEqual(['"now"']);
    setClockOffset(301);
    await q.idle();
    expect(got).toEqual(['"now"', '"later"']);
  });

  it('given messages accepted, one of them received by a process that then stopped, then the next process delivers both', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'local-queues-'));
    dirs.push(dir);
    const file = join(dir, 'queues.json');
    const first = await queues({ file, spec: consumer({ batchSize: 1, maxConcurrency: 2 }), invoke: () => new Promise<never>(() => undefined) });
    await sender(first).send(bodies(1, 'x'));
    first.tick(); // received, and its consumer never answers: the process stops mid-invocation
    await sender(first).send(bodies(1, 'y'));
    await first.close();

    const got: string[] = [];
    const second = await queues({ file, invoke: async (e) => (got.push(...e.Records.map((r) => r.body)), {}) });
    await second.idle();
    // Both: the one the stopped process had received (x) and the one it had not (y).
    expect(got.sort()).toEqual(['{"n":0,"from":"x"}', '{"n":0,"from":"y"}']);
    expect(second.depth('outbound')).toBe(0);
  });

  it('given a request signed with an unknown key or for another queue, then SQS refuses it and nothing is queued', async () => {
    const q = await queues({ invoke: async () => ({}) });
    const stranger = new SQSClient({ region: 'us-east-1', endpoint: new URL(q.url('outbound')).origin, credentials: { accessKeyId: 'AKIASTRANGER', secretAccessKey: 'nope' } });
    await expect(stranger.send(new SendMessageCommand({ QueueUrl: q.url('outbound'), MessageBody: 'x' }))).rejects.toMatchObject({ name: 'InvalidAccessKeyId' });
    const forged = new SQSClient({ region: 'us-east-1', endpoint: new URL(q.url('outbound')).origin, credentials: { accessKeyId: LOCAL_ROLE_CREDENTIALS.AWS_ACCESS_KEY_ID, secretAccessKey: 'wrong' } });
    await expect(forged.send(new SendMessageCommand({ QueueUrl: q.url('outbound'), MessageBody: 'x' }))).rejects.toMatchObject({ name: 'SignatureDoesNotMatch' });
    const own = new SQSClient({ region: 'us-east-1', endpoint: new URL(q.url('outbound')).origin, credentials: { accessKeyId: LOCAL_ROLE_CREDENTIALS.AWS_ACCESS_KEY_ID, secretAccessKey: LOCAL_ROLE_CREDENTIALS.AWS_SECRET_ACCESS_KEY } });
    await expect(own.send(new SendMessageCommand({ QueueUrl: q.url('generation-jobs'), MessageBody: 'x' }))).rejects.toMatchObject({ name: 'QueueDoesNotExist' });
    await expect(own.send(new SendMessageCommand({ QueueUrl: q.url('outbound'), MessageBody: 'x', DelaySeconds: 901 }))).rejects.toMatchObject({ name: 'InvalidParameterValue' });
    expect(q.depth('outbound')).toBe(0);
    const sent = await own.send(new SendMessageCommand({ QueueUrl: q.url('outbound'), MessageBody: 'ok' }));
    expect(sent.MessageId).toMatch(/^[0-9a-f-]{36}$/);
    expect(q.depth('outbound')).toBe(1);
  });
});
