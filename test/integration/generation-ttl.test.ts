/**
 * Unselected generations expire (the table's TTL attribute, GENERATION_TTL_DAYS after creation);
 * selecting one removes its TTL, and what is taken from it (product content) and the ledger never
 * carry one. Read straight from dynalite, as DynamoDB's TTL process would see the items.
 */
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { accountPk } from '../../functions/adapters/dynamo-store.ts';
import { deps } from '../../lib/local/deps.ts';
import { TABLE } from '../../lib/wiring.ts';
import { useStack } from '../support/stack.ts';

const ctx = useStack({ env: { LOG_LEVEL: 'SILENT', GENERATION_TTL_DAYS: '30' } });
const body = { feature: 'product_description', productId: 'prod_ttl', input: { name: 'Wool Socks', features: ['merino'] } };

const item = async (accountId: string, sk: string) =>
  (await deps().dynamo.doc.send(new GetCommand({ TableName: deps().env.TABLE_NAME, Key: { pk: accountPk(accountId), sk }, ConsistentRead: true }))).Item;

describe('generation TTL', () => {
  it('given GENERATION_TTL_DAYS=30, when a generation is stored, then it expires 30 days after its creation; when a variant is selected, then the TTL is removed and nothing else of the account expires', async () => {
    const { id, api } = await ctx.paid('plus');
    const g = await api.post('/v1/generations', body);
    expect(g.status).toBe(201);
    const stored = await item(id, `GEN#${g.body.id}`);
    expect(stored?.[TABLE.ttlAttribute]).toBe(Math.ceil(Date.parse(g.body.createdAt) / 1000) + 30 * 86_400);
    // The API never shows the attribute.
    expect((await api.get(`/v1/generations/${g.body.id}`)).body).not.toHaveProperty(TABLE.ttlAttribute);

    expect((await api.post(`/v1/generations/${g.body.id}/select`, { index: 0 })).status).toBe(200);
    const selected = await item(id, `GEN#${g.body.id}`);
    expect(selected?.selectedIndex).toBe(0);
    expect(selected).not.toHaveProperty(TABLE.ttlAttribute);

    // Balance, ledger and product content: no item of the account but the RATE window carries a TTL.
    const all = await deps().dynamo.doc.send(new QueryCommand({ TableName: deps().env.TABLE_NAME, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': accountPk(id) } }));
    const expiring = (all.Items ?? []).filter((i) => TABLE.ttlAttribute in i).map((i) => String(i.sk));
    expect(expiring.every((sk) => sk.startsWith('RATE'))).toBe(true);
    expect((all.Items ?? []).some((i) => String(i.sk).startsWith('PRODUCT#'))).toBe(true);
  });
});
