/**
 * Money safety: a retry with the same Idempotency-Key never charges twice, also when the process died
 * after charging and before answering. The stack runs in a child process that is SIGKILLed at each point
 * between the charge and the completed idempotency record; a new process then takes the client's retry.
 */
import { describe, expect, it } from 'vitest';
import { startKillableStack, useDynaliteForStacks, type DynamoCall, type KillableStack } from '../support/killable-stack.ts';
import { call, freshAccount } from '../support/stack.ts';

const dynamo = useDynaliteForStacks();

const isMain = (c: DynamoCall) => typeof c.body.TableName === 'string' && !c.body.TableName.includes('idempotency');
/** The points at which the process dies, each a DynamoDB request it was about to send. */
const GAPS: Record<string, (c: DynamoCall) => boolean> = {
  'after the charge, before the generation is stored': (c) => isMain(c) && c.operation === 'PutItem' && String(c.body.Item?.sk?.S).startsWith('GEN#'),
  'after the generation is stored, before its charge is released': (c) =>
    isMain(c) && c.operation === 'UpdateItem' && String(c.body.UpdateExpression).startsWith('REMOVE #release'),
  'after the charge is released, before the idempotency record is completed': (c) =>
    !isMain(c) && c.operation === 'UpdateItem' && JSON.stringify(c.body.ExpressionAttributeValues ?? {}).includes('COMPLETED'),
};

async function tokenFor(stack: KillableStack, accountId: string): Promise<string> {
  const r = await call<{ token: string }>(`${stack.url}/local/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ accountId }),
  });
  return r.body.token;
}

describe.concurrent('a process killed between charging and answering (Idempotency-Key retries)', () => {
  for (const [gap, tripwire] of Object.entries(GAPS)) {
    it(`given the process dies ${gap}, when the client retries with the same key, then one generation is charged once and the retry answers it`, { timeout: 150_000 }, async () => {
      const stack = await startKillableStack(dynamo.endpoint);
      try {
        const accountId = freshAccount('crash');
        const auth = { authorization: `Bearer ${await tokenFor(stack, accountId)}` };
        const get = (path: string) => call(`${stack.url}${path}`, { headers: auth });
        const generate = () =>
          call(`${stack.url}/v1/generations`, {
            method: 'POST',
            headers: { ...auth, 'content-type': 'application/json', 'idempotency-key': 'order-42' },
            body: JSON.stringify({ feature: 'product_description', productId: 'prod_mug', input: { name: 'Stoneware mug' } }),
          });
        expect((await get('/v1/credits')).body.credits.available).toBe(25);

        stack.killWhen(tripwire);
        const lost = await generate().catch((err: unknown) => err);
        await stack.killed();
        expect(lost).toBeInstanceOf(Error); // the connection died with the process: the client saw no answer
        await stack.restart();

        // The first attempt's idempotency record stays "in progress" until the function's timeout has
        // passed (Lambda would have ended it by then); until then a retry is told so, and tries again.
        let retry = await generate();
        const deadline = Date.now() + 60_000;
        while (retry.status === 409 && Date.now() < deadline) {
          expect(retry.body.error.code).toBe('IDEMPOTENCY_CONFLICT');
          await new Promise((res) => setTimeout(res, 1000));
          retry = await generate();
        }
        expect(retry.status).toBe(201);
        const generationId = retry.body.id as string;
        expect(retry.body.creditsCharged).toBe(1);

        const again = await generate();
        expect([again.status, again.body.id]).toEqual([201, generationId]);

        const credits = (await get('/v1/credits')).body.credits;
        expect(credits.available).toBe(24);
        const ledger = (await get('/v1/credits/ledger?limit=100')).body.items as Array<{ type: string; amount: number; generationId?: string }>;
        expect(ledger.reduce((sum, e) => sum + e.amount, 0)).toBe(24);
        const spent = ledger.filter((e) => e.type === 'charge' || e.type === 'refund');
        expect(spent.reduce((sum, e) => sum + e.amount, 0)).toBe(-1);
        expect(spent.every((e) => e.generationId === generationId)).toBe(true);
        expect((await get(`/v1/generations/${generationId}`)).status).toBe(200);
      } finally {
        await stack.close();
      }
    });
  }
});
