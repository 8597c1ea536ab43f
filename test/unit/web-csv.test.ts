/**
 * The page's ledger export (web/src/csv.ts) and its usage-history rows (web/src/ledger.ts): pure
 * functions of the page, tested without a browser. The e2e suite checks the downloaded file against the API.
 */
import { describe, expect, it } from 'vitest';
import { LEDGER_CSV_COLUMNS, csvField, ledgerCsv, readWholeLedger } from '../../web/src/csv.ts';
import { groupLedger } from '../../web/src/ledger.ts';
import type { LedgerItem } from '../../web/src/types.ts';

const entry = (over: Partial<LedgerItem>): LedgerItem => ({
  id: 'led_1',
  at: '2026-12-01T10:00:00.000Z',
  type: 'charge',
  amount: -1,
  bucket: 'allowance',
  balanceAfter: 24,
  ...over,
});

describe('ledger CSV', () => {
  it('given plain values, then they are written as they are, and a missing one as an empty field', () => {
    expect(csvField('charge')).toBe('charge');
    expect(csvField(-3)).toBe('-3');
    expect(csvField(0)).toBe('0');
    expect(csvField(undefined)).toBe('');
    expect(csvField(null)).toBe('');
  });

  it('given a comma, a quote, a line break or an edge space, then the field is quoted with its quotes doubled', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('line 1\nline 2')).toBe('"line 1\nline 2"');
    expect(csvField('cr\rlf')).toBe('"cr\rlf"');
    expect(csvField(' padded')).toBe('" padded"');
    expect(csvField('padded ')).toBe('"padded "');
  });

  it('given entries, then the file is the header and one CRLF line per entry, in the columns of the contract', () => {
    const csv = ledgerCsv([
      entry({ id: 'led_2', type: 'grant', amount: 10, bucket: 'grant', balanceAfter: 35, grantId: 'grt_1', reason: 'Sorry, "again"' }),
      entry({ feature: 'product_description', generationId: 'gen_1', productId: 'prod_1' }),
    ]);
    expect(LEDGER_CSV_COLUMNS.join(',')).toBe('at,type,amount,bucket,balanceAfter,feature,generationId,productId,topUpId,grantId,reason');
    expect(csv).toBe(
      'at,type,amount,bucket,balanceAfter,feature,generationId,productId,topUpId,grantId,reason\r\n' +
        '2026-12-01T10:00:00.000Z,grant,10,grant,35,,,,,grt_1,"Sorry, ""again"""\r\n' +
        '2026-12-01T10:00:00.000Z,charge,-1,allowance,24,product_description,gen_1,prod_1,,,\r\n',
    );
  });

  it('given a ledger of three pages, when read whole, then every entry is read once, in order, following the cursors', async () => {
    const pages: Record<string, { items: LedgerItem[]; nextCursor: string | null }> = {
      start: { items: [entry({ id: 'a' }), entry({ id: 'b' })], nextCursor: 'c1' },
      c1: { items: [entry({ id: 'c' })], nextCursor: 'c2' },
      c2: { items: [entry({ id: 'd' })], nextCursor: null },
    };
    const asked: Array<string | null> = [];
    const all = await readWholeLedger(async (cursor) => {
      asked.push(cursor);
      return pages[cursor ?? 'start'];
    });
    expect(asked).toEqual([null, 'c1', 'c2']);
    expect(all.map((e) => e.id)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('given a list that hands back a cursor it gave before, when read whole, then the read stops instead of looping', async () => {
    let calls = 0;
    const all = await readWholeLedger(async () => {
      calls++;
      return { items: [entry({ id: `e${calls}` })], nextCursor: 'same' };
    });
    expect(calls).toBe(2);
    expect(all).toHaveLength(2);
  });
});

describe('usage history rows', () => {
  it('given a charge that takes from two grants and the allowance, then its row keeps the two grant parts apart', () => {
    const rows = groupLedger([
      entry({
        amount: -5,
        bucket: 'allowance',
        generationId: 'gen_1',
        sources: [
          { bucket: 'allowance', amount: -1 },
          { bucket: 'grant', id: 'grt_a', amount: -2 },
          { bucket: 'grant', id: 'grt_b', amount: -2 },
        ],
      }),
    ]);
    expect(rows).toHaveLength(1);
    expect(rows[0].sources).toEqual([
      { bucket: 'allowance', amount: -1 },
      { bucket: 'grant', id: 'grt_a', amount: -2 },
      { bucket: 'grant', id: 'grt_b', amount: -2 },
    ]);
  });
});
