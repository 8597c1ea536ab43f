/**
 * The compact ledger entry form on the balance item: every entry reads back exactly as written, entries
 * in the first list shape still read, and a charge entry stays small enough for a full outbox block to
 * fit the balance item's one-write-unit budget.
 */
import { describe, expect, it } from 'vitest';
import { decodeEntry, encodeEntry } from '../../functions/adapters/ledger-codec.ts';
import { newId } from '../../functions/core/ids.ts';
import type { NewLedgerEntry } from '../../functions/core/ports.ts';

const now = new Date('2026-12-03T06:04:12.160Z');
const id = newId('led', now);
const at = now.toISOString();

const entries: Record<string, NewLedgerEntry> = {
  charge: { id, at, type: 'charge', amount: -1, bucket: 'allowance', feature: 'product_description', generationId: newId('gen', now), productId: 'prod_b' },
  'charge from purchased, no product': { id, at, type: 'charge', amount: -3, bucket: 'purchased', feature: 'blog_post', generationId: newId('gen', now) },
  'grant with a reason': { id, at, type: 'grant', amount: 25, bucket: 'allowance', reason: 'Free plan monthly allowance' },
  'refund of 0 with a reason and a product "0"': { id, at, type: 'refund', amount: 0, bucket: 'allowance', feature: 'seo_meta', generationId: newId('gen', now), productId: '0', reason: 'model throttled; 1 allowance credit not returned' },
  'top-up': { id, at, type: 'top_up', amount: 500, bucket: 'purchased', topUpId: 'tu_123' },
  'time other than the id carries': { id, at: '2026-12-03T06:04:13.000Z', type: 'adjust', amount: -5, bucket: 'purchased', reason: 'support | goodwill "quoted"' },
  'generation id of another shape': { id, at, type: 'charge', amount: -1, bucket: 'allowance', feature: 'product_description', generationId: 'g17' },
  'ledger id of another shape': { id: 'entry1', at, type: 'grant', amount: 1, bucket: 'allowance' },
};

describe('ledger entry codec', () => {
  for (const [name, e] of Object.entries(entries)) {
    it(`given a ${name} entry, when encoded and decoded, then it is the same entry`, () => {
      expect(decodeEntry(encodeEntry(e))).toEqual(e);
    });
  }

  it('given an entry written in the first list shape, when decoded, then it reads as written', () => {
    const first = JSON.stringify([id, 'c', -1, 'a', null, 'd', 'gen_01m8x81nyhk51s0zpvmaff', 'prod_b']);
    expect(decodeEntry(first)).toEqual({ id, at, type: 'charge', amount: -1, bucket: 'allowance', feature: 'product_description', generationId: 'gen_01m8x81nyhk51s0zpvmaff', productId: 'prod_b' });
  });

  it('given a charge with a generation and a product, when encoded, then it takes at most 72 bytes (8 of them and a hold fit the 1 KB balance item)', () => {
    expect(Buffer.byteLength(encodeEntry(entries.charge))).toBeLessThanOrEqual(72);
  });
});
